//! The pages, with the limits they apply taken from the types that enforce
//! them, so a form stops where the API would refuse. The server and
//! `oms export-pages` both build their pages here.

use oms_domain::address::{AddressLine, Phone, PostalCode};
use oms_domain::email::Email;
use oms_domain::name::Name;
use oms_domain::note::Note;
use oms_domain::password::Password;
use oms_domain::quantity::Quantity;
use oms_domain::stock::Stock;
use oms_ports::query::{PageLimit, SearchText};
use oms_web::{Limits, Site};

/// The API's bounds, for the pages.
pub fn limits() -> Limits {
    Limits {
        name_max: Name::MAX_LEN,
        email_max: Email::MAX_LEN,
        password_min: Password::MIN_LEN,
        password_max: Password::MAX_LEN,
        search_max: SearchText::MAX_LEN,
        page_max: PageLimit::MAX,
        quantity_max: Quantity::MAX,
        stock_max: Stock::MAX,
        reason_max: Note::MAX_LEN,
        webhook_url_max: oms_domain::webhook::WebhookUrl::MAX_LEN,
        address_line_max: AddressLine::MAX_LEN,
        postal_code_max: PostalCode::MAX_LEN,
        phone_max: Phone::MAX_LEN,
    }
}

/// Every page assembled with [`limits`], and the files they load.
pub fn site() -> Site {
    Site::new(limits())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(file: &str) -> String {
        let site = site();
        let body = &site.page(file).expect("the page").body;
        String::from_utf8(body.to_vec()).expect("text")
    }

    #[test]
    fn forms_stop_where_the_domain_refuses() {
        let login = page("login.html");
        assert!(login.contains(&format!(
            r#"autocomplete="name" maxlength="{}""#,
            Name::MAX_LEN
        )));
        assert!(login.contains(&format!("At least {} characters.", Password::MIN_LEN)));
        let order = page("order.html");
        assert!(order.contains(&format!(r#"maxlength="{}""#, SearchText::MAX_LEN)));
        let admin = page("admin.html");
        assert!(admin.contains(&format!(r#"max="{}""#, Stock::MAX)));
    }

    #[test]
    fn the_webhook_forms_offer_every_event_there_is() {
        let admin = page("admin.html");
        for name in oms_domain::event::OrderEvent::NAMES {
            let boxes = admin
                .matches(&format!(r#"value="{name}" data-event"#))
                .count();
            assert_eq!(
                boxes, 2,
                "{name}: one box on the add form, one in the events dialog"
            );
        }
        let all = admin.matches("data-event>").count();
        assert_eq!(
            all,
            2 * oms_domain::event::OrderEvent::NAMES.len(),
            "no box for an event that is not one"
        );
    }

    #[test]
    fn scripts_read_the_same_limits() {
        let meta = format!(
            r#"<meta name="oms-limits" content="{{&quot;nameMax&quot;:{},&quot;emailMax&quot;:{},"#,
            Name::MAX_LEN,
            Email::MAX_LEN
        );
        assert!(page("order.html").contains(&meta), "{meta}");
        assert!(page("order.html").contains(&format!("&quot;pageMax&quot;:{},", PageLimit::MAX)));
        assert!(
            page("order.html").contains(&format!("&quot;quantityMax&quot;:{},", Quantity::MAX))
        );
    }
}
