//! Summaries kept, not counted: every store keeps, in the same atomic step
//! as the orders they count, tallies of orders by the day and by the hour
//! they were placed in (UTC), by status and payment. A summary over a time
//! window then adds the whole days inside it, the whole hours at its edges
//! and scans only the part-hours left over, so it costs the same at a
//! thousand orders as at a million. Only the window and the status narrow
//! tallies; a summary with any other filter counts the orders it selects.

use std::collections::BTreeMap;

use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::timestamp::Timestamp;
use oms_ports::error::{StoreError, corrupt};
use oms_ports::query::{OrderFilter, OrderSummary};

use super::{Group, tally};

/// An hour, in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;
/// A day (UTC), in milliseconds.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// The span of time one tally covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    /// A UTC day.
    Day,
    /// An hour.
    Hour,
}

impl Grain {
    /// Its length in milliseconds.
    pub fn millis(self) -> i64 {
        match self {
            Grain::Day => DAY_MS,
            Grain::Hour => HOUR_MS,
        }
    }

    /// Its name in a store.
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Hour => "hour",
        }
    }

    /// The grain a store calls `name`.
    pub fn parse(name: &str) -> Option<Grain> {
        match name {
            "day" => Some(Grain::Day),
            "hour" => Some(Grain::Hour),
            _ => None,
        }
    }
}

/// Which orders one tally counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TallyKey {
    /// Day or hour.
    pub grain: Grain,
    /// The start of the day or hour, in milliseconds since the epoch.
    pub start: i64,
    /// Their status.
    pub status: OrderStatus,
    /// Whether their payment is recorded.
    pub paid: bool,
}

/// What a write adds to one tally (negative: takes away).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TallyDelta {
    /// Orders.
    pub orders: i64,
    /// Their totals, minor units.
    pub total: i64,
    /// Their refunds, minor units.
    pub refunded: i64,
}

impl TallyDelta {
    fn is_zero(self) -> bool {
        self == TallyDelta::default()
    }

    fn add(&mut self, other: TallyDelta) {
        self.orders += other.orders;
        self.total += other.total;
        self.refunded += other.refunded;
    }
}

/// The start of the `grain` that `at` falls in.
pub fn start_of(grain: Grain, at: Timestamp) -> i64 {
    let ms = grain.millis();
    at.unix_millis().div_euclid(ms) * ms
}

/// What tallies ask of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counted {
    /// When it was placed.
    pub placed: Timestamp,
    /// Its status.
    pub status: OrderStatus,
    /// Whether its payment is recorded.
    pub paid: bool,
    /// Its total, minor units.
    pub total: i64,
    /// Its refunds, minor units.
    pub refunded: i64,
}

/// What a group of writes changes in the tallies, summed per tally.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TallyChanges(BTreeMap<TallyKey, TallyDelta>);

impl TallyChanges {
    /// A new order counts.
    pub fn place(&mut self, order: &Order) {
        self.add(order, 1);
    }

    /// `before` as stored becomes `after`: it leaves its tallies, and
    /// counts where it now belongs.
    pub fn revise(&mut self, before: &Order, after: &Order) {
        self.add(before, -1);
        self.add(after, 1);
    }

    /// Adds what `other` changes.
    pub fn merge(&mut self, other: TallyChanges) {
        for (key, delta) in other.0 {
            let sum = self.0.entry(key).or_default();
            sum.add(delta);
        }
    }

    fn add(&mut self, order: &Order, sign: i64) {
        let counted = Counted {
            placed: order.created_at(),
            status: order.status(),
            paid: order.payment_collected(),
            total: order.total().minor(),
            refunded: order.refunded_total().minor(),
        };
        self.count(&counted, sign);
    }

    /// Counts (`sign` 1) or uncounts (-1) an order known by what tallies
    /// ask of it, as a store reads it without the whole order.
    pub fn count(&mut self, order: &Counted, sign: i64) {
        for grain in [Grain::Day, Grain::Hour] {
            let key = TallyKey {
                grain,
                start: start_of(grain, order.placed),
                status: order.status,
                paid: order.paid,
            };
            let delta = self.0.entry(key).or_default();
            delta.orders += sign;
            delta.total += sign * order.total;
            delta.refunded += sign * order.refunded;
        }
    }

    /// The tallies that change, each once.
    pub fn into_changes(self) -> Vec<(TallyKey, TallyDelta)> {
        self.0.into_iter().filter(|(_, d)| !d.is_zero()).collect()
    }
}

/// How to summarize a filter from tallies: the tallies to add (`days`,
/// `hours`, each a range of starts, end exclusive, `None` unbounded) and
/// the part-hours to count order by order (`scans`, each the filter with
/// its window narrowed to one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Only tallies of this status.
    pub status: Option<OrderStatus>,
    /// Day tallies starting in this range.
    pub days: Option<(Option<i64>, Option<i64>)>,
    /// Hour tallies starting in these ranges.
    pub hours: Vec<(i64, i64)>,
    /// What is left, counted order by order.
    pub scans: Vec<OrderFilter>,
}

impl Plan {
    /// The tallies to add, by grain, each a range of starts (end
    /// exclusive, `None` unbounded).
    pub fn ranges(&self) -> Vec<(Grain, Option<i64>, Option<i64>)> {
        let mut ranges = Vec::with_capacity(1 + self.hours.len());
        if let Some((from, to)) = self.days {
            ranges.push((Grain::Day, from, to));
        }
        ranges.extend(
            self.hours
                .iter()
                .map(|&(f, t)| (Grain::Hour, Some(f), Some(t))),
        );
        ranges
    }
}

