//! Where an order goes: a postal address as people write it, checked only
//! where a mistake is certain (an empty line, a country that does not
//! exist, a phone number with letters), never against one country's format.

use std::fmt;

use crate::name::{Name, NameError};
use crate::text;

/// A shipping address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShippingAddress {
    /// Who receives it.
    pub name: Name,
    /// Street and number.
    pub line1: AddressLine,
    /// Flat, floor, building.
    pub line2: Option<AddressLine>,
    /// Town or city.
    pub city: AddressLine,
    /// State, province or county, where the country uses one.
    pub region: Option<AddressLine>,
    /// The postal code as the country writes it.
    pub postal_code: PostalCode,
    /// ISO 3166-1 alpha-2.
    pub country: Country,
    /// For the carrier.
    pub phone: Option<Phone>,
}

/// An address's parts as plain text, as a client sends them or a store
/// keeps them; [`ShippingAddress::parse`] checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct AddressParts<'a> {
    pub name: &'a str,
    pub line1: &'a str,
    pub line2: Option<&'a str>,
    pub city: &'a str,
    pub region: Option<&'a str>,
    pub postal_code: &'a str,
    pub country: &'a str,
    pub phone: Option<&'a str>,
}

impl ShippingAddress {
    /// `parts` checked, each by its own rule; an optional part is absent
    /// or valid.
    ///
    /// # Errors
    /// Every refused part, under its wire name (`postalCode`), in order.
    pub fn parse(
        parts: AddressParts<'_>,
    ) -> Result<ShippingAddress, Vec<(&'static str, AddressError)>> {
        let mut refused = Vec::new();
        let name = checked(&mut refused, "name", Name::parse(parts.name));
        let line1 = checked(&mut refused, "line1", AddressLine::parse(parts.line1));
        let line2 = parts
            .line2
            .map(|raw| checked(&mut refused, "line2", AddressLine::parse(raw)));
        let city = checked(&mut refused, "city", AddressLine::parse(parts.city));
        let region = parts
            .region
            .map(|raw| checked(&mut refused, "region", AddressLine::parse(raw)));
        let postal_code = checked(
            &mut refused,
            "postalCode",
            PostalCode::parse(parts.postal_code),
        );
        let country = checked(&mut refused, "country", Country::parse(parts.country));
        let phone = parts
            .phone
            .map(|raw| checked(&mut refused, "phone", Phone::parse(raw)));
        let (Some(name), Some(line1), Some(city), Some(postal_code), Some(country), true) =
            (name, line1, city, postal_code, country, refused.is_empty())
        else {
            return Err(refused);
        };
        Ok(ShippingAddress {
            name,
            line1,
            line2: line2.flatten(),
            city,
            region: region.flatten(),
            postal_code,
            country,
            phone: phone.flatten(),
        })
    }
}

/// `result`'s value, or `None` with its error noted under `part`.
fn checked<T, E: Into<AddressError>>(
    refused: &mut Vec<(&'static str, AddressError)>,
    part: &'static str,
    result: Result<T, E>,
) -> Option<T> {
    result.map_err(|e| refused.push((part, e.into()))).ok()
}

/// Why a part of an address is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Nothing but whitespace was given.
    #[error("is required")]
    Empty,
    /// Longer than the part's maximum.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit that was exceeded.
        max: usize,
    },
    /// A newline, tab or other control character.
    #[error("must not contain control characters")]
    ControlCharacter,
    /// Not an assigned ISO 3166-1 alpha-2 code.
    #[error("must be an ISO 3166-1 alpha-2 country code, such as DE or US")]
    Country,
    /// Something other than digits, spaces and `+ - ( ) .`.
    #[error("may hold only digits, spaces and + - ( ) .")]
    Phone,
}

impl From<NameError> for AddressError {
    fn from(e: NameError) -> Self {
        match e {
            NameError::Empty => AddressError::Empty,
            NameError::TooLong { max } => AddressError::TooLong { max },
            NameError::ControlCharacter => AddressError::ControlCharacter,
        }
    }
}

/// `raw` trimmed, when it keeps to the text rule and holds no control
/// character.
fn part(raw: &str, max: usize) -> Result<String, AddressError> {
    let trimmed = text::trimmed(raw, max)?;
    if raw.chars().any(char::is_control) {
        return Err(AddressError::ControlCharacter);
    }
    Ok(trimmed.to_owned())
}

