//! The catalogue in the `products` collection.

use async_trait::async_trait;
use mongodb::bson::doc;
use oms_domain::ids::ProductId;
use oms_domain::product::{Product, ProductChange};
use oms_domain::timestamp::Timestamp;
use oms_ports::error::{StoreError, UpdateProductError};
use oms_ports::query::{NameCursor, Page, ProductQuery};
use oms_ports::store::ProductStore;
use oms_rules::product::change_product;

use crate::MongoStore;
use crate::deadline::read;
use crate::documents::{ProductDoc, corrupt};
use crate::errors::{is_duplicate_key, store_error};
use crate::paging::name_page;

#[async_trait]
impl ProductStore for MongoStore {
    async fn insert_product(&self, product: &Product) -> Result<(), StoreError> {
        match self.products().insert_one(ProductDoc::from(product)).await {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate_key(&e) => Err(corrupt("a product with this id exists")),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn get_product(&self, id: ProductId) -> Result<Option<Product>, StoreError> {
        let found = read(self.products().find_one(doc! { "_id": id.to_string() })).await;
        found?.map(Product::try_from).transpose()
    }

    async fn list_products(
        &self,
        query: &ProductQuery,
    ) -> Result<Page<Product, NameCursor<ProductId>>, StoreError> {
        // Products stored before archiving existed have no flag: for sale.
        let only = if query.archived {
            doc! { "archived": true }
        } else {
            doc! { "archived": { "$ne": true } }
        };
        name_page(
            &self.products(),
            &query.names,
            &["nameKey"],
            Some(only),
            |p: &Product| NameCursor {
                key: p.name.sort_key(),
                id: p.id,
            },
        )
        .await
    }

    async fn update_product(
        &self,
        id: ProductId,
        change: ProductChange,
        expected_version: Option<u64>,
        at: Timestamp,
    ) -> Result<Product, UpdateProductError> {
        let Some(mut product) = self.get_product(id).await? else {
            return Err(UpdateProductError::NotFound);
        };
        let seen = product.version;
        change_product(&mut product, change, expected_version, at)?;
        let next = ProductDoc::from(&product);
        // Compare-and-set on the version read: a reservation that landed
        // in between makes this attempt miss, and the caller tries again.
        let written = self
            .products()
            .update_one(
                doc! { "_id": &next.id, "version": crate::documents::count(seen) },
                doc! { "$set": {
                    "name": &next.name,
                    "nameKey": &next.name_key,
                    "price": next.price,
                    "stock": next.stock,
                    "archived": next.archived,
                    "updatedAt": next.updated_at,
                    "version": next.version,
                } },
            )
            .await
            .map_err(store_error)?;
        if written.matched_count == 1 {
            return Ok(product);
        }
        Err(StoreError::Contended.into())
    }
}
