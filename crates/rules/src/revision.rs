//! What a revision may change, decided against the order as the store
//! holds it now, and what writing it must do besides.

use oms_domain::event::OrderEvent;
use oms_domain::ids::ProductId;
use oms_domain::order::Order;
use oms_domain::order::activity::Change;
use oms_ports::draft::OrderRevision;
use oms_ports::error::{ReviseError, StoreError};

/// What committing a revision must do besides writing the order, decided
/// from the stored order by [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionEffects {
    /// The one event the revision records.
    pub event: OrderEvent,
    /// Units of each product to take from the shelf (positive) or give
    /// back (negative): a cancellation gives back all the order held, an
    /// edit of the lines the difference.
    pub stock: Vec<(ProductId, i64)>,
}

/// Whether `revision` may replace `stored`, the order as the store holds it
/// now, and what else writing it must do: every store asks this inside its
/// atomic step, before writing.
///
/// # Errors
/// [`ReviseError::VersionMismatch`] when `stored` has moved on;
/// [`ReviseError::Store`] (internal) when the revision would change what
/// the order holds, rewrite its history, change nothing or not raise its
/// version, which only a bug can ask.
pub fn check(revision: &OrderRevision, stored: &Order) -> Result<RevisionEffects, ReviseError> {
    if stored.version() != revision.expected_version {
        return Err(ReviseError::VersionMismatch {
            current: stored.version(),
        });
    }
    let next = &revision.order;
    // Activity is only ever added to, one entry a change; the address
    // changes only with the entry that says who changed it.
    let added = next.activity().len() == stored.activity().len() + 1;
    let activity_kept = next.activity().starts_with(stored.activity())
        && (added || next.activity().len() == stored.activity().len());
    let added_change = next.activity().last().filter(|_| added).map(|a| &a.change);
    let readdressed = matches!(
        added_change,
        Some(Change::Address(a)) if Some(&**a) == next.shipping_address()
    );
    // The lines change only with the entry that says from what to what.
    let edited = matches!(
        added_change,
        Some(Change::Edit(e)) if e.before == stored.lines() && e.after == next.lines()
    );
    let same_holdings = stored.customer() == next.customer()
        && (stored.shipping_address() == next.shipping_address() || readdressed)
        && ((stored.lines() == next.lines() && stored.total() == next.total()) || edited)
        && stored.placed_by() == next.placed_by()
        && stored.created_at() == next.created_at();
    // Sent shipments stay as sent: one may arrive, one new one may leave.
    let shipments_kept = next.shipments().len() <= stored.shipments().len() + 1
        && stored
            .shipments()
            .iter()
            .zip(next.shipments())
            .all(|(then, now)| now == then || now.is_arrival_of(then))
        && next.shipments().len() >= stored.shipments().len();
    // The stored history stays as it was; a status change adds the one
    // entry that says who made it, anything else adds none.
    let moved = usize::from(stored.status() != next.status());
    let history_kept = next.history().starts_with(stored.history())
        && next.history().len() == stored.history().len() + moved;
    // A version that did not rise would let a later compare-and-set
    // mistake this state for an earlier one.
    let event = OrderEvent::revised(stored, next).filter(|_| {
        same_holdings
            && shipments_kept
            && activity_kept
            && history_kept
            && next.version() > stored.version()
    });
    let Some(event) = event else {
        let why = "a revision may only move the status (adding its history entry), send or deliver shipments, or add one activity entry (payment, address, note, edit), and must raise the version";
        return Err(StoreError::Internal(why.into()).into());
    };
    Ok(RevisionEffects {
        event,
        stock: next.held_since(stored),
    })
}
