//! Loading customers under ids of their own (the demo data, an import from
//! another system): found by address or added, by the same field rules as
//! a new customer, so loading twice changes nothing.

use oms_domain::customer::Customer;
use oms_domain::ids::CustomerId;
use oms_domain::invalid::Invalid;
use oms_ports::clock::Clock;
use oms_ports::store::CustomerStore;

use super::{CreateCustomer, CustomerError, CustomerService, new_customer};

/// A customer to load, with the id it keeps if it is new.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportCustomer {
    /// Its id (a UUID).
    pub id: String,
    /// Its name and address.
    pub customer: CreateCustomer,
}

impl<S: CustomerStore, C: Clock, I> CustomerService<S, C, I> {
    /// The customer with `item`'s address, added under `item.id` if there
    /// is none. Not a request of a signed-in user: the operator loads data
    /// when setting up.
    ///
    /// # Errors
    /// [`CustomerError::Invalid`] naming every bad field; nothing is written.
    pub async fn import(&self, item: ImportCustomer) -> Result<Customer, CustomerError> {
        let id: CustomerId = item.id.parse().map_err(|e| Invalid::one("id", e))?;
        let draft = new_customer(id, &item.customer, self.clock.now())?;
        Ok(self.upsert(&draft).await?)
    }
}
