//! The data behind the lock, with the secondary indexes the queries use.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::events::Log;
use crate::keys::Keys;
use crate::paging::NameIndexed;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::{CustomerId, OrderId, ProductId, UserId};
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_domain::product::Product;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::User;
use oms_ports::error::StoreError;
use oms_ports::events::EventRetention;

#[derive(Debug)]
pub(crate) struct State {
    pub products: NameIndexed<ProductId, Product>,
    pub customers: NameIndexed<CustomerId, Customer>,
    pub customer_emails: HashMap<Email, CustomerId>,
    pub users: HashMap<UserId, User>,
    pub user_emails: HashMap<Email, UserId>,
    pub orders: HashMap<OrderId, Order>,
    /// Orders by creation time, for newest-first pages.
    pub order_times: BTreeSet<(Timestamp, OrderId)>,
    /// Orders by number; the last is the greatest given.
    pub order_numbers: BTreeMap<OrderNumber, OrderId>,
    /// Idempotency keys are scoped to the user who sent them.
    pub idempotency: Keys,
    /// Every order change, appended with the change.
    pub log: Log,
    /// The order tallies summaries are added from.
    pub tallies: oms_rules::summary::kept::TallyBook,
}

impl State {
    pub fn new(retention: EventRetention) -> State {
        State {
            products: NameIndexed::default(),
            customers: NameIndexed::default(),
            customer_emails: HashMap::new(),
            users: HashMap::new(),
            user_emails: HashMap::new(),
            orders: HashMap::new(),
            order_times: BTreeSet::new(),
            order_numbers: BTreeMap::new(),
            idempotency: Keys::new(retention.idempotency_keys),
            log: Log::new(retention),
            tallies: oms_rules::summary::kept::TallyBook::default(),
        }
    }
}

/// A broken index is a bug in this crate, reported instead of panicking.
pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::Internal(what.into())
}
