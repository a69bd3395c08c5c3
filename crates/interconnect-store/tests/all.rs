//! Every integration test of this crate in one test binary (one link
//! instead of one per file): each file of `tests/` is a module here.
//! Run one file's tests with `cargo test -p interconnect-store --test all FILE::`.

mod common;
mod postgres_store;
mod replicas;
mod restart;
mod scenarios;
mod sqlite_store;
