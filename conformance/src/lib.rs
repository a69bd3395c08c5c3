//! # interconnect-conformance
//!
//! The conformance suite of the Connection Coordinator specification:
//! language-neutral vectors (`conformance/vectors/*.json`) and a runner that
//! checks them against this project's library functions (offline families)
//! or against any [`ConnectionCoordinator`](interconnect_provider::ConnectionCoordinator)
//! (protocol scenarios).
#![forbid(unsafe_code)]

pub mod outcome;

pub use outcome::{Outcome, Verdict};
pub mod offline;
pub mod report;
pub mod scenario;
pub mod vectors;

pub use offline::{Filter, run_offline};
pub use report::Report;
pub use vectors::LoadError;
