use oms_domain::event::OrderStatusUpdated;
use oms_domain::ids::{OrderId, UserId};
use oms_domain::order::number::OrderNumber;
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
            number: OrderNumber::new(1042).unwrap(),
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
    let value = serde_json::to_value(EventMessage::of(
        &logged,
        Audience::Staff,
        Currency::default(),
    ))
    .unwrap();
    assert_eq!(value["id"], "0001");
    assert_eq!(value["event"], logged.event.name());
    assert_eq!(value["at"], "2026-11-25T08:00:00.123Z");
    let data = &value["data"];
    assert_eq!(data["orderId"], OrderId::MIN.to_string());
    assert_eq!(data["orderNumber"], 1042);
    assert_eq!(
        (data["from"].as_str(), data["to"].as_str()),
        (Some("pending"), Some("confirmed"))
    );
    assert_eq!(data["byRole"], "staff");
    assert_eq!(data["version"], 2);
    assert!(data.get("byUserId").is_none());
    let reset = serde_json::to_value(EventMessage::Reset).unwrap();
    assert_eq!(reset, serde_json::json!({ "event": "reset" }));
}
