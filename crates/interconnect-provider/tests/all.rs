//! Every integration test of this crate in one test binary (one link
//! instead of one per file): each file of `tests/` is a module here.
//! Run one file's tests with `cargo test -p interconnect-provider --test all FILE::`.

mod activation_key_versions;
mod cleanup_retention;
mod durability;
mod interop;
mod monitoring;
mod negotiator;
mod negotiator_faults;
mod negotiator_ops;
mod negotiator_update;
mod peer_check;
mod policies;
mod quotas;
mod repository;
mod requirements;
mod scenarios;
mod scenarios_msi;
