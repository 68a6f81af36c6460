//! Customers: create, find by e-mail, list and search (staff and admins).

use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::CustomerId;
use oms_domain::invalid::{Invalid, Validation};
use oms_domain::name::Name;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Permission};
use oms_ports::clock::Clock;
use oms_ports::draft::CustomerDraft;
use oms_ports::error::{InsertError, StoreError};
use oms_ports::ids::IdSource;
use oms_ports::query::CustomerQuery;
use oms_ports::store::CustomerStore;

mod import;

pub use import::ImportCustomer;

use crate::contention::{Attempt, Contention};
use crate::list::{self, ListByName, ListError, PageOf};

/// The customer use cases, over a store `S`, a clock `C` and ids `I`.
#[derive(Clone, Debug)]
pub struct CustomerService<S, C, I> {
    store: S,
    clock: C,
    ids: I,
    contention: Contention,
}

/// A customer, as the client sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateCustomer {
    /// Their name.
    pub name: String,
    /// Their e-mail address, unique among customers.
    pub email: String,
}

/// Why a customer was not created or read, for every customer method but
/// `list`: `NotFound` comes only from `get`, `DuplicateEmail` only from
/// `create` (`upsert_by_email` finds the existing customer instead), and
/// `Invalid` from those that take input. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    /// No customer has that id (or the id is not an id at all).
    #[error("no such customer")]
    NotFound,
    /// The request breaks field rules.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The caller's role may not manage customers.
    #[error("not allowed: {0:?}")]
    Forbidden(Permission),
    /// Another customer has this e-mail address.
    #[error("a customer with this e-mail address already exists")]
    DuplicateEmail,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<S, C, I> CustomerService<S, C, I> {
    /// A service over these ports.
    pub fn new(store: S, clock: C, ids: I) -> Self {
        CustomerService {
            store,
            clock,
            ids,
            contention: Contention::DEFAULT,
        }
    }

    /// The same service giving up on contended changes by `contention`
    /// instead of [`Contention::DEFAULT`].
    pub fn with_contention(self, contention: Contention) -> Self {
        CustomerService { contention, ..self }
    }
}

impl<S: CustomerStore, C: Clock, I: IdSource> CustomerService<S, C, I> {
    /// Adds a customer.
    ///
    /// # Errors
    /// [`CustomerError::DuplicateEmail`] when the address is taken,
    /// [`CustomerError::Invalid`] naming every bad field.
    #[tracing::instrument(skip_all, fields(user = %by.user))]
    pub async fn create(&self, by: Actor, cmd: CreateCustomer) -> Result<Customer, CustomerError> {
        let draft = self.draft(by, &cmd)?;
        let customer = Customer {
            id: draft.id,
            name: draft.name,
            email: draft.email,
            created_at: draft.at,
        };
        match self.store.insert_customer(&customer).await {
            Ok(()) => Ok(customer),
            Err(InsertError::DuplicateEmail) => Err(CustomerError::DuplicateEmail),
            Err(InsertError::Store(e)) => Err(e.into()),
        }
    }

    /// The customer with `cmd.email`, created from `cmd` if there is none;
    /// an existing customer keeps its name.
    ///
    /// # Errors
    /// [`CustomerError::Invalid`] naming every bad field.
    #[tracing::instrument(skip_all, fields(user = %by.user))]
    pub async fn upsert_by_email(
        &self,
        by: Actor,
        cmd: CreateCustomer,
    ) -> Result<Customer, CustomerError> {
        let draft = self.draft(by, &cmd)?;
        Ok(self.upsert(&draft).await?)
    }

    /// The customer with this id.
    ///
    /// # Errors
    /// [`CustomerError::NotFound`] for an unknown or malformed id.
    pub async fn get(&self, by: Actor, id: &str) -> Result<Customer, CustomerError> {
        by.require(Permission::ManageCustomers)?;
        let id: CustomerId = id.parse().map_err(|_| CustomerError::NotFound)?;
        self.store
            .get_customer(id)
            .await?
            .ok_or(CustomerError::NotFound)
    }

    /// One page of customers sorted by name, optionally searched by name or
    /// e-mail address.
    ///
    /// # Errors
    /// [`ListError::Invalid`] for a bad page size, cursor or search text.
    pub async fn list(
        &self,
        by: Actor,
        request: &ListByName,
    ) -> Result<PageOf<Customer>, ListError> {
        by.require(Permission::ManageCustomers)?;
        let query: CustomerQuery = list::name_query(request)?;
        Ok(PageOf::from_store(self.store.list_customers(&query).await?))
    }

    fn draft(&self, by: Actor, cmd: &CreateCustomer) -> Result<CustomerDraft, CustomerError> {
        by.require(Permission::ManageCustomers)?;
        Ok(new_customer(self.ids.customer_id(), cmd, self.clock.now())?)
    }
}

impl<S: CustomerStore, C, I> CustomerService<S, C, I> {
    async fn upsert(&self, draft: &CustomerDraft) -> Result<Customer, StoreError> {
        // A concurrent upsert that made the customer first is found on the
        // next attempt.
        let upserted = self
            .contention
            .retry(|| async { Attempt::of(self.store.upsert_customer(draft).await) });
        upserted.await
    }
}

/// The customer `cmd` describes, checked by the field rules.
fn new_customer(
    id: CustomerId,
    cmd: &CreateCustomer,
    at: Timestamp,
) -> Result<CustomerDraft, Invalid> {
    let mut v = Validation::new();
    let name = v.check("name", Name::parse(&cmd.name));
    let email = v.check("email", Email::parse(&cmd.email));
    let (name, email) = v.finish_with("name", name.zip(email))?;
    Ok(CustomerDraft {
        id,
        name,
        email,
        at,
    })
}
