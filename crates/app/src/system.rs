//! The real clock and the real id source.

use oms_domain::ids::{CustomerId, DeliveryId, OrderId, ProductId, UserId, WebhookId};
use oms_domain::timestamp::Timestamp;
use oms_domain::webhook::WebhookSecret;
use oms_ports::clock::Clock;
use oms_ports::ids::IdSource;
use time::OffsetDateTime;
use uuid::Uuid;

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        // Only a wall clock set before 1970 or after 9999 falls back.
        Timestamp::from_datetime(OffsetDateTime::now_utc()).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Ids from the operating system's random source.
///
/// Order ids are random v4 UUIDs (122 random bits), because an order id is
/// also its public tracking code. Other ids are v7 UUIDs, which start with
/// the time, so new records land at the end of a store's id index.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn order_id(&self) -> OrderId {
        OrderId::from_uuid(Uuid::new_v4())
    }

    fn product_id(&self) -> ProductId {
        ProductId::from_uuid(Uuid::now_v7())
    }

    fn customer_id(&self) -> CustomerId {
        CustomerId::from_uuid(Uuid::now_v7())
    }

    fn user_id(&self) -> UserId {
        UserId::from_uuid(Uuid::now_v7())
    }

    fn webhook_id(&self) -> WebhookId {
        WebhookId::from_uuid(Uuid::now_v7())
    }

    fn delivery_id(&self) -> DeliveryId {
        DeliveryId::from_uuid(Uuid::now_v7())
    }

    fn webhook_secret(&self) -> WebhookSecret {
        let mut bytes = [0; 32];
        // The operating system's source failing is not something to sign with.
        if let Err(e) = getrandom::fill(&mut bytes) {
            panic!("the system's random source failed: {e}");
        }
        WebhookSecret::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn order_ids_are_random_v4_uuids() {
        let ids: HashSet<_> = (0..1_000).map(|_| RandomIds.order_id()).collect();
        assert_eq!(ids.len(), 1_000);
        assert!(ids.iter().all(|id| id.as_uuid().get_version_num() == 4));
    }

    #[test]
    fn the_clock_reads_the_present_in_whole_milliseconds() {
        let now = SystemClock.now();
        let wall = OffsetDateTime::now_utc().unix_timestamp() * 1_000;
        assert!((now.unix_millis() - wall).abs() < 60_000);
    }
}
