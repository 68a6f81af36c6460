//! The product catalogue: create, read, list and search products, change
//! prices and stock.

use oms_domain::ids::ProductId;
use oms_domain::invalid::{Invalid, Reason, Validation};
use oms_domain::name::Name;
use oms_domain::product::{Product, ProductChange, StockChange};
use oms_domain::stock::Stock;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Permission};
use oms_ports::clock::Clock;
use oms_ports::error::{StoreError, UpdateProductError};
use oms_ports::ids::IdSource;
use oms_ports::query::ProductQuery;
use oms_ports::store::ProductStore;

mod import;

pub use import::ImportProduct;

use crate::contention::{Attempt, Contention};
use crate::list::{self, ListByName, ListError, PageOf};

/// The catalogue use cases, over a store `S`, a clock `C` and ids `I`.
#[derive(Clone, Debug)]
pub struct CatalogService<S, C, I> {
    store: S,
    clock: C,
    ids: I,
    contention: Contention,
}

/// A new product, as the client sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateProduct {
    /// Display name.
    pub name: String,
    /// Unit price in minor units.
    pub price: i64,
    /// Units on the shelf.
    pub stock: i64,
}

/// What changes in a product, as the client sent it: at least one field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateProduct {
    /// New name; orders placed before keep theirs.
    pub name: Option<String>,
    /// Archive (no longer sold) or bring back.
    pub archived: Option<bool>,
    /// New unit price in minor units.
    pub price: Option<i64>,
    /// New available level (units not promised to any order), replacing the
    /// current one; [`CatalogService::adjust_stock`] composes with orders
    /// placed meanwhile and suits goods received.
    pub stock: Option<i64>,
    /// Change only if the product is still at this version, so a level set
    /// from a stale read does not wipe out reservations made since.
    pub expected_version: Option<u64>,
}

