//! Shipments: the parcels an order leaves the warehouse in, each with the
//! units it holds, how to follow it, and when it arrived.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;

use crate::ids::ProductId;
use crate::quantity::Quantity;
use crate::text;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// A shipment's number on its order: 1 for the first, then 2, … (an order
/// holds at most one shipment per unit, so they never run out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShipmentId(NonZeroU32);

/// Why a text or number is not a [`ShipmentId`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is not a shipment number")]
pub struct ShipmentIdError;

impl ShipmentId {
    /// The first shipment of an order.
    pub const FIRST: ShipmentId = ShipmentId(NonZeroU32::MIN);

    /// The shipment numbered `n`.
    ///
    /// # Errors
    /// [`ShipmentIdError`] for zero or a number past `u32`.
    pub fn new(n: u64) -> Result<ShipmentId, ShipmentIdError> {
        u32::try_from(n)
            .ok()
            .and_then(NonZeroU32::new)
            .map(ShipmentId)
            .ok_or(ShipmentIdError)
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0.get()
    }

    /// The number after this one.
    pub(crate) fn next(self) -> ShipmentId {
        ShipmentId(self.0.saturating_add(1))
    }
}

impl fmt::Display for ShipmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for ShipmentId {
    type Err = ShipmentIdError;

    /// Decimal digits only, no sign or leading zero: one spelling per id.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ShipmentIdError);
        }
        ShipmentId::new(s.parse().map_err(|_| ShipmentIdError)?)
    }
}

/// One shipment of an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shipment {
    /// Its number on the order.
    pub id: ShipmentId,
    /// Units of each product it holds, one entry per product.
    pub items: Vec<(ProductId, Quantity)>,
    /// Who carries it.
    pub carrier: Option<TrackingText>,
    /// The carrier's number for it.
    pub tracking_number: Option<TrackingText>,
    /// Where the customer can follow it.
    pub tracking_url: Option<TrackingUrl>,
    /// When it left.
    pub shipped_at: Timestamp,
    /// Who sent it.
    pub shipped_by: Actor,
    /// When it arrived and who said so, once it has.
    pub delivered: Option<Delivery>,
}

/// A shipment's arrival, as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// When.
    pub at: Timestamp,
    /// Who recorded it.
    pub by: Actor,
}

impl Shipment {
    /// Whether this is `earlier` with its arrival recorded since, and
    /// nothing else changed.
    pub fn is_arrival_of(&self, earlier: &Shipment) -> bool {
        let unarrived = Shipment {
            delivered: None,
            ..self.clone()
        };
        earlier.delivered.is_none() && self.delivered.is_some() && unarrived == *earlier
    }

    /// Units of `product` in this shipment.
    pub fn units_of(&self, product: ProductId) -> u64 {
        self.items
            .iter()
            .filter(|(p, _)| *p == product)
            .map(|(_, q)| u64::from(q.get()))
            .sum()
    }
}

/// What a shipment is to hold and say, as asked for; the order decides
/// whether it may go ([`Order::ship`](super::Order::ship)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShipmentRequest {
    /// The units to send; `None` sends every unit not yet shipped.
    pub items: Option<Vec<(ProductId, Quantity)>>,
    /// Who carries it.
    pub carrier: Option<TrackingText>,
    /// The carrier's number for it.
    pub tracking_number: Option<TrackingText>,
    /// Where the customer can follow it.
    pub tracking_url: Option<TrackingUrl>,
}

/// Why one requested item cannot go in a shipment or a return, with its
/// place in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShipItemError {
    /// The product is not on the order.
    #[error("is not on this order")]
    NotOnOrder {
        /// Which item.
        index: usize,
    },
    /// The product appears on an earlier item.
    #[error("appears on an earlier item")]
    Repeated {
        /// Which item.
        index: usize,
    },
    /// More units than the order has left to ship (or to take back).
    #[error("must be at most {left}, the units left")]
    MoreThanLeft {
        /// Which item.
        index: usize,
        /// The units left.
        left: u64,
    },
}

/// Checks `items` against what each product on the order allows
/// (`left(product)`, `None` for a product not on the order): every item
/// that repeats an earlier product, is not on the order or asks for more
/// than is left, in request order.
pub(crate) fn check_items(
    items: &[(ProductId, Quantity)],
    left: impl Fn(ProductId) -> Option<u64>,
) -> Vec<ShipItemError> {
    let mut refused = Vec::new();
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for (index, &(product, quantity)) in items.iter().enumerate() {
        if !seen.insert(product) {
            refused.push(ShipItemError::Repeated { index });
            continue;
        }
        match left(product) {
            None => refused.push(ShipItemError::NotOnOrder { index }),
            Some(left) if u64::from(quantity.get()) > left => {
                refused.push(ShipItemError::MoreThanLeft { index, left });
            }
            Some(_) => {}
        }
    }
    refused
}

