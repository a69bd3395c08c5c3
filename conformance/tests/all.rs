//! Every integration test of this crate in one test binary (one link
//! instead of one per file): each file of `tests/` is a module here.
//! Run one file's tests with `cargo test -p interconnect-conformance --test all FILE::`.

mod coverage;
mod features;
#[cfg(feature = "http")]
mod http;
mod mutants;
mod mutants_interop;
mod offline;
mod offline_runner;
mod readme_figures;
mod report;
mod repository;
mod requirements_index;
mod scenarios;
mod test_layout;
