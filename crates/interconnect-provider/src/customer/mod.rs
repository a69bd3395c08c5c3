//! The customer side of a reference provider: what a customer of this
//! cloud calls. The specification leaves its shape to each provider
//! (`docs/ConnectionCoordinatorAPI.md` § Create Connection at CSP A,
//! § Accept Connection at CSP B); ours follows the product announcements
//! (the product announcements of the first partners): request a connection and get an activation key,
//! describe a key, accept it, read, change and delete connections.
//!
//! The customer-side checks of the core crate
//! ([`interconnect_core::customer`]: CIDR overlap, IP stack, MTU,
//! bandwidth tier, account match) and the key receiver's checks
//! (KEY-23..KEY-25, KEY-28, KEY-29) run before any call to the peer.
//!
//! | file | operations |
//! |---|---|
//! | `view.rs` | [`CustomerConnection`], what every operation answers |
//! | `request.rs` | [`Customer::request_connection`](crate::customer::Customer::request_connection) (the key issuer) |
//! | `accept.rs` | [`describe_activation_key`](crate::customer::Customer::describe_activation_key), [`accept_activation_key`](crate::customer::Customer::accept_activation_key) (the key receiver) |
//! | `manage.rs` | get, list and delete |
//! | `change.rs` | [`Customer::change_bandwidth`](crate::customer::Customer::change_bandwidth): in place or by migration |

mod accept;
mod change;
pub(crate) mod limits;
mod manage;
mod request;
mod view;

pub use accept::{AcceptActivationKey, KeyCheck, KeyDescription};
pub use request::ConnectionRequested;
pub use view::{CustomerConnection, CustomerFeature};

use interconnect_core::customer::Violation;

use crate::error::CoordinatorError;
use crate::reference::ReferenceProvider;

/// The 400 for customer-side violations: the first names the rule, all
/// are listed.
pub(crate) fn refusal(violations: &[Violation]) -> Option<CoordinatorError> {
    let first = violations.first()?;
    let mut message = format!("{}: {}", first.path, first.message);
    for v in violations.iter().skip(1) {
        message.push_str(&format!("; also {}: {} ({})", v.path, v.message, v.rule));
    }
    Some(CoordinatorError::invalid_argument(first.rule, message))
}

/// The customer side of a [`ReferenceProvider`]: what the customer API
/// calls, each method given the authenticated customer account where the
/// connection belongs to one ([`ReferenceProvider::customer`]).
///
/// It borrows the provider and reaches its state through it (`Deref`).
#[derive(Debug, Clone, Copy)]
pub struct Customer<'a> {
    provider: &'a ReferenceProvider,
}

impl ReferenceProvider {
    /// The customer side: request, describe and accept activation keys,
    /// read, change and delete the customer's connections.
    pub fn customer(&self) -> Customer<'_> {
        Customer { provider: self }
    }
}

impl std::ops::Deref for Customer<'_> {
    type Target = ReferenceProvider;

    fn deref(&self) -> &ReferenceProvider {
        self.provider
    }
}
