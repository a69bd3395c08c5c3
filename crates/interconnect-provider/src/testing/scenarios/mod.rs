//! Scenarios: one public async function per rule (or small group of rules),
//! generic over any `ConnectionCoordinator`, panicking with a message that
//! names the rule when the target breaks it. One file per family.

mod features;
mod issues;
mod macsec;
mod maintenance;
mod static_resources;

pub use features::*;
pub use issues::*;
pub use macsec::*;
pub use maintenance::*;
pub use static_resources::*;
