//! The API's limits that the pages apply too, so a form stops where the API
//! would refuse. The API fills them from its own types (this crate knows
//! none), and no page repeats a number the server might change.

/// Each is the API's own bound, in the unit the API counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest name of a product, customer or account, in characters.
    pub name_max: usize,
    /// The longest e-mail address, in characters.
    pub email_max: usize,
    /// The shortest password an account may choose, in characters.
    pub password_min: usize,
    /// The longest password, in characters.
    pub password_max: usize,
    /// The longest search text, in characters.
    pub search_max: usize,
    /// The most items one page of a list holds.
    pub page_max: usize,
    /// The most units one order line may ask for.
    pub quantity_max: u32,
    /// The highest stock level a person may set.
    pub stock_max: u64,
    /// The longest reason kept with a status change, in characters.
    pub reason_max: usize,
    /// The longest webhook endpoint URL, in characters.
    pub webhook_url_max: usize,
    /// The longest line of a shipping address (and its city and region).
    pub address_line_max: usize,
    /// The longest postal code.
    pub postal_code_max: usize,
    /// The longest phone number.
    pub phone_max: usize,
}

impl Limits {
    /// Each limit under the one name the pages know it by: `{{nameMax}}`
    /// in a page's HTML, `LIMITS.nameMax` in its scripts.
    pub(crate) fn named(&self) -> [(&'static str, String); 13] {
        [
            ("nameMax", self.name_max.to_string()),
            ("emailMax", self.email_max.to_string()),
            ("passwordMin", self.password_min.to_string()),
            ("passwordMax", self.password_max.to_string()),
            ("searchMax", self.search_max.to_string()),
            ("pageMax", self.page_max.to_string()),
            ("quantityMax", self.quantity_max.to_string()),
            ("stockMax", self.stock_max.to_string()),
            ("reasonMax", self.reason_max.to_string()),
            ("webhookUrlMax", self.webhook_url_max.to_string()),
            ("addressLineMax", self.address_line_max.to_string()),
            ("postalCodeMax", self.postal_code_max.to_string()),
            ("phoneMax", self.phone_max.to_string()),
        ]
    }

    /// The value of the limit called `name`, if there is one.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.named()
            .into_iter()
            .find_map(|(key, value)| (key == name).then_some(value))
    }

    /// Every limit as one JSON object, escaped to stand in an HTML
    /// attribute (`<meta name="oms-limits" content="...">`). Names and
    /// numbers only, so quotes are all there is to escape.
    pub(crate) fn json_attribute(&self) -> String {
        let fields: Vec<String> = self
            .named()
            .iter()
            .map(|(name, value)| format!("&quot;{name}&quot;:{value}"))
            .collect();
        format!("{{{}}}", fields.join(","))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Limits unlike any number a page might hold by accident.
    pub(crate) const SAMPLE: Limits = Limits {
        name_max: 201,
        email_max: 255,
        password_min: 9,
        password_max: 129,
        search_max: 101,
        page_max: 99,
        quantity_max: 10_001,
        stock_max: 1_000_000_001,
        reason_max: 501,
        webhook_url_max: 2_001,
        address_line_max: 202,
        postal_code_max: 17,
        phone_max: 33,
    };

    #[test]
    fn each_limit_is_found_by_its_name() {
        assert_eq!(SAMPLE.get("nameMax").as_deref(), Some("201"));
        assert_eq!(SAMPLE.get("stockMax").as_deref(), Some("1000000001"));
        assert_eq!(SAMPLE.get("nope"), None);
    }

    #[test]
    fn the_json_names_every_limit_once() {
        let json = SAMPLE.json_attribute().replace("&quot;", "\"");
        assert!(json.starts_with("{\"nameMax\":201,"), "{json}");
        assert!(json.ends_with(",\"phoneMax\":33}"), "{json}");
        for (name, _) in SAMPLE.named() {
            assert_eq!(json.matches(&format!("\"{name}\"")).count(), 1, "{name}");
        }
    }
}
