//! Query parameters (`parameters/_index.yaml`; `paths/*.yaml`): the
//! operation parameters (`connectionId`, `featureId`, `macSecKeyId`,
//! `issueId`, `pageSize`, `pageToken`, `updateMask`) and the global ones.
//!
//! Global parameters (`spec/ERRATA.md` E-35): `$alt` must be `json` when
//! present (no other format is served), `$prettyPrint=true` indents the
//! response, `$.xgafv` is `1` or `2` (both answer the one error shape of
//! ERR-1), and `$callback` is never honoured: it is ignored and the response
//! stays plain JSON (AUTH-8). Every other parameter is ignored (ERR-4).

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use interconnect_provider::{CoordinatorError, PageRequest};

use crate::error_body::ApiError;
use crate::rules;

/// The parameters this binding reads: each takes one value (ERR-41). Other
/// parameters are ignored, repeated or not (ERR-4).
const READ_PARAMETERS: [&str; 12] = [
    "connectionId",
    "featureId",
    "macSecKeyId",
    "issueId",
    "pageSize",
    "pageToken",
    "updateMask",
    "requestId",
    "$alt",
    "$prettyPrint",
    "$.xgafv",
    "$callback",
];

/// The query parameters of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
    pretty: bool,
}

impl Params {
    /// Reads and checks the global parameters of a parsed query.
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, CoordinatorError> {
        // ERR-41: a parameter read by the binding appears at most once;
        // deciding by its first value would let two parties read one
        // request differently.
        if let Some(name) = READ_PARAMETERS
            .iter()
            .find(|name| pairs.iter().filter(|(k, _)| k == *name).count() > 1)
        {
            return Err(CoordinatorError::invalid_argument(
                rules::ERR_ONE_VALUE,
                format!("the query parameter {name} is given more than once; it takes one value"),
            ));
        }
        let mut params = Params {
            pairs,
            pretty: false,
        };
        if let Some(alt) = params.get("$alt")
            && alt != "json"
        {
            return Err(CoordinatorError::invalid_argument(
                rules::ERR_JSON_SHAPE,
                format!("$alt {:?} is not served; only \"json\" is", short(alt)),
            ));
        }
        if let Some(v) = params.get("$.xgafv")
            && v != "1"
            && v != "2"
        {
            return Err(CoordinatorError::invalid_argument(
                rules::ERR_JSON_SHAPE,
                format!("$.xgafv {:?} is not \"1\" or \"2\"", short(v)),
            ));
        }
        params.pretty = params.get("$prettyPrint") == Some("true");
        Ok(params)
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the response is indented (`$prettyPrint=true`).
    pub(crate) fn pretty(&self) -> bool {
        self.pretty
    }

    /// A required id parameter (`connectionId`, ...): absent or empty is 400
    /// (ERR-5); its segment rules are the coordinator's (NAME-9).
    pub(crate) fn required_id(&self, name: &str) -> Result<String, CoordinatorError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v.to_owned()),
            _ => Err(CoordinatorError::invalid_argument(
                rules::ERR_ID_PARAMETER,
                format!("the query parameter {name} is required"),
            )),
        }
    }

    /// `requestId` (upstream-next `parameters/_index.yaml` `x-request-id`):
    /// absent or empty is `None`; otherwise a UUID in any form the `uuid`
    /// crate reads (hyphenated, simple, braced, URN), else 400 naming the
    /// parameter (REQ-1).
    pub(crate) fn request_id(&self) -> Result<Option<uuid::Uuid>, CoordinatorError> {
        match self.get("requestId") {
            None | Some("") => Ok(None),
            Some(v) => uuid::Uuid::parse_str(v).map(Some).map_err(|_| {
                CoordinatorError::invalid_argument(
                    rules::REQ_ID_FORMAT,
                    format!("requestId {:?} is not a UUID", short(v)),
                )
            }),
        }
    }

    /// `pageSize` and `pageToken`.
    pub(crate) fn page(&self) -> Result<PageRequest, CoordinatorError> {
        let page_size = match self.get("pageSize") {
            None => None,
            // ERR-41: present but empty is malformed, not absent
            Some("") => {
                return Err(CoordinatorError::invalid_argument(
                    rules::LIST_PAGE_SIZE,
                    "pageSize is empty: give an integer or leave the parameter out",
                ));
            }
            Some(v) => Some(v.parse::<i32>().map_err(|_| {
                let message = if v.parse::<i128>().is_ok() {
                    format!("pageSize {} is out of range (at most 2147483647)", short(v))
                } else {
                    format!("pageSize {:?} is not an integer", short(v))
                };
                CoordinatorError::invalid_argument(rules::LIST_PAGE_SIZE, message)
            })?),
        };
        Ok(PageRequest {
            page_size,
            page_token: self.get("pageToken").map(str::to_owned),
        })
    }
}