impl ShipItemError {
    /// The request field this error is about (`items[1].quantity`).
    pub fn field(&self) -> String {
        match *self {
            ShipItemError::NotOnOrder { index } | ShipItemError::Repeated { index } => {
                format!("items[{index}].productId")
            }
            ShipItemError::MoreThanLeft { index, .. } => format!("items[{index}].quantity"),
        }
    }
}

/// A carrier's name or tracking number: one trimmed line of at most
/// [`TrackingText::MAX_LEN`] characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingText(String);

/// Why a text cannot describe a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrackingError {
    /// Nothing but whitespace (leave it out instead).
    #[error("must not be blank (leave it out instead)")]
    Empty,
    /// Longer than the maximum.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A newline or other control character.
    #[error("must be one line, without control characters")]
    ControlCharacter,
    /// Not an absolute `https` URL.
    #[error("must be an https URL such as https://carrier.example/track/123")]
    NotHttps,
}

impl TrackingText {
    /// Longest carrier name or tracking number.
    pub const MAX_LEN: usize = 100;

    /// `raw` trimmed, when it keeps to the rules.
    ///
    /// # Errors
    /// [`TrackingError`] says which rule `raw` broke.
    pub fn parse(raw: &str) -> Result<TrackingText, TrackingError> {
        Ok(TrackingText(one_line(raw, Self::MAX_LEN)?.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a customer follows a shipment: an absolute `https` URL of at most
/// [`TrackingUrl::MAX_LEN`] characters, kept as sent (less surrounding
/// spaces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingUrl(String);

impl TrackingUrl {
    /// Longest URL: room for a carrier's query string.
    pub const MAX_LEN: usize = 500;

    /// `raw` trimmed, when it is an `https` URL with a host.
    ///
    /// # Errors
    /// [`TrackingError`] says which rule `raw` broke.
    pub fn parse(raw: &str) -> Result<TrackingUrl, TrackingError> {
        let trimmed = one_line(raw, Self::MAX_LEN)?;
        let url = url::Url::parse(trimmed).map_err(|_| TrackingError::NotHttps)?;
        if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
            return Err(TrackingError::NotHttps);
        }
        Ok(TrackingUrl(trimmed.to_owned()))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn one_line(raw: &str, max: usize) -> Result<&str, TrackingError> {
    let trimmed = text::trimmed(raw, max)?;
    if raw.chars().any(char::is_control) {
        return Err(TrackingError::ControlCharacter);
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipment_ids_are_positive_numbers_with_one_spelling() {
        assert_eq!("1".parse::<ShipmentId>(), Ok(ShipmentId::FIRST));
        assert_eq!("12".parse::<ShipmentId>().map(ShipmentId::get), Ok(12));
        for raw in ["0", "01", "-1", "+1", "1.0", "", "x", "99999999999"] {
            assert_eq!(raw.parse::<ShipmentId>(), Err(ShipmentIdError), "{raw:?}");
        }
        assert_eq!(ShipmentId::FIRST.next().get(), 2);
    }

    #[test]
    fn tracking_text_is_one_bounded_line() {
        assert_eq!(TrackingText::parse(" DHL ").unwrap().as_str(), "DHL");
        assert_eq!(TrackingText::parse("  "), Err(TrackingError::Empty));
        assert_eq!(
            TrackingText::parse(&"x".repeat(101)),
            Err(TrackingError::TooLong { max: 100 })
        );
        assert!(TrackingText::parse(&"x".repeat(100)).is_ok());
        assert_eq!(
            TrackingText::parse("a\tb"),
            Err(TrackingError::ControlCharacter)
        );
    }

    #[test]
    fn a_tracking_url_is_https_with_a_host() {
        let url = TrackingUrl::parse("https://track.example/p?id=1").unwrap();
        assert_eq!(url.as_str(), "https://track.example/p?id=1");
        for raw in [
            "http://track.example/1",
            "track.example/1",
            "ftp://track.example",
            "https://",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                TrackingUrl::parse(raw),
                Err(TrackingError::NotHttps),
                "{raw}"
            );
        }
        let long = format!("https://t.example/{}", "a".repeat(500));
        assert_eq!(
            TrackingUrl::parse(&long),
            Err(TrackingError::TooLong { max: 500 })
        );
    }
}
