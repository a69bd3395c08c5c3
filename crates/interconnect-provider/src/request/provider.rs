//! Requests of `paths/providers.yaml`.

use interconnect_core::names::ProviderName;

/// `GET /providers`: the providers the caller may act as and the server's
/// own provider (AUTH-5). Takes no parameters; paging is not offered (LIST-9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListProviders {}

/// `GET /providers/{provider}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetProvider {
    /// `providers/{provider}`.
    pub name: ProviderName,
}

// Where each field travels in a call.
binding! {
    ListProviders(()) {}
    GetProvider(ProviderName) { name: target }
}
