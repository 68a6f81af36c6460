//! Identities of the business's things. They are made by the `IdSource`
//! port, never here, so the domain stays deterministic; this module only
//! wraps and parses them.
//!
//! `OrderId` is special: `GET /api/orders/:id` is public, so whoever makes
//! order ids must draw at least 96 random bits (a v4 UUID has 122).

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// Why a text is not an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is not a valid id")]
pub struct IdError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            /// The smallest id (all zero bits): a lower bound for ranges over
            /// indexes sorted by id, never an id of anything.
            pub const MIN: Self = Self(Uuid::nil());

            /// Wraps a UUID made by an id source or read back from storage.
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            /// Accepts the hyphenated form only, so one id has one spelling.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if s.len() != uuid::fmt::Hyphenated::LENGTH {
                    return Err(IdError);
                }
                Uuid::try_parse(s).map(Self).map_err(|_| IdError)
            }
        }
    };
}

id_type!(
    /// Identity of a product in the catalogue.
    ProductId
);
id_type!(
    /// Identity of a customer (the person an order is for).
    CustomerId
);
id_type!(
    /// Identity of an order; unguessable, because it is also the tracking code.
    OrderId
);
id_type!(
    /// Identity of a user who signs in (admin, staff or customer).
    UserId
);
id_type!(
    /// Identity of a webhook endpoint.
    WebhookId
);
id_type!(
    /// Identity of one event's delivery to one endpoint: the `webhook-id`
    /// header, the same on every attempt, that receivers de-duplicate on.
    DeliveryId
);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn every_id_round_trips_through_its_text(bits in any::<u128>()) {
            let id = CustomerId::from_uuid(Uuid::from_u128(bits));
            prop_assert_eq!(id.to_string().parse::<CustomerId>(), Ok(id));
        }
    }

    #[test]
    fn an_id_round_trips_through_its_text() {
        let id = OrderId::from_uuid(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef));
        let text = id.to_string();
        assert_eq!(text, "01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(text.parse::<OrderId>(), Ok(id));
    }

    #[test]
    fn text_that_is_not_a_hyphenated_uuid_is_refused() {
        for raw in [
            "",
            "42",
            "0123456789abcdef0123456789abcdef",
            "{01234567-89ab-cdef-0123-456789abcdef}",
            "01234567-89ab-cdef-0123-456789abcdeg",
            "{\"$gt\": \"\"}",
        ] {
            assert_eq!(raw.parse::<ProductId>(), Err(IdError), "{raw:?}");
        }
    }
}
