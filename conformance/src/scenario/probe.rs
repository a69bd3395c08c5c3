//! The raw requests of `probe` steps (`openapi.yaml` paths): one request per
//! operation of the specification, sent with chosen credentials to check
//! what the typed client cannot show, that every operation refuses a
//! caller without a valid token (AUTH-1) and that errors are the error
//! document of the specification (ERR-1). Paths use the discovered
//! placeholders; `{connectionId}` is the probe's connection id; the other
//! ids name nothing, since authentication comes before any lookup.

use std::sync::LazyLock;

use interconnect_provider::request::{self, Row};
use serde_json::Value;

/// One operation as a raw request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRequest {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path and query under the base URL, with placeholders.
    pub path: String,
    /// Whether the operation takes a JSON body (`{}` is sent).
    pub has_body: bool,
}

impl ProbeRequest {
    /// The body sent: `{}` for operations that take one.
    pub fn body(&self) -> Option<Value> {
        self.has_body.then(|| Value::Object(serde_json::Map::new()))
    }

    /// The probe of one row of the operation table: the template's path
    /// under the deepest resource a scenario discovers (`{provider}`,
    /// `{environment}`, `{interconnect}`, `{channel.1}`), the connection as
    /// `{connectionId}`, other resources as `probe`, and the query a create
    /// needs (`?featureId=probe`) or UpdateFeature's `updateMask=*`.
    fn of(row: &Row) -> Self {
        let mut path = String::new();
        for segment in row.path.split('/').skip(1) {
            let text = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some("provider" | "environment" | "interconnect") => {
                    path.clear();
                    segment.to_owned()
                }
                Some("channel") => {
                    path.clear();
                    "{channel.1}".to_owned()
                }
                Some(level) => probe_id(level),
                None => segment.to_owned(),
            };
            path.push('/');
            path.push_str(&text);
        }
        if let Some(parameter) = row.id_parameter() {
            let level = parameter.trim_end_matches("Id");
            path.push_str(&format!("?{parameter}={}", probe_id(level)));
        }
        if row.operation == "UpdateFeature" {
            path.push_str("?updateMask=*");
        }
        ProbeRequest {
            operation: row.operation,
            method: row.method.as_str(),
            path,
            has_body: row.method.has_body(),
        }
    }
}

/// The id a probe gives a resource below the discovered ones.
fn probe_id(level: &str) -> String {
    match level {
        "connection" => "{connectionId}".to_owned(),
        _ => "probe".to_owned(),
    }
}

/// The 35 operations of upstream main, in `openapi.yaml` order, from the
/// provider crate's operation table.
pub static PROBES: LazyLock<Vec<ProbeRequest>> =
    LazyLock::new(|| request::TABLE.iter().map(ProbeRequest::of).collect());

#[cfg(test)]
mod tests {
    use super::PROBES;

    #[test]
    fn every_operation_has_one_probe() {
        let ops: Vec<&str> = PROBES.iter().map(|p| p.operation).collect();
        assert_eq!(ops, interconnect_provider::request::OPERATIONS.to_vec());
    }
}
