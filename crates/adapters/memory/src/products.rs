//! The product catalogue in memory.

use async_trait::async_trait;
use oms_domain::ids::ProductId;
use oms_domain::product::{Product, ProductChange};
use oms_domain::timestamp::Timestamp;
use oms_ports::error::{StoreError, UpdateProductError};
use oms_ports::query::{NameCursor, Page, ProductQuery};
use oms_ports::store::ProductStore;
use oms_rules::product::change_product;

use crate::MemoryStore;
use crate::state::corrupt;

#[async_trait]
impl ProductStore for MemoryStore {
    async fn insert_product(&self, product: &Product) -> Result<(), StoreError> {
        let mut state = self.state.write();
        let key = product.name.sort_key();
        if state.products.insert(product.id, key, product.clone()) {
            Ok(())
        } else {
            Err(corrupt("a product with this id already exists"))
        }
    }

    async fn get_product(&self, id: ProductId) -> Result<Option<Product>, StoreError> {
        Ok(self.state.read().products.get(&id).cloned())
    }

    async fn list_products(
        &self,
        query: &ProductQuery,
    ) -> Result<Page<Product, NameCursor<ProductId>>, StoreError> {
        let state = self.state.read();
        let names = &query.names;
        let search = names.search.as_ref().map(|s| s.as_str());
        Ok(state.products.page(names.after.as_ref(), names.limit, |p| {
            p.archived == query.archived && search.is_none_or(|s| p.name.sort_key().contains(s))
        }))
    }

    async fn update_product(
        &self,
        id: ProductId,
        change: ProductChange,
        expected_version: Option<u64>,
        at: Timestamp,
    ) -> Result<Product, UpdateProductError> {
        let mut state = self.state.write();
        state
            .products
            .update(
                &id,
                |p| p.name.sort_key(),
                |product| {
                    change_product(product, change, expected_version, at)?;
                    Ok(product.clone())
                },
            )
            .ok_or(UpdateProductError::NotFound)?
    }
}
