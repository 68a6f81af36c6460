//! The webhook port: endpoints kept whole, positions moved once, leases
//! that one instance holds at a time, and deliveries listed newest first.

use std::collections::HashSet;

use oms_domain::ids::{DeliveryId, WebhookId};
use oms_domain::note::Note;
use oms_domain::webhook::delivery::{Attempt, Delivery, DeliveryStatus};
use oms_domain::webhook::{
    DisableReason, Disabled, EventSelection, RetiredSecret, Webhook, WebhookSecret, WebhookUrl,
};
use oms_ports::events::EventPosition;
use oms_ports::query::PageLimit;
use oms_ports::store::Store;
use oms_ports::webhooks::{DeliveryQuery, EnqueueError, Lease, UpdateWebhookError};
use uuid::Uuid;

use crate::fixtures::at;

fn webhook_id(n: u128) -> WebhookId {
    WebhookId::from_uuid(Uuid::from_u128(n))
}

fn delivery_id(n: u128) -> DeliveryId {
    DeliveryId::from_uuid(Uuid::from_u128(0x1000 + n))
}

fn webhook(n: u128) -> Webhook {
    Webhook {
        id: webhook_id(n),
        url: WebhookUrl::parse(&format!("https://hooks{n}.example.com/in?x=1")).unwrap(),
        events: EventSelection::of(&["orderPlaced", "orderPaymentUpdated"]).unwrap(),
        description: Some(Note::parse("Warehouse").unwrap()),
        disabled: None,
        secret: WebhookSecret::from_bytes([u8::try_from(n).unwrap(); 32]),
        retired_secret: None,
        failing_since: None,
        created_at: at(i64::try_from(n).unwrap()),
        updated_at: at(i64::try_from(n).unwrap()),
        version: 1,
    }
}

