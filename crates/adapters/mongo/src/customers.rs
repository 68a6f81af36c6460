//! Customers in the `customers` collection, unique by e-mail address
//! (a unique index, so two racing requests still make one customer).

use async_trait::async_trait;
use mongodb::bson::{doc, to_document};
use mongodb::options::ReturnDocument;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::CustomerId;
use oms_ports::draft::CustomerDraft;
use oms_ports::error::{InsertError, StoreError};
use oms_ports::query::{CustomerQuery, NameCursor, Page};
use oms_ports::store::CustomerStore;
use oms_rules::assembly::resolve_customer;

use crate::MongoStore;
use crate::deadline::read;
use crate::documents::{CustomerDoc, corrupt};
use crate::errors::{is_duplicate_key, store_error};
use crate::paging::name_page;

impl MongoStore {
    /// Finds the customer with the draft's address or creates it. A
    /// duplicate-key error means another request created it first.
    async fn find_or_create_customer(
        &self,
        draft: &CustomerDraft,
    ) -> Result<Customer, mongodb::error::Error> {
        // The upsert writes the draft's customer only if the address is new,
        // which is the rule `resolve_customer` states.
        let new = CustomerDoc::from(&resolve_customer(draft, None).0);
        let insert = to_document(&new)?;
        let customers = self.customers();
        let filter = doc! { "email": &new.email };
        let found = customers
            .find_one_and_update(filter.clone(), doc! { "$setOnInsert": insert })
            .upsert(true)
            .return_document(ReturnDocument::After)
            .await?;
        let found = match found {
            Some(doc) => Some(doc),
            // Some servers answer a racing upsert without the document.
            None => customers.find_one(filter).await?,
        };
        let doc = found
            .ok_or_else(|| mongodb::error::Error::custom("upsert returned nothing".to_owned()))?;
        Customer::try_from(doc).map_err(|e| mongodb::error::Error::custom(e.to_string()))
    }
}

#[async_trait]
impl CustomerStore for MongoStore {
    async fn insert_customer(&self, customer: &Customer) -> Result<(), InsertError> {
        match self
            .customers()
            .insert_one(CustomerDoc::from(customer))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate_key(&e) => {
                // The id is fresh, so a clash is on the address, unless the
                // id itself was reused, which is a bug worth naming.
                if self.get_customer(customer.id).await?.is_some() {
                    Err(corrupt("a customer with this id exists").into())
                } else {
                    Err(InsertError::DuplicateEmail)
                }
            }
            Err(e) => Err(store_error(e).into()),
        }
    }

    async fn upsert_customer(&self, draft: &CustomerDraft) -> Result<Customer, StoreError> {
        match self.find_or_create_customer(draft).await {
            // A racing upsert of the same address won on the unique index;
            // the caller's next attempt finds its customer.
            Err(e) if is_duplicate_key(&e) => Err(StoreError::Contended),
            other => other.map_err(store_error),
        }
    }

    async fn get_customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        let found = read(self.customers().find_one(doc! { "_id": id.to_string() })).await;
        found?.map(Customer::try_from).transpose()
    }

    async fn find_customer_by_email(&self, email: &Email) -> Result<Option<Customer>, StoreError> {
        let found = read(self.customers().find_one(doc! { "email": email.as_str() })).await;
        found?.map(Customer::try_from).transpose()
    }

    async fn list_customers(
        &self,
        query: &CustomerQuery,
    ) -> Result<Page<Customer, NameCursor<CustomerId>>, StoreError> {
        name_page(
            &self.customers(),
            query,
            &["nameKey", "email"],
            None,
            |c: &Customer| NameCursor {
                key: c.name.sort_key(),
                id: c.id,
            },
        )
        .await
    }
}
