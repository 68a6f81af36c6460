//! Placing an order: check the request, resolve who it is for, then one
//! atomic store call that reserves every line or none.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oms_domain::address::ShippingAddress;
use oms_domain::email::Email;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::ids::ProductId;
use oms_domain::invalid::{Invalid, Reason, Validation};
use oms_domain::name::Name;
use oms_domain::order::Order;
use oms_domain::order::line::{MergedLine, merge_lines};
use oms_domain::user::{Actor, Forbidden, Permission};
use oms_ports::clock::Clock;
use oms_ports::draft::{CustomerDraft, IdempotencyClaim, OrderDraft, Placement};
use oms_ports::error::{PlaceError, StoreError};
use oms_ports::ids::IdSource;
use oms_ports::store::{OrderStore, UserStore};
use sha2::{Digest, Sha256};

use super::OrderService;
use super::address::{AddressInput, parse_address};
use crate::contention::Attempt;

/// A request to place an order, as the client sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlaceOrder {
    /// Who the order is for; staff and admins must name them, a customer
    /// orders for itself.
    pub customer: Option<CustomerInput>,
    /// Where it goes, if the client said.
    pub shipping_address: Option<AddressInput>,
    /// What is ordered.
    pub items: Vec<ItemInput>,
    /// Payment taken at the counter (staff and admins only).
    pub payment_collected: bool,
    /// The client's idempotency key, if it sent one.
    pub idempotency_key: Option<String>,
}

/// The customer named in a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerInput {
    /// Their name.
    pub name: String,
    /// Their e-mail address, which identifies them.
    pub email: String,
}

/// One requested line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemInput {
    /// The product's id.
    pub product_id: String,
    /// How many units.
    pub quantity: i64,
}

/// Why an order was not placed. In every case nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PlaceOrderError {
    /// The request breaks field rules.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The caller's role may not do what the request asks.
    #[error("not allowed: {0:?}")]
    Forbidden(Permission),
    /// The signed-in user no longer exists.
    #[error("the signed-in user no longer exists")]
    UnknownCaller,
    /// A line names a product that does not exist.
    #[error("{field}: product {product} does not exist")]
    UnknownProduct {
        /// The line's field, e.g. `items[1].productId`.
        field: String,
        /// The unknown id.
        product: ProductId,
    },
    /// A line names a product the shop no longer sells.
    #[error("{field}: {name} is no longer sold")]
    ProductArchived {
        /// The line's field, e.g. `items[1].productId`.
        field: String,
        /// The product.
        product: ProductId,
        /// Its name.
        name: Name,
    },
    /// A line asks for more than is left.
    #[error("{field}: only {available} of {name} left, {requested} requested")]
    OutOfStock {
        /// The line's field, e.g. `items[0].quantity`.
        field: String,
        /// The product.
        product: ProductId,
        /// Its name.
        name: Name,
        /// Units asked for (merged over the request's lines).
        requested: u32,
        /// Units left.
        available: u64,
    },
    /// The idempotency key was already used for a different request.
    #[error("the idempotency key was already used for a different order")]
    KeyReused,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<S, C, I> OrderService<S, C, I>
where
    S: OrderStore + UserStore,
    C: Clock,
    I: IdSource,
{
    /// Places an order for `cmd`, on behalf of `by`. With an idempotency key
    /// already used by `by` for the same request, returns the earlier order
    /// (`replayed`) and changes nothing.
    ///
    /// # Errors
    /// [`PlaceOrderError`]; nothing is written in any case.
    #[tracing::instrument(skip_all, fields(lines = cmd.items.len(), user = %by.user))]
    pub async fn place(&self, by: Actor, cmd: PlaceOrder) -> Result<Placement, PlaceOrderError> {
        by.require(Permission::PlaceOwnOrder)?;
        if cmd.payment_collected {
            by.require(Permission::CollectPayment)?;
        }
        let own = self.own_customer(by, cmd.customer.as_ref()).await?;
        let mut v = Validation::new();
        let customer = match own {
            Some(details) => Some(details),
            None => parse_customer(&mut v, cmd.customer.as_ref()),
        };
        let address = cmd
            .shipping_address
            .as_ref()
            .and_then(|input| parse_address(&mut v, "shippingAddress", input));
        let lines = parse_items(&mut v, &cmd.items);
        let key = cmd
            .idempotency_key
            .as_deref()
            .and_then(|raw| v.check("Idempotency-Key", IdempotencyKey::parse(raw)));
        let (customer, lines) = v.finish_with("customer", customer.zip(lines))?;

        let at = self.clock.now();
        let draft = OrderDraft {
            id: self.ids.order_id(),
            idempotency: key.map(|key| IdempotencyClaim {
                key,
                fingerprint: fingerprint(
                    &customer,
                    address.as_ref(),
                    &lines,
                    cmd.payment_collected,
                ),
            }),
            shipping_address: address,
            customer: CustomerDraft {
                id: self.ids.customer_id(),
                name: customer.0,
                email: customer.1,
                at,
            },
            lines: lines.iter().map(|l| (l.product_id, l.quantity)).collect(),
            payment_collected: cmd.payment_collected,
            placed_by: by,
            at,
        };
        let placed = self
            .contention
            .retry(|| async { Attempt::of(self.store.place(draft.clone()).await) });
        placed.await.map_err(|e| place_error(e, &lines))
    }

    /// For a caller who may only order for itself: its own name and address.
    /// Naming anyone else is refused rather than silently ignored.
    async fn own_customer(
        &self,
        by: Actor,
        named: Option<&CustomerInput>,
    ) -> Result<Option<(Name, Email)>, PlaceOrderError> {
        if by.may(Permission::PlaceOrderForAnyone) {
            return Ok(None);
        }
        let user = self
            .store
            .get_user(by.user)
            .await?
            .ok_or(PlaceOrderError::UnknownCaller)?;
        let someone_else =
            named.is_some_and(|c| Email::parse(&c.email).ok().as_ref() != Some(&user.email));
        if someone_else {
            return Err(Forbidden(Permission::PlaceOrderForAnyone).into());
        }
        Ok(Some((user.name, user.email)))
    }
}

