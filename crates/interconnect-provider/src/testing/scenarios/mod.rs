//! Scenarios: one public async function per rule (or small group of rules),
//! generic over any `ConnectionCoordinator`, panicking with a message that
//! names the rule when the target breaks it. One file per family.

mod activation;
mod connections;
mod features;
mod issues;
mod macsec;
mod maintenance;
mod static_resources;

pub use activation::*;
pub use connections::*;
pub use features::*;
pub use issues::*;
pub use macsec::*;
pub use maintenance::*;
pub use static_resources::*;
