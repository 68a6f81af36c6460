//! How many connections one process takes, and the place each holds. A
//! tenth of the places (at least one) is kept for staff and admins, so
//! public trackers cannot lock the shop out of its own dashboard, and a
//! client address holds at most `max_per_client` places outside staff's.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use parking_lot::Mutex;
use prometheus::IntGauge;

/// Why a connection was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every place it may take is taken.
    Full,
    /// Its client address holds all the places one address may.
    ClientFull,
}

/// Who asks for a place.
#[derive(Clone, Copy, Debug)]
pub struct Applicant {
    /// The client's address (as rate limits key it).
    pub client: IpAddr,
    /// Staff or an admin: may use the places kept for staff, and is not
    /// held to the per-address cap.
    pub staff: bool,
}

#[derive(Debug, Default)]
struct Open {
    all: usize,
    by_client: HashMap<IpAddr, usize>,
}

/// The count of open connections against its limits.
#[derive(Debug)]
pub(crate) struct Admissions {
    open: Arc<Mutex<Open>>,
    limit: usize,
    kept_for_staff: usize,
    per_client: usize,
    gauge: IntGauge,
}

impl Admissions {
    pub(crate) fn new(limit: usize, per_client: usize, gauge: IntGauge) -> Admissions {
        Admissions {
            open: Arc::default(),
            limit,
            kept_for_staff: (limit / 10).max(1).min(limit),
            per_client: per_client.max(1),
            gauge,
        }
    }

    /// A place for one more connection, unless a limit is reached.
    pub(crate) fn admit(&self, applicant: Applicant) -> Result<Admission, Refused> {
        let mut open = self.open.lock();
        let limit = if applicant.staff {
            self.limit
        } else {
            self.limit - self.kept_for_staff
        };
        if open.all >= limit {
            return Err(Refused::Full);
        }
        let counted = (!applicant.staff).then_some(applicant.client);
        if let Some(client) = counted {
            let held = open.by_client.entry(client).or_default();
            if *held >= self.per_client {
                return Err(Refused::ClientFull);
            }
            *held += 1;
        }
        open.all += 1;
        drop(open);
        self.gauge.inc();
        Ok(Admission {
            open: Arc::clone(&self.open),
            client: counted,
            gauge: self.gauge.clone(),
        })
    }
}

/// A place among the open connections, given back when dropped.
#[derive(Debug)]
pub struct Admission {
    open: Arc<Mutex<Open>>,
    client: Option<IpAddr>,
    gauge: IntGauge,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut open = self.open.lock();
        open.all = open.all.saturating_sub(1);
        if let Some(client) = self.client
            && let Some(held) = open.by_client.get_mut(&client)
        {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.by_client.remove(&client);
            }
        }
        drop(open);
        self.gauge.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant(n: u8, staff: bool) -> Applicant {
        Applicant {
            client: IpAddr::from([192, 0, 2, n]),
            staff,
        }
    }

    fn admissions(limit: usize, per_client: usize) -> Admissions {
        let gauge = IntGauge::new("open", "open connections").unwrap();
        Admissions::new(limit, per_client, gauge)
    }

    #[test]
    fn one_address_holds_at_most_its_share_and_gets_it_back() {
        let admissions = admissions(100, 2);
        let first = admissions.admit(applicant(1, false)).unwrap();
        let _second = admissions.admit(applicant(1, false)).unwrap();
        assert_eq!(
            admissions.admit(applicant(1, false)).unwrap_err(),
            Refused::ClientFull
        );
        assert!(
            admissions.admit(applicant(2, false)).is_ok(),
            "another address"
        );
        assert!(
            admissions.admit(applicant(1, true)).is_ok(),
            "staff are not capped"
        );
        drop(first);
        assert!(
            admissions.admit(applicant(1, false)).is_ok(),
            "a place given back"
        );
    }

    #[test]
    fn a_tenth_of_the_places_is_kept_for_staff() {
        let admissions = admissions(10, 100);
        let held: Vec<_> = (0..9)
            .map(|n| admissions.admit(applicant(n, false)).unwrap())
            .collect();
        assert_eq!(
            admissions.admit(applicant(50, false)).unwrap_err(),
            Refused::Full
        );
        let staff = admissions.admit(applicant(51, true)).unwrap();
        assert_eq!(
            admissions.admit(applicant(52, true)).unwrap_err(),
            Refused::Full
        );
        drop((held, staff));
    }
}