fn parse_customer(v: &mut Validation, input: Option<&CustomerInput>) -> Option<(Name, Email)> {
    let Some(input) = input else {
        v.fail("customer", Reason::Required);
        return None;
    };
    let name = v.check("customer.name", Name::parse(&input.name));
    let email = v.check("customer.email", Email::parse(&input.email));
    name.zip(email)
}

pub(super) fn parse_items(v: &mut Validation, items: &[ItemInput]) -> Option<Vec<MergedLine>> {
    if items.is_empty() {
        v.fail("items", Reason::Empty);
        return None;
    }
    if items.len() > Order::MAX_LINES {
        v.fail(
            "items",
            Reason::TooMany {
                max: Order::MAX_LINES,
            },
        );
        return None;
    }
    let parsed = super::items::parse(v, items, |i| (i.product_id.as_str(), i.quantity));
    if parsed.len() != items.len() {
        return None;
    }
    match merge_lines(parsed) {
        Ok(merged) => Some(merged),
        Err(e) => {
            v.fail(format!("items[{}].quantity", e.index), e.error);
            None
        }
    }
}

/// A digest of what was asked for, after normalisation: the same order
/// written with other spacing or letter case is the same request.
fn fingerprint(
    customer: &(Name, Email),
    address: Option<&ShippingAddress>,
    lines: &[MergedLine],
    paid: bool,
) -> RequestFingerprint {
    let mut digest = Sha256::new();
    digest.update(format!("v1\n{}\n{}\n{paid}\n", customer.1, customer.0));
    // Added after the first keys were stored: an order without an address
    // keeps the digest it had.
    if let Some(a) = address {
        let optional = |part: Option<&str>| part.unwrap_or("").to_owned();
        digest.update(format!(
            "address\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            a.name.as_str(),
            a.line1,
            optional(a.line2.as_ref().map(|l| l.as_str())),
            a.city,
            optional(a.region.as_ref().map(|r| r.as_str())),
            a.postal_code,
            a.country,
            optional(a.phone.as_ref().map(|p| p.as_str())),
        ));
    }
    for line in lines {
        digest.update(format!("{} {}\n", line.product_id, line.quantity.get()));
    }
    RequestFingerprint::new(URL_SAFE_NO_PAD.encode(digest.finalize()))
}

fn place_error(error: PlaceError, lines: &[MergedLine]) -> PlaceOrderError {
    let index_of = |product: ProductId| {
        lines
            .iter()
            .find(|l| l.product_id == product)
            .map_or(0, |l| l.first_index)
    };
    match error {
        PlaceError::UnknownProduct(product) => PlaceOrderError::UnknownProduct {
            field: format!("items[{}].productId", index_of(product)),
            product,
        },
        PlaceError::ProductArchived { product, name } => PlaceOrderError::ProductArchived {
            field: format!("items[{}].productId", index_of(product)),
            product,
            name,
        },
        PlaceError::OutOfStock {
            product,
            name,
            requested,
            available,
        } => PlaceOrderError::OutOfStock {
            field: format!("items[{}].quantity", index_of(product)),
            product,
            name,
            requested: requested.get(),
            available: available.units(),
        },
        PlaceError::Order(e) => PlaceOrderError::Invalid(Invalid::one("items", e)),
        PlaceError::KeyReused => PlaceOrderError::KeyReused,
        PlaceError::Store(e) => PlaceOrderError::Store(e),
    }
}
