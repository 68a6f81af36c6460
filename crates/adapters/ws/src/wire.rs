//! The feed's messages: one JSON envelope per text frame,
//! `{"id", "event", "at", "data"}`, and `{"event": "reset"}` when the
//! subscriber must reload its state.

use std::sync::Arc;

use bytestring::ByteString;
use oms_domain::event::OrderEvent;
use oms_domain::order::Order;
use oms_domain::visibility::Audience;
use oms_ports::events::LoggedEvent;
use serde_json::{Value, json};

/// How an order looks to an audience: the API's order view, so the feed
/// and `GET /api/orders/{id}` show one viewer the same thing.
pub type RenderOrder = Arc<dyn Fn(&Order, Audience) -> Value + Send + Sync>;

/// Tells a subscriber that events it should have had are gone: reload.
pub const RESET: &str = r#"{"event":"reset"}"#;

/// The envelope for `logged`, as `audience` may see it.
pub fn envelope(logged: &LoggedEvent, audience: Audience, render: &RenderOrder) -> ByteString {
    let event = &logged.event;
    let data = match event {
        OrderEvent::Placed(placed) => render(&placed.order, audience),
        OrderEvent::StatusUpdated(u) => json!({
            "orderId": u.order_id.to_string(),
            "from": u.from.as_str(),
            "to": u.to.as_str(),
            "at": u.at.to_string(),
            "byRole": u.by.role.as_str(),
            "version": u.version,
            "paymentCollected": u.payment_collected,
        }),
        OrderEvent::PaymentUpdated(p) => json!({
            "orderId": p.order_id.to_string(),
            "paymentCollected": p.payment_collected,
            "at": p.at.to_string(),
            "version": p.version,
        }),
    };
    let envelope = json!({
        "id": logged.position.as_str(),
        "event": event.name(),
        "at": event.at().to_string(),
        "data": data,
    });
    ByteString::from(envelope.to_string())
}

#[cfg(test)]
mod tests {
    use oms_domain::event::OrderStatusUpdated;
    use oms_domain::ids::{OrderId, UserId};
    use oms_domain::order::status::OrderStatus;
    use oms_domain::timestamp::Timestamp;
    use oms_domain::user::{Actor, Role};
    use oms_ports::events::EventPosition;

    use super::*;

    #[test]
    fn a_status_change_names_the_role_not_the_user() {
        let logged = LoggedEvent {
            position: EventPosition::new("0001"),
            event: OrderEvent::StatusUpdated(OrderStatusUpdated {
                order_id: OrderId::MIN,
                placed_by: UserId::MIN,
                from: OrderStatus::Pending,
                to: OrderStatus::Confirmed,
                at: Timestamp::from_unix_millis(1_795_593_600_123).unwrap(),
                by: Actor {
                    user: UserId::MIN,
                    role: Role::Staff,
                },
                version: 2,
                payment_collected: false,
            }),
        };
        let render: RenderOrder = Arc::new(|_, _| Value::Null);
        let text = envelope(&logged, Audience::Staff, &render);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["id"], "0001");
        assert_eq!(value["event"], "orderStatusUpdated");
        assert_eq!(value["at"], "2026-11-25T08:00:00.123Z");
        let data = &value["data"];
        assert_eq!(data["orderId"], OrderId::MIN.to_string());
        assert_eq!(
            (data["from"].as_str(), data["to"].as_str()),
            (Some("pending"), Some("confirmed"))
        );
        assert_eq!(data["byRole"], "staff");
        assert_eq!(data["version"], 2);
        assert!(data.get("byUserId").is_none());
        let reset: Value = serde_json::from_str(RESET).unwrap();
        assert_eq!(reset["event"], "reset");
    }
}
