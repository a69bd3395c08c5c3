//! Deliberately broken coordinators for testing the suite itself: a
//! [`Mutant`] delegates every operation to an inner coordinator and lets
//! closures rewrite the caller or request before (or answer instead), and
//! rewrite the answer after. A new mutant is a few lines:
//!
//! ```ignore
//! let m = Mutant::new("accepts VLAN 1000", inner).after(|_caller, request, result| {
//!     // look at `request`, change `result`
//!     result
//! });
//! ```

use std::sync::Arc;

use interconnect_core::wire::from_value;
use interconnect_provider::{Caller, ConnectionCoordinator, CoordinatorError, CoordinatorResult};
use serde_json::Value;

use super::operations::{AnyRequest, invoke};

/// Runs before the inner coordinator: may change the caller or the
/// request, or answer instead (`Some`).
pub type Before =
    Arc<dyn Fn(&mut Caller, &mut AnyRequest) -> Option<CoordinatorResult<Value>> + Send + Sync>;

/// Runs after the inner coordinator: may change its answer (JSON).
pub type After = Arc<
    dyn Fn(&Caller, &AnyRequest, CoordinatorResult<Value>) -> CoordinatorResult<Value>
        + Send
        + Sync,
>;

/// A coordinator that breaks one rule of `inner`.
#[derive(Clone)]
pub struct Mutant<C> {
    name: String,
    inner: C,
    before: Vec<Before>,
    after: Vec<After>,
}

impl<C: ConnectionCoordinator> Mutant<C> {
    /// A faithful delegate of `inner`, named for reports.
    pub fn new(name: impl Into<String>, inner: C) -> Self {
        Mutant {
            name: name.into(),
            inner,
            before: Vec::new(),
            after: Vec::new(),
        }
    }

    /// What the mutant breaks.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The coordinator it wraps.
    pub fn inner(&self) -> &C {
        &self.inner
    }

    /// Adds a rewrite of the caller/request (or an answer instead).
    pub fn before(
        mut self,
        f: impl Fn(&mut Caller, &mut AnyRequest) -> Option<CoordinatorResult<Value>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.before.push(Arc::new(f));
        self
    }

    /// Adds a rewrite of the answer.
    pub fn after(
        mut self,
        f: impl Fn(&Caller, &AnyRequest, CoordinatorResult<Value>) -> CoordinatorResult<Value>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.after.push(Arc::new(f));
        self
    }

    async fn call(&self, caller: &Caller, request: AnyRequest) -> CoordinatorResult<Value> {
        let mut caller = caller.clone();
        let mut request = request;
        let mut answer = None;
        for f in &self.before {
            if let Some(a) = f(&mut caller, &mut request) {
                answer = Some(a);
                break;
            }
        }
        let mut result = match answer {
            Some(a) => a,
            None => invoke(&self.inner, &caller, request.clone()).await,
        };
        for f in &self.after {
            result = f(&caller, &request, result);
        }
        result
    }

    async fn typed<R: serde::de::DeserializeOwned>(
        &self,
        caller: &Caller,
        request: AnyRequest,
    ) -> CoordinatorResult<R> {
        let operation = request.operation();
        let value = self.call(caller, request).await?;
        from_value(value).map_err(|e| {
            CoordinatorError::internal("WIRE-1", format!("mutant {operation} answer: {e}"))
        })
    }
}

macro_rules! delegate {
    ($($variant:ident $method:ident -> $response:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl<C: ConnectionCoordinator> ConnectionCoordinator for Mutant<C> {
            $(
                async fn $method(
                    &self,
                    caller: &Caller,
                    request: interconnect_provider::request::$variant,
                ) -> CoordinatorResult<interconnect_core::wire::$response> {
                    self.typed(caller, AnyRequest::$variant(request)).await
                }
            )*
        }
    };
}

interconnect_provider::for_each_operation!(delegate);
