//! List queries and keyset pagination.
//!
//! Pages are cut by the sort key of the last item seen, never by an offset:
//! a page stays correct while orders are being placed, and the store reads
//! only the page it returns.

use oms_domain::ids::{CustomerId, OrderId, ProductId, UserId};
use oms_domain::money::Money;
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_domain::order::status::OrderStatus;
use oms_domain::timestamp::Timestamp;

/// How many items one page may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLimit(usize);

impl PageLimit {
    /// The largest page.
    pub const MAX: usize = 100;
    /// The page size when the client does not choose one.
    pub const DEFAULT: PageLimit = PageLimit(20);
    /// The pages an export reads: no client sees them, and each page is a
    /// trip to the store, so they are larger than a client may ask for.
    pub const BULK: PageLimit = PageLimit(1_000);

    /// `n` when it is in `1..=MAX`.
    pub fn new(n: usize) -> Option<PageLimit> {
        (1..=Self::MAX).contains(&n).then_some(PageLimit(n))
    }

    /// The number of items.
    pub fn get(self) -> usize {
        self.0
    }

    /// How many items a store reads for one page: one more than it holds,
    /// so [`Page::cut`] can tell whether another page follows.
    pub fn fetch(self) -> usize {
        self.0 + 1
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One page of results, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T, C> {
    /// The items, in the list's sort order.
    pub items: Vec<T>,
    /// Present when more items follow.
    pub next: Option<C>,
}

impl<T, C> Page<T, C> {
    /// The page made of `fetched`, up to [`PageLimit::fetch`] items read
    /// in list order: the first `limit` of them, and the position of the
    /// last one kept (from `cursor`) when more were read.
    pub fn cut(mut fetched: Vec<T>, limit: PageLimit, cursor: impl FnOnce(&T) -> C) -> Self {
        let more = fetched.len() > limit.get();
        fetched.truncate(limit.get());
        let next = if more {
            fetched.last().map(cursor)
        } else {
            None
        };
        Page {
            items: fetched,
            next,
        }
    }

    /// The same page with each item turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U, C> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

/// A position in a list sorted by case-folded name, then id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameCursor<I> {
    /// The last item's [`oms_domain::name::Name::sort_key`].
    pub key: String,
    /// The last item's id, which breaks ties between equal names.
    pub id: I,
}

/// Case-folded text to look for inside names (and, for customers, e-mail
/// addresses). Plain text: stores must match it literally, never as a
/// pattern or operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// The longest search text.
    pub const MAX_LEN: usize = 100;

    /// Trims and case-folds `raw`; `None` when nothing is left or it is too long.
    pub fn new(raw: &str) -> Option<SearchText> {
        let text = raw.trim().to_lowercase();
        let fits = !text.is_empty()
            && text.chars().count() <= Self::MAX_LEN
            && !text.chars().any(char::is_control);
        fits.then_some(SearchText(text))
    }

    /// The case-folded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A list sorted by case-folded name, then id: products (`I` =
/// [`ProductId`]) or customers (`I` = [`CustomerId`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameQuery<I> {
    /// Only records whose name (and, for customers, e-mail address)
    /// contains this.
    pub search: Option<SearchText>,
    /// Start after this position.
    pub after: Option<NameCursor<I>>,
    /// Page size.
    pub limit: PageLimit,
}

impl<I> Default for NameQuery<I> {
    fn default() -> Self {
        NameQuery {
            search: None,
            after: None,
            limit: PageLimit::DEFAULT,
        }
    }
}

/// Products sorted by name: those for sale, or those archived.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductQuery {
    /// The search, the position and the page size.
    pub names: NameQuery<ProductId>,
    /// Archived products instead of those for sale.
    pub archived: bool,
}

/// Customers sorted by name.
pub type CustomerQuery = NameQuery<CustomerId>;

/// A position in the order list, which runs newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrderCursor {
    /// The last order's creation time.
    pub created_at: Timestamp,
    /// The last order's id, which breaks ties between equal times.
    pub id: OrderId,
}

impl OrderCursor {
    /// The position just past `order` in the list.
    pub fn past(order: &Order) -> OrderCursor {
        OrderCursor {
            created_at: order.created_at(),
            id: order.id(),
        }
    }
}