macro_rules! address_text {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The most characters it may have.
            pub const MAX_LEN: usize = $max;

            /// Trims and checks `raw`.
            ///
            /// # Errors
            /// [`AddressError`] names the rule `raw` broke.
            pub fn parse(raw: &str) -> Result<$name, AddressError> {
                part(raw, Self::MAX_LEN).map($name)
            }

            /// As given, less surrounding whitespace.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

address_text!(
    /// A line of an address, a city or a region.
    AddressLine,
    200
);
address_text!(
    /// A postal code, in whatever form its country writes it.
    PostalCode,
    16
);

/// A phone number as people write it: digits, spaces and `+ - ( ) .`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Longer than any dialable number with its punctuation.
    pub const MAX_LEN: usize = 32;

    /// Trims and checks `raw`.
    ///
    /// # Errors
    /// [`AddressError`] names the rule `raw` broke.
    pub fn parse(raw: &str) -> Result<Phone, AddressError> {
        let trimmed = part(raw, Self::MAX_LEN)?;
        // What was sent, ends included, as the API document's pattern reads it.
        let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
        if !raw.chars().all(allowed) || !raw.chars().any(|c| c.is_ascii_digit()) {
            return Err(AddressError::Phone);
        }
        Ok(Phone(trimmed))
    }

    /// As given, less surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An assigned ISO 3166-1 alpha-2 code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

/// Every officially assigned ISO 3166-1 alpha-2 code, in order.
const ASSIGNED: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ \
DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT \
GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY \
KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX \
MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS \
RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN \
TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

impl Country {
    /// `raw` (two letters, either case) when it is assigned.
    ///
    /// # Errors
    /// [`AddressError::Country`] otherwise.
    pub fn parse(raw: &str) -> Result<Country, AddressError> {
        let &[a, b] = raw.as_bytes() else {
            return Err(AddressError::Country);
        };
        let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        // Every stored address is parsed again when its order is read: the
        // sorted codes (two letters and a space each) are searched by halving.
        let (codes, last) = ASSIGNED.as_bytes().as_chunks::<3>();
        let assigned = last == code || codes.binary_search_by(|c| c[..2].cmp(&code)).is_ok();
        if assigned {
            Ok(Country(code))
        } else {
            Err(AddressError::Country)
        }
    }

    /// The two upper-case letters.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_the_assigned_codes_in_either_case() {
        assert_eq!(Country::parse("De").map(|c| c.to_string()), Ok("DE".into()));
        assert_eq!(Country::parse("us").map(|c| c.to_string()), Ok("US".into()));
        for wrong in ["XX", "UK", "D", "DEU", "", "Ü1", " DE"] {
            assert_eq!(Country::parse(wrong), Err(AddressError::Country), "{wrong}");
        }
        assert_eq!(ASSIGNED.split(' ').count(), 249);
        let codes: Vec<&str> = ASSIGNED.split(' ').collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        for code in codes {
            assert_eq!(
                Country::parse(code).map(|c| c.to_string()),
                Ok(code.to_owned())
            );
            let lower = code.to_ascii_lowercase();
            assert_eq!(
                Country::parse(&lower).map(|c| c.to_string()),
                Ok(code.to_owned())
            );
        }
        for between in ["AA", "AC", "ZZ", "ZX", "MM1", "é"] {
            assert_eq!(
                Country::parse(between),
                Err(AddressError::Country),
                "{between}"
            );
        }
    }

    #[test]
    fn lines_are_trimmed_bounded_and_single_line() {
        assert_eq!(
            AddressLine::parse("  1 Main St ").unwrap().as_str(),
            "1 Main St"
        );
        assert_eq!(AddressLine::parse("   "), Err(AddressError::Empty));
        assert_eq!(
            AddressLine::parse(&"a".repeat(201)),
            Err(AddressError::TooLong { max: 200 })
        );
        assert_eq!(
            AddressLine::parse("1 Main St\nFlat 2"),
            Err(AddressError::ControlCharacter)
        );
        assert_eq!(
            PostalCode::parse("12345678901234567"),
            Err(AddressError::TooLong { max: 16 })
        );
        assert_eq!(PostalCode::parse("SW1A 1AA").unwrap().as_str(), "SW1A 1AA");
    }

    #[test]
    fn phones_hold_digits_and_their_punctuation() {
        assert_eq!(
            Phone::parse(" +49 (30) 123-45.6 ").unwrap().as_str(),
            "+49 (30) 123-45.6"
        );
        assert_eq!(Phone::parse("+49\u{a0}30"), Err(AddressError::Phone));
        assert_eq!(Phone::parse("call me"), Err(AddressError::Phone));
        assert_eq!(Phone::parse("+-"), Err(AddressError::Phone));
        assert_eq!(
            Phone::parse(&"1".repeat(33)),
            Err(AddressError::TooLong { max: 32 })
        );
    }
}
