//! # interconnect-http
//!
//! The HTTP binding of the Connection Coordinator specification
//! (`openapi.yaml`): [`router`] serves any
//! [`ConnectionCoordinator`](interconnect_provider::ConnectionCoordinator) at
//! the specification's paths, and [`HttpCoordinator`] implements the same
//! trait against a peer's base URL.
#![forbid(unsafe_code)]

mod serve;
mod tls;

pub use serve::{ServeError, Transport, bind_loopback, check_plain_allowed, serve};
pub use tls::{
    PemOrigin, TlsConfig, TlsConfigError, certificates_from_pem, certificates_from_pem_file,
    client_config,
};
