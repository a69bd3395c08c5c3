//! `paths/channels.yaml` `NotifyMaintenance` and `GetMaintenanceEvents`
//! (MAINT-1..MAINT-8).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `POST .../channels/{channel}/NotifyMaintenance` (body optional).
    notify_maintenance => notify_maintenance, |seg, q, body| request::NotifyMaintenance {
        channel: seg.channel()?,
        body: body.decode("NotifyMaintenance", false)?,
    }
);
handler!(
    /// `GET .../channels/{channel}/maintenanceEvents`.
    get_maintenance_events => get_maintenance_events, |seg, q, _body| request::GetMaintenanceEvents {
        channel: seg.channel()?,
    }
);
