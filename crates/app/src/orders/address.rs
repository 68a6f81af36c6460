//! A shipping address as a client sends it, checked part by part so that
//! each refusal names its own field (`shippingAddress.country`).

use oms_domain::address::{AddressParts, ShippingAddress};
use oms_domain::invalid::Validation;

/// A shipping address as the client sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct AddressInput {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
    pub phone: Option<String>,
}

/// `input` checked, each failure noted under `at` and the part's name. An
/// optional part is left out or valid: sent blank it is refused, as the
/// API document's schema says.
pub(crate) fn parse_address(
    v: &mut Validation,
    at: &str,
    input: &AddressInput,
) -> Option<ShippingAddress> {
    let parts = AddressParts {
        name: &input.name,
        line1: &input.line1,
        line2: input.line2.as_deref(),
        city: &input.city,
        region: input.region.as_deref(),
        postal_code: &input.postal_code,
        country: &input.country,
        phone: input.phone.as_deref(),
    };
    match ShippingAddress::parse(parts) {
        Ok(address) => Some(address),
        Err(refused) => {
            for (part, error) in refused {
                v.fail(format!("{at}.{part}"), error);
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AddressInput {
        AddressInput {
            name: "Ann Lee".into(),
            line1: "1 Main St".into(),
            line2: None,
            city: "Berlin".into(),
            region: None,
            postal_code: "10115".into(),
            country: "de".into(),
            phone: Some("+49 30 1234".into()),
        }
    }

    #[test]
    fn a_whole_address_is_kept_without_its_optional_parts() {
        let mut v = Validation::new();
        let address = parse_address(&mut v, "shippingAddress", &input()).unwrap();
        assert!(v.finish().is_ok());
        assert_eq!(address.country.as_str(), "DE");
        assert_eq!(address.line2, None);
        assert_eq!(address.phone.unwrap().as_str(), "+49 30 1234");
    }

    #[test]
    fn each_bad_part_is_named() {
        let mut v = Validation::new();
        let bad = AddressInput {
            line1: " ".into(),
            line2: Some(String::new()),
            country: "XX".into(),
            phone: Some("ring twice".into()),
            ..input()
        };
        assert_eq!(parse_address(&mut v, "shippingAddress", &bad), None);
        let invalid = v.finish().unwrap_err();
        let fields: Vec<&str> = invalid.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "shippingAddress.line1",
                "shippingAddress.line2",
                "shippingAddress.country",
                "shippingAddress.phone"
            ]
        );
    }
}
