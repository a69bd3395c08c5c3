//! `paths/connections.yaml` (CONN-1..CONN-22).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `GET .../interconnects/{interconnect}/connections`.
    list_connections => list_connections, |seg, q, _body| request::ListConnections {
        parent: seg.interconnect()?,
        page: q.page()?,
    }
);
handler!(
    /// `POST .../interconnects/{interconnect}/connections?connectionId=` (body required).
    create_connection => create_connection, |seg, q, body| request::CreateConnection {
        parent: seg.interconnect()?,
        connection_id: q.required_id("connectionId")?,
        connection: body.decode("CreateConnection", true)?,
    }
);
handler!(
    /// `GET .../connections/{connection}`.
    get_connection => get_connection, |seg, q, _body| request::GetConnection {
        name: seg.connection()?,
    }
);
handler!(
    /// `PATCH .../connections/{connection}?updateMask=` (body required).
    update_connection => update_connection, |seg, q, body| request::UpdateConnection {
        name: seg.connection()?,
        update_mask: q.get("updateMask").map(str::to_owned),
        connection: body.decode("UpdateConnection", true)?,
    }
);
handler!(
    /// `DELETE .../connections/{connection}`.
    delete_connection => delete_connection, |seg, q, _body| request::DeleteConnection {
        name: seg.connection()?,
    }
);
handler!(
    /// `POST .../connections/{connection}/NotifyConnectionStatus` (body optional).
    notify_connection_status => notify_connection_status, |seg, q, body| request::NotifyConnectionStatus {
        name: seg.connection()?,
        body: body.decode("NotifyConnectionStatus", false)?,
    }
);
