//! Records kept sorted by case-folded name, paged by keyset.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::ops::Bound;

use oms_ports::query::{NameCursor, Page, PageLimit};

/// A map from id to record plus the `(sort key, id)` order lists use.
#[derive(Debug)]
pub(crate) struct NameIndexed<I, T> {
    records: HashMap<I, T>,
    by_name: BTreeSet<(String, I)>,
}

impl<I, T> Default for NameIndexed<I, T> {
    fn default() -> Self {
        NameIndexed {
            records: HashMap::new(),
            by_name: BTreeSet::new(),
        }
    }
}

impl<I: Copy + Ord + Hash, T: Clone> NameIndexed<I, T> {
    /// Adds a record under a new id. Returns `false`, changing nothing,
    /// when the id exists.
    pub fn insert(&mut self, id: I, key: String, record: T) -> bool {
        if self.records.contains_key(&id) {
            return false;
        }
        self.records.insert(id, record);
        self.by_name.insert((key, id));
        true
    }

    pub fn get(&self, id: &I) -> Option<&T> {
        self.records.get(id)
    }

    /// For changes that keep the name.
    pub fn get_mut(&mut self, id: &I) -> Option<&mut T> {
        self.records.get_mut(id)
    }

    /// Changes the record with `id` by `change`, moving it in the name
    /// order when its `key` changes (a rename); `None` for an unknown id.
    pub fn update<R>(
        &mut self,
        id: &I,
        key: impl Fn(&T) -> String,
        change: impl FnOnce(&mut T) -> R,
    ) -> Option<R> {
        let record = self.records.get_mut(id)?;
        let before = key(record);
        let done = change(record);
        let after = key(record);
        if before != after {
            self.by_name.remove(&(before, *id));
            self.by_name.insert((after, *id));
        }
        Some(done)
    }

    /// The records after `after` that satisfy `keep`, at most `limit` of them.
    pub fn page(
        &self,
        after: Option<&NameCursor<I>>,
        limit: PageLimit,
        keep: impl Fn(&T) -> bool,
    ) -> Page<T, NameCursor<I>> {
        let start = match after {
            Some(cursor) => Bound::Excluded((cursor.key.clone(), cursor.id)),
            None => Bound::Unbounded,
        };
        let fetched = self
            .by_name
            .range((start, Bound::Unbounded))
            .filter_map(|(key, id)| {
                let record = self.records.get(id)?;
                keep(record).then_some((key, *id, record))
            })
            .take(limit.fetch())
            .collect();
        let cursor = |&(key, id, _): &(&String, I, &T)| NameCursor {
            key: key.clone(),
            id,
        };
        Page::cut(fetched, limit, cursor).map(|(_, _, record)| record.clone())
    }
}
