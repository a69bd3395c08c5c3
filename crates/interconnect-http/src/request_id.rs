//! Request ids (`x-request-id`): a sane incoming id is honoured, otherwise
//! a UUID is generated; the id is echoed on every response and recorded in
//! the request's tracing span (`ARCHITECTURE.md`), and in scope while the
//! request is answered ([`current`]), for the calls to a peer it makes.

#[cfg(feature = "server")]
use http::HeaderMap;
use http::{HeaderName, HeaderValue};

/// The header carrying the id.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[cfg(feature = "server")]
/// The id of a request: the incoming one when it is 1 to 128 characters of
/// `A-Z a-z 0-9 - _ . :`, else a new UUID.
pub(crate) fn request_id(headers: &HeaderMap) -> HeaderValue {
    headers
        .get(&REQUEST_ID)
        .filter(|v| is_sane(v.as_bytes()))
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
                .unwrap_or_else(|_| HeaderValue::from_static("unknown"))
        })
}

tokio::task_local! {
    /// The id of the request being answered by the current task.
    static CURRENT: HeaderValue;
}

#[cfg(feature = "server")]
/// Runs `work` with `id` as the current request's id.
pub(crate) async fn scope<F: std::future::Future>(id: HeaderValue, work: F) -> F::Output {
    CURRENT.scope(id, work).await
}

#[cfg(feature = "client")]
/// The id of the request the current task is answering, if any: a call to
/// a peer made while answering a request carries that request's id (OPS-52).
pub(crate) fn current() -> Option<HeaderValue> {
    CURRENT.try_with(HeaderValue::clone).ok()
}

#[cfg(feature = "server")]
fn is_sane(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;

    fn with(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(REQUEST_ID, HeaderValue::from_str(v).expect("header"));
        h
    }

    #[test]
    fn sane_ids_are_kept_others_replaced() {
        assert_eq!(request_id(&with("abc-123")), "abc-123");
        let fresh = request_id(&with("bad id; drop table"));
        assert_ne!(fresh, "bad id; drop table");
        assert_eq!(fresh.len(), 36, "a UUID");
        assert_eq!(request_id(&HeaderMap::new()).len(), 36);
        assert_ne!(
            request_id(&with(&"a".repeat(129))),
            "a".repeat(129).as_str()
        );
    }
}
