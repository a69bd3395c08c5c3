//! Small runnable programs, each teaching one part of `interconnect-core`
//! or, for the last two, of `interconnect-provider`.
//! Run one with `cargo run -p interconnect-examples --example NAME`.
//!
//! | example | what it teaches |
//! |---|---|
//! | `tour` | the whole flow, from activation key to agreed features, on a built-in aws/gcp inventory |
//! | `decode_key` | encoding an activation key and reading it back as pasted; rejections |
//! | `validate_feature` | judging a proposed L3 feature against guidance; the `Report` as JSON |
//! | `check_pair` | checking a customer's two networks with `customer::validate_pair` |
//! | `http_peers` | two reference providers calling each other over loopback HTTP, from the customer's request to `VERIFIED` |
//! | `two_clouds` | two reference providers in process: key, accept, settle, VERIFIED on both sides, delete |
//! | `custom_backend` | a partner's routers behind `Backend`: calls become router jobs |
//! | `run_conformance` | running the conformance suite in process; a broken provider's report |
