//! Unpaid holds: a pending order nobody has paid for keeps its stock only
//! so long, then the shop cancels it itself and the stock goes back.

use std::time::Duration;

use super::status::OrderStatus;
use super::{Order, OrderError};
use crate::note::Note;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// The reason an expired hold's cancellation records.
pub const EXPIRED: &str = "expired";

impl Order {
    /// Whether a hold of `hold` has run out at `now`: the order is still
    /// pending, unpaid, and was placed at least that long ago. Recording
    /// payment stops the clock.
    pub fn hold_expired(&self, hold: Duration, now: Timestamp) -> bool {
        let held = now
            .unix_millis()
            .saturating_sub(self.created_at.unix_millis());
        let hold = i64::try_from(hold.as_millis()).unwrap_or(i64::MAX);
        self.status == OrderStatus::Pending && !self.payment_collected && held >= hold
    }

    /// Cancels the order as the system, with the reason `expired`, when
    /// its hold has run out; returns whether it did.
    ///
    /// # Errors
    /// None in practice: a pending order may always be cancelled.
    pub fn expire(&mut self, hold: Duration, now: Timestamp) -> Result<bool, OrderError> {
        if !self.hold_expired(hold, now) {
            return Ok(false);
        }
        let reason = Note::parse(EXPIRED).ok();
        self.change_status_because(OrderStatus::Cancelled, Actor::SYSTEM, now, reason)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::tests::{at, pending, staff};
    use crate::user::Role;

    #[test]
    fn an_unpaid_pending_order_expires_once_its_hold_has_run_out() {
        let hold = Duration::from_secs(30);
        let order = pending();
        let placed = order.created_at().unix_millis();
        let mut early = order.clone();
        assert_eq!(early.expire(hold, at(placed + 29_999)), Ok(false));
        assert_eq!(early, order, "nothing changes before the hold runs out");

        let mut expired = order.clone();
        assert_eq!(expired.expire(hold, at(placed + 30_000)), Ok(true));
        assert_eq!(expired.status(), OrderStatus::Cancelled);
        let entry = expired.history().last().unwrap();
        assert_eq!(entry.by, Actor::SYSTEM);
        assert_eq!(entry.by.role, Role::System);
        assert_eq!(entry.reason.as_ref().map(Note::as_str), Some(EXPIRED));
        assert_eq!(expired.clone().expire(hold, at(placed + 60_000)), Ok(false));
    }

    #[test]
    fn payment_or_confirmation_stops_the_clock() {
        let hold = Duration::from_secs(30);
        let late = at(pending().created_at().unix_millis() + 3_600_000);
        let mut paid = pending();
        paid.set_payment_collected(true, staff(), late).unwrap();
        assert!(!paid.hold_expired(hold, late));
        let mut confirmed = pending();
        confirmed
            .change_status(OrderStatus::Confirmed, staff(), late)
            .unwrap();
        assert!(!confirmed.hold_expired(hold, late));
    }
}
