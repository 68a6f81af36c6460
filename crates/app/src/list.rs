//! What every list use case shares: page size, cursor and search parsing,
//! and the page handed back.

use oms_domain::invalid::{Invalid, Reason, Validation};
use oms_domain::user::Permission;
use oms_ports::error::StoreError;
use oms_ports::query::{NameCursor, NameQuery, PageLimit, SearchText};

use crate::cursor::{self, Cursor};

/// One page of a list, with the cursor for the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageOf<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> PageOf<T> {
    /// Wraps a store page, encoding its cursor.
    pub fn from_store<C: Cursor>(page: oms_ports::query::Page<T, C>) -> PageOf<T> {
        PageOf {
            items: page.items,
            next_cursor: page.next.as_ref().map(cursor::encode),
        }
    }
}

/// Search and paging for a list sorted by name (products, customers), as
/// the client sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListByName {
    /// Text to look for (in names, and for customers e-mail addresses).
    pub q: Option<String>,
    /// Page size, 1 to 100.
    pub limit: Option<i64>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// The store query for `request`.
pub(crate) fn name_query<I>(request: &ListByName) -> Result<NameQuery<I>, Invalid>
where
    NameCursor<I>: Cursor,
{
    let mut v = Validation::new();
    let search = search(&mut v, request.q.as_deref());
    let limit = limit(&mut v, request.limit);
    let after = cursor(&mut v, request.cursor.as_deref());
    v.finish()?;
    Ok(NameQuery {
        search,
        after,
        limit,
    })
}

/// Why a list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// A filter, the page size or the cursor is malformed.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The caller's role may not read this list.
    #[error("not allowed: {0:?}")]
    Forbidden(Permission),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The page size: `limit` when given and in range, else the default.
pub(crate) fn limit(v: &mut Validation, limit: Option<i64>) -> PageLimit {
    let Some(n) = limit else {
        return PageLimit::DEFAULT;
    };
    let range = Reason::OutOfRange {
        min: 1,
        max: i64::try_from(PageLimit::MAX).unwrap_or(i64::MAX),
    };
    match usize::try_from(n).ok().and_then(PageLimit::new) {
        Some(limit) => limit,
        None => {
            v.fail("limit", range);
            PageLimit::DEFAULT
        }
    }
}

/// The position in `raw`, noting a malformed cursor.
pub(crate) fn cursor<C: Cursor>(v: &mut Validation, raw: Option<&str>) -> Option<C> {
    let raw = raw?;
    let decoded = cursor::decode(raw);
    if decoded.is_none() {
        v.fail("cursor", Reason::Cursor);
    }
    decoded
}

/// The search text in `q`; blank means no search.
pub(crate) fn search(v: &mut Validation, q: Option<&str>) -> Option<SearchText> {
    let q = q?;
    if q.chars().count() > SearchText::MAX_LEN {
        v.fail("q", Reason::Rule("must be at most 100 characters"));
        return None;
    }
    // No stored name or address holds one, and some stores refuse them in a pattern.
    if q.chars().any(char::is_control) {
        v.fail("q", Reason::Rule("must not contain control characters"));
        return None;
    }
    SearchText::new(q)
}
