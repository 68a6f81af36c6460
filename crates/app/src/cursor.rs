//! Page cursors as opaque text: base64url of a tagged position, so a client
//! passes them back without parsing them, and a product cursor can never be
//! mistaken for an order cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oms_domain::ids::{CustomerId, DeliveryId, OrderId, ProductId};
use oms_domain::timestamp::Timestamp;
use oms_ports::query::{NameCursor, OrderCursor};

/// A position in a list that can be written as a cursor.
pub trait Cursor: Sized {
    /// Which list the cursor belongs to.
    const TAG: &'static str;
    /// The position as text.
    fn to_text(&self) -> String;
    /// The position read back, if `text` is one.
    fn from_text(text: &str) -> Option<Self>;
}

/// Longer than any cursor this module writes (the longest holds a 200
/// character name of 4-byte characters, case-folded, about 1.1 KiB once
/// encoded); longer input is not decoded.
const MAX_CURSOR_LEN: usize = 4_096;

/// The opaque text for `cursor`.
pub fn encode<C: Cursor>(cursor: &C) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", C::TAG, cursor.to_text()))
}

/// The position in `raw`, if it is a cursor of this kind.
pub fn decode<C: Cursor>(raw: &str) -> Option<C> {
    if raw.len() > MAX_CURSOR_LEN {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix(C::TAG)?.strip_prefix(':')?;
    C::from_text(rest)
}

impl Cursor for OrderCursor {
    const TAG: &'static str = "o";

    fn to_text(&self) -> String {
        format!("{}:{}", self.created_at.unix_millis(), self.id)
    }

    fn from_text(text: &str) -> Option<Self> {
        let (millis, id) = text.split_once(':')?;
        Some(OrderCursor {
            created_at: Timestamp::from_unix_millis(millis.parse().ok()?).ok()?,
            id: id.parse::<OrderId>().ok()?,
        })
    }
}

macro_rules! name_cursor {
    ($id:ty, $tag:literal) => {
        impl Cursor for NameCursor<$id> {
            const TAG: &'static str = $tag;

            fn to_text(&self) -> String {
                format!("{}:{}", self.id, self.key)
            }

            fn from_text(text: &str) -> Option<Self> {
                let (id, key) = text.split_once(':')?;
                Some(NameCursor {
                    key: key.to_owned(),
                    id: id.parse::<$id>().ok()?,
                })
            }
        }
    };
}

impl Cursor for DeliveryId {
    const TAG: &'static str = "d";

    fn to_text(&self) -> String {
        self.to_string()
    }

    fn from_text(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

name_cursor!(ProductId, "p");
name_cursor!(CustomerId, "c");

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn an_order_cursor_round_trips() {
        let cursor = OrderCursor {
            created_at: Timestamp::from_unix_millis(1_795_593_600_123).unwrap(),
            id: OrderId::from_uuid(Uuid::from_u128(42)),
        };
        let text = encode(&cursor);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode::<OrderCursor>(&text), Some(cursor));
    }

    #[test]
    fn a_name_cursor_keeps_any_characters_of_the_key() {
        let cursor = NameCursor {
            key: "tea: green & \"sencha\" ü".to_owned(),
            id: ProductId::from_uuid(Uuid::from_u128(7)),
        };
        assert_eq!(
            decode::<NameCursor<ProductId>>(&encode(&cursor)),
            Some(cursor)
        );
    }

    #[test]
    fn the_longest_name_still_makes_a_cursor_that_decodes() {
        let longest = oms_domain::name::Name::parse(&"😀".repeat(200)).unwrap();
        let cursor = NameCursor {
            key: longest.sort_key(),
            id: ProductId::from_uuid(Uuid::from_u128(7)),
        };
        assert_eq!(
            decode::<NameCursor<ProductId>>(&encode(&cursor)),
            Some(cursor)
        );
    }

    #[test]
    fn a_cursor_of_another_list_or_garbage_is_refused() {
        let product = encode(&NameCursor {
            key: "mug".to_owned(),
            id: ProductId::from_uuid(Uuid::from_u128(7)),
        });
        assert_eq!(decode::<NameCursor<CustomerId>>(&product), None);
        assert_eq!(decode::<OrderCursor>(&product), None);
        for junk in ["", "!!!", "bzox", &"A".repeat(5_000)] {
            assert_eq!(decode::<OrderCursor>(junk), None, "{junk:?}");
        }
    }
}
