//! # interconnect-http
//!
//! The HTTP binding of the Connection Coordinator specification
//! (`openapi.yaml`): [`router`] serves any
//! [`ConnectionCoordinator`](interconnect_provider::ConnectionCoordinator) at
//! the specification's paths, and [`HttpCoordinator`] implements the same
//! trait against a peer's base URL.
#![forbid(unsafe_code)]
