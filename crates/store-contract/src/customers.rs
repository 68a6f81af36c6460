//! The customer port: unique e-mail addresses, find-or-create, search.

use oms_ports::draft::CustomerDraft;
use oms_ports::error::InsertError;
use oms_ports::query::{CustomerQuery, PageLimit, SearchText};
use oms_ports::store::Store;

use crate::fixtures::{at, customer, customer_id, email, name, until_won};

cases! {
    pub async fn a_duplicate_customer_email_is_refused<S: Store>(store: S) {
        store
            .insert_customer(&customer(1, "Ann", "ann@example.com"))
            .await
            .unwrap();
        let err = store
            .insert_customer(&customer(2, "Another Ann", "ann@example.com"))
            .await
            .unwrap_err();
        assert!(matches!(err, InsertError::DuplicateEmail), "{err:?}");
        assert_eq!(store.get_customer(customer_id(2)).await.unwrap(), None);
    }

    pub async fn customers_are_found_by_id_and_email<S: Store>(store: S) {
        let ann = customer(1, "Ann", "ann@example.com");
        store.insert_customer(&ann).await.unwrap();
        assert_eq!(store.get_customer(ann.id).await.unwrap(), Some(ann.clone()));
        assert_eq!(
            store
                .find_customer_by_email(&email("ANN@example.com"))
                .await
                .unwrap(),
            Some(ann)
        );
        assert_eq!(
            store
                .find_customer_by_email(&email("bob@example.com"))
                .await
                .unwrap(),
            None
        );
    }

    pub async fn upserting_one_email_concurrently_makes_one_customer<S: Store>(store: S) {
        let tasks = (0..16u128).map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let draft = CustomerDraft {
                    id: customer_id(n),
                    name: name(&format!("Zoe {n}")),
                    email: email("zoe@example.com"),
                    at: at(1),
                };
                until_won(|| store.upsert_customer(&draft)).await.unwrap()
            })
        });
        let results = futures::future::join_all(tasks).await;
        let ids: std::collections::HashSet<_> = results.into_iter().map(|r| r.unwrap().id).collect();
        assert_eq!(ids.len(), 1, "sixteen upserts of one address, one customer");
        let listed = store
            .list_customers(&CustomerQuery::default())
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 1);

        let again = CustomerDraft {
            id: customer_id(99),
            name: name("Somebody Else"),
            email: email("zoe@example.com"),
            at: at(2),
        };
        let existing = store.upsert_customer(&again).await.unwrap();
        assert!(ids.contains(&existing.id));
        assert_ne!(
            existing.name.as_str(),
            "Somebody Else",
            "an existing customer keeps its name"
        );
    }

    pub async fn customers_are_searched_by_name_or_email_and_paged<S: Store>(store: S) {
        for (n, who, address) in [
            (1, "Carol King", "carol@example.com"),
            (2, "alice Smith", "alice@shop.io"),
            (3, "Bob Stone", "bob@example.com"),
            (4, "Dave", "dave.smith@mail.org"),
        ] {
            store
                .insert_customer(&customer(n, who, address))
                .await
                .unwrap();
        }
        let all = store
            .list_customers(&CustomerQuery {
                limit: PageLimit::new(3).unwrap(),
                ..CustomerQuery::default()
            })
            .await
            .unwrap();
        let first: Vec<_> = all.items.iter().map(|c| c.name.to_string()).collect();
        assert_eq!(first, vec!["alice Smith", "Bob Stone", "Carol King"]);
        let rest = store
            .list_customers(&CustomerQuery {
                after: all.next,
                limit: PageLimit::new(3).unwrap(),
                ..CustomerQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(
            rest.items
                .iter()
                .map(|c| c.name.to_string())
                .collect::<Vec<_>>(),
            vec!["Dave"]
        );
        assert_eq!(rest.next, None);

        let smiths = store
            .list_customers(&CustomerQuery {
                search: SearchText::new("SMITH"),
                ..CustomerQuery::default()
            })
            .await
            .unwrap();
        let found: Vec<_> = smiths.items.iter().map(|c| c.email.to_string()).collect();
        assert_eq!(
            found,
            vec!["alice@shop.io", "dave.smith@mail.org"],
            "name or e-mail"
        );
    }
}
