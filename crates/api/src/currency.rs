//! The shop's one currency (`OMS_CURRENCY`, ISO 4217): what every amount
//! in the API is counted in. Amounts stay whole minor units everywhere;
//! the currency says which units, and how many of them make one (the
//! exponent: 2 for USD, 0 for JPY, 3 for KWD), for people reading them in
//! the pages and the CSV export.

use std::fmt;

/// A currency with minor units: an ISO 4217 code, and its exponent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: iso_currency::Currency,
    exponent: u32,
}

impl Currency {
    /// US dollars, when `OMS_CURRENCY` is not set.
    pub const DEFAULT_CODE: &'static str = "USD";

    /// The currency with this code (upper case, as ISO 4217 writes it).
    ///
    /// # Errors
    /// What is wrong: not three capital letters, no such code, or a code
    /// without minor units (a fund or a metal such as XAU).
    pub fn parse(code: &str) -> Result<Currency, String> {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "{code:?} is not an ISO 4217 code (three capital letters, like USD)"
            ));
        }
        let known = iso_currency::Currency::from_code(code)
            .ok_or_else(|| format!("{code} is not an ISO 4217 currency"))?;
        let exponent = known
            .exponent()
            .ok_or_else(|| format!("{code} has no minor units to count amounts in"))?;
        Ok(Currency {
            code: known,
            exponent: u32::from(exponent),
        })
    }

    /// The ISO 4217 code.
    pub fn code(&self) -> &'static str {
        self.code.code()
    }

    /// How many decimal places a whole amount has (2 for USD).
    pub fn exponent(&self) -> u32 {
        self.exponent
    }

    /// `minor` units as decimal text in whole currency units, exactly:
    /// 1250 is "12.50" in USD, "1250" in JPY, "1.250" in KWD.
    pub fn decimal(&self, minor: i64) -> String {
        let digits = minor.unsigned_abs().to_string();
        let sign = if minor < 0 { "-" } else { "" };
        let places = usize::try_from(self.exponent).unwrap_or(0);
        if places == 0 {
            return format!("{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = places + 1);
        let (whole, fraction) = padded.split_at(padded.len() - places);
        format!("{sign}{whole}.{fraction}")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency {
            code: iso_currency::Currency::USD,
            exponent: 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_known_and_has_minor_units() {
        assert_eq!(Currency::parse("EUR").unwrap().code(), "EUR");
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().exponent(), 3);
        assert!(
            Currency::parse("usd")
                .unwrap_err()
                .contains("three capital letters")
        );
        assert!(
            Currency::parse("ABC")
                .unwrap_err()
                .contains("not an ISO 4217")
        );
        assert!(
            Currency::parse("XAU")
                .unwrap_err()
                .contains("no minor units")
        );
        assert_eq!(Currency::default(), Currency::parse("USD").unwrap());
    }

    #[test]
    fn amounts_read_in_whole_units_exactly() {
        let usd = Currency::default();
        assert_eq!(usd.decimal(1250), "12.50");
        assert_eq!(usd.decimal(5), "0.05");
        assert_eq!(usd.decimal(0), "0.00");
        assert_eq!(usd.decimal(-199), "-1.99");
        assert_eq!(usd.decimal(9_007_199_254_740_991), "90071992547409.91");
        assert_eq!(Currency::parse("JPY").unwrap().decimal(1250), "1250");
        assert_eq!(Currency::parse("KWD").unwrap().decimal(1250), "1.250");
    }
}
