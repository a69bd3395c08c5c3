//! `paths/environments.yaml` `ConfirmActivationKey` (KEY-14..KEY-22) and
//! `GetActivationKeyParameters` (upstream main, PR #61; KEY-40).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `POST .../environments/{environment}/ConfirmActivationKey` (body optional, ERR-6).
    confirm_activation_key => confirm_activation_key, |seg, q, body| request::ConfirmActivationKey {
        name: seg.environment()?,
        body: body.decode("ConfirmActivationKey", false)?,
    }
);
handler!(
    /// `GET .../environments/{environment}/activationKeyParameters` (KEY-40).
    get_activation_key_parameters => get_activation_key_parameters, |seg, q, _body| request::GetActivationKeyParameters {
        name: seg.environment()?,
    }
);
