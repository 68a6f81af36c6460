//! A shipping address as every store keeps it: plain strings under the
//! API's own names, absent parts left out. Read back through the domain's
//! checks, so a damaged record is reported, never trusted.

use oms_domain::address::{AddressParts, ShippingAddress};
use oms_ports::error::{StoreError, corrupt};
use serde::{Deserialize, Serialize};

/// A [`ShippingAddress`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct AddressRecord {
    pub name: String,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl AddressRecord {
    /// `address` as stored.
    pub fn of(address: &ShippingAddress) -> AddressRecord {
        AddressRecord {
            name: address.name.as_str().to_owned(),
            line1: address.line1.as_str().to_owned(),
            line2: address.line2.as_ref().map(|l| l.as_str().to_owned()),
            city: address.city.as_str().to_owned(),
            region: address.region.as_ref().map(|r| r.as_str().to_owned()),
            postal_code: address.postal_code.as_str().to_owned(),
            country: address.country.as_str().to_owned(),
            phone: address.phone.as_ref().map(|p| p.as_str().to_owned()),
        }
    }

    /// The address this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming the first part that breaks a rule.
    pub fn address(&self) -> Result<ShippingAddress, StoreError> {
        let parts = AddressParts {
            name: &self.name,
            line1: &self.line1,
            line2: self.line2.as_deref(),
            city: &self.city,
            region: self.region.as_deref(),
            postal_code: &self.postal_code,
            country: &self.country,
            phone: self.phone.as_deref(),
        };
        ShippingAddress::parse(parts).map_err(|refused| match refused.first() {
            Some((part, error)) => corrupt(format_args!("shippingAddress.{part}: {error}")),
            None => corrupt("shippingAddress"),
        })
    }
}
