//! How records look in MongoDB (`*Doc`), and the conversions to and from
//! the domain. Ids are hyphenated UUID strings, times are BSON dates, money
//! and counts are 64-bit integers. A document that breaks a domain rule on
//! the way back is reported as corrupt, never trusted.

use mongodb::bson::DateTime;
use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::password::PasswordHash;
use oms_domain::product::Product;
use oms_domain::stock::Stock;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::User;
use oms_ports::error::StoreError;
use serde::{Deserialize, Serialize};

pub(crate) mod events;
pub(crate) mod orders;

pub(crate) use oms_ports::error::{corrupt, field};

pub(crate) fn date(at: Timestamp) -> DateTime {
    DateTime::from_millis(at.unix_millis())
}

pub(crate) fn timestamp(name: &str, at: DateTime) -> Result<Timestamp, StoreError> {
    field(name, Timestamp::from_unix_millis(at.timestamp_millis()))
}

pub(crate) fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn uncount(name: &str, n: i64) -> Result<u64, StoreError> {
    field(name, u64::try_from(n))
}

/// A product. `nameKey` is the case-folded name lists sort and search by.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProductDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub price: i64,
    pub stock: i64,
    /// Absent from products written before archiving existed: for sale.
    #[serde(default)]
    pub archived: bool,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub version: i64,
}

impl From<&Product> for ProductDoc {
    fn from(p: &Product) -> Self {
        ProductDoc {
            id: p.id.to_string(),
            name: p.name.as_str().to_owned(),
            name_key: p.name.sort_key(),
            price: p.price.minor(),
            stock: count(p.stock.units()),
            archived: p.archived,
            created_at: date(p.created_at),
            updated_at: date(p.updated_at),
            version: count(p.version),
        }
    }
}

impl TryFrom<ProductDoc> for Product {
    type Error = StoreError;

    fn try_from(d: ProductDoc) -> Result<Self, StoreError> {
        Ok(Product {
            id: field("product._id", d.id.parse())?,
            name: field("product.name", Name::parse(&d.name))?,
            price: field("product.price", Money::from_minor(d.price))?,
            stock: Stock::from_units(uncount("product.stock", d.stock)?),
            archived: d.archived,
            created_at: timestamp("product.createdAt", d.created_at)?,
            updated_at: timestamp("product.updatedAt", d.updated_at)?,
            version: uncount("product.version", d.version)?,
        })
    }
}

/// A customer, unique by `email`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub email: String,
    pub created_at: DateTime,
}

impl From<&Customer> for CustomerDoc {
    fn from(c: &Customer) -> Self {
        CustomerDoc {
            id: c.id.to_string(),
            name: c.name.as_str().to_owned(),
            name_key: c.name.sort_key(),
            email: c.email.as_str().to_owned(),
            created_at: date(c.created_at),
        }
    }
}

impl TryFrom<CustomerDoc> for Customer {
    type Error = StoreError;

    fn try_from(d: CustomerDoc) -> Result<Self, StoreError> {
        Ok(Customer {
            id: field("customer._id", d.id.parse())?,
            name: field("customer.name", Name::parse(&d.name))?,
            email: field("customer.email", Email::parse(&d.email))?,
            created_at: timestamp("customer.createdAt", d.created_at)?,
        })
    }
}

/// A user account, unique by `email`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    /// Absent from accounts written before it existed: their first.
    #[serde(default)]
    pub token_generation: i64,
    /// Absent from accounts written before it existed: enabled.
    #[serde(default)]
    pub disabled: bool,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl From<&User> for UserDoc {
    fn from(u: &User) -> Self {
        UserDoc {
            id: u.id.to_string(),
            name: u.name.as_str().to_owned(),
            email: u.email.as_str().to_owned(),
            password_hash: u.password_hash.as_phc().to_owned(),
            role: u.role.as_str().to_owned(),
            token_generation: i64::from(u.token_generation),
            disabled: u.disabled,
            created_at: date(u.created_at),
            updated_at: date(u.updated_at),
        }
    }
}

impl TryFrom<UserDoc> for User {
    type Error = StoreError;

    fn try_from(d: UserDoc) -> Result<Self, StoreError> {
        Ok(User {
            id: field("user._id", d.id.parse())?,
            name: field("user.name", Name::parse(&d.name))?,
            email: field("user.email", Email::parse(&d.email))?,
            password_hash: PasswordHash::from_phc(d.password_hash),
            role: field("user.role", d.role.parse())?,
            token_generation: field("user.tokenGeneration", u32::try_from(d.token_generation))?,
            disabled: d.disabled,
            created_at: timestamp("user.createdAt", d.created_at)?,
            updated_at: timestamp("user.updatedAt", d.updated_at)?,
        })
    }
}