/// How to summarize `filter` from tallies; `None` when a filter other than
/// the window and the status makes the orders be counted one by one.
pub fn plan(filter: &OrderFilter) -> Option<Plan> {
    let OrderFilter {
        status,
        customer,
        placed_by,
        created_from,
        created_to,
        search,
        open_return,
    } = filter;
    if customer.is_some() || placed_by.is_some() || search.is_some() || open_return.is_some() {
        return None;
    }
    let from = created_from.map(Timestamp::unix_millis);
    let to = created_to.map(Timestamp::unix_millis);
    let scan = |from: Option<i64>, to: Option<i64>| {
        let bound = |ms: Option<i64>| ms.and_then(|ms| Timestamp::from_unix_millis(ms).ok());
        OrderFilter {
            created_from: bound(from),
            created_to: bound(to),
            ..filter.clone()
        }
    };
    let mut plan = Plan {
        status: *status,
        days: None,
        hours: Vec::new(),
        scans: Vec::new(),
    };
    // The whole hours inside the window.
    let first_hour = from.map(|f| ceil(f, HOUR_MS));
    let end_hour = to.map(|t| t.div_euclid(HOUR_MS) * HOUR_MS);
    if let (Some(f), Some(t)) = (first_hour, end_hour)
        && f >= t
    {
        plan.scans.push(scan(from, to));
        return Some(plan);
    }
    if let (Some(f), Some(first)) = (from, first_hour)
        && f < first
    {
        plan.scans.push(scan(Some(f), Some(first)));
    }
    if let (Some(t), Some(end)) = (to, end_hour)
        && end < t
    {
        plan.scans.push(scan(Some(end), Some(t)));
    }
    // The whole days inside the whole hours, and the hours around them.
    let first_day = first_hour.map(|f| ceil(f, DAY_MS));
    let end_day = end_hour.map(|t| t.div_euclid(DAY_MS) * DAY_MS);
    match (first_day, end_day) {
        (Some(f), Some(t)) if f >= t => {
            plan.hours
                .push((first_hour.unwrap_or(f), end_hour.unwrap_or(t)));
        }
        _ => {
            plan.days = Some((first_day, end_day));
            if let (Some(hour), Some(day)) = (first_hour, first_day)
                && hour < day
            {
                plan.hours.push((hour, day));
            }
            if let (Some(day), Some(hour)) = (end_day, end_hour)
                && day < hour
            {
                plan.hours.push((day, hour));
            }
        }
    }
    Some(plan)
}

/// Tallies as a store without a query language keeps them: the sum of
/// every change, per tally.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TallyBook(BTreeMap<TallyKey, TallyDelta>);

impl TallyBook {
    /// Adds what a group of writes changed.
    pub fn apply(&mut self, changes: &[(TallyKey, TallyDelta)]) {
        for (key, delta) in changes {
            let sum = self.0.entry(*key).or_default();
            sum.add(*delta);
            if sum.is_zero() {
                self.0.remove(key);
            }
        }
    }

    /// The sums per status and payment of the tallies `plan` adds.
    pub fn sum(&self, plan: &Plan) -> Vec<(OrderStatus, bool, TallyDelta)> {
        let mut sums: BTreeMap<(OrderStatus, bool), TallyDelta> = BTreeMap::new();
        for (grain, from, to) in plan.ranges() {
            let lowest = TallyKey {
                grain,
                start: from.unwrap_or(i64::MIN),
                status: OrderStatus::Pending,
                paid: false,
            };
            let tallies = self
                .0
                .range(lowest..)
                .take_while(|(k, _)| k.grain == grain && to.is_none_or(|t| k.start < t))
                .filter(|(k, _)| plan.status.is_none_or(|s| k.status == s));
            for (key, delta) in tallies {
                let sum = sums.entry((key.status, key.paid)).or_default();
                sum.add(*delta);
            }
        }
        sums.into_iter().map(|((s, p), d)| (s, p, d)).collect()
    }
}

/// The summary of what the tallies sum to (per status and payment) and of
/// what the scans counted.
///
/// # Errors
/// [`StoreError`] when a sum is negative or overflows: the tallies do not
/// match the orders.
pub fn summary_of(
    tallied: impl IntoIterator<Item = (OrderStatus, bool, TallyDelta)>,
    scanned: impl IntoIterator<Item = OrderSummary>,
) -> Result<OrderSummary, StoreError> {
    let broken = || corrupt("the kept order tallies do not add up");
    let mut summary = OrderSummary::default();
    for (status, paid, sum) in tallied {
        if sum.is_zero() {
            continue;
        }
        let group = Group {
            status,
            paid,
            count: u64::try_from(sum.orders).map_err(|_| broken())?,
            total: oms_domain::money::Money::from_minor(sum.total).map_err(|_| broken())?,
            refunded: oms_domain::money::Money::from_minor(sum.refunded).map_err(|_| broken())?,
        };
        tally(&mut summary, group).map_err(|_| broken())?;
    }
    for part in scanned {
        super::merge(&mut summary, &part).map_err(|_| broken())?;
    }
    Ok(summary)
}

/// `ms` rounded up to a multiple of `unit`.
fn ceil(ms: i64, unit: i64) -> i64 {
    let down = ms.div_euclid(unit) * unit;
    if down == ms { ms } else { down + unit }
}

#[cfg(test)]
mod tests;
