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
//! | `request.rs` | [`ReferenceProvider::request_connection`](crate::ReferenceProvider::request_connection) (the key issuer) |
//! | `accept.rs` | [`describe_activation_key`](crate::ReferenceProvider::describe_activation_key), [`accept_activation_key`](crate::ReferenceProvider::accept_activation_key) (the key receiver) |
//! | `manage.rs` | get, list and delete |
//! | `change.rs` | [`ReferenceProvider::change_bandwidth`](crate::ReferenceProvider::change_bandwidth): in place or by migration |

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
