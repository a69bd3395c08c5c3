//! List pagination: `pageSize` and `pageToken` (`paths/*.yaml`, the `List*`
//! operations; `spec/REQUIREMENTS.md` LIST-1..LIST-9).
//!
//! A page token is opaque to the caller. Ours is the URL-safe base64 of
//! `{"o":operation,"p":parent,"c":caller,"a":last name returned}` followed by
//! a 64-bit keyed tag of that text, so a token we did not issue, an altered
//! one, or one replayed with another operation, parent or caller is refused
//! (LIST-4, LIST-5). The tag comes from a [`PageTokenSigner`]: by default a
//! SipHash with a key random per [`PageTokens`], so tokens do not survive a
//! restart of an in-memory server (a client then starts the listing again:
//! LIST-4 answers 400); a durable deployment gives every replica the same
//! signer, derived from its store's secrets key, so a token issued by one
//! replica is read by the others and after a restart (issue 15 item 6).
//!
//! Lists are ordered by resource name and a token remembers the last name
//! returned, not an offset, so a collection that changes between pages
//! neither repeats nor skips the items that stayed (LIST-7).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::CoordinatorError;
use crate::rules;

/// The page size used when the caller gives none or 0 (LIST-1).
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The largest page; larger requests are coerced down to it (LIST-2).
pub const MAX_PAGE_SIZE: usize = 1000;
/// Tokens longer than this are refused before decoding.
const MAX_TOKEN_CHARS: usize = 4096;

/// The paging parameters of a `List*` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PageRequest {
    /// `pageSize`: absent or 0 means [`DEFAULT_PAGE_SIZE`], above
    /// [`MAX_PAGE_SIZE`] means [`MAX_PAGE_SIZE`], negative is refused.
    pub page_size: Option<i32>,
    /// `pageToken`: absent or empty means the first page.
    pub page_token: Option<String>,
}

impl PageRequest {
    /// The first page with the default size.
    pub fn first() -> Self {
        PageRequest::default()
    }

    /// The first page of `size` items.
    pub fn of_size(size: i32) -> Self {
        PageRequest {
            page_size: Some(size),
            page_token: None,
        }
    }

    /// The page after `token`, keeping this request's size.
    pub fn next(&self, token: impl Into<String>) -> Self {
        PageRequest {
            page_size: self.page_size,
            page_token: Some(token.into()),
        }
    }

    /// The effective page size (LIST-1, LIST-2, LIST-3).
    pub fn effective_size(&self) -> Result<usize, CoordinatorError> {
        match self.page_size {
            None | Some(0) => Ok(DEFAULT_PAGE_SIZE),
            Some(n) if n < 0 => Err(CoordinatorError::invalid_argument(
                rules::LIST_NEGATIVE_SIZE,
                format!("pageSize must not be negative, got {n}"),
            )),
            Some(n) => Ok(usize::try_from(n)
                .unwrap_or(MAX_PAGE_SIZE)
                .min(MAX_PAGE_SIZE)),
        }
    }
}

/// What a token is bound to: the operation, the parent and the caller (LIST-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageScope<'a> {
    /// The operation id, for example `ListConnections`.
    pub operation: &'a str,
    /// The parent resource name from the path.
    pub parent: &'a str,
    /// The caller's principal.
    pub caller: &'a str,
}

#[derive(Serialize, Deserialize)]
struct TokenBody {
    o: String,
    p: String,
    c: String,
    a: String,
}

/// The keyed tag of a page token's text. Every replica of one deployment
/// must use signers with the same key.
pub trait PageTokenSigner: Send + Sync {
    /// A 64-bit tag of `text` under the signer's key.
    fn tag(&self, text: &str) -> u64;
}

/// The default signer: SipHash under a key random per process.
struct RandomKeySigner(RandomState);

impl PageTokenSigner for RandomKeySigner {
    fn tag(&self, text: &str) -> u64 {
        self.0.hash_one(text)
    }
}

/// Issues and checks page tokens for one server.
#[derive(Clone)]
pub struct PageTokens {
    signer: Arc<dyn PageTokenSigner>,
}

impl std::fmt::Debug for PageTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The signer holds a key: never print it.
        f.write_str("PageTokens(..)")
    }
}

