//! Every integration test of this crate in one test binary (one link
//! instead of one per file): each file of `tests/` is a module here.
//! Run one file's tests with `cargo test -p interconnect-core --test all FILE::`.

mod customer_golden;
#[cfg(feature = "schemars")]
mod parity;
mod repository;
mod requirements;
#[cfg(feature = "schemars")]
mod schemas;
mod secret_errors;
