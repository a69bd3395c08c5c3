//! The 35 operations as HTTP calls, generated from the operation table: the
//! method and path of each come from its row ([`Operation::METHOD`],
//! [`Operation::path_to`]), the same constants the router serves; its query
//! and body from the request's [`Binding`].

use std::fmt::Display;
use std::marker::PhantomData;

use bytes::Bytes;
use interconnect_core::wire;
use interconnect_provider::request::{self, Binding, Operation, Sink};
use interconnect_provider::{
    Caller, ConnectionCoordinator, CoordinatorError, CoordinatorResult, PageRequest,
};
use reqwest::Method;
use serde::Serialize;

use super::HttpCoordinator;
use super::transport::{Call, json_body};

/// The HTTP method of operation `R`.
fn method<R: Operation>() -> Method {
    match R::METHOD {
        request::Method::Get => Method::GET,
        request::Method::Post => Method::POST,
        request::Method::Patch => Method::PATCH,
        request::Method::Delete => Method::DELETE,
    }
}

/// The call of operation `R`, as its request writes it.
struct Written<R> {
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Bytes>,
    operation: PhantomData<R>,
}

impl<R: Operation> Sink for Written<R> {
    type Error = CoordinatorError;

    fn target(&mut self, name: &impl Display) {
        self.path = R::path_to(name);
    }

    fn page(&mut self, page: &PageRequest) {
        if let Some(size) = page.page_size {
            self.query.push(("pageSize", size.to_string()));
        }
        if let Some(token) = &page.page_token {
            self.query.push(("pageToken", token.clone()));
        }
    }

    fn id(&mut self, key: &'static str, value: &str) {
        self.query.push((key, value.to_owned()));
    }

    fn optional(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(value) = value {
            self.query.push((key, value.to_owned()));
        }
    }

    fn body(&mut self, body: &impl Serialize) -> CoordinatorResult<()> {
        self.body = Some(json_body(body)?);
        Ok(())
    }
}

/// The call of `request`.
fn call<R: Binding>(request: &R) -> CoordinatorResult<Call<'static>> {
    let mut written = Written::<R> {
        path: R::PATH.to_owned(),
        query: Vec::new(),
        body: None,
        operation: PhantomData,
    };
    request.write(&mut written)?;
    Ok(Call {
        method: method::<R>(),
        path: written.path,
        query: written.query,
        body: written.body,
        request_id: R::REQUEST_ID,
        operation: R::ID,
    })
}

macro_rules! client {
    ($($req:ident $fn:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        impl ConnectionCoordinator for HttpCoordinator {
            $(
                async fn $fn(
                    &self,
                    caller: &Caller,
                    request: request::$req,
                ) -> CoordinatorResult<wire::$resp> {
                    self.send(caller, call(&request)?).await
                }
            )*
        }
    };
}

interconnect_provider::for_each_operation!(client);
