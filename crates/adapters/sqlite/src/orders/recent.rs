//! The orders most recently read or written, decoded. Only this process
//! writes orders to the file (the lock beside it keeps others out), and it
//! offers every order it commits here before answering, so a kept order is
//! the stored one: a read by id is answered from memory, without a read
//! transaction or decoding the row's JSON.
//!
//! A read is kept only when no commit came between its start and its end
//! (a commit may have changed the order it read, and a commit's own offer
//! may have been pushed out by then). A group whose commit failed, or whose
//! outcome is unknown, empties the whole set.

use std::num::NonZeroUsize;
use std::sync::Arc;

use lru::LruCache;
use oms_domain::ids::OrderId;
use oms_domain::order::Order;
use parking_lot::Mutex;

/// Orders kept: the ones a busy shop looks at again (the live dashboard,
/// the customer's tracking page) are the latest, a few thousand at most.
const KEPT: NonZeroUsize = NonZeroUsize::new(4_096).expect("not zero");

struct Kept {
    orders: LruCache<OrderId, Arc<Order>>,
    /// Commits offered so far.
    commits: u64,
}

pub(crate) struct Recent(Mutex<Kept>);

/// When a read began, to tell whether a commit came before it ended.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadMark(u64);

impl Recent {
    pub(crate) fn new() -> Recent {
        Recent(Mutex::new(Kept {
            orders: LruCache::new(KEPT),
            commits: 0,
        }))
    }

    /// The kept order `id`, else the mark to offer a read of it with.
    pub(crate) fn get(&self, id: OrderId) -> Result<Order, ReadMark> {
        let mut kept = self.0.lock();
        match kept.orders.get(&id).map(Arc::clone) {
            Some(order) => {
                drop(kept);
                Ok(Order::clone(&order))
            }
            None => Err(ReadMark(kept.commits)),
        }
    }

    /// Keeps `order`, read since `mark`, unless a commit came meanwhile.
    pub(crate) fn offer_read(&self, order: &Order, mark: ReadMark) {
        let order = Arc::new(order.clone());
        let mut kept = self.0.lock();
        if kept.commits == mark.0 {
            kept.orders.put(order.id(), order);
        }
    }

    /// Keeps the orders a commit wrote, before it is answered.
    pub(crate) fn offer_committed<'a>(&self, orders: impl Iterator<Item = &'a Order>) {
        let orders: Vec<Arc<Order>> = orders.map(|o| Arc::new(o.clone())).collect();
        let mut kept = self.0.lock();
        kept.commits += 1;
        for order in orders {
            kept.orders.put(order.id(), order);
        }
    }

    /// Forgets every order: what the file holds is not known for sure.
    pub(crate) fn clear(&self) {
        let mut kept = self.0.lock();
        kept.commits += 1;
        kept.orders.clear();
    }
}

impl std::fmt::Debug for Recent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recent").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use oms_domain::order::activity::NoteText;
    use oms_domain::user::Role;
    use oms_store_contract::fixtures::{actor, at, name, order_id, unplaced_order as order};

    use super::*;

    fn noted(mut order: Order) -> Order {
        let text = NoteText::parse("Leave at the door.").unwrap();
        order.add_note(text, name("Bo"), actor(1, Role::Staff), at(2));
        order
    }

    #[test]
    fn a_read_with_no_commit_meanwhile_is_kept() {
        let recent = Recent::new();
        let mark = recent.get(order_id(1)).unwrap_err();
        recent.offer_read(&order(1), mark);
        assert_eq!(recent.get(order_id(1)).unwrap(), order(1));
    }

    #[test]
    fn a_read_a_commit_overtook_is_not_kept_and_the_commit_is() {
        let recent = Recent::new();
        let mark = recent.get(order_id(1)).unwrap_err();
        recent.offer_committed([noted(order(1))].iter());
        recent.offer_read(&order(1), mark);
        assert_eq!(recent.get(order_id(1)).unwrap(), noted(order(1)));

        // Even a commit of another order: this one's may have been pushed out.
        let mark = recent.get(order_id(2)).unwrap_err();
        recent.offer_committed([order(3)].iter());
        recent.offer_read(&order(2), mark);
        assert!(recent.get(order_id(2)).is_err());
    }

    #[test]
    fn a_failed_group_forgets_every_order_and_reads_begun_before_it() {
        let recent = Recent::new();
        recent.offer_committed([order(1)].iter());
        let mark = recent.get(order_id(2)).unwrap_err();
        recent.clear();
        assert!(recent.get(order_id(1)).is_err());
        recent.offer_read(&order(2), mark);
        assert!(recent.get(order_id(2)).is_err());
    }
}
