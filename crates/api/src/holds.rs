//! `OMS_UNPAID_HOLD`: a task on the server's runtime that cancels, every
//! so often, the pending orders nobody paid for in time. Every instance
//! runs one; each order is cancelled once whichever sweeps first.

use std::time::Duration;

use oms_ports::store::Store;

use crate::state::Orders;

/// The sweep, stopped when the server stops (or this is dropped).
#[derive(Debug)]
pub struct HoldSweep {
    stop: tokio::sync::watch::Sender<bool>,
}

impl HoldSweep {
    /// How often a hold of `hold` is swept: often enough that an order
    /// waits at most a quarter of its hold past it, at most every 30 s.
    pub fn every(hold: Duration) -> Duration {
        (hold / 4).clamp(Duration::from_millis(100), Duration::from_secs(30))
    }

    /// Starts sweeping `orders` for holds of `hold`.
    pub fn start<S: Store>(orders: Orders<S>, hold: Duration) -> HoldSweep {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let every = Self::every(hold);
        tracing::info!(hold = ?hold, every = ?every, "unpaid orders are cancelled once their hold runs out (OMS_UNPAID_HOLD)");
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = stopped.wait_for(|stop| *stop) => return,
                }
                match orders.expire_unpaid(hold).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(orders = n, "unpaid holds ran out; the orders are cancelled")
                    }
                    // The next sweep tries again.
                    Err(error) => tracing::warn!(%error, "unpaid holds could not be swept"),
                }
            }
        });
        HoldSweep { stop }
    }

    /// Stops sweeping.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }
}

impl Drop for HoldSweep {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}