impl Default for PageTokens {
    fn default() -> Self {
        Self::new()
    }
}

/// One page cut from a sorted list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The token of the next page; `None` on the last page (LIST-6).
    pub next_page_token: Option<String>,
}

impl PageTokens {
    /// A token issuer with a fresh random key.
    pub fn new() -> Self {
        PageTokens {
            signer: Arc::new(RandomKeySigner(RandomState::new())),
        }
    }

    /// A token issuer tagging with `signer`, shared by the replicas of one
    /// deployment.
    pub fn with_signer(signer: Arc<dyn PageTokenSigner>) -> Self {
        PageTokens { signer }
    }

    fn tag(&self, text: &str) -> u64 {
        self.signer.tag(text)
    }

    /// The token that resumes a listing in `scope` after the item named `after`.
    pub fn issue(&self, scope: &PageScope<'_>, after: &str) -> String {
        let body = TokenBody {
            o: scope.operation.to_owned(),
            p: scope.parent.to_owned(),
            c: scope.caller.to_owned(),
            a: after.to_owned(),
        };
        let text = serde_json::to_string(&body).unwrap_or_default();
        let mut bytes = text.clone().into_bytes();
        bytes.extend_from_slice(&self.tag(&text).to_be_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The name after which the page starts, or `None` for the first page.
    /// Refuses a token that was altered, not issued here, or issued for
    /// another scope (LIST-4, LIST-5).
    pub fn resume_after(
        &self,
        scope: &PageScope<'_>,
        token: Option<&str>,
    ) -> Result<Option<String>, CoordinatorError> {
        let token = match token {
            None | Some("") => return Ok(None),
            Some(t) => t,
        };
        let invalid = |why: &str| {
            CoordinatorError::invalid_argument(
                rules::LIST_OPAQUE_TOKEN,
                format!(
                    "pageToken is not a token this server issued for {}: {why}",
                    scope.operation
                ),
            )
        };
        if token.len() > MAX_TOKEN_CHARS {
            return Err(invalid("too long"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| invalid("not base64"))?;
        if bytes.len() < 8 {
            return Err(invalid("too short"));
        }
        let (text, tag) = bytes.split_at(bytes.len() - 8);
        let text = std::str::from_utf8(text).map_err(|_| invalid("altered"))?;
        let mut tag_bytes = [0u8; 8];
        tag_bytes.copy_from_slice(tag);
        if self.tag(text) != u64::from_be_bytes(tag_bytes) {
            return Err(invalid("altered or issued by another server"));
        }
        let body: TokenBody = serde_json::from_str(text).map_err(|_| invalid("altered"))?;
        if body.o != scope.operation || body.p != scope.parent || body.c != scope.caller {
            return Err(CoordinatorError::invalid_argument(
                rules::LIST_TOKEN_SCOPE,
                format!(
                    "pageToken was issued for another query; the operation, parent and caller must match the call that produced it ({} on {})",
                    scope.operation, scope.parent
                ),
            ));
        }
        Ok(Some(body.a))
    }

    /// Cuts one page from `items` (sorted by `key`, which must be unique and
    /// increasing) according to `request` in `scope`.
    pub fn page<T>(
        &self,
        scope: &PageScope<'_>,
        request: &PageRequest,
        items: Vec<T>,
        key: impl Fn(&T) -> String,
    ) -> Result<Page<T>, CoordinatorError> {
        self.page_within(scope, request, items, key, usize::MAX, |_| 0)
    }

    /// [`page`](Self::page), bounded in bytes as well (OPS-77): the page
    /// stops before the item whose `bytes` would take the page's total past
    /// `max_bytes` (each item counted with one byte of separator), but
    /// holds at least one item, so a listing always moves on; the token
    /// then resumes after the last item given.
    pub fn page_within<T>(
        &self,
        scope: &PageScope<'_>,
        request: &PageRequest,
        items: Vec<T>,
        key: impl Fn(&T) -> String,
        max_bytes: usize,
        bytes: impl Fn(&T) -> usize,
    ) -> Result<Page<T>, CoordinatorError> {
        let size = request.effective_size()?;
        let after = self.resume_after(scope, request.page_token.as_deref())?;
        let mut rest: Vec<T> = match &after {
            None => items,
            Some(after) => items
                .into_iter()
                .filter(|item| key(item) > *after)
                .collect(),
        };
        let mut total = 0_usize;
        let mut fits = 0;
        for item in rest.iter().take(size) {
            total = total.saturating_add(bytes(item).saturating_add(1));
            if fits > 0 && total > max_bytes {
                break;
            }
            fits += 1;
        }
        let next_page_token = if rest.len() > fits {
            rest.truncate(fits);
            rest.last().map(|last| self.issue(scope, &key(last)))
        } else {
            None
        };
        Ok(Page {
            items: rest,
            next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    /// OPS-77: a page stops before the item that would pass the byte cap,
    /// holds at least one item, and its token goes on from there: every
    /// item is listed once, in order.
    #[test]
    fn pages_are_bounded_in_bytes_and_the_token_goes_on() -> Result<(), CoordinatorError> {
        let tokens = PageTokens::new();
        // 26 items of 10 bytes (+1 separator): 3 fit in 33 bytes, not 4.
        let all: Vec<String> = (0..26).map(|i| format!("item-{i:05}")).collect();
        let mut seen = Vec::new();
        let mut request = PageRequest::of_size(10);
        let mut pages = 0;
        loop {
            let page =
                tokens.page_within(&SCOPE, &request, all.clone(), Clone::clone, 33, String::len)?;
            assert!(page.items.len() <= 3, "{:?}", page.items);
            assert!(!page.items.is_empty());
            seen.extend(page.items);
            pages += 1;
            match page.next_page_token {
                Some(token) => request = request.next(token),
                None => break,
            }
        }
        assert_eq!(seen, all, "every item once, in order");
        assert_eq!(pages, 9);
        // One item larger than the cap is still given alone.
        let big = vec!["x".repeat(100), "y".repeat(100)];
        let page = tokens.page_within(
            &SCOPE,
            &PageRequest::first(),
            big,
            Clone::clone,
            10,
            String::len,
        )?;
        assert_eq!(page.items.len(), 1);
        assert!(page.next_page_token.is_some());
        // At exactly the cap: 3 items of 11 bytes fit 33.
        let page = tokens.page_within(
            &SCOPE,
            &PageRequest::first(),
            all.clone(),
            Clone::clone,
            32,
            String::len,
        )?;
        assert_eq!(
            page.items.len(),
            2,
            "11 + 11 bytes fit 32, a third (33) does not"
        );
        Ok(())
    }

    const SCOPE: PageScope<'static> = PageScope {
        operation: "ListConnections",
        parent: "providers/gcp/environments/e/interconnects/ix1",
        caller: "gcp",
    };

    #[test]
    fn servers_sharing_a_signer_read_each_others_tokens_and_others_do_not() {
        struct Fixed;
        impl PageTokenSigner for Fixed {
            fn tag(&self, text: &str) -> u64 {
                text.bytes()
                    .fold(7, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
            }
        }
        let shared: Arc<dyn PageTokenSigner> = Arc::new(Fixed);
        let one = PageTokens::with_signer(shared.clone());
        let other = PageTokens::with_signer(shared);
        let token = one.issue(&SCOPE, "c0007");
        assert_eq!(
            other.resume_after(&SCOPE, Some(&token)),
            Ok(Some("c0007".to_owned())),
            "a replica with the same signer reads the token"
        );
        let stranger = PageTokens::new();
        let refused = stranger
            .resume_after(&SCOPE, Some(&token))
            .expect_err("LIST-4: a server with another key refuses the token");
        assert_eq!(refused.rule(), rules::LIST_OPAQUE_TOKEN);
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{i:04}")).collect()
    }

    #[test]
    fn sizes_default_coerce_and_refuse_negatives() {
        assert_eq!(PageRequest::first().effective_size(), Ok(50));
        assert_eq!(PageRequest::of_size(0).effective_size(), Ok(50));
        assert_eq!(PageRequest::of_size(7).effective_size(), Ok(7));
        assert_eq!(PageRequest::of_size(1000).effective_size(), Ok(1000));
        assert_eq!(PageRequest::of_size(1001).effective_size(), Ok(1000));
        assert_eq!(PageRequest::of_size(i32::MAX).effective_size(), Ok(1000));
        let err = PageRequest::of_size(-1)
            .effective_size()
            .expect_err("negative");
        assert_eq!(err.rule(), rules::LIST_NEGATIVE_SIZE);
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn paging_visits_every_item_once_and_omits_the_last_token() -> Result<(), CoordinatorError> {
        let tokens = PageTokens::new();
        let all = names(1234);
        let mut seen = Vec::new();
        let mut request = PageRequest::of_size(100);
        let mut pages = 0;
        loop {
            let page = tokens.page(&SCOPE, &request, all.clone(), Clone::clone)?;
            pages += 1;
            assert!(page.items.len() <= 100);
            seen.extend(page.items);
            match page.next_page_token {
                Some(t) => {
                    assert!(!t.is_empty());
                    request = request.next(t);
                }
                None => break,
            }
        }
        assert_eq!(pages, 13);
        assert_eq!(seen, all);
        Ok(())
    }

    #[test]
    fn the_default_page_is_50_and_oversized_pages_are_1000() -> Result<(), CoordinatorError> {
        let tokens = PageTokens::new();
        let page = tokens.page(&SCOPE, &PageRequest::first(), names(120), Clone::clone)?;
        assert_eq!(page.items.len(), 50);
        assert!(page.next_page_token.is_some());
        let page = tokens.page(
            &SCOPE,
            &PageRequest::of_size(5000),
            names(1500),
            Clone::clone,
        )?;
        assert_eq!(page.items.len(), 1000);
        let page = tokens.page(&SCOPE, &PageRequest::of_size(5000), names(10), Clone::clone)?;
        assert_eq!(page.items.len(), 10);
        assert_eq!(page.next_page_token, None);
        Ok(())
    }

    #[test]
    fn items_added_or_removed_between_pages_are_neither_repeated_nor_skipped()
    -> Result<(), CoordinatorError> {
        let tokens = PageTokens::new();
        let mut all = names(10);
        let page = tokens.page(&SCOPE, &PageRequest::of_size(4), all.clone(), Clone::clone)?;
        assert_eq!(page.items, names(4));
        all.remove(0);
        all.remove(5);
        let next = PageRequest::of_size(4).next(page.next_page_token.expect("more pages"));
        let page2 = tokens.page(&SCOPE, &next, all, Clone::clone)?;
        assert_eq!(page2.items, vec!["c0004", "c0005", "c0007", "c0008"]);
        Ok(())
    }

    #[test]
    fn tampered_foreign_and_rescoped_tokens_are_refused() -> Result<(), CoordinatorError> {
        let tokens = PageTokens::new();
        let token = tokens.issue(&SCOPE, "c0003");
        assert_eq!(
            tokens.resume_after(&SCOPE, Some(&token))?,
            Some("c0003".to_owned())
        );

        // One character changed anywhere.
        for i in 0..token.len() {
            let mut chars: Vec<char> = token.chars().collect();
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            let altered: String = chars.into_iter().collect();
            if altered == token {
                continue;
            }
            let err = tokens
                .resume_after(&SCOPE, Some(&altered))
                .expect_err("altered token");
            assert_eq!(err.rule(), rules::LIST_OPAQUE_TOKEN, "position {i}");
        }
        // Another server's token.
        let other = PageTokens::new().issue(&SCOPE, "c0003");
        let err = tokens
            .resume_after(&SCOPE, Some(&other))
            .expect_err("foreign token");
        assert_eq!(err.rule(), rules::LIST_OPAQUE_TOKEN);
        // Garbage and oversized input.
        for junk in ["***", "a", &"A".repeat(5000)] {
            assert!(tokens.resume_after(&SCOPE, Some(junk)).is_err());
        }
        // Another operation, parent or caller.
        for scope in [
            PageScope {
                operation: "ListFeatures",
                ..SCOPE
            },
            PageScope {
                parent: "providers/gcp/environments/e/interconnects/ix2",
                ..SCOPE
            },
            PageScope {
                caller: "azure",
                ..SCOPE
            },
        ] {
            let err = tokens
                .resume_after(&scope, Some(&token))
                .expect_err("scope mismatch");
            assert_eq!(err.rule(), rules::LIST_TOKEN_SCOPE);
            assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        }
        // Empty token means the first page.
        assert_eq!(tokens.resume_after(&SCOPE, Some(""))?, None);
        Ok(())
    }
}
