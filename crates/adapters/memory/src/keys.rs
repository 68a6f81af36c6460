//! Idempotency keys, scoped to the user who sent them and forgotten once
//! the retention's `idempotency_keys` has passed, oldest first, so a
//! long-running process does not keep every key it was ever sent.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use oms_domain::idempotency::IdempotencyKey;
use oms_domain::ids::UserId;
use oms_rules::ledger::UsedKey;

type Scoped = (UserId, IdempotencyKey);

#[derive(Debug)]
pub(crate) struct Keys {
    used: HashMap<Scoped, (UsedKey, Instant)>,
    /// Keys in the order they were used.
    ages: VecDeque<(Instant, Scoped)>,
    keep: Duration,
}

impl Keys {
    pub(crate) fn new(keep: Duration) -> Keys {
        Keys {
            used: HashMap::new(),
            ages: VecDeque::new(),
            keep,
        }
    }

    /// What `key` was used for, unless that was longer ago than the keys
    /// are kept.
    pub(crate) fn get(&self, user: UserId, key: &IdempotencyKey) -> Option<&UsedKey> {
        let (used, at) = self.used.get(&(user, key.clone()))?;
        (at.elapsed() <= self.keep).then_some(used)
    }

    pub(crate) fn insert(&mut self, user: UserId, key: IdempotencyKey, used: UsedKey) {
        let now = Instant::now();
        self.forget_expired(now);
        self.used.insert((user, key.clone()), (used, now));
        self.ages.push_back((now, (user, key)));
    }

    fn forget_expired(&mut self, now: Instant) {
        while let Some((at, _)) = self.ages.front() {
            if now.duration_since(*at) <= self.keep {
                break;
            }
            let Some((at, scoped)) = self.ages.pop_front() else {
                break;
            };
            // A key used again since keeps its later use.
            if self.used.get(&scoped).is_some_and(|(_, used)| *used == at) {
                self.used.remove(&scoped);
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.used.len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use oms_domain::idempotency::RequestFingerprint;
    use oms_domain::ids::OrderId;
    use uuid::Uuid;

    use super::*;

    fn used(n: u128) -> UsedKey {
        UsedKey {
            fingerprint: RequestFingerprint::new(format!("request {n}")),
            order: OrderId::from_uuid(Uuid::from_u128(n)),
        }
    }

    #[test]
    fn a_key_is_forgotten_once_its_time_has_passed_and_memory_is_given_back() {
        let mut keys = Keys::new(Duration::from_millis(30));
        let (ann, key) = (UserId::MIN, IdempotencyKey::parse("checkout-1").unwrap());
        keys.insert(ann, key.clone(), used(1));
        assert_eq!(keys.get(ann, &key), Some(&used(1)));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(keys.get(ann, &key), None, "past its time");
        let other = IdempotencyKey::parse("checkout-2").unwrap();
        keys.insert(ann, other.clone(), used(2));
        assert_eq!(keys.len(), 1, "the expired key was dropped");
        assert_eq!(keys.get(ann, &other), Some(&used(2)));
    }

    #[test]
    fn a_key_used_again_after_it_expired_keeps_its_new_use() {
        let mut keys = Keys::new(Duration::from_millis(30));
        let (ann, key) = (UserId::MIN, IdempotencyKey::parse("checkout-1").unwrap());
        keys.insert(ann, key.clone(), used(1));
        std::thread::sleep(Duration::from_millis(60));
        keys.insert(ann, key.clone(), used(2));
        std::thread::sleep(Duration::from_millis(5));
        keys.insert(ann, IdempotencyKey::parse("other").unwrap(), used(3));
        assert_eq!(keys.get(ann, &key), Some(&used(2)));
    }
}
