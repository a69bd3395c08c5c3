//! Scenarios: one public async function per rule (or small group of rules),
//! generic over any `ConnectionCoordinator`, panicking with a message that
//! names the rule when the target breaks it. One file per family.

mod activation;
mod connections;
mod static_resources;

pub use activation::*;
pub use connections::*;
pub use static_resources::*;
