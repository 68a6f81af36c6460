//! Customers in memory, unique by e-mail address.

use async_trait::async_trait;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::CustomerId;
use oms_ports::draft::CustomerDraft;
use oms_ports::error::{InsertError, StoreError};
use oms_ports::query::{CustomerQuery, NameCursor, Page};
use oms_ports::store::CustomerStore;
use oms_rules::assembly::resolve_customer;

use crate::MemoryStore;
use crate::state::{State, corrupt};

impl State {
    /// The customer recorded with this address, if any.
    pub(crate) fn customer_by_email(&self, email: &Email) -> Result<Option<Customer>, StoreError> {
        let Some(id) = self.customer_emails.get(email) else {
            return Ok(None);
        };
        let found = self
            .customers
            .get(id)
            .ok_or_else(|| corrupt("customer e-mail index"))?;
        Ok(Some(found.clone()))
    }

    /// Adds a customer whose address is known to be free.
    pub(crate) fn add_customer(&mut self, customer: Customer) -> Result<(), StoreError> {
        let (id, email) = (customer.id, customer.email.clone());
        if !self
            .customers
            .insert(id, customer.name.sort_key(), customer)
        {
            return Err(corrupt("a customer with this id already exists"));
        }
        self.customer_emails.insert(email, id);
        Ok(())
    }
}

#[async_trait]
impl CustomerStore for MemoryStore {
    async fn insert_customer(&self, customer: &Customer) -> Result<(), InsertError> {
        let mut state = self.state.write();
        if state.customer_emails.contains_key(&customer.email) {
            return Err(InsertError::DuplicateEmail);
        }
        Ok(state.add_customer(customer.clone())?)
    }

    async fn upsert_customer(&self, draft: &CustomerDraft) -> Result<Customer, StoreError> {
        let mut state = self.state.write();
        let found = state.customer_by_email(&draft.email)?;
        let (customer, is_new) = resolve_customer(draft, found);
        if is_new {
            state.add_customer(customer.clone())?;
        }
        Ok(customer)
    }

    async fn get_customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        Ok(self.state.read().customers.get(&id).cloned())
    }

    async fn find_customer_by_email(&self, email: &Email) -> Result<Option<Customer>, StoreError> {
        self.state.read().customer_by_email(email)
    }

    async fn list_customers(
        &self,
        query: &CustomerQuery,
    ) -> Result<Page<Customer, NameCursor<CustomerId>>, StoreError> {
        let state = self.state.read();
        let search = query.search.as_ref().map(|s| s.as_str());
        Ok(state
            .customers
            .page(query.after.as_ref(), query.limit, |c| {
                search.is_none_or(|s| c.name.sort_key().contains(s) || c.email.as_str().contains(s))
            }))
    }
}
