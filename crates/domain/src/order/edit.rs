//! Changing an order's lines after it was placed: who may, while it is in
//! which status, how the new lines are priced, and how many units the
//! change takes from or gives back to each product's stock.

use std::collections::HashMap;

use super::activity::Change;
use super::line::OrderLine;
use super::status::OrderStatus;
use super::{Order, OrderError, check_lines};
use crate::ids::ProductId;
use crate::money::Money;
use crate::name::Name;
use crate::quantity::Quantity;
use crate::timestamp::Timestamp;
use crate::user::{Actor, Role};

/// An order's lines before and after one edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinesEdit {
    /// The lines as they were.
    pub before: Vec<OrderLine>,
    /// The lines from then on.
    pub after: Vec<OrderLine>,
}

impl LinesEdit {
    /// The order's total after the edit.
    pub fn total(&self) -> Money {
        // The lines passed the order's rules when the edit was made, so
        // their sum fits.
        self.after.iter().fold(Money::ZERO, |t, l| {
            t.checked_add(l.line_total()).unwrap_or(t)
        })
    }
}

impl Order {
    /// Whether someone with `role` may change the lines now: staff while
    /// nothing has left (pending or confirmed), a customer while the shop
    /// has not confirmed (pending).
    pub fn lines_editable_by(&self, role: Role) -> bool {
        match self.status {
            OrderStatus::Pending => true,
            OrderStatus::Confirmed => role != Role::Customer,
            _ => false,
        }
    }

    /// Makes `wanted` (one entry per product, merged) the order's lines:
    /// a product already on the order keeps its name and unit price, a new
    /// one takes what `price` says it costs today. Returns whether anything
    /// changed; the same lines again change nothing.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] when `by` may not change the lines in
    /// this status; [`OrderError::UnknownProduct`] for a new product
    /// `price` does not know; [`OrderError::BelowRefunded`] when the new
    /// total is less than the refunds; the line rules of placing otherwise. The
    /// order is unchanged on error.
    pub fn edit_lines(
        &mut self,
        wanted: &[(ProductId, Quantity)],
        price: impl Fn(ProductId) -> Option<(Name, Money)>,
        by: Actor,
        at: Timestamp,
    ) -> Result<bool, OrderError> {
        if !self.lines_editable_by(by.role) {
            return Err(OrderError::NotEditable {
                status: self.status,
            });
        }
        let mut after = Vec::with_capacity(wanted.len());
        for &(id, quantity) in wanted {
            let (name, unit_price) = match self.lines.iter().find(|l| l.product_id() == id) {
                Some(kept) => (kept.name().clone(), kept.unit_price()),
                None => price(id).ok_or(OrderError::UnknownProduct(id))?,
            };
            let line = OrderLine::new(id, name, unit_price, quantity)
                .map_err(|_| OrderError::TotalOverflow)?;
            after.push(line);
        }
        let total = check_lines(&after)?;
        if total.minor() > Money::MAX_EXACT {
            return Err(OrderError::TotalOverflow);
        }
        let refunded = self.refunded_total();
        if total < refunded {
            return Err(OrderError::BelowRefunded { refunded });
        }
        if after == self.lines {
            return Ok(false);
        }
        let before = std::mem::replace(&mut self.lines, after.clone());
        self.total = total;
        self.record(by, at, Change::Edit(Box::new(LinesEdit { before, after })));
        Ok(true)
    }

