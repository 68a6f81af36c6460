//! The order numbers a group of placements may give, in increasing order.
//! A store with one writer (memory, SQLite) may give every number after the
//! greatest it holds; a store written by several instances (MongoDB) gives
//! each instance ranges of its own, so no two transactions contend for one
//! counter.

use oms_domain::order::number::OrderNumber;

/// Numbers from `next` up to, not including, `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderNumbers {
    next: u64,
    end: u64,
}

impl OrderNumbers {
    /// Every number after `last` (the greatest a store holds; `None` when
    /// it holds no order yet).
    pub fn after(last: Option<OrderNumber>) -> OrderNumbers {
        OrderNumbers {
            next: last.map_or(OrderNumber::FIRST.get(), |n| n.get() + 1),
            end: OrderNumber::MAX + 1,
        }
    }

    /// `count` numbers from `first`.
    pub fn range(first: OrderNumber, count: u64) -> OrderNumbers {
        OrderNumbers {
            next: first.get(),
            end: first.get().saturating_add(count).min(OrderNumber::MAX + 1),
        }
    }

    /// No number at all: a store that has not reserved any places nothing.
    pub fn none() -> OrderNumbers {
        OrderNumbers { next: 0, end: 0 }
    }

    /// The next number, if one is left.
    pub fn peek(&self) -> Option<OrderNumber> {
        (self.next < self.end)
            .then(|| OrderNumber::new(self.next).ok())
            .flatten()
    }

    /// Marks the number [`peek`](Self::peek) gave as given.
    pub fn advance(&mut self) {
        self.next = self.next.saturating_add(1).min(self.end);
    }

    /// How many numbers are left.
    pub fn left(&self) -> u64 {
        self.end.saturating_sub(self.next)
    }
}

impl Default for OrderNumbers {
    fn default() -> Self {
        OrderNumbers::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: u64) -> OrderNumber {
        OrderNumber::new(v).unwrap()
    }

    #[test]
    fn an_empty_store_starts_at_the_first_number() {
        let numbers = OrderNumbers::after(None);
        assert_eq!(numbers.peek(), Some(OrderNumber::FIRST));
        let mut numbers = OrderNumbers::after(Some(n(1041)));
        assert_eq!(numbers.peek(), Some(n(1042)));
        numbers.advance();
        assert_eq!(numbers.peek(), Some(n(1043)));
    }

    #[test]
    fn a_range_runs_out() {
        let mut numbers = OrderNumbers::range(n(2001), 2);
        assert_eq!(numbers.left(), 2);
        numbers.advance();
        assert_eq!(numbers.peek(), Some(n(2002)));
        numbers.advance();
        assert_eq!((numbers.peek(), numbers.left()), (None, 0));
        numbers.advance();
        assert_eq!(numbers.peek(), None);
        assert_eq!(OrderNumbers::none().peek(), None);
    }
}
