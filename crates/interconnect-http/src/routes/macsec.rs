//! `paths/macseckeys.yaml` and `paths/channels.yaml`
//! `RequestMacSecKeyRotation` (MACSEC-1..MACSEC-22).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `POST .../channels/{channel}/RequestMacSecKeyRotation` (body optional).
    request_mac_sec_key_rotation => request_mac_sec_key_rotation, |seg, q, body| request::RequestMacSecKeyRotation {
        channel: seg.channel()?,
        body: body.decode("RequestMacSecKeyRotation", false)?,
    }
);
handler!(
    /// `POST .../channels/{channel}/macSecKeys?macSecKeyId=` (body read as
    /// `{}` when absent, then MACSEC-13 applies).
    create_mac_sec_key => create_mac_sec_key, |seg, q, body| request::CreateMacSecKey {
        parent: seg.channel()?,
        mac_sec_key_id: q.required_id("macSecKeyId")?,
        mac_sec_key: body.decode("CreateMacSecKey", false)?,
    }
);
handler!(
    /// `GET .../channels/{channel}/macSecKeys` (one page, LIST-9).
    list_mac_sec_keys => list_mac_sec_keys, |seg, q, _body| request::ListMacSecKeys {
        parent: seg.channel()?,
    }
);
handler!(
    /// `GET .../macSecKeys/{macSecKey}`.
    get_mac_sec_key => get_mac_sec_key, |seg, q, _body| request::GetMacSecKey {
        name: seg.mac_sec_key()?,
    }
);
handler!(
    /// `DELETE .../macSecKeys/{macSecKey}`.
    delete_mac_sec_key => delete_mac_sec_key, |seg, q, _body| request::DeleteMacSecKey {
        name: seg.mac_sec_key()?,
    }
);
