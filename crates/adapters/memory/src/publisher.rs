//! An in-process event bus: order events fanned out to every subscriber in
//! this process over a tokio broadcast channel.

use async_trait::async_trait;
use oms_domain::event::OrderEvent;
use oms_ports::events::{EventPublisher, PublishError};
use tokio::sync::broadcast;

/// Publishes order events to in-process subscribers. Clones share the channel.
#[derive(Clone, Debug)]
pub struct BroadcastPublisher {
    sender: broadcast::Sender<OrderEvent>,
}

impl BroadcastPublisher {
    /// A bus that buffers up to `capacity` events for its slowest subscriber;
    /// one that falls further behind sees `RecvError::Lagged` and must resync.
    pub fn new(capacity: usize) -> BroadcastPublisher {
        let (sender, _) = broadcast::channel(capacity.max(1));
        BroadcastPublisher { sender }
    }

    /// Events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<OrderEvent> {
        self.sender.subscribe()
    }
}

impl Default for BroadcastPublisher {
    fn default() -> Self {
        BroadcastPublisher::new(1024)
    }
}

#[async_trait]
impl EventPublisher for BroadcastPublisher {
    async fn publish(&self, event: &OrderEvent) -> Result<(), PublishError> {
        // `send` fails only when nobody is subscribed, which the port says is fine.
        let _receivers = self.sender.send(event.clone()).unwrap_or(0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use oms_domain::event::OrderStatusUpdated;
    use oms_domain::ids::{OrderId, UserId};
    use oms_domain::order::status::OrderStatus;
    use oms_domain::timestamp::Timestamp;
    use oms_domain::user::{Actor, Role};

    use super::*;

    fn confirmed() -> OrderEvent {
        OrderEvent::StatusUpdated(OrderStatusUpdated {
            order_id: OrderId::MIN,
            from: OrderStatus::Pending,
            to: OrderStatus::Confirmed,
            at: Timestamp::UNIX_EPOCH,
            by: Actor {
                user: UserId::MIN,
                role: Role::Staff,
            },
            version: 2,
        })
    }

    #[tokio::test]
    async fn every_subscriber_receives_each_event_in_order() {
        let bus = BroadcastPublisher::new(8);
        let (mut first, mut second) = (bus.subscribe(), bus.subscribe());
        bus.publish(&confirmed()).await.unwrap();
        assert_eq!(first.recv().await.unwrap(), confirmed());
        assert_eq!(second.recv().await.unwrap(), confirmed());
    }

    #[tokio::test]
    async fn publishing_with_nobody_listening_is_not_an_error() {
        assert!(
            BroadcastPublisher::default()
                .publish(&confirmed())
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_is_told_it_lagged() {
        let bus = BroadcastPublisher::new(2);
        let mut slow = bus.subscribe();
        for _ in 0..3 {
            bus.publish(&confirmed()).await.unwrap();
        }
        assert!(matches!(
            slow.recv().await,
            Err(broadcast::error::RecvError::Lagged(1))
        ));
    }
}
