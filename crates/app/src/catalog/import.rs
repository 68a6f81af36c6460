//! Loading products under ids of their own (the demo data, an import from
//! another system): each is added once, by the same field rules as a new
//! product, so loading twice changes nothing.

use oms_domain::ids::ProductId;
use oms_domain::invalid::Invalid;
use oms_ports::clock::Clock;
use oms_ports::store::ProductStore;

use super::{CatalogService, CreateProduct, ProductError, new_product};

/// A product to load, with the id it keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportProduct {
    /// Its id (a UUID).
    pub id: String,
    /// What a new product is made of.
    pub product: CreateProduct,
}

impl<S: ProductStore, C: Clock, I> CatalogService<S, C, I> {
    /// Adds `item` unless a product has its id already. Not a request of a
    /// signed-in user: the operator loads data when setting up.
    ///
    /// # Errors
    /// [`ProductError::Invalid`] naming every bad field; nothing is written.
    pub async fn import(&self, item: ImportProduct) -> Result<bool, ProductError> {
        let id: ProductId = item.id.parse().map_err(|e| Invalid::one("id", e))?;
        let product = new_product(id, &item.product, self.clock.now())?;
        if self.store.get_product(id).await?.is_some() {
            return Ok(false);
        }
        match self.store.insert_product(&product).await {
            Ok(()) => Ok(true),
            // Another load at the same time added it first.
            Err(_) if self.store.get_product(id).await?.is_some() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether the catalogue holds no product yet (a new store, which demo
    /// data may fill without touching a shop's own).
    ///
    /// # Errors
    /// [`ProductError::Store`] when the store cannot be read.
    pub async fn is_empty(&self) -> Result<bool, ProductError> {
        // Archived products are the shop's own too.
        for archived in [false, true] {
            let first = oms_ports::query::ProductQuery {
                names: oms_ports::query::NameQuery {
                    limit: oms_ports::query::PageLimit::new(1).unwrap_or_default(),
                    ..Default::default()
                },
                archived,
            };
            if !self.store.list_products(&first).await?.items.is_empty() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
