//! The fixtures in `seed/`, compiled into the binary, and loading them into
//! a store. Loading twice changes nothing: products are inserted only when
//! their fixed id is new, customers are found by address, and an account
//! that exists keeps its password.

use oms_app::catalog::{CreateProduct, ImportProduct, ProductError};
use oms_app::customers::{CreateCustomer, CustomerError, ImportCustomer};
use oms_app::users::{Register, RegisterError};
use oms_domain::user::Role;
use oms_ports::store::Store;
use serde::Deserialize;

mod orders;
mod volume;

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
    /// Where the demo orders for them go.
    #[serde(default)]
    address: Option<oms_rules::address::AddressRecord>,
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
    /// A product could not be loaded (a broken fixture, a failing store).
    #[error("seed products: {0}")]
    Catalog(#[from] ProductError),
    /// A customer could not be loaded.
    #[error("seed customers: {0}")]
    Customer(#[from] CustomerError),
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
    /// Demo orders placed.
    pub orders: u64,
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
/// [`SeedError::Catalog`] when the store cannot be read.
pub async fn catalogue_is_empty<S: Store>(state: &AppState<S>) -> Result<bool, SeedError> {
    Ok(state.catalog.is_empty().await?)
}

/// Loads products, customers and the demo accounts into `state`'s store,
/// through the use cases that hold their rules.
///
/// # Errors
/// [`SeedError`] on a broken fixture or a failing store.
pub async fn load<S: Store>(
    state: &AppState<S>,
    settings: &Settings,
) -> Result<SeedReport, SeedError> {
    let mut report = SeedReport::default();
    for f in fixture::<ProductFixture>("products.json", PRODUCTS)? {
        let item = ImportProduct {
            id: f.id,
            product: CreateProduct {
                name: f.name,
                price: f.price,
                stock: f.stock,
            },
        };
        if state.catalog.import(item).await? {
            report.products += 1;
        }
    }
    for f in fixture::<CustomerFixture>("customers.json", CUSTOMERS)? {
        let item = ImportCustomer {
            id: f.id,
            customer: CreateCustomer {
                name: f.name,
                email: f.email,
            },
        };
        state.customers.import(item).await?;
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
        Role::Admin | Role::Customer | Role::System => None,
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

/// Places the demo orders (by the demo staff account) into a store that
/// holds no order yet; returns how many.
///
/// # Errors
/// [`SeedError`] on a broken fixture or a failing store.
pub async fn demo_orders<S: Store>(state: &AppState<S>) -> Result<u64, SeedError> {
    match demo_staff(state).await? {
        Some(by) => orders::load(&state.store, by).await,
        None => Ok(0),
    }
}

/// The demo staff account of `users.json`, once loaded.
async fn demo_staff<S: Store>(
    state: &AppState<S>,
) -> Result<Option<oms_domain::user::Actor>, SeedError> {
    let staff = fixture::<UserFixture>("users.json", USERS)?
        .into_iter()
        .find(|u| u.role == "staff")
        .ok_or_else(|| bad("users.json", "no staff account"))?;
    let email = oms_domain::email::Email::parse(&staff.email).map_err(|e| bad(&staff.email, e))?;
    let Some(user) = state
        .store
        .find_user_by_email(&email)
        .await
        .map_err(|e| bad("users", e))?
    else {
        return Ok(None);
    };
    Ok(Some(oms_domain::user::Actor {
        user: user.id,
        role: user.role,
    }))
}

/// `orders` bench orders (`oms seed --orders N`) placed by the demo staff
/// account into a store that holds no order yet; returns how many.
///
/// # Errors
/// [`SeedError`] on a store that holds orders or fails.
pub async fn bench_orders<S: Store>(state: &AppState<S>, orders: u64) -> Result<u64, SeedError> {
    let by = demo_staff(state)
        .await?
        .ok_or_else(|| bad("users.json", "the demo staff account was not created"))?;
    volume::load(&state.store, by, orders).await
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
