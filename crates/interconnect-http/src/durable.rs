//! The customer and operator answers wait for the store's durability
//! barrier ([`Store::make_durable`]), like the partner answers do in the
//! provider's dispatch: a customer who reads "your connection is being
//! established" and hands the activation key to the other provider must not
//! find it gone after a power failure of this machine (OPS-33, ERRATA
//! E-407).
//!
//! The barrier runs after the handler and before the answer is sent; when
//! the store cannot make the handler's writes durable, the customer or
//! operator gets 503 `UNAVAILABLE` instead of the answer, and retries.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use interconnect_provider::ReferenceProvider;
use interconnect_provider::store::Store;

use crate::error_body::ApiError;

/// Middleware: runs the request, then makes the store durable before the
/// answer leaves. Reads cost nothing (the store has nothing to sync).
pub(crate) async fn durable_before_answer(
    State(provider): State<Arc<ReferenceProvider>>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    match Store::make_durable(provider.store().as_ref()) {
        Ok(()) => response,
        Err(error) => ApiError::from(error).into_response(),
    }
}
