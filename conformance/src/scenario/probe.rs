//! The raw requests of `probe` steps (`openapi.yaml` paths): one request per
//! operation of the specification, sent with chosen credentials to check
//! what the typed client cannot show, that every operation refuses a
//! caller without a valid token (AUTH-1) and that errors are the error
//! document of the specification (ERR-1). Paths use the discovered
//! placeholders; `{connectionId}` is the probe's connection id; the other
//! ids name nothing, since authentication comes before any lookup.

use serde_json::Value;

/// One operation as a raw request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeRequest {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path and query under the base URL, with placeholders.
    pub path: &'static str,
    /// Whether the operation takes a JSON body (`{}` is sent).
    pub has_body: bool,
}

impl ProbeRequest {
    /// The body sent: `{}` for operations that take one.
    pub fn body(&self) -> Option<Value> {
        self.has_body.then(|| Value::Object(serde_json::Map::new()))
    }
}

const fn get(operation: &'static str, path: &'static str) -> ProbeRequest {
    ProbeRequest {
        operation,
        method: "GET",
        path,
        has_body: false,
    }
}

const fn post(operation: &'static str, path: &'static str) -> ProbeRequest {
    ProbeRequest {
        operation,
        method: "POST",
        path,
        has_body: true,
    }
}

const fn delete(operation: &'static str, path: &'static str) -> ProbeRequest {
    ProbeRequest {
        operation,
        method: "DELETE",
        path,
        has_body: false,
    }
}

/// The 35 operations of upstream main, in `openapi.yaml` order.
pub const PROBES: [ProbeRequest; 35] = [
    get("ListProviders", "/providers"),
    get("GetProvider", "/{provider}"),
    get("ListEnvironments", "/{provider}/environments"),
    get("GetEnvironment", "/{environment}"),
    post(
        "ConfirmActivationKey",
        "/{environment}/ConfirmActivationKey",
    ),
    get(
        "GetActivationKeyParameters",
        "/{environment}/activationKeyParameters",
    ),
    get("ListInterconnects", "/{environment}/interconnects"),
    get("GetInterconnect", "/{interconnect}"),
    get("ListChannels", "/{interconnect}/channels"),
    get("GetChannel", "/{channel.1}"),
    post("NotifyMaintenance", "/{channel.1}/NotifyMaintenance"),
    post(
        "RequestMacSecKeyRotation",
        "/{channel.1}/RequestMacSecKeyRotation",
    ),
    get("GetMaintenanceEvents", "/{channel.1}/maintenanceEvents"),
    post(
        "CreateMacSecKey",
        "/{channel.1}/macSecKeys?macSecKeyId=probe",
    ),
    get("ListMacSecKeys", "/{channel.1}/macSecKeys"),
    get("GetMacSecKey", "/{channel.1}/macSecKeys/probe"),
    delete("DeleteMacSecKey", "/{channel.1}/macSecKeys/probe"),
    get("ListConnections", "/{interconnect}/connections"),
    post(
        "CreateConnection",
        "/{interconnect}/connections?connectionId={connectionId}",
    ),
    delete(
        "DeleteConnection",
        "/{interconnect}/connections/{connectionId}",
    ),
    get(
        "GetConnection",
        "/{interconnect}/connections/{connectionId}",
    ),
    ProbeRequest {
        operation: "UpdateConnection",
        method: "PATCH",
        path: "/{interconnect}/connections/{connectionId}",
        has_body: true,
    },
    post(
        "GenerateFeatureGuidance",
        "/{interconnect}/connections/{connectionId}/GenerateFeatureGuidance",
    ),
    post(
        "NotifyConnectionStatus",
        "/{interconnect}/connections/{connectionId}/NotifyConnectionStatus",
    ),
    get(
        "ListFeatures",
        "/{interconnect}/connections/{connectionId}/features",
    ),
    post(
        "CreateFeature",
        "/{interconnect}/connections/{connectionId}/features?featureId=probe",
    ),
    delete(
        "DeleteFeature",
        "/{interconnect}/connections/{connectionId}/features/probe",
    ),
    get(
        "GetFeature",
        "/{interconnect}/connections/{connectionId}/features/probe",
    ),
    ProbeRequest {
        operation: "UpdateFeature",
        method: "PATCH",
        path: "/{interconnect}/connections/{connectionId}/features/probe?updateMask=*",
        has_body: true,
    },
    get("ListIssues", "/{provider}/issues"),
    post("CreateIssue", "/{provider}/issues?issueId=probe"),
    get("GetIssue", "/{provider}/issues/probe"),
    post("CloseIssue", "/{provider}/issues/probe/Close"),
    get("ListComments", "/{provider}/issues/probe/comments"),
    post("AddComment", "/{provider}/issues/probe/AddComment"),
];

#[cfg(test)]
mod tests {
    use super::PROBES;

    #[test]
    fn every_operation_has_one_probe() {
        let ops: Vec<&str> = PROBES.iter().map(|p| p.operation).collect();
        assert_eq!(ops, interconnect_provider::request::OPERATIONS.to_vec());
    }
}
