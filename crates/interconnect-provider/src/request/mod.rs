//! One typed request per operation of the specification (`openapi.yaml`
//! paths, 35 operations): the names from the path, the query parameters and
//! the body. Named after the operation (`request::CreateConnection`), so they
//! do not collide with the wire bodies of the same family
//! (`wire::ConfirmActivationKeyRequest`).
//!
//! Ids given in query parameters (`connectionId`, `featureId`,
//! `macSecKeyId`, `issueId`) are carried as received; the coordinator checks
//! them (NAME-9) so an in-process caller and an HTTP caller get the same
//! error.

/// Implements [`Binding`] for request types: the name type the path
/// addresses, `without request_id` for the one operation that lacks it, then
/// each field's place in a call: `target` (the resource name of the path),
/// `page` (`pageSize`, `pageToken`), `id("key")` (a required query
/// parameter), `optional("key")` (an optional one), `body(required)` or
/// `body(optional)`.
macro_rules! binding {
    ($($req:ident($target:ty) $(without $no:ident)? {
        $($field:ident: $place:ident $(($arg:tt))?),* $(,)?
    })*) => {
        $( impl crate::request::Binding for $req {
            type Target = $target;
            $(const REQUEST_ID: bool = binding!(@without $no);)?

            fn read<S: crate::request::Target<$target>>(_source: &S) -> Result<Self, S::Error> {
                Ok($req { $($field: binding!(@read _source $req $place $($arg)?),)* })
            }

            fn write<W: crate::request::Sink>(&self, _sink: &mut W) -> Result<(), W::Error> {
                $( binding!(@write _sink self.$field, $place $($arg)?); )*
                Ok(())
            }
        }

        impl crate::request::Recorded for $req {
            fn content(&self) -> serde_json::Result<Vec<u8>> {
                serde_json::to_vec(&($(&self.$field,)*))
            }
        } )*
    };
    (@without request_id) => { false };
    (@read $s:ident $req:ident target) => { crate::request::Target::target($s)? };
    (@read $s:ident $req:ident page) => { $s.page()? };
    (@read $s:ident $req:ident id $key:literal) => { $s.id($key)? };
    (@read $s:ident $req:ident optional $key:literal) => { $s.optional($key)? };
    (@read $s:ident $req:ident body required) => { $s.body(stringify!($req), true)? };
    (@read $s:ident $req:ident body optional) => { $s.body(stringify!($req), false)? };
    (@write $w:ident $v:expr, target) => { $w.target(&$v) };
    (@write $w:ident $v:expr, page) => { $w.page(&$v) };
    (@write $w:ident $v:expr, id $key:literal) => { $w.id($key, &$v) };
    (@write $w:ident $v:expr, optional $key:literal) => { $w.optional($key, $v.as_deref()) };
    (@write $w:ident $v:expr, body $required:ident) => { $w.body(&$v)? };
}

mod binding;
mod channel;
mod connection;
mod environment;
mod feature;
mod interconnect;
mod issue;
mod macseckey;
mod provider;

