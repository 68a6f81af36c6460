//! Webhooks in this process: the bodies deliveries carry (the feed's
//! messages, as staff see them), and the dispatcher's task, started with
//! the server and stopped with it.

use std::sync::Arc;

use oms_domain::ids::WebhookId;
use oms_domain::timestamp::Timestamp;
use oms_domain::visibility::Audience;
use oms_ports::events::LoggedEvent;
use serde::Serialize;

use crate::currency::Currency;
use crate::dto::events::EventMessage;
use crate::state::Dispatch;

/// Bodies as the feed writes its messages for staff.
#[derive(Debug)]
pub struct Bodies {
    /// What amounts count.
    pub currency: Currency,
}

/// A ping's body.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ping<'a> {
    id: &'a str,
    event: &'static str,
    at: String,
    data: PingData,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PingData {
    webhook_id: String,
}

impl oms_app::webhooks::Payloads for Bodies {
    fn event(&self, logged: &LoggedEvent) -> String {
        let message = EventMessage::of(logged, Audience::Staff, self.currency);
        serde_json::to_string(&message).unwrap_or_else(|e| {
            // Views are plain data; failing here is a bug, and the
            // receiver still hears which event it missed.
            tracing::error!(error = %e, "a webhook body did not serialise");
            format!(
                r#"{{"id":"{}","event":"{}"}}"#,
                logged.position.as_str(),
                logged.event.name()
            )
        })
    }

    fn ping(&self, id: &str, at: Timestamp, webhook: WebhookId) -> String {
        let ping = Ping {
            id,
            event: oms_domain::webhook::PING,
            at: at.to_string(),
            data: PingData {
                webhook_id: webhook.to_string(),
            },
        };
        serde_json::to_string(&ping).unwrap_or_default()
    }
}

/// The dispatcher, on a thread of its own at the lowest CPU priority:
/// while the machine is busy taking orders, deliveries wait (nothing is
/// lost: they are owed from the store) rather than slow the orders down.
/// Stopped when dropped.
#[derive(Debug)]
pub struct Delivery {
    stop: tokio::sync::watch::Sender<bool>,
}

impl Delivery {
    /// Starts `dispatcher` on its own thread and runtime.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start<S: oms_ports::store::Store>(dispatcher: Dispatch<S>) -> std::io::Result<Delivery> {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        std::thread::Builder::new()
            .name("oms-webhooks".to_owned())
            .spawn(move || {
                // Threads started from here inherit it: stores are told.
                if let Err(e) = thread_priority::set_current_thread_priority(
                    thread_priority::ThreadPriority::Min,
                ) {
                    tracing::debug!(error = ?e, "webhook deliveries run at normal priority");
                }
                oms_ports::background::mark_lowered();
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .thread_name("oms-webhooks-io")
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        tracing::error!(error = %e, "webhook deliveries cannot start");
                        return;
                    }
                };
                runtime.block_on(async move {
                    tokio::select! {
                        () = dispatcher.run() => {}
                        _ = stopped.wait_for(|stop| *stop) => {}
                    }
                });
            })?;
        Ok(Delivery { stop })
    }

    /// Stops sending; what is due is sent by whichever instance runs next.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// The bodies, shared.
pub fn bodies(currency: Currency) -> Arc<dyn oms_app::webhooks::Payloads> {
    Arc::new(Bodies { currency })
}
