//! Unpaid holds running out: the shop cancels pending orders nobody paid
//! for within the hold, as the system, each once however many instances
//! sweep at the same time (each cancellation is a compare-and-set on the
//! order's version, and is decided again on the order as stored).

use std::time::Duration;

use oms_domain::order::status::OrderStatus;
use oms_domain::timestamp::Timestamp;
use oms_ports::clock::Clock;
use oms_ports::error::StoreError;
use oms_ports::query::{OrderFilter, OrderQuery, PageLimit};
use oms_ports::store::OrderStore;

use super::OrderService;
use crate::orders::status::ChangeStatusError;

impl<S: OrderStore, C: Clock, I> OrderService<S, C, I> {
    /// Cancels every pending, unpaid order placed at least `hold` ago;
    /// returns how many of those it found are now cancelled as expired
    /// (by this call or, at the same moment, another instance's; payment
    /// recorded meanwhile saves an order).
    ///
    /// # Errors
    /// [`StoreError`] when the orders cannot be listed or one cannot be
    /// written; the orders before it stay cancelled, the rest wait for the
    /// next sweep.
    #[tracing::instrument(skip_all)]
    pub async fn expire_unpaid(&self, hold: Duration) -> Result<u64, StoreError> {
        let now = self.clock.now();
        let hold_ms = i64::try_from(hold.as_millis()).unwrap_or(i64::MAX);
        let Ok(cutoff) = Timestamp::from_unix_millis(now.unix_millis().saturating_sub(hold_ms))
        else {
            return Ok(0);
        };
        let mut query = OrderQuery {
            filter: OrderFilter {
                status: Some(OrderStatus::Pending),
                // Placed before the cutoff plus a millisecond: at it too.
                created_to: Timestamp::from_unix_millis(cutoff.unix_millis() + 1).ok(),
                ..OrderFilter::default()
            },
            after: None,
            limit: PageLimit::new(PageLimit::MAX).unwrap_or_default(),
        };
        let mut cancelled = 0;
        loop {
            let page = self.store.list_orders(&query).await?;
            for order in page.items.iter().filter(|o| o.hold_expired(hold, now)) {
                let id = order.id().to_string();
                let expired = self
                    .revise_order(&id, None, None, |order, now| {
                        let mut next = order.clone();
                        next.expire(hold, now)?;
                        Ok(next)
                    })
                    .await;
                match expired {
                    Ok(order) if order.status() == OrderStatus::Cancelled => {
                        let expired = order.history().last().is_some_and(|h| h.by.is_system());
                        cancelled += u64::from(expired);
                    }
                    Ok(_) | Err(ChangeStatusError::NotFound) => {}
                    Err(ChangeStatusError::Store(e)) => return Err(e),
                    Err(other) => {
                        tracing::error!(error = %other, %id, "an expired hold could not be cancelled");
                    }
                }
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => return Ok(cancelled),
            }
        }
    }
}
