//! Name-sorted lists: a literal, case-blind search on the case-folded name
//! (and for customers the address), and keyset pages on `(nameKey, _id)`.

use futures::TryStreamExt;
use mongodb::Collection;
use mongodb::bson::{Document, doc};
use oms_ports::error::StoreError;
use oms_ports::query::{NameCursor, NameQuery, Page, PageLimit};
use serde::de::DeserializeOwned;

use crate::deadline::read;

/// `text` as a regular expression that matches exactly that text.
pub(crate) fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/-".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The filter for one page: the records `only` admits (all when `None`),
/// the search over `fields`, after the cursor.
pub(crate) fn name_filter<I: ToString>(
    query: &NameQuery<I>,
    fields: &[&str],
    only: Option<Document>,
) -> Document {
    let mut parts: Vec<Document> = only.into_iter().collect();
    if let Some(search) = &query.search {
        let pattern = literal(search.as_str());
        let any: Vec<Document> = fields
            .iter()
            .map(|f| doc! { *f: { "$regex": &pattern } })
            .collect();
        parts.push(doc! { "$or": any });
    }
    if let Some(after) = &query.after {
        let id = after.id.to_string();
        // The plain lower bound lets the planner start the index scan at the cursor.
        parts.push(doc! { "nameKey": { "$gte": &after.key } });
        parts.push(doc! { "$or": [
            { "nameKey": { "$gt": &after.key } },
            { "nameKey": &after.key, "_id": { "$gt": id } },
        ] });
    }
    if parts.is_empty() {
        doc! {}
    } else {
        doc! { "$and": parts }
    }
}

/// Reads one page of a name-sorted list; `key` gives a record's cursor.
pub(crate) async fn name_page<D, T, I>(
    collection: &Collection<D>,
    query: &NameQuery<I>,
    fields: &[&str],
    only: Option<Document>,
    key: impl Fn(&T) -> NameCursor<I>,
) -> Result<Page<T, NameCursor<I>>, StoreError>
where
    D: DeserializeOwned + Send + Sync,
    T: TryFrom<D, Error = StoreError>,
    I: ToString,
{
    let filter = name_filter(query, fields, only);
    let order = doc! { "nameKey": 1, "_id": 1 };
    keyset_page(collection, filter, order, query.limit, key).await
}

/// Reads one page of the documents matching `filter` in `order`.
pub(crate) async fn keyset_page<D, T, C>(
    collection: &Collection<D>,
    filter: Document,
    order: Document,
    limit: PageLimit,
    cursor: impl Fn(&T) -> C,
) -> Result<Page<T, C>, StoreError>
where
    D: DeserializeOwned + Send + Sync,
    T: TryFrom<D, Error = StoreError>,
{
    let found = async {
        collection
            .find(filter)
            .sort(order)
            .limit(i64::try_from(limit.fetch()).unwrap_or(i64::MAX))
            .await?
            .try_collect()
            .await
    };
    let docs: Vec<D> = read(found).await?;
    // Cut first, so only the documents kept are converted (one past the
    // page may belong to the next page, and be read there).
    let kept = Page::cut(docs, limit, |_| ());
    let items: Vec<T> = kept
        .items
        .into_iter()
        .map(T::try_from)
        .collect::<Result<_, _>>()?;
    let next = kept.next.and_then(|()| items.last().map(cursor));
    Ok(Page { items, next })
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn every_regex_metacharacter_is_escaped() {
        assert_eq!(literal("a.b*c"), "a\\.b\\*c");
        assert_eq!(literal("(x)[y]{z}"), "\\(x\\)\\[y\\]\\{z\\}");
        assert_eq!(literal("plain"), "plain");
    }
}