/// What people type to find an order: its number, or part of the
/// customer's name or e-mail address as the order recorded them. An order
/// matches when any of the three does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderSearch {
    text: SearchText,
    number: Option<OrderNumber>,
}

impl OrderSearch {
    /// The search for `text`, which is also an order number when it reads
    /// as one ("1042" or "#1042").
    pub fn new(text: SearchText) -> OrderSearch {
        let number = text.as_str().parse().ok();
        OrderSearch { text, number }
    }

    /// The case-folded text to find in names and addresses.
    pub fn text(&self) -> &SearchText {
        &self.text
    }

    /// The order number the text reads as, if it does.
    pub fn number(&self) -> Option<OrderNumber> {
        self.number
    }

    /// Whether `order` matches: the rule every store keeps.
    pub fn matches(&self, order: &Order) -> bool {
        let text = self.text.as_str();
        let customer = order.customer();
        self.number == Some(order.number())
            || customer.name.sort_key().contains(text)
            || customer.email.as_str().contains(text)
    }
}

/// Which orders to list; every set field must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// Only orders in this status.
    pub status: Option<OrderStatus>,
    /// Only orders for this customer.
    pub customer: Option<CustomerId>,
    /// Only orders placed by this user.
    pub placed_by: Option<UserId>,
    /// Only orders created at or after this instant.
    pub created_from: Option<Timestamp>,
    /// Only orders created before this instant.
    pub created_to: Option<Timestamp>,
    /// Only orders this search finds.
    pub search: Option<OrderSearch>,
    /// Only orders with (`true`) or without (`false`) a return asked for
    /// and not yet received or rejected.
    pub open_return: Option<bool>,
}

/// Orders, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Which orders.
    pub filter: OrderFilter,
    /// Start after this position.
    pub after: Option<OrderCursor>,
    /// Page size.
    pub limit: PageLimit,
}

/// Counts and takings over the orders a filter selects, for dashboards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderSummary {
    /// How many orders are in each status; a status with none is absent.
    pub by_status: Vec<(OrderStatus, u64)>,
    /// The sum of the totals of the orders paid and not cancelled.
    pub revenue: Money,
    /// The sum of the totals of the orders not cancelled whose payment is
    /// not recorded.
    pub outstanding: Money,
    /// The sum of the refunds recorded on the orders, cancelled ones too.
    pub refunded: Money,
    /// `revenue` less the refunds of the orders it counts.
    pub net_revenue: Money,
}

impl OrderSummary {
    /// How many orders are in `status`.
    pub fn count(&self, status: OrderStatus) -> u64 {
        self.by_status
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    }

    /// How many orders in all.
    pub fn orders(&self) -> u64 {
        self.by_status.iter().map(|(_, n)| n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_holds_one_to_a_hundred_items() {
        assert_eq!(PageLimit::new(0), None);
        assert_eq!(PageLimit::new(1).map(PageLimit::get), Some(1));
        assert_eq!(PageLimit::new(100).map(PageLimit::get), Some(100));
        assert_eq!(PageLimit::new(101), None);
    }

    #[test]
    fn a_page_is_cut_at_its_limit_and_points_past_its_last_item() {
        let limit = PageLimit::new(2).unwrap();
        let full = Page::cut(vec![1, 2, 3], limit, |n: &i32| *n * 10);
        assert_eq!((full.items, full.next), (vec![1, 2], Some(20)));
        let last = Page::cut(vec![1, 2], limit, |n: &i32| *n * 10);
        assert_eq!((last.items, last.next), (vec![1, 2], None));
        let empty = Page::cut(Vec::new(), limit, |n: &i32| *n);
        assert_eq!((empty.items, empty.next), (Vec::new(), None));
    }

    #[test]
    fn search_text_is_trimmed_and_case_folded() {
        assert_eq!(SearchText::new("  MuG ").unwrap().as_str(), "mug");
        assert_eq!(SearchText::new("   "), None);
        assert_eq!(SearchText::new("a\0b"), None, "no control characters");
        assert_eq!(SearchText::new(&"x".repeat(101)), None);
    }
}
