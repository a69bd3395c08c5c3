//! Every integration test of this crate in one test binary (one link
//! instead of one per file): each file of `tests/` is a module here.
//! Run one file's tests with `cargo test -p interconnect-cli --test all FILE::`.

mod cli;
mod conformance;
mod logs;
mod serve;