    /// Units of each product this order keeps off the shelf: its lines
    /// less what came back and was restocked, none once cancelled.
    pub fn held(&self) -> impl Iterator<Item = (ProductId, Quantity)> + '_ {
        let holds = self.status != OrderStatus::Cancelled;
        self.reserved()
            .filter(move |_| holds)
            .filter_map(|(id, q)| {
                let kept = u64::from(q.get()).saturating_sub(self.restocked_units(id));
                Some((id, Quantity::new(i64::try_from(kept).ok()?).ok()?))
            })
    }

    /// How many more units of each product `self` holds than `before` did
    /// (negative: fewer), each product whose count changed once, in order
    /// of first appearance. What a store takes from or gives back to the
    /// shelf when it writes `self` over `before`.
    pub fn held_since(&self, before: &Order) -> Vec<(ProductId, i64)> {
        let mut change: Vec<(ProductId, i64)> = Vec::new();
        let mut at: HashMap<ProductId, usize> = HashMap::new();
        let units = before
            .held()
            .map(|(id, q)| (id, -i64::from(q.get())))
            .chain(self.held().map(|(id, q)| (id, i64::from(q.get()))));
        for (id, n) in units {
            match at.get(&id) {
                Some(&i) => change[i].1 += n,
                None => {
                    at.insert(id, change.len());
                    change.push((id, n));
                }
            }
        }
        change.retain(|&(_, n)| n != 0);
        change
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::ids::UserId;
    use crate::order::tests::{line, new_order, staff};

    fn order_with(lines: &[(u128, i64, i64)]) -> Order {
        let lines = lines
            .iter()
            .map(|&(p, q, price)| line(p, price, q))
            .collect();
        Order::place(new_order(lines)).unwrap()
    }

    fn id(n: u128) -> ProductId {
        ProductId::from_uuid(Uuid::from_u128(n))
    }

    fn qty(n: i64) -> Quantity {
        Quantity::new(n).unwrap()
    }

    fn catalogue(product: ProductId) -> Option<(Name, Money)> {
        (product == id(3)).then(|| {
            (
                Name::parse("Lamp").unwrap(),
                Money::from_minor(700).unwrap(),
            )
        })
    }

    #[test]
    fn kept_lines_keep_their_price_new_ones_take_todays_and_stock_follows() {
        let mut order = order_with(&[(1, 2, 250), (2, 1, 100)]);
        let before = order.clone();
        let staff = staff();
        let at = order.created_at();
        let changed = order
            .edit_lines(&[(id(1), qty(5)), (id(3), qty(1))], catalogue, staff, at)
            .unwrap();
        assert!(changed);
        assert_eq!(order.lines()[0].unit_price().minor(), 250);
        assert_eq!(order.lines()[1].unit_price().minor(), 700);
        assert_eq!(order.total().minor(), 5 * 250 + 700);
        assert_eq!(order.version(), before.version() + 1);
        assert_eq!(
            order.held_since(&before),
            vec![(id(1), 3), (id(2), -1), (id(3), 1)]
        );
        let Some(Change::Edit(edit)) = order.activity().last().map(|a| &a.change) else {
            panic!("no edit recorded");
        };
        assert_eq!(
            (&edit.before[..], &edit.after[..]),
            (before.lines(), order.lines())
        );
        let same =
            order
                .clone()
                .edit_lines(&[(id(1), qty(5)), (id(3), qty(1))], catalogue, staff, at);
        assert_eq!(same, Ok(false));
    }

    #[test]
    fn who_may_edit_depends_on_the_status_and_unknown_products_are_refused() {
        let mut order = order_with(&[(1, 2, 250)]);
        let customer = Actor {
            user: UserId::MIN,
            role: Role::Customer,
        };
        let at = order.created_at();
        assert_eq!(
            order
                .clone()
                .edit_lines(&[(id(9), qty(1))], catalogue, customer, at),
            Err(OrderError::UnknownProduct(id(9)))
        );
        assert_eq!(
            order.clone().edit_lines(&[], catalogue, customer, at),
            Err(OrderError::NoLines)
        );
        order
            .change_status(OrderStatus::Confirmed, staff(), at)
            .unwrap();
        assert_eq!(
            order
                .clone()
                .edit_lines(&[(id(1), qty(1))], catalogue, customer, at),
            Err(OrderError::NotEditable {
                status: OrderStatus::Confirmed
            })
        );
        assert!(order.lines_editable_by(Role::Staff));
        let before = order.clone();
        order
            .change_status(OrderStatus::Cancelled, staff(), at)
            .unwrap();
        assert!(!order.lines_editable_by(Role::Admin));
        assert_eq!(order.held_since(&before), vec![(id(1), -2)]);
    }

    #[test]
    fn an_edit_never_takes_the_total_below_the_refunds() {
        let mut order = order_with(&[(1, 4, 250)]);
        let at = order.created_at();
        order.set_payment_collected(true, staff(), at).unwrap();
        let sorry = crate::note::Note::parse("late").unwrap();
        let refunded = Money::from_minor(600).unwrap();
        order
            .refund(refunded, sorry, None, None, staff(), at)
            .unwrap();
        assert_eq!(
            order
                .clone()
                .edit_lines(&[(id(1), qty(2))], catalogue, staff(), at),
            Err(OrderError::BelowRefunded { refunded }),
            "500 left of 1,000 with 600 paid back"
        );
        assert_eq!(
            order.edit_lines(&[(id(1), qty(3))], catalogue, staff(), at),
            Ok(true),
            "750 still covers it"
        );
        assert_eq!(order.left_to_refund().minor(), 150);
    }
}
