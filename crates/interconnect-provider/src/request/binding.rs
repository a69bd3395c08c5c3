//! How a request travels as a call: the resource name its path addresses,
//! its query parameters and its body. Each request type declares its
//! fields' places once (`binding!`); the HTTP router reads requests
//! through a [`Source`], the HTTP client writes them into a [`Sink`], and
//! the conformance runner reads scenario steps through its own [`Source`].

use std::fmt::Display;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Operation;
use crate::page::PageRequest;

/// A request's place in a call (the `binding!` declarations of the request files implement it).
pub trait Binding: Operation + Sized {
    /// The name type the path addresses (`ConnectionName`, ...; `()` for
    /// `ListProviders`, whose path names nothing).
    type Target;

    /// Whether the operation has the `requestId` query parameter (all but
    /// UpdateFeature, upstream-next `paths/features.yaml`).
    const REQUEST_ID: bool = true;

    /// Reads the request from the parts of a call, field by field in
    /// declaration order (the first bad field is the error).
    fn read<S: Target<Self::Target>>(source: &S) -> Result<Self, S::Error>;

    /// Writes the request into a call.
    fn write<W: Sink>(&self, sink: &mut W) -> Result<(), W::Error>;
}

/// Where requests are read from. Each reader keeps its own errors.
pub trait Source {
    /// Why a part could not be read.
    type Error;
    /// `pageSize` and `pageToken`.
    fn page(&self) -> Result<PageRequest, Self::Error>;
    /// A required id parameter (`connectionId`, ...).
    fn id(&self, key: &'static str) -> Result<String, Self::Error>;
    /// An optional query parameter (`updateMask`).
    fn optional(&self, key: &'static str) -> Result<Option<String>, Self::Error>;
    /// The JSON body of `operation`; absent is the default value unless
    /// `required`.
    fn body<T: DeserializeOwned + Default>(
        &self,
        operation: &'static str,
        required: bool,
    ) -> Result<T, Self::Error>;
}

/// A [`Source`] that reads the resource name of type `N` from the path.
pub trait Target<N>: Source {
    /// The resource name.
    fn target(&self) -> Result<N, Self::Error>;
}

/// Where requests are written to.
pub trait Sink {
    /// Why the request could not be written.
    type Error;
    /// The resource name the path addresses.
    fn target(&mut self, name: &impl Display);
    /// `pageSize` and `pageToken`, when given.
    fn page(&mut self, page: &PageRequest);
    /// A required id parameter.
    fn id(&mut self, key: &'static str, value: &str);
    /// An optional query parameter, when given.
    fn optional(&mut self, key: &'static str, value: Option<&str>);
    /// The JSON body.
    fn body(&mut self, body: &impl Serialize) -> Result<(), Self::Error>;
}
