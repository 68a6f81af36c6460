//! For test suites (feature `testing`): databases of their own, named with
//! the time they were made, and the sweep that drops those an earlier run
//! left behind. A test's database outlives its store; the next run that
//! starts drops what is older than [`STALE_AFTER`], so suites running side
//! by side never drop each other's.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mongodb::Client;

/// Past this age a test database is left over from an ended run.
pub const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A new database name: `<prefix>_<seconds since 1970>_<unique>`.
pub fn database_name(prefix: &str, unique: &str) -> String {
    format!("{prefix}_{}_{unique}", now_secs())
}

/// Drops the databases named by [`database_name`] with `prefix` that are
/// older than [`STALE_AFTER`]; returns how many. Failures are ignored: a
/// sweep is tidiness, not part of any test.
pub async fn drop_stale(client: &Client, prefix: &str) -> usize {
    let Ok(names) = client.list_database_names().await else {
        return 0;
    };
    let cutoff = now_secs().saturating_sub(STALE_AFTER.as_secs());
    let mut dropped = 0;
    for name in names {
        let made = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('_'))
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        if made.is_some_and(|made| made < cutoff) && client.database(&name).drop().await.is_ok() {
            dropped += 1;
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_their_prefix_and_time() {
        let name = database_name("oms_test", "abc");
        let mut parts = name.splitn(4, '_');
        assert_eq!((parts.next(), parts.next()), (Some("oms"), Some("test")));
        let secs: u64 = parts.next().unwrap().parse().unwrap();
        assert!(secs.abs_diff(now_secs()) < 5);
        assert_eq!(parts.next(), Some("abc"));
    }
}
