//! Cutting one page of a `List*` answer, shared by every family: items are
//! sorted by their key (a resource's name, LIST-7) and paged with tokens
//! bound to the operation, the parent and the caller (LIST-1..LIST-8).

use std::fmt::Display;

use interconnect_core::wire;

use super::ReferenceProvider;
use crate::caller::Caller;
use crate::error::CoordinatorResult;
use crate::page::{Page, PageRequest, PageScope};

/// Wire resources listed by their `name`.
pub(super) trait Named {
    /// The name as text, empty when absent.
    fn name_text(&self) -> String;
}

macro_rules! named {
    ($($ty:ty),*) => {
        $( impl Named for $ty {
            fn name_text(&self) -> String {
                self.name.as_ref().map(ToString::to_string).unwrap_or_default()
            }
        } )*
    };
}
named!(
    wire::Environment,
    wire::Interconnect,
    wire::Channel,
    wire::Connection,
    wire::Feature
);

/// The JSON size of a listed item (OPS-77): the wire resource alone for
/// items listed with their paging key.
pub(super) trait WireSize {
    /// Bytes of the item's JSON form.
    fn wire_size(&self) -> usize;
}

fn json_len<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

macro_rules! wire_size {
    ($($ty:ty),*) => {
        $( impl WireSize for $ty {
            fn wire_size(&self) -> usize {
                json_len(self)
            }
        } )*
    };
}
wire_size!(
    wire::Environment,
    wire::Interconnect,
    wire::Channel,
    wire::Connection,
    wire::Feature
);

impl<T: serde::Serialize> WireSize for (String, T) {
    fn wire_size(&self) -> usize {
        json_len(&self.1)
    }
}

/// The name of a listed resource, as the sort and page key.
pub(super) fn name_text<T: Named>(item: &T) -> String {
    item.name_text()
}

impl ReferenceProvider {
    /// One page of `items` for `operation` under `parent`, sorted by `key`,
    /// at most `policy.quotas.pageBytes` of JSON items (OPS-77).
    pub(super) fn page_of<T: WireSize>(
        &self,
        operation: &str,
        parent: &impl Display,
        caller: &Caller,
        request: &PageRequest,
        mut items: Vec<T>,
        key: impl Fn(&T) -> String,
    ) -> CoordinatorResult<Page<T>> {
        items.sort_by_cached_key(|item| key(item));
        let parent = parent.to_string();
        let scope = PageScope {
            operation,
            parent: &parent,
            caller: caller.principal(),
        };
        self.tokens.page_within(
            &scope,
            request,
            items,
            key,
            self.config.policy.quotas.page_bytes,
            WireSize::wire_size,
        )
    }
}
