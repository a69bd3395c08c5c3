//! `paths/providers.yaml`, `paths/environments.yaml` (reads),
//! `paths/interconnects.yaml`, `paths/channels.yaml` (reads).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `GET /providers`.
    list_providers => list_providers, |_seg, q, _body| request::ListProviders {}
);
handler!(
    /// `GET /providers/{provider}`.
    get_provider => get_provider, |seg, q, _body| request::GetProvider { name: seg.provider()? }
);
handler!(
    /// `GET /providers/{provider}/environments`.
    list_environments => list_environments, |seg, q, _body| request::ListEnvironments {
        parent: seg.provider()?,
        page: q.page()?,
    }
);
handler!(
    /// `GET .../environments/{environment}`.
    get_environment => get_environment, |seg, q, _body| request::GetEnvironment {
        name: seg.environment()?,
    }
);
handler!(
    /// `GET .../environments/{environment}/interconnects`.
    list_interconnects => list_interconnects, |seg, q, _body| request::ListInterconnects {
        parent: seg.environment()?,
        page: q.page()?,
    }
);
handler!(
    /// `GET .../interconnects/{interconnect}`.
    get_interconnect => get_interconnect, |seg, q, _body| request::GetInterconnect {
        name: seg.interconnect()?,
    }
);
handler!(
    /// `GET .../interconnects/{interconnect}/channels`.
    list_channels => list_channels, |seg, q, _body| request::ListChannels {
        parent: seg.interconnect()?,
        page: q.page()?,
    }
);
handler!(
    /// `GET .../channels/{channel}`.
    get_channel => get_channel, |seg, q, _body| request::GetChannel { name: seg.channel()? }
);