/// Why a product was not created, read or changed, for every catalogue
/// method but `list`: `NotFound` comes from the methods that take an id,
/// `Invalid` from those that take input. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ProductError {
    /// No product has that id (or the id is not an id at all).
    #[error("no such product")]
    NotFound,
    /// The request breaks field rules.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The caller's role may not manage the catalogue.
    #[error("not allowed: {0:?}")]
    Forbidden(Permission),
    /// The product moved on from the version `update` expected.
    #[error("the product is at version {current}")]
    VersionMismatch {
        /// The version now stored.
        current: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<S, C, I> CatalogService<S, C, I> {
    /// A service over these ports.
    pub fn new(store: S, clock: C, ids: I) -> Self {
        CatalogService {
            store,
            clock,
            ids,
            contention: Contention::DEFAULT,
        }
    }

    /// The same service giving up on contended changes by `contention`
    /// instead of [`Contention::DEFAULT`].
    pub fn with_contention(self, contention: Contention) -> Self {
        CatalogService { contention, ..self }
    }
}

impl<S: ProductStore, C: Clock, I: IdSource> CatalogService<S, C, I> {
    /// Adds a product (admins).
    ///
    /// # Errors
    /// [`ProductError::Invalid`] naming every bad field; nothing is written.
    #[tracing::instrument(skip_all, fields(user = %by.user))]
    pub async fn create(&self, by: Actor, cmd: CreateProduct) -> Result<Product, ProductError> {
        by.require(Permission::ManageCatalog)?;
        let product = new_product(self.ids.product_id(), &cmd, self.clock.now())?;
        self.store.insert_product(&product).await?;
        Ok(product)
    }

    /// The product with this id (any signed-in user).
    ///
    /// # Errors
    /// [`ProductError::NotFound`] for an unknown or malformed id.
    pub async fn get(&self, by: Actor, id: &str) -> Result<Product, ProductError> {
        by.require(Permission::ViewCatalog)?;
        let id: ProductId = id.parse().map_err(|_| ProductError::NotFound)?;
        self.store
            .get_product(id)
            .await?
            .ok_or(ProductError::NotFound)
    }

    /// One page of products sorted by name, optionally searched (any
    /// signed-in user).
    ///
    /// # Errors
    /// [`ListError::Invalid`] for a bad page size, cursor or search text.
    pub async fn list(
        &self,
        by: Actor,
        request: &ListByName,
        archived: bool,
    ) -> Result<PageOf<Product>, ListError> {
        by.require(Permission::ViewCatalog)?;
        let query = ProductQuery {
            names: list::name_query(request)?,
            archived,
        };
        Ok(PageOf::from_store(self.store.list_products(&query).await?))
    }

    /// Renames, archives, reprices or restocks a product (admins).
    ///
    /// # Errors
    /// [`ProductError`]; nothing is written in any case.
    #[tracing::instrument(skip_all, fields(product_id = %id, user = %by.user))]
    pub async fn update(
        &self,
        by: Actor,
        id: &str,
        cmd: UpdateProduct,
    ) -> Result<Product, ProductError> {
        by.require(Permission::ManageCatalog)?;
        let id: ProductId = id.parse().map_err(|_| ProductError::NotFound)?;
        let mut v = Validation::new();
        if cmd.price.is_none()
            && cmd.stock.is_none()
            && cmd.name.is_none()
            && cmd.archived.is_none()
        {
            v.fail(
                "price",
                Reason::Rule("or stock, name or archived must be given"),
            );
        }
        let name = cmd
            .name
            .as_deref()
            .and_then(|n| v.check("name", Name::parse(n)));
        let price = cmd
            .price
            .and_then(|p| v.check("price", Product::price_from_minor(p)));
        let stock = cmd.stock.and_then(|s| v.check("stock", Stock::new(s)));
        v.finish()?;
        let change = ProductChange {
            name,
            price,
            stock: stock.map(StockChange::Set),
            archived: cmd.archived,
        };
        self.change(id, change, cmd.expected_version, "stock").await
    }

    /// Adds `delta` units (negative: removes them) to what is on the shelf
    /// now, composing with orders placed meanwhile (admins).
    ///
    /// # Errors
    /// [`ProductError::Invalid`] (field `delta`) when the level would go
    /// below zero or above the maximum; nothing is written.
    #[tracing::instrument(skip_all, fields(product_id = %id, delta, user = %by.user))]
    pub async fn adjust_stock(
        &self,
        by: Actor,
        id: &str,
        delta: i64,
    ) -> Result<Product, ProductError> {
        by.require(Permission::ManageCatalog)?;
        let id: ProductId = id.parse().map_err(|_| ProductError::NotFound)?;
        let change = ProductChange {
            stock: Some(StockChange::Adjust(delta)),
            ..ProductChange::default()
        };
        self.change(id, change, None, "delta").await
    }

    async fn change(
        &self,
        id: ProductId,
        change: ProductChange,
        expected_version: Option<u64>,
        stock_field: &str,
    ) -> Result<Product, ProductError> {
        let at = self.clock.now();
        // A product that moved between the store's read and write is
        // changed again as it is now.
        let changed = self.contention.retry(|| async {
            Attempt::of(
                self.store
                    .update_product(id, change.clone(), expected_version, at)
                    .await,
            )
        });
        match changed.await {
            Ok(product) => Ok(product),
            Err(UpdateProductError::NotFound) => Err(ProductError::NotFound),
            Err(UpdateProductError::VersionMismatch { current }) => {
                Err(ProductError::VersionMismatch { current })
            }
            Err(UpdateProductError::Stock(e)) => Err(Invalid::one(stock_field, e).into()),
            Err(UpdateProductError::Store(e)) => Err(e.into()),
        }
    }
}

/// A new product at version 1 from `cmd`, checked by the field rules.
fn new_product(id: ProductId, cmd: &CreateProduct, at: Timestamp) -> Result<Product, Invalid> {
    let mut v = Validation::new();
    let name = v.check("name", Name::parse(&cmd.name));
    let price = v.check("price", Product::price_from_minor(cmd.price));
    let stock = v.check("stock", Stock::new(cmd.stock));
    let ((name, price), stock) = v.finish_with("name", name.zip(price).zip(stock))?;
    Ok(Product {
        id,
        name,
        price,
        stock,
        archived: false,
        created_at: at,
        updated_at: at,
        version: 1,
    })
}
