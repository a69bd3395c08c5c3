//! # interconnect-core
//!
//! The pieces of the open Connection Coordinator specification that need no
//! I/O: wire-exact resource types, typed resource names, activation keys,
//! validation rules and allocation.
//!
//! | module | what it holds | upstream source |
//! |---|---|---|
//! | [`names`] | `ProviderName` ... `IssueName`: parse, display, navigate | `openapi.yaml` paths, `Format:` lines of the schemas |
//! | [`wire`] | one Rust type per schema of the specification | `schemas/*.yaml` |
//! | [`activation_key`] | encode, decode and carry activation keys; `ConnectionUuid` | `schemas/environment.yaml` (`ActivationKey`), `docs/Protocols.md` "Establish Customer Intent" |
//! | [`customer`] | customer-side documents (bandwidth, attachments, request, acceptance) and the `CUST-` pair rules | `docs/ConnectionCoordinatorAPI.md` "Create/Accept Connection", product announcements |
//! | [`validation`] | every rule the prose implies, reported with rule id and JSON path | `Protocols.md`, member descriptions |
//! | [`allocation`] | choosing a complete L3 configuration from guidance | `Protocols.md` "Negotiate Feature Parameters" |
//!
//! Nothing here performs I/O or depends on an async runtime, so the crate can
//! be used by any server, client or tool.
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `schemars` | yes | JSON Schema generation: `schemars::JsonSchema` for the wire and customer types and `wire::schemas` (the published schemas). Without it the types, names, keys, validation and allocation are all there; only the schema export is missing. |
//! | `rsa-oaep` | no | RSA-OAEP-256 encryption and decryption of version 2 activation keys (AWS-LC, built from C) |
//!
//! ## Re-exported dependencies
//!
//! Types of these crates appear in this crate's public signatures; they are
//! re-exported so that a user names the same versions: [`chrono`]
//! (timestamps), [`ipnet`] (address ranges) and, with `schemars`,
//! `schemars`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use chrono;
pub use ipnet;
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
pub use schemars;

pub mod activation_key;
pub mod allocation;
pub mod customer;
pub mod names;
pub mod validation;
pub mod wire;
