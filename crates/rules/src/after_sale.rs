//! Returns and refunds in an order's activity as every store keeps them:
//! plain values under the API's own names.

use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::money::Money;
use oms_domain::note::Note;
use oms_domain::order::refunds::{Refund, RefundKey};
use oms_domain::order::returns::{ReceivedItem, ReturnRequest};
use oms_domain::quantity::Quantity;
use oms_ports::error::{StoreError, field};
use serde::{Deserialize, Serialize};

/// One item of a return as asked for or as received (`restock` then).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ReturnItemRecord {
    pub product_id: String,
    pub quantity: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restock: Option<bool>,
}

/// A return's step: asked (`items`, `reason`), received (`items` with
/// `restock`) or rejected (`reason`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ReturnRecord {
    pub id: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ReturnItemRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A [`Refund`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct RefundRecord {
    pub id: u32,
    pub amount: i64,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<RefundKeyRecord>,
}

/// A [`RefundKey`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct RefundKeyRecord {
    pub user: String,
    pub key: String,
    pub fingerprint: String,
}

fn item(product_id: String, quantity: Quantity, restock: Option<bool>) -> ReturnItemRecord {
    ReturnItemRecord {
        product_id,
        quantity: i64::from(quantity.get()),
        restock,
    }
}

fn reason(text: Option<&String>) -> Result<Note, StoreError> {
    let text = text.ok_or_else(|| oms_ports::error::corrupt("return.reason is missing"))?;
    field("return.reason", Note::parse(text))
}

impl ReturnRecord {
    /// A return as asked for.
    pub fn requested(request: &ReturnRequest) -> ReturnRecord {
        ReturnRecord {
            id: request.id,
            items: request
                .items
                .iter()
                .map(|&(p, q)| item(p.to_string(), q, None))
                .collect(),
            reason: Some(request.reason.as_str().to_owned()),
        }
    }

    /// A return as received.
    pub fn received(id: u32, items: &[ReceivedItem]) -> ReturnRecord {
        ReturnRecord {
            id,
            items: items
                .iter()
                .map(|i| item(i.product.to_string(), i.quantity, Some(i.restock)))
                .collect(),
            reason: None,
        }
    }

    /// A return as rejected.
    pub fn rejected(id: u32, why: &Note) -> ReturnRecord {
        ReturnRecord {
            id,
            items: Vec::new(),
            reason: Some(why.as_str().to_owned()),
        }
    }

    /// The request this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the broken part.
    pub fn request(&self) -> Result<ReturnRequest, StoreError> {
        let items = self
            .items
            .iter()
            .map(|i| {
                Ok((
                    field("return.items.productId", i.product_id.parse())?,
                    field("return.items.quantity", Quantity::new(i.quantity))?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ReturnRequest {
            id: self.id,
            items,
            reason: reason(self.reason.as_ref())?,
        })
    }

    /// What came back, as this record holds it.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the broken part.
    pub fn received_items(&self) -> Result<Vec<ReceivedItem>, StoreError> {
        self.items
            .iter()
            .map(|i| {
                Ok(ReceivedItem {
                    product: field("return.items.productId", i.product_id.parse())?,
                    quantity: field("return.items.quantity", Quantity::new(i.quantity))?,
                    restock: i.restock.unwrap_or(false),
                })
            })
            .collect()
    }

    /// The rejection's reason.
    ///
    /// # Errors
    /// [`StoreError::Internal`] when it is missing or broken.
    pub fn rejection(&self) -> Result<Note, StoreError> {
        reason(self.reason.as_ref())
    }
}

impl RefundRecord {
    /// `refund` as stored.
    pub fn of(refund: &Refund) -> RefundRecord {
        RefundRecord {
            id: refund.id,
            amount: refund.amount.minor(),
            reason: refund.reason.as_str().to_owned(),
            return_id: refund.return_id,
            key: refund.key.as_ref().map(|k| RefundKeyRecord {
                user: k.user.to_string(),
                key: k.key.as_str().to_owned(),
                fingerprint: k.fingerprint.as_str().to_owned(),
            }),
        }
    }

    /// The refund this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the broken part.
    pub fn refund(&self) -> Result<Refund, StoreError> {
        let key = match &self.key {
            Some(k) => Some(RefundKey {
                user: field("refund.key.user", k.user.parse())?,
                key: field("refund.key.key", IdempotencyKey::parse(&k.key))?,
                fingerprint: RequestFingerprint::new(k.fingerprint.clone()),
            }),
            None => None,
        };
        Ok(Refund {
            id: self.id,
            amount: field("refund.amount", Money::from_minor(self.amount))?,
            reason: field("refund.reason", Note::parse(&self.reason))?,
            return_id: self.return_id,
            key,
        })
    }
}
