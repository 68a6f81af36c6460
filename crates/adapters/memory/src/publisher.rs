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
