//! `paths/environments.yaml` `ConfirmActivationKey` (KEY-14..KEY-22).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `POST .../environments/{environment}/ConfirmActivationKey` (body optional, ERR-6).
    confirm_activation_key => confirm_activation_key, |seg, q, body| request::ConfirmActivationKey {
        name: seg.environment()?,
        body: body.decode("ConfirmActivationKey", false)?,
    }
);
