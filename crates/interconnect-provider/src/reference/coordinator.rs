//! `ConnectionCoordinator` for `ReferenceProvider`, generated from the
//! operation table: each operation is the function of the same name in its
//! family's file (`handlers`), run inside a tracing span and through the
//! `requestId` replay record; the answer leaves only once the store has made
//! what it says durable ([`Store::make_durable`](crate::store::Store::make_durable)).

use interconnect_core::wire;

use super::{ReferenceProvider, replay};
use crate::caller::Caller;
use crate::coordinator::ConnectionCoordinator;
use crate::error::CoordinatorResult;
use crate::request;

/// Every operation's handler, by the name of its trait method; each family
/// file (`connections.rs`, `issues.rs`, ...) holds its own.
mod handlers {
    pub(super) use super::super::{
        activation::*, connections::*, features::*, guidance::*, issues::*, key_parameters::*,
        macsec::*, maintenance::*, static_resources::*,
    };
}

macro_rules! dispatch {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl ConnectionCoordinator for ReferenceProvider {
            $(
                async fn $fn(&self, caller: &Caller, request: request::$req) -> CoordinatorResult<wire::$resp> {
                    let span = tracing::debug_span!(
                        stringify!($req),
                        caller = caller.principal(),
                        request_id = caller.request_id().map(|id| id.to_string()).as_deref().unwrap_or("-"),
                    );
                    let _enter = span.enter();
                    // REQ-3, REQ-4: a mutation with a requestId is recorded and replayed.
                    let result = replay::run(self, caller, stringify!($req), request, |request| {
                        handlers::$fn(self, caller, request)
                    });
                    // What the answer tells the peer must survive a crash
                    // before the peer reads it (`Store::make_durable`).
                    let result = self.store().make_durable().and(result);
                    if let Err(error) = &result {
                        tracing::debug!(status = error.http_status(), rule = error.rule(), "refused");
                    }
                    result
                }
            )*
        }
    };
}

crate::for_each_operation!(dispatch);
