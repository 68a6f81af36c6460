//! The product port: insert, read, list, search, change, rename, archive.

use oms_domain::money::Money;
use oms_domain::product::{ProductChange, StockChange};
use oms_domain::stock::{Stock, StockError};
use oms_ports::error::UpdateProductError;
use oms_ports::query::{PageLimit, ProductQuery, SearchText};
use oms_ports::store::Store;

use crate::fixtures::{at, draft, given_product, name, order_id, product, product_id, stock_of};

cases! {
    pub async fn a_reachable_store_answers_a_ping<S: Store>(store: S) {
        store.ping().await.unwrap();
    }

    pub async fn inserted_products_are_read_back<S: Store>(store: S) {
        let mug = product(1, "Blue Mug", 1_250, 7);
        store.insert_product(&mug).await.unwrap();
        assert_eq!(store.get_product(mug.id).await.unwrap(), Some(mug));
        assert_eq!(store.get_product(product_id(2)).await.unwrap(), None);
    }

    pub async fn products_are_listed_by_name_and_paged<S: Store>(store: S) {
        for (n, name) in [
            (1, "delta"),
            (2, "Bravo"),
            (3, "echo"),
            (4, "alpha"),
            (5, "Charlie"),
        ] {
            given_product(&store, n, name, 100, 1).await;
        }
        let mut query = ProductQuery::default();
        query.names.limit = PageLimit::new(2).unwrap();
        let mut pages = Vec::new();
        loop {
            let page = store.list_products(&query).await.unwrap();
            pages.push(
                page.items
                    .iter()
                    .map(|p| p.name.to_string())
                    .collect::<Vec<_>>(),
            );
            match page.next {
                Some(next) => query.names.after = Some(next),
                None => break,
            }
            assert!(pages.len() < 10, "paging does not end");
        }
        assert_eq!(
            pages,
            vec![
                vec!["alpha", "Bravo"],
                vec!["Charlie", "delta"],
                vec!["echo"]
            ],
            "case-blind name order, no repeats, no gaps"
        );
    }

    pub async fn product_search_is_case_blind_and_literal<S: Store>(store: S) {
        given_product(&store, 1, "Blue Mug", 100, 1).await;
        given_product(&store, 2, "mug (large)", 100, 1).await;
        given_product(&store, 3, "Teapot", 100, 1).await;
        let search = |text: &str| {
            let mut query = ProductQuery::default();
            query.names.search = SearchText::new(text);
            query
        };
        let names = |page: oms_ports::query::Page<oms_domain::product::Product, _>| {
            page.items
                .into_iter()
                .map(|p| p.name.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(store.list_products(&search("MUG")).await.unwrap()),
            vec!["Blue Mug", "mug (large)"]
        );
        assert_eq!(
            names(store.list_products(&search("(large)")).await.unwrap()),
            vec!["mug (large)"],
            "pattern characters are matched literally"
        );
        for pattern in [".*", "^T", "$ne", "mug|tea"] {
            assert!(
                names(store.list_products(&search(pattern)).await.unwrap()).is_empty(),
                "{pattern:?} is text, not a pattern or operator"
            );
        }
    }

    pub async fn updating_a_product_sets_price_and_adjusts_stock<S: Store>(store: S) {
        let id = given_product(&store, 1, "Mug", 500, 10).await;
        let change = ProductChange {
            price: Some(Money::from_minor(650).unwrap()),
            stock: Some(StockChange::Adjust(-4)),
            ..ProductChange::default()
        };
        let updated = store.update_product(id, change, None, at(5)).await.unwrap();
        assert_eq!((updated.price.minor(), updated.stock.units()), (650, 6));
        assert_eq!((updated.version, updated.updated_at), (2, at(5)));
        assert_eq!(store.get_product(id).await.unwrap(), Some(updated));

        let set = ProductChange {
            price: None,
            stock: Some(StockChange::Set(Stock::new(42).unwrap())),
            ..ProductChange::default()
        };
        let counted = store.update_product(id, set, None, at(6)).await.unwrap();
        assert_eq!((counted.price.minor(), counted.stock.units()), (650, 42));
    }

    pub async fn a_product_change_at_a_stale_version_writes_nothing<S: Store>(store: S) {
        let id = given_product(&store, 1, "Mug", 500, 10).await;
        let set = ProductChange {
            price: Some(Money::from_minor(700).unwrap()),
            stock: Some(StockChange::Set(Stock::new(3).unwrap())),
            ..ProductChange::default()
        };
        let err = store
            .update_product(id, set.clone(), Some(7), at(5))
            .await
            .unwrap_err();
        assert!(
            matches!(err, UpdateProductError::VersionMismatch { current: 1 }),
            "{err:?}"
        );
        let untouched = store.get_product(id).await.unwrap().unwrap();
        assert_eq!(
            (
                untouched.price.minor(),
                untouched.stock.units(),
                untouched.version
            ),
            (500, 10, 1)
        );
        let changed = store.update_product(id, set, Some(1), at(6)).await.unwrap();
        assert_eq!(
            (
                changed.price.minor(),
                changed.stock.units(),
                changed.version
            ),
            (700, 3, 2)
        );
    }

    pub async fn a_product_change_that_would_go_below_zero_writes_nothing<S: Store>(store: S) {
        let id = given_product(&store, 1, "Mug", 500, 3).await;
        let before = store.get_product(id).await.unwrap();
        let change = ProductChange {
            price: Some(Money::from_minor(1).unwrap()),
            stock: Some(StockChange::Adjust(-4)),
            ..ProductChange::default()
        };
        let err = store
            .update_product(id, change, None, at(5))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                UpdateProductError::Stock(StockError::OutOfRange { given: -1 })
            ),
            "{err:?}"
        );
        assert_eq!(store.get_product(id).await.unwrap(), before);
        assert_eq!(stock_of(&store, id).await, 3);
    }

    pub async fn changing_an_unknown_product_is_not_found<S: Store>(store: S) {
        let err = store
            .update_product(product_id(9), ProductChange::default(), None, at(1))
            .await
            .unwrap_err();
        assert!(matches!(err, UpdateProductError::NotFound), "{err:?}");
    }

    pub async fn a_product_id_is_inserted_once<S: Store>(store: S) {
        let mug = product(1, "Mug", 500, 10);
        store.insert_product(&mug).await.unwrap();
        let impostor = product(1, "Another name", 1, 99);
        assert!(store.insert_product(&impostor).await.is_err());
        assert_eq!(store.get_product(mug.id).await.unwrap(), Some(mug));
        let listed = store.list_products(&ProductQuery::default()).await.unwrap();
        assert_eq!(listed.items.len(), 1, "listed once, under its first name");
    }

    pub async fn a_renamed_product_moves_in_the_name_order_and_is_found_by_its_new_name<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 500, 3).await;
        given_product(&store, 2, "Kettle", 900, 3).await;
        let rename = ProductChange {
            name: Some(name("Teapot")),
            ..ProductChange::default()
        };
        let renamed = store.update_product(mug, rename, Some(1), at(5)).await.unwrap();
        assert_eq!((renamed.name.as_str(), renamed.version), ("Teapot", 2));
        let names = |page: oms_ports::query::Page<oms_domain::product::Product, _>| {
            page.items.into_iter().map(|p| p.name.to_string()).collect::<Vec<_>>()
        };
        let all = store.list_products(&ProductQuery::default()).await.unwrap();
        assert_eq!(names(all), ["Kettle", "Teapot"], "sorted under the new name");
        let mut search = ProductQuery::default();
        search.names.search = SearchText::new("teapot");
        assert_eq!(names(store.list_products(&search).await.unwrap()), ["Teapot"]);
        search.names.search = SearchText::new("mug");
        assert!(store.list_products(&search).await.unwrap().items.is_empty(), "the old name is gone");
    }

    pub async fn an_archived_product_is_listed_apart_and_refused_in_new_orders<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 500, 10).await;
        let kettle = given_product(&store, 2, "Kettle", 900, 10).await;
        store
            .place(draft(1, "ann@example.com", &[(mug, 1)]))
            .await
            .unwrap();
        let archive = ProductChange {
            archived: Some(true),
            ..ProductChange::default()
        };
        let archived = store.update_product(mug, archive, None, at(5)).await.unwrap();
        assert!(archived.archived);
        assert_eq!(store.get_product(mug).await.unwrap(), Some(archived));

        let names = |page: oms_ports::query::Page<oms_domain::product::Product, _>| {
            page.items.into_iter().map(|p| p.name.to_string()).collect::<Vec<_>>()
        };
        let for_sale = store.list_products(&ProductQuery::default()).await.unwrap();
        assert_eq!(names(for_sale), ["Kettle"]);
        let only_archived = ProductQuery {
            archived: true,
            ..ProductQuery::default()
        };
        assert_eq!(names(store.list_products(&only_archived).await.unwrap()), ["Mug"]);

        let refused = store
            .place(draft(2, "bob@example.com", &[(kettle, 1), (mug, 1)]))
            .await;
        assert!(
            matches!(&refused, Err(oms_ports::error::PlaceError::ProductArchived { product, name })
                if *product == mug && name.as_str() == "Mug"),
            "{refused:?}"
        );
        assert_eq!(store.get_order(order_id(2)).await.unwrap(), None, "nothing written");
        assert_eq!((stock_of(&store, mug).await, stock_of(&store, kettle).await), (9, 10));
        let past = store.get_order(order_id(1)).await.unwrap().unwrap();
        assert_eq!(past.lines()[0].name().as_str(), "Mug", "past orders keep it");

        let back = ProductChange {
            archived: Some(false),
            ..ProductChange::default()
        };
        store.update_product(mug, back, None, at(6)).await.unwrap();
        store
            .place(draft(3, "cid@example.com", &[(mug, 1)]))
            .await
            .unwrap();
        assert_eq!(stock_of(&store, mug).await, 8);
    }
}
