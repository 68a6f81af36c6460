//! Finding an order without its link: by its number and the e-mail address
//! it was placed with. Both must match; a wrong number and a wrong address
//! get the same answer, so the lookup tells a guesser nothing about which
//! was wrong (the route's budget limits how often it may guess).

use oms_domain::email::Email;
use oms_domain::invalid::{Invalid, Validation};
use oms_domain::order::Order;
use oms_domain::order::number::OrderNumber;
use oms_ports::error::StoreError;
use oms_ports::store::OrderStore;

use super::OrderService;

/// Why no order was handed back.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// The number or the address is malformed.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// No order has that number and address.
    #[error("no order has that number and address")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<S: OrderStore, C, I> OrderService<S, C, I> {
    /// The order numbered `number` if it was placed for `email`.
    ///
    /// # Errors
    /// [`LookupError::Invalid`] naming `number` (not digits) or `email`
    /// when malformed; [`LookupError::NotFound`] when either does not match.
    #[tracing::instrument(skip_all)]
    pub async fn look_up(&self, number: &str, email: &str) -> Result<Order, LookupError> {
        let mut v = Validation::new();
        let number = v.check("number", OrderNumber::read(number));
        let email = v.check("email", Email::parse(email));
        v.finish()?;
        // Digits no order can have are a wrong number like any other.
        let (Some(Some(number)), Some(email)) = (number, email) else {
            return Err(LookupError::NotFound);
        };
        let order = self.store.find_order_by_number(number).await?;
        order
            .filter(|o| o.customer().email == email)
            .ok_or(LookupError::NotFound)
    }
}
