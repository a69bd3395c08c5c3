//! # interconnect-conformance
//!
//! The conformance suite of the Connection Coordinator specification:
//! language-neutral vectors (`conformance/vectors/*.json`) and a runner that
//! checks them against this project's library functions (offline families)
//! or against any [`ConnectionCoordinator`](interconnect_provider::ConnectionCoordinator)
//! (protocol scenarios).
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `http` | yes | `scenario::HttpTarget`: running the suite against a live server at a URL, with the HTTP client of `interconnect-http` (reqwest, rustls). Without it the crate is usable offline: the embedded vectors, the offline families, the mutants and the in-process runner ([`scenario::FixtureTarget`]) are all there. |
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod embedded;
pub mod filter;
pub mod outcome;

pub use outcome::{Kind, Outcome, Verdict};
pub mod offline;
pub mod report;
pub mod scenario;
pub mod suite;
pub mod vectors;

pub use filter::Filter;
pub use offline::run_offline;
pub use report::Report;
pub use suite::{Listed, Suite, SuiteError, run_all};
pub use vectors::LoadError;
