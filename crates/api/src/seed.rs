//! The fixtures in `seed/`, compiled into the binary, and loading them into
//! a store. Loading twice changes nothing: products are inserted only when
//! their fixed id is new, customers are found by address, and an account
//! that exists keeps its password.

use oms_app::users::{Register, RegisterError};
use oms_domain::email::Email;
use oms_domain::name::Name;
use oms_domain::product::Product;
use oms_domain::stock::Stock;
use oms_domain::user::Role;
use oms_ports::clock::Clock;
use oms_ports::draft::CustomerDraft;
use oms_ports::error::StoreError;
use oms_ports::query::{PageLimit, ProductQuery};
use oms_ports::store::Store;
use serde::Deserialize;

use crate::secret::Secret;
use crate::settings::Settings;
use crate::state::AppState;

const PRODUCTS: &str = include_str!("../../../seed/products.json");
const CUSTOMERS: &str = include_str!("../../../seed/customers.json");
const USERS: &str = include_str!("../../../seed/users.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductFixture {
    id: String,
    name: String,
    price: i64,
    stock: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerFixture {
    id: String,
    name: String,
    email: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFixture {
    name: String,
    email: String,
    role: String,
}

/// Why loading stopped.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A fixture file breaks the rules (a bug in `seed/`).
    #[error("seed fixture: {0}")]
    Fixture(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An account could not be written.
    #[error(transparent)]
    Account(#[from] RegisterError),
}

/// What was loaded, and the made-up passwords to show the operator once.
#[derive(Debug, Default)]
pub struct SeedReport {
    /// Products inserted (not counting those already there).
    pub products: usize,
    /// Customers in the fixtures (found or created).
    pub customers: usize,
    /// `(email, password)` for each account created with a generated password.
    pub generated_passwords: Vec<(String, Secret)>,
}

fn fixture<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<Vec<T>, SeedError> {
    serde_json::from_str(text).map_err(|e| SeedError::Fixture(format!("{name}: {e}")))
}

fn bad(what: &str, err: impl std::fmt::Display) -> SeedError {
    SeedError::Fixture(format!("{what}: {err}"))
}

/// Whether the store holds no product yet: a new database (or the memory
/// store at start), which demo data may fill without touching a shop's own.
///
/// # Errors
/// [`SeedError::Store`] when the store cannot be read.
pub async fn catalogue_is_empty<S: Store>(state: &AppState<S>) -> Result<bool, SeedError> {
    let first = ProductQuery {
        search: None,
        after: None,
        limit: PageLimit::new(1).unwrap_or(PageLimit::DEFAULT),
    };
    Ok(state.store.list_products(&first).await?.items.is_empty())
}

/// Loads products, customers and the demo accounts into `state`'s store.
///
/// # Errors
/// [`SeedError`] on a broken fixture or a failing store.
pub async fn load<S: Store>(
    state: &AppState<S>,
    settings: &Settings,
) -> Result<SeedReport, SeedError> {
    let now = oms_app::system::SystemClock.now();
    let mut report = SeedReport::default();
    for f in fixture::<ProductFixture>("products.json", PRODUCTS)? {
        let product = Product {
            id: f.id.parse().map_err(|e| bad(&f.id, e))?,
            name: Name::parse(&f.name).map_err(|e| bad(&f.name, e))?,
            price: Product::price_from_minor(f.price).map_err(|e| bad(&f.name, e))?,
            stock: Stock::new(f.stock).map_err(|e| bad(&f.name, e))?,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        if state.store.get_product(product.id).await?.is_none() {
            match state.store.insert_product(&product).await {
                Ok(()) => report.products += 1,
                // A seed running at the same time inserted it first.
                Err(_) if state.store.get_product(product.id).await?.is_some() => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    for f in fixture::<CustomerFixture>("customers.json", CUSTOMERS)? {
        let draft = CustomerDraft {
            id: f.id.parse().map_err(|e| bad(&f.id, e))?,
            name: Name::parse(&f.name).map_err(|e| bad(&f.name, e))?,
            email: Email::parse(&f.email).map_err(|e| bad(&f.email, e))?,
            at: now,
        };
        state.store.upsert_customer(&draft).await?;
        report.customers += 1;
    }
    for f in fixture::<UserFixture>("users.json", USERS)? {
        seed_account(state, settings, f, &mut report).await?;
    }
    Ok(report)
}

async fn seed_account<S: Store>(
    state: &AppState<S>,
    settings: &Settings,
    f: UserFixture,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    let role: Role = f.role.parse().map_err(|e| bad(&f.email, e))?;
    let configured = match role {
        // A configured administrator replaces the demo one.
        Role::Admin if settings.admin.is_some() => return Ok(()),
        Role::Staff => settings.demo_staff_password.clone(),
        Role::Admin | Role::Customer => None,
    };
    if let Some(password) = configured {
        let cmd = Register {
            name: f.name,
            email: f.email,
            password: password.expose().to_owned(),
        };
        state.users.ensure(cmd, role).await?;
        return Ok(());
    }
    let password = Secret::new(&Secret::random().expose()[..20]);
    let cmd = Register {
        name: f.name,
        email: f.email.clone(),
        password: password.expose().to_owned(),
    };
    match state.users.create(cmd, role).await {
        Ok(_) => report.generated_passwords.push((f.email, password)),
        Err(RegisterError::DuplicateEmail) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// Creates or updates the administrator named by `OMS_ADMIN_EMAIL`.
///
/// # Errors
/// [`RegisterError`] when the configured address or password breaks the rules.
pub async fn ensure_admin<S: Store>(
    state: &AppState<S>,
    settings: &Settings,
) -> Result<(), RegisterError> {
    let Some(admin) = &settings.admin else {
        return Ok(());
    };
    let cmd = Register {
        name: "Administrator".to_owned(),
        email: admin.email.clone(),
        password: admin.password.expose().to_owned(),
    };
    state.users.ensure(cmd, Role::Admin).await?;
    tracing::info!(email = %admin.email, "configured administrator ensured");
    Ok(())
}
