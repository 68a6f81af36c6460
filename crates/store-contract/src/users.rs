//! The user port: unique e-mail addresses, lookup, update.

use oms_domain::user::Role;
use oms_ports::error::{InsertError, UpdateUserError};
use oms_ports::store::Store;

use crate::fixtures::{email, user, user_id};

cases! {
    pub async fn a_duplicate_user_email_is_refused<S: Store>(store: S) {
        store
            .insert_user(&user(1, "ann@example.com", Role::Customer))
            .await
            .unwrap();
        let err = store
            .insert_user(&user(2, "Ann@Example.com", Role::Admin))
            .await
            .unwrap_err();
        assert!(matches!(err, InsertError::DuplicateEmail), "{err:?}");
        assert_eq!(store.get_user(user_id(2)).await.unwrap(), None);
    }

    pub async fn users_are_found_by_id_and_email<S: Store>(store: S) {
        let staff = user(1, "sam@shop.io", Role::Staff);
        store.insert_user(&staff).await.unwrap();
        assert_eq!(store.get_user(staff.id).await.unwrap(), Some(staff.clone()));
        assert_eq!(
            store
                .find_user_by_email(&email("sam@shop.io"))
                .await
                .unwrap(),
            Some(staff)
        );
        assert_eq!(
            store
                .find_user_by_email(&email("nobody@shop.io"))
                .await
                .unwrap(),
            None
        );
    }

    pub async fn updating_a_user_keeps_emails_unique<S: Store>(store: S) {
        let ann = user(1, "ann@example.com", Role::Customer);
        let bob = user(2, "bob@example.com", Role::Customer);
        store.insert_user(&ann).await.unwrap();
        store.insert_user(&bob).await.unwrap();

        let mut promoted = ann.clone();
        promoted.role = Role::Staff;
        promoted.email = email("ann@shop.io");
        store.update_user(&promoted).await.unwrap();
        assert_eq!(
            store.get_user(ann.id).await.unwrap(),
            Some(promoted.clone())
        );
        assert_eq!(
            store.find_user_by_email(&ann.email).await.unwrap(),
            None,
            "old address freed"
        );

        let mut clash = bob.clone();
        clash.email = promoted.email.clone();
        let err = store.update_user(&clash).await.unwrap_err();
        assert!(matches!(err, UpdateUserError::DuplicateEmail), "{err:?}");
        assert_eq!(store.get_user(bob.id).await.unwrap(), Some(bob));
    }

    pub async fn updating_an_unknown_user_is_not_found<S: Store>(store: S) {
        let err = store
            .update_user(&user(7, "ghost@example.com", Role::Admin))
            .await
            .unwrap_err();
        assert!(matches!(err, UpdateUserError::NotFound), "{err:?}");
        assert_eq!(store.get_user(user_id(7)).await.unwrap(), None);
    }
}
