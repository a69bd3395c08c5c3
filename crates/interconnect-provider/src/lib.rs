//! # interconnect-provider
//!
//! The server side of the open Connection Coordinator specification: the
//! [`ConnectionCoordinator`] trait (one async method per operation, all 35 of upstream main),
//! its error model ([`CoordinatorError`], one HTTP status per kind), and a
//! reference provider that enforces every server-side rule of
//! `spec/REQUIREMENTS.md`.
//!
//! | module | what it holds | upstream source |
//! |---|---|---|
//! | [`coordinator`] | the `ConnectionCoordinator` trait | `openapi.yaml` paths |
//! | [`operations`] | the operation table: every operation once, with its request, response, kind, HTTP method and path | `openapi.yaml` paths |
//! | [`request`] | one typed request per operation | `paths/*.yaml` parameters and bodies |
//! | [`error`] | `CoordinatorError`, `ErrorKind` and the status table | `parameters/_index.yaml` `$.xgafv`; E-36 |
//! | [`caller`] | the authenticated caller and the providers it may act as | `docs/Protocols.md` "Provider" |
//! | [`page`] | `pageSize` and tamper-evident `pageToken`s | `List*` operations |
//! | [`retry`] | backoff with full jitter within 60 s; which errors are retried | `CreateConnection` description; NEG-4, NEG-8 |
//! | [`rules`] | the requirement ids this crate reports | `spec/REQUIREMENTS.md` |
//! | [`reference`](mod@reference) | `ReferenceProvider`: every server-side rule | `docs/Protocols.md`, `docs/DeferringProvider.md`, `paths/*.yaml` |
//! | [`customer`] | the customer side, [`ReferenceProvider::customer`]: request, describe and accept activation keys, read, change and delete connections | `docs/ConnectionCoordinatorAPI.md` § Create Connection at CSP A, § Accept Connection at CSP B |
//! | [`operator`] | the operator side, [`ReferenceProvider::operator`]: maintenance push and pull, the MACsec rotation driver, issues at the peer | `docs/Protocols.md` § Maintenance Coordination, § MACsec Key Rotation |
//! | [`config`] | identity, inventory, guidance policy, lifetimes; the built-in default pair | `docs/Protocols.md` "Static Resources" |
//! | [`store`], [`clock`], [`backend`] | the plug points: transactional store, injectable time, local devices | `ARCHITECTURE.md` |
//! | [`observe`] | `Observer`, the plug point a provider reports peer errors, retries and negotiation times to; the log's correlation ids | none upstream: OPS-51, OPS-53 |
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `testing` | no | `testing`: the shared scenarios and fixtures, generic over any `ConnectionCoordinator` (with tokio for the race scenarios) |
//!
//! ## Re-exported dependencies
//!
//! The crates whose types appear in this crate's public signatures are
//! re-exported, so that a user names the same versions: [`interconnect_core`],
//! [`chrono`] (times of the clock and the records), [`imbl`] (the store's
//! persistent maps) and [`ipnet`] (through core's address ranges).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use chrono;
pub use imbl;
pub use interconnect_core;
pub use ipnet;

pub mod backend;
pub mod caller;
pub mod clock;
pub mod config;
pub mod coordinator;
pub mod customer;
mod durability;
pub mod error;
pub mod negotiator;
pub mod observe;
pub mod operations;
pub mod operator;
pub mod page;
pub mod peer;
pub mod peer_budget;
pub mod reference;
pub mod request;
pub mod retry;
pub mod rules;
pub mod scheduler;
pub mod store;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use caller::Caller;
pub use coordinator::ConnectionCoordinator;
pub use error::{CoordinatorError, CoordinatorResult, ErrorKind};
pub use page::{PageRequest, PageTokenSigner, PageTokens};
pub use reference::ReferenceProvider;