pub use binding::{Binding, Sink, Source, Target};
pub use channel::*;
pub use connection::*;
pub use environment::*;
pub use feature::*;
pub use interconnect::*;
pub use issue::*;
pub use macseckey::*;
pub use provider::*;

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST` (creates and custom methods).
    Post,
    /// `PATCH` (updates).
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method as HTTP writes it (`GET`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether a request of this method carries a JSON body.
    pub const fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Patch)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an operation changes state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Changes nothing (`Get*`, `List*`, `GenerateFeatureGuidance`).
    Read,
    /// Changes state (creates, updates, deletes, notifications).
    Mutation,
}

/// An operation of the specification: the constants of its row of the
/// operation table ([`for_each_operation!`](crate::for_each_operation)),
/// which the router and the HTTP client both read.
pub trait Operation {
    /// The operation id, for example `CreateConnection`.
    const ID: &'static str;
    /// Its HTTP method.
    const METHOD: Method;
    /// Its path template (`/providers/{provider}/issues/{issue}/Close`).
    const PATH: &'static str;
    /// Read or mutation.
    const KIND: Kind;

    /// The path of a call addressed to `target`, the resource name the
    /// request carries (`name` or `parent`): `/`, the name, then what the
    /// template has after its last placeholder (`/Close`, `/features`, or
    /// nothing). A template without placeholders (`/providers`) is the path.
    fn path_to(target: &impl std::fmt::Display) -> String {
        match Self::PATH.rfind('}') {
            Some(end) => format!("/{target}{}", &Self::PATH[end + 1..]),
            None => Self::PATH.to_owned(),
        }
    }
}

/// A row of the operation table, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: &'static str,
    /// Read or mutation.
    pub kind: Kind,
}

impl Row {
    /// The query parameter that names the resource a create makes
    /// (`connectionId`, `featureId`, `macSecKeyId`, `issueId`): a `POST` to
    /// a collection (a path ending in a lowercase literal segment, such as
    /// `.../connections`) creates a child, named in the child's placeholder
    /// (`{connection}`) followed by `Id`. `None` for any other operation.
    pub fn id_parameter(&self) -> Option<String> {
        if self.method != Method::Post {
            return None;
        }
        let last = self.path.rsplit('/').next()?;
        let collection = last.starts_with(|c: char| c.is_ascii_lowercase());
        let child = last.strip_suffix('s')?;
        collection.then(|| format!("{child}Id"))
    }
}

macro_rules! operations {
    ($($req:ident $method:ident -> $resp:ident, $kind:ident, $http:ident $path:literal;)*) => {
        $( impl Operation for $req {
            const ID: &'static str = stringify!($req);
            const METHOD: Method = operations!(@method $http);
            const PATH: &'static str = $path;
            const KIND: Kind = operations!(@kind $kind);
        } )*

        /// The operation ids of the specification, in `openapi.yaml` order.
        pub const OPERATIONS: [&str; COUNT] = [$(stringify!($req)),*];

        /// The number of operations (35 in upstream main).
        const COUNT: usize = [$(stringify!($req)),*].len();

        /// The operation table as data, in `openapi.yaml` order.
        pub const TABLE: [Row; COUNT] = [$(Row {
            operation: stringify!($req),
            method: operations!(@method $http),
            path: $path,
            kind: operations!(@kind $kind),
        }),*];
    };
    (@kind read) => { Kind::Read };
    (@kind mutation) => { Kind::Mutation };
    (@method GET) => { Method::Get };
    (@method POST) => { Method::Post };
    (@method PATCH) => { Method::Patch };
    (@method DELETE) => { Method::Delete };
}

crate::for_each_operation!(operations);

/// What a `requestId` record keeps of a mutation to recognize its replay
/// (REQ-3, REQ-4): its target and content (the `binding!` declarations implement it).
pub(crate) trait Recorded {
    /// The request's fields, serialized in order as one JSON array.
    fn content(&self) -> serde_json::Result<Vec<u8>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_path_is_the_name_and_the_tail_of_the_template() {
        let ix = "providers/a/environments/e/interconnects/i";
        assert_eq!(ListProviders::path_to(&""), "/providers");
        assert_eq!(ListConnections::path_to(&ix), format!("/{ix}/connections"));
        assert_eq!(GetInterconnect::path_to(&ix), format!("/{ix}"));
        assert_eq!(
            CloseIssue::path_to(&"providers/a/issues/i"),
            "/providers/a/issues/i/Close"
        );
    }

    #[test]
    fn creates_name_their_child_in_a_query_parameter() {
        let ids: Vec<(&str, String)> = TABLE
            .iter()
            .filter_map(|row| row.id_parameter().map(|p| (row.operation, p)))
            .collect();
        assert_eq!(
            ids,
            [
                ("CreateMacSecKey", "macSecKeyId".to_owned()),
                ("CreateConnection", "connectionId".to_owned()),
                ("CreateFeature", "featureId".to_owned()),
                ("CreateIssue", "issueId".to_owned()),
            ]
        );
    }

    #[test]
    fn every_operation_has_one_method_and_path() {
        let mut seen = std::collections::HashSet::new();
        for row in TABLE {
            assert!(row.path.starts_with("/providers"), "{}", row.operation);
            assert!(
                seen.insert((row.method, row.path)),
                "{} twice",
                row.operation
            );
        }
    }
}
