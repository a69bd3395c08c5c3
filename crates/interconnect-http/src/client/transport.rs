//! One HTTP exchange and its mapping back to coordinator results (ERR-1,
//! ERR-8).

use std::time::Duration;

use bytes::Bytes;
use interconnect_core::wire::{MAX_DOCUMENT_BYTES, from_json};
use interconnect_provider::{Caller, CoordinatorError, CoordinatorResult, ErrorKind};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{AnswerTap, HttpCoordinator};
use crate::error_body::ErrorBody;
use crate::request_id::REQUEST_ID;
use crate::rules;

/// Attempts of a read (`Get*`, `List*`) that failed in transport.
pub const READ_ATTEMPTS: u32 = 3;

/// The pause before the n-th retry of a read (25 ms, 50 ms; under 100 ms).
fn pause(attempt: u32) -> Duration {
    Duration::from_millis(25u64.saturating_mul(u64::from(attempt.max(1))))
}

/// One call: method, path (starting with `/`), query and body.
pub(super) struct Call<'a> {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: Vec<(&'a str, String)>,
    /// The JSON body, shared (not copied) by every attempt.
    pub(super) body: Option<Bytes>,
    /// Whether the operation has the `requestId` parameter (all but
    /// UpdateFeature, upstream-next `paths/*.yaml`).
    pub(super) request_id: bool,
    /// The operation id (`CreateConnection`), for the log.
    pub(super) operation: &'static str,
}

/// A JSON body, written once and shared by every attempt.
pub(super) fn json_body<T: Serialize>(body: &T) -> CoordinatorResult<Bytes> {
    let text = serde_json::to_vec(body).map_err(|e| {
        CoordinatorError::internal(
            rules::ERR_TRANSPORT,
            format!("the request body could not be written: {e}"),
        )
    })?;
    Ok(Bytes::from(text))
}

/// A transport failure as a coordinator error (never holds the token).
fn transport_error(e: &reqwest::Error) -> CoordinatorError {
    if e.is_timeout() {
        CoordinatorError::deadline_exceeded(rules::ERR_TRANSPORT, "the peer did not answer in time")
    } else if e.is_connect() {
        CoordinatorError::unavailable(rules::ERR_TRANSPORT, "the peer could not be reached")
    } else {
        CoordinatorError::unavailable(
            rules::ERR_TRANSPORT,
            "the exchange with the peer failed in transport",
        )
    }
}

/// An error answer mapped back to the coordinator error it carries.
pub(crate) fn error_from_answer(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> CoordinatorError {
    let error = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(body) => body.into_error(status),
        Err(_) => CoordinatorError::new(
            ErrorKind::from_http_status(status),
            rules::ERR_TRANSPORT,
            format!("the peer answered HTTP {status} without an error body"),
        ),
    };
    match retry_after {
        Some(after) => error.with_retry_after(after),
        None => error,
    }
}

