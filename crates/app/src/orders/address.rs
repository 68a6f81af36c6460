//! A shipping address as a client sends it, checked part by part so that
//! each refusal names its own field (`shippingAddress.country`).

use oms_domain::address::{AddressLine, Country, Phone, PostalCode, ShippingAddress};
use oms_domain::invalid::Validation;
use oms_domain::name::Name;

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
    let field = |part: &str| format!("{at}.{part}");
    let name = v.check(field("name"), Name::parse(&input.name));
    let line1 = v.check(field("line1"), AddressLine::parse(&input.line1));
    let line2 = input
        .line2
        .as_deref()
        .map(|raw| v.check(field("line2"), AddressLine::parse(raw)));
    let city = v.check(field("city"), AddressLine::parse(&input.city));
    let region = input
        .region
        .as_deref()
        .map(|raw| v.check(field("region"), AddressLine::parse(raw)));
    let postal_code = v.check(field("postalCode"), PostalCode::parse(&input.postal_code));
    let country = v.check(field("country"), Country::parse(&input.country));
    let phone = input
        .phone
        .as_deref()
        .map(|raw| v.check(field("phone"), Phone::parse(raw)));
    Some(ShippingAddress {
        name: name?,
        line1: line1?,
        line2: line2.map(|l| l.ok_or(())).transpose().ok()?,
        city: city?,
        region: region.map(|r| r.ok_or(())).transpose().ok()?,
        postal_code: postal_code?,
        country: country?,
        phone: phone.map(|p| p.ok_or(())).transpose().ok()?,
    })
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
