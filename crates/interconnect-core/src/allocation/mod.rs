//! Allocation: choosing a complete, valid L3 configuration for a channel
//! from the peer's guidance, our own constraints and what the channel
//! already uses. See [`allocate_l3`] for the choices made.

mod interval;
mod l3;
pub mod linear;

pub use interval::{IntervalSet, net_bounds};
pub use l3::{AllocationError, AllocationInput, DEFAULT_MTU, LocalConstraints, allocate_l3};

#[cfg(test)]
mod tests;
