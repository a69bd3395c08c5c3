//! Every integration test of this crate in one test binary (one link
//! instead of one per file): each file of `tests/` is a module here, and
//! `common` holds the helpers they share.
//! Run one file's tests with `cargo test -p interconnect-http --test all FILE::`.

mod common;

mod concurrent_flows;
mod dev_api;
mod head_limits;
mod keep_alive;
mod listener_limits;
mod management_api;
mod observability;
mod quotas_over_http;
mod repository;
mod request_ids;
mod requirements;
mod scenarios_over_http;
mod tls;
mod transport_errors;