fn delivery(n: u128, hook: WebhookId, due_ms: i64) -> Delivery {
    Delivery {
        id: delivery_id(n),
        webhook: hook,
        event: "orderPlaced".into(),
        event_id: format!("position-{n}"),
        body: format!(r#"{{"n":{n}}}"#),
        status: DeliveryStatus::Pending,
        attempts: Vec::new(),
        next_attempt_at: Some(at(due_ms)),
        created_at: at(due_ms),
    }
}

fn lease(owner: &str, until_ms: i64) -> Lease {
    Lease {
        owner: owner.into(),
        until: at(until_ms),
    }
}

/// A store's tail, as a real position to start an endpoint at.
async fn start<S: Store>(store: &S) -> EventPosition {
    store.tail().await.unwrap()
}

cases! {
    pub async fn webhooks_are_kept_whole_and_listed_oldest_first<S: Store>(store: S) {
        let position = start(&store).await;
        let mut second = webhook(2);
        second.events = EventSelection::All;
        second.description = None;
        second.disabled = Some(Disabled { reason: DisableReason::Gone, at: at(9) });
        second.retired_secret = Some(RetiredSecret {
            secret: WebhookSecret::from_bytes([7; 32]),
            until: at(99),
        });
        second.failing_since = Some(at(5));
        store.insert_webhook(&second, &position).await.unwrap();
        store.insert_webhook(&webhook(1), &position).await.unwrap();
        let listed = store.list_webhooks().await.unwrap();
        assert_eq!(
            listed.iter().map(|s| s.webhook.clone()).collect::<Vec<_>>(),
            vec![webhook(1), second.clone()]
        );
        let got = store.get_webhook(second.id).await.unwrap().unwrap();
        assert_eq!(got.webhook, second);
        assert_eq!(got.position, position);
        assert_eq!(store.get_webhook(webhook_id(3)).await.unwrap(), None);
    }

    pub async fn a_webhook_changes_only_from_the_version_read<S: Store>(store: S) {
        let position = start(&store).await;
        let first = webhook(1);
        store.insert_webhook(&first, &position).await.unwrap();
        let mut changed = first.clone();
        changed.url = WebhookUrl::parse("https://other.example.com/").unwrap();
        changed.version = 2;
        let moved = EventPosition::new(format!("{}~", position.as_str()));
        store.update_webhook(&changed, 1, Some(moved.clone())).await.unwrap();
        assert_eq!(store.get_webhook(first.id).await.unwrap().unwrap().position, moved);
        let err = store.update_webhook(&first, 1, None).await.unwrap_err();
        assert!(matches!(err, UpdateWebhookError::VersionMismatch), "{err:?}");
        assert_eq!(store.get_webhook(first.id).await.unwrap().unwrap().webhook, changed);
        let err = store.update_webhook(&webhook(5), 1, None).await.unwrap_err();
        assert!(matches!(err, UpdateWebhookError::NotFound), "{err:?}");
    }

    pub async fn deleting_a_webhook_takes_its_deliveries<S: Store>(store: S) {
        let position = start(&store).await;
        store.insert_webhook(&webhook(1), &position).await.unwrap();
        store
            .add_delivery(&delivery(1, webhook_id(1), 0), &lease("a", 10))
            .await
            .unwrap();
        assert!(store.delete_webhook(webhook_id(1)).await.unwrap());
        assert!(!store.delete_webhook(webhook_id(1)).await.unwrap());
        assert_eq!(store.get_webhook(webhook_id(1)).await.unwrap(), None);
        assert_eq!(
            store.get_delivery(webhook_id(1), delivery_id(1)).await.unwrap(),
            None
        );
    }

    pub async fn events_are_queued_once_from_the_position_read<S: Store>(store: S) {
        let from = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &from).await.unwrap();
        let to = EventPosition::new(format!("{}~", from.as_str()));
        let batch = [delivery(1, hook.id, 0), delivery(2, hook.id, 0)];
        store.enqueue(hook.id, &from, &to, &batch, &lease("a", 100)).await.unwrap();
        let again = store
            .enqueue(hook.id, &from, &to, &[delivery(3, hook.id, 0)], &lease("b", 100))
            .await
            .unwrap_err();
        assert!(matches!(again, EnqueueError::Moved), "{again:?}");
        assert_eq!(store.get_webhook(hook.id).await.unwrap().unwrap().position, to);
        assert_eq!(store.get_delivery(hook.id, delivery_id(3)).await.unwrap(), None);
        assert_eq!(
            store.get_delivery(hook.id, delivery_id(1)).await.unwrap(),
            Some(batch[0].clone())
        );
        let gone = store
            .enqueue(webhook_id(9), &from, &to, &[], &lease("a", 100))
            .await
            .unwrap_err();
        assert!(matches!(gone, EnqueueError::Moved), "{gone:?}");
        // Queued under a's lease: b takes them only once it has run out.
        assert!(store.claim_due(hook.id, at(50), &lease("b", 200), 10).await.unwrap().is_empty());
        let taken = store.claim_due(hook.id, at(100), &lease("b", 200), 10).await.unwrap();
        assert_eq!(taken.len(), 2);
    }

    pub async fn a_delivery_is_held_by_one_lease_at_a_time<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        for n in 0..24 {
            let d = delivery(n, hook.id, i64::try_from(n).unwrap());
            store.add_delivery(&d, &lease("seed", 0)).await.unwrap();
        }
        let claims = (0..4).map(|i| {
            let store = store.clone();
            async move {
                let owner = format!("instance-{i}");
                let mut mine = Vec::new();
                loop {
                    let got = store.claim_due(hook.id, at(1_000), &lease(&owner, 5_000), 3).await.unwrap();
                    if got.is_empty() {
                        return mine;
                    }
                    mine.extend(got.into_iter().map(|d| d.id));
                }
            }
        });
        let all: Vec<DeliveryId> = futures::future::join_all(claims).await.into_iter().flatten().collect();
        let unique: HashSet<_> = all.iter().collect();
        assert_eq!(all.len(), 24, "every due delivery is taken");
        assert_eq!(unique.len(), 24, "and none twice");
    }

    pub async fn claims_take_what_is_due_oldest_first<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        for (n, due) in [(1, 30), (2, 10), (3, 20), (4, 500)] {
            store.add_delivery(&delivery(n, hook.id, due), &lease("seed", 0)).await.unwrap();
        }
        let mut done = delivery(5, hook.id, 0);
        done.status = DeliveryStatus::Delivered;
        done.next_attempt_at = None;
        store.add_delivery(&done, &lease("seed", 0)).await.unwrap();
        let taken = store.claim_due(hook.id, at(100), &lease("a", 1_000), 2).await.unwrap();
        assert_eq!(taken.iter().map(|d| d.id).collect::<Vec<_>>(), vec![delivery_id(2), delivery_id(3)]);
        let rest = store.claim_due(hook.id, at(100), &lease("a", 1_000), 10).await.unwrap();
        assert_eq!(rest.iter().map(|d| d.id).collect::<Vec<_>>(), vec![delivery_id(1)]);
        assert!(store.claim_due(webhook_id(8), at(100), &lease("a", 1_000), 10).await.unwrap().is_empty());
    }

    pub async fn an_attempt_is_recorded_only_under_the_lease_held<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        store.add_delivery(&delivery(1, hook.id, 0), &lease("a", 100)).await.unwrap();
        let mut tried = delivery(1, hook.id, 0);
        tried.attempts.push(Attempt {
            at: at(5),
            status_code: Some(500),
            error: Some("answered 500".into()),
            duration_ms: 12,
        });
        tried.next_attempt_at = Some(at(5_005));
        assert_eq!(store.record_attempts(std::slice::from_ref(&tried), "b").await.unwrap(), [false], "b holds no lease");
        assert!(store.record_attempts(std::slice::from_ref(&tried), "a").await.unwrap() == [true]);
        assert_eq!(store.get_delivery(hook.id, tried.id).await.unwrap(), Some(tried.clone()));
        assert_eq!(store.record_attempts(std::slice::from_ref(&tried), "a").await.unwrap(), [false], "the lease was given back");
        let taken = store.claim_due(hook.id, at(5_005), &lease("b", 9_000), 5).await.unwrap();
        assert_eq!(taken, vec![tried], "given back, it is due again at its time");
    }

    pub async fn attempts_are_recorded_together_each_under_its_own_lease<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        store.add_delivery(&delivery(1, hook.id, 0), &lease("a", 100)).await.unwrap();
        store.add_delivery(&delivery(2, hook.id, 0), &lease("b", 100)).await.unwrap();
        let mut done = [delivery(1, hook.id, 0), delivery(2, hook.id, 0)];
        for d in &mut done {
            d.status = DeliveryStatus::Delivered;
            d.next_attempt_at = None;
        }
        assert_eq!(store.record_attempts(&done, "a").await.unwrap(), [true, false]);
        assert_eq!(store.get_delivery(hook.id, delivery_id(1)).await.unwrap().unwrap().status, DeliveryStatus::Delivered);
        assert_eq!(store.get_delivery(hook.id, delivery_id(2)).await.unwrap().unwrap().status, DeliveryStatus::Pending);
        assert_eq!(store.record_attempts(&[], "a").await.unwrap(), Vec::<bool>::new());
    }

    pub async fn deliveries_are_listed_newest_first_by_status<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        store.insert_webhook(&webhook(2), &position).await.unwrap();
        for n in 1..=5 {
            let mut d = delivery(n, hook.id, i64::try_from(n).unwrap());
            if n % 2 == 0 {
                d.status = DeliveryStatus::Failed;
                d.next_attempt_at = None;
            }
            store.add_delivery(&d, &lease("a", 0)).await.unwrap();
        }
        store.add_delivery(&delivery(9, webhook_id(2), 0), &lease("a", 0)).await.unwrap();
        let query = |status, after, limit| DeliveryQuery {
            webhook: hook.id,
            status,
            after,
            limit: PageLimit::new(limit).unwrap(),
        };
        let first = store.list_deliveries(&query(None, None, 2)).await.unwrap();
        assert_eq!(first.items.iter().map(|d| d.id).collect::<Vec<_>>(), vec![delivery_id(5), delivery_id(4)]);
        assert_eq!(first.next, Some(delivery_id(4)));
        let second = store.list_deliveries(&query(None, first.next, 10)).await.unwrap();
        assert_eq!(second.items.len(), 3);
        assert_eq!(second.next, None);
        let failed = store.list_deliveries(&query(Some(DeliveryStatus::Failed), None, 10)).await.unwrap();
        assert_eq!(failed.items.iter().map(|d| d.id).collect::<Vec<_>>(), vec![delivery_id(4), delivery_id(2)]);
        assert_eq!(store.oldest_pending(hook.id).await.unwrap(), Some(at(1)));
        assert_eq!(store.oldest_pending(webhook_id(3)).await.unwrap(), None);
    }

    pub async fn the_next_claim_waits_for_attempts_and_leases<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        assert_eq!(store.next_due(hook.id).await.unwrap(), None);
        store.add_delivery(&delivery(1, hook.id, 300), &lease("a", 0)).await.unwrap();
        store.add_delivery(&delivery(2, hook.id, 100), &lease("a", 500)).await.unwrap();
        assert_eq!(store.next_due(hook.id).await.unwrap(), Some(at(300)), "2 is held until 500");
        let mut done = delivery(1, hook.id, 300);
        done.status = DeliveryStatus::Delivered;
        done.next_attempt_at = None;
        assert_eq!(store.claim_due(hook.id, at(300), &lease("b", 900), 1).await.unwrap().len(), 1);
        assert!(store.record_attempts(std::slice::from_ref(&done), "b").await.unwrap() == [true]);
        assert_eq!(store.next_due(hook.id).await.unwrap(), Some(at(500)));
    }

    pub async fn finished_deliveries_are_forgotten_after_their_time_and_pending_ones_never<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        for (n, status) in [(1, DeliveryStatus::Delivered), (2, DeliveryStatus::Failed), (3, DeliveryStatus::Pending)] {
            let mut old = delivery(n, hook.id, 10);
            old.status = status;
            store.add_delivery(&old, &lease("a", 0)).await.unwrap();
        }
        let mut recent = delivery(4, hook.id, 500);
        recent.status = DeliveryStatus::Delivered;
        store.add_delivery(&recent, &lease("a", 0)).await.unwrap();
        assert_eq!(store.forget_deliveries(at(100)).await.unwrap(), 2);
        for (n, kept) in [(1, false), (2, false), (3, true), (4, true)] {
            let found = store.get_delivery(hook.id, delivery_id(n)).await.unwrap();
            assert_eq!(found.is_some(), kept, "delivery {n}");
        }
    }

    pub async fn a_retried_delivery_is_due_at_once<S: Store>(store: S) {
        let position = start(&store).await;
        let hook = webhook(1);
        store.insert_webhook(&hook, &position).await.unwrap();
        let mut failed = delivery(1, hook.id, 0);
        failed.status = DeliveryStatus::Failed;
        failed.next_attempt_at = None;
        store.add_delivery(&failed, &lease("a", 10)).await.unwrap();
        assert!(store.record_attempts(std::slice::from_ref(&failed), "a").await.unwrap() == [true]);
        let retried = store.retry_delivery(hook.id, failed.id, at(50)).await.unwrap().unwrap();
        assert_eq!((retried.status, retried.next_attempt_at), (DeliveryStatus::Pending, Some(at(50))));
        assert_eq!(store.retry_delivery(webhook_id(2), failed.id, at(50)).await.unwrap(), None);
        let taken = store.claim_due(hook.id, at(50), &lease("b", 90), 5).await.unwrap();
        assert_eq!(taken, vec![retried]);
    }
}