/// At most 40 characters of a value, for messages.
fn short(v: &str) -> String {
    v.chars().take(40).collect()
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                ApiError::new(CoordinatorError::invalid_argument(
                    rules::ERR_JSON_SHAPE,
                    "the query string is not form-encoded",
                ))
            })?;
        Ok(Params::from_pairs(pairs)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &[(&str, &str)]) -> Result<Params, CoordinatorError> {
        Params::from_pairs(
            q.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn global_parameters_are_checked() {
        assert!(params(&[("$alt", "json")]).is_ok());
        assert_eq!(
            params(&[("$alt", "proto")])
                .map(|_| ())
                .map_err(|e| e.rule().to_owned()),
            Err("ERR-1".to_owned())
        );
        assert!(params(&[("$.xgafv", "2")]).is_ok());
        assert!(params(&[("$.xgafv", "3")]).is_err());
        assert!(params(&[("$prettyPrint", "true")]).expect("ok").pretty());
        assert!(!params(&[]).expect("ok").pretty());
        // AUTH-8 and ERR-4: ignored.
        assert!(params(&[("$callback", "steal"), ("whatever", "x")]).is_ok());
    }

    #[test]
    fn request_ids_are_uuids_or_a_400_naming_the_parameter() {
        let id = "550e8400-e29b-41d4-a716-446655440000";
        assert_eq!(
            params(&[("requestId", id)])
                .expect("ok")
                .request_id()
                .expect("a UUID")
                .map(|u| u.to_string()),
            Some(id.to_owned())
        );
        assert_eq!(params(&[]).expect("ok").request_id().expect("absent"), None);
        let e = params(&[("requestId", "not-a-uuid")])
            .expect("ok")
            .request_id()
            .expect_err("REQ-1");
        assert_eq!(e.rule(), "REQ-1");
        assert!(e.message().contains("requestId"), "{}", e.message());
    }

    #[test]
    fn ids_and_pages() {
        let p = params(&[
            ("connectionId", "c1"),
            ("pageSize", "5"),
            ("pageToken", "t"),
        ])
        .expect("ok");
        assert_eq!(p.required_id("connectionId").expect("present"), "c1");
        let e = p.required_id("featureId").expect_err("ERR-5: absent");
        assert_eq!(e.rule(), "ERR-5");
        assert_eq!(
            p.page().expect("page"),
            PageRequest {
                page_size: Some(5),
                page_token: Some("t".into())
            }
        );
        let bad = params(&[("pageSize", "many")]).expect("ok");
        assert_eq!(bad.page().expect_err("LIST-3").rule(), "LIST-3");
    }

    /// ERR-41: an empty `pageSize` is malformed (not absent), a value beyond
    /// int32 says it is out of range, and a parameter the binding reads is
    /// refused when repeated; unknown ones stay ignored (ERR-4).
    #[test]
    fn empty_out_of_range_and_repeated_parameters_are_refused() {
        let e = params(&[("pageSize", "")])
            .expect("ok")
            .page()
            .expect_err("empty");
        assert_eq!(e.rule(), "LIST-3");
        assert!(e.message().contains("empty"), "{}", e.message());
        let e = params(&[("pageSize", "99999999999")])
            .expect("ok")
            .page()
            .expect_err("beyond int32");
        assert!(e.message().contains("out of range"), "{}", e.message());
        let e = params(&[("pageSize", "5"), ("pageSize", "500")]).expect_err("repeated");
        assert_eq!(e.rule(), "ERR-41");
        assert!(e.message().contains("pageSize"), "{}", e.message());
        let e = params(&[("connectionId", "a"), ("connectionId", "b")]).expect_err("repeated");
        assert_eq!(e.rule(), "ERR-41");
        assert!(
            params(&[("unknown", "a"), ("unknown", "b")]).is_ok(),
            "ERR-4"
        );
    }
}