impl HttpCoordinator {
    /// Sends `call` as `caller` and decodes the answer.
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        caller: &Caller,
        call: Call<'_>,
    ) -> CoordinatorResult<T> {
        let token = self.credentials.get(caller.principal()).ok_or_else(|| {
            CoordinatorError::unauthenticated(
                rules::AUTH_AUTHENTICATED,
                format!("this client holds no credential for {}", caller.principal()),
            )
        })?;
        let idempotent = call.method == Method::GET;
        let attempts = if idempotent { READ_ATTEMPTS } else { 1 };
        let url = format!("{}{}", self.base_url, call.path);
        // REQ-2: one id per logical operation, the caller's when it carries
        // one (a negotiator retrying a step), and the same on every attempt.
        let mut query = call.query;
        if call.request_id {
            let id = caller.request_id().unwrap_or_else(uuid::Uuid::new_v4);
            query.insert(0, ("requestId", id.to_string()));
        }
        // OPS-52: the id of the request being answered, when the call is
        // made for one, else a new one; the same on every attempt
        let header_id = crate::request_id::current().unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
                .unwrap_or_else(|_| HeaderValue::from_static("unknown"))
        });
        let started = std::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self
                .client
                .request(call.method.clone(), &url)
                .header(AUTHORIZATION, format!("Bearer {}", token.expose()))
                .header(REQUEST_ID, header_id.clone());
            if !query.is_empty() {
                request = request.query(&query);
            }
            if let Some(body) = &call.body {
                // A reference-counted handle, not a copy of the body.
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) if attempt < attempts && !e.is_timeout() => {
                    tracing::debug!(attempt, "retrying a read after a transport failure");
                    tokio::time::sleep(pause(attempt)).await;
                    continue;
                }
                Err(e) => {
                    let error = transport_error(&e);
                    tracing::debug!(
                        operation = call.operation,
                        request_id = header_id.to_str().unwrap_or("-"),
                        kind = error.kind().status_name(),
                        latency_ms = started.elapsed().as_millis() as u64,
                        "peer call failed in transport"
                    );
                    return Err(error);
                }
            };
            tracing::debug!(
                operation = call.operation,
                request_id = header_id.to_str().unwrap_or("-"),
                status = response.status().as_u16(),
                latency_ms = started.elapsed().as_millis() as u64,
                "peer answered"
            );
            return read_answer(response, self.tap.as_ref()).await;
        }
    }
}

/// The answer's body, refused once it grows past `limit` bytes.
async fn read_capped(mut response: reqwest::Response, limit: usize) -> CoordinatorResult<Vec<u8>> {
    // One allocation when the peer announces the length (never more than
    // the limit, whatever it announces).
    let announced = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let mut body = Vec::with_capacity(announced.min(limit));
    while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(&e))? {
        if body.len() + chunk.len() > limit {
            return Err(CoordinatorError::internal(
                rules::ERR_TRANSPORT,
                format!("the peer's answer is larger than {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After` in either form of RFC 9110 § 10.2.3: delay-seconds, or
/// an HTTP-date (the wait until then from `now`; a date already past is no
/// wait). Anything else is ignored, and the retry policy's own backoff
/// applies (NEG-41, E-323).
pub(crate) fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

async fn read_answer<T: DeserializeOwned>(
    response: reqwest::Response,
    tap: Option<&AnswerTap>,
) -> CoordinatorResult<T> {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
    let body = read_capped(response, MAX_DOCUMENT_BYTES).await?;
    if status == StatusCode::OK {
        if let Some(tap) = tap {
            tap.put(&body);
        }
        from_json(&body).map_err(|e| {
            CoordinatorError::internal(
                rules::ERR_TRANSPORT,
                format!("the peer's answer is not the expected document: {e}"),
            )
        })
    } else {
        Err(error_from_answer(status.as_u16(), retry_after, &body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_rule_survives_the_wire() {
        for kind in ErrorKind::ALL {
            let e = CoordinatorError::new(kind, "MACSEC-4", "a channel: has keys");
            let text = serde_json::to_vec(&ErrorBody::of(&e)).expect("writes");
            let back = error_from_answer(kind.http_status(), None, &text);
            assert_eq!(back.kind(), kind, "{kind:?}");
            assert_eq!(back.rule(), "MACSEC-4");
            assert_eq!(back, e);
        }
    }

    #[test]
    fn bodies_that_are_not_errors_still_map_by_status() {
        let e = error_from_answer(503, Some(Duration::from_secs(2)), b"<html>busy</html>");
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert_eq!(e.rule(), "ERR-8");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        let e = error_from_answer(409, None, b"");
        assert_eq!(e.kind(), ErrorKind::Aborted);
    }

    #[test]
    fn retry_after_is_read_in_both_forms() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .expect("date")
            .with_timezone(&chrono::Utc);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Fri, 04 Dec 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30)),
            "an HTTP-date is the wait until then"
        );
        assert_eq!(
            parse_retry_after("Fri, 04 Dec 2026 09:59:00 GMT", now),
            Some(Duration::ZERO),
            "a date already past is no wait"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn read_pauses_stay_short() {
        for attempt in 0..READ_ATTEMPTS {
            assert!(pause(attempt) < Duration::from_millis(100));
        }
    }
}
