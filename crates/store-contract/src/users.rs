//! The user port: unique e-mail addresses, lookup, update, the staff's
//! accounts, and an active admin always kept.

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

    pub async fn the_last_active_admin_is_neither_demoted_nor_disabled<S: Store>(store: S) {
        let ann = user(1, "ann@shop.io", Role::Admin);
        store.insert_user(&ann).await.unwrap();
        let mut off = ann.clone();
        off.disabled = true;
        let mut demoted = ann.clone();
        demoted.role = Role::Staff;
        for change in [&off, &demoted] {
            let err = store.update_user(change).await.unwrap_err();
            assert!(matches!(err, UpdateUserError::LastAdmin), "{err:?}");
        }
        assert_eq!(store.get_user(ann.id).await.unwrap(), Some(ann.clone()));

        // A disabled admin is no admin to keep.
        let mut cid = user(3, "cid@shop.io", Role::Admin);
        cid.disabled = true;
        store.insert_user(&cid).await.unwrap();
        let err = store.update_user(&off).await.unwrap_err();
        assert!(matches!(err, UpdateUserError::LastAdmin), "{err:?}");

        let bob = user(2, "bob@shop.io", Role::Admin);
        store.insert_user(&bob).await.unwrap();
        store.update_user(&demoted).await.unwrap();
        let mut bob_off = bob.clone();
        bob_off.disabled = true;
        let err = store.update_user(&bob_off).await.unwrap_err();
        assert!(matches!(err, UpdateUserError::LastAdmin), "{err:?}");
        // Changes that keep an admin active go through.
        let mut renamed = bob.clone();
        renamed.token_generation += 1;
        store.update_user(&renamed).await.unwrap();
        let mut back = demoted.clone();
        back.role = Role::Admin;
        store.update_user(&back).await.unwrap();
        store.update_user(&bob_off).await.unwrap();
        assert_eq!(store.get_user(bob.id).await.unwrap(), Some(bob_off));
    }

    pub async fn two_admins_demoting_each_other_at_once_leave_one<S: Store>(store: S) {
        let ann = user(1, "ann@shop.io", Role::Admin);
        let bob = user(2, "bob@shop.io", Role::Admin);
        store.insert_user(&ann).await.unwrap();
        store.insert_user(&bob).await.unwrap();
        let demote = |u: &oms_domain::user::User| {
            let mut d = u.clone();
            d.role = Role::Staff;
            d
        };
        let (a, b) = (demote(&ann), demote(&bob));
        let (first, second) = tokio::join!(store.update_user(&a), store.update_user(&b));
        let done = [&first, &second].iter().filter(|r| r.is_ok()).count();
        assert!(done <= 1, "both demoted: {first:?} {second:?}");
        for result in [first, second] {
            if let Err(e) = result {
                assert!(
                    matches!(
                        e,
                        UpdateUserError::LastAdmin
                            | UpdateUserError::Store(oms_ports::error::StoreError::Contended)
                    ),
                    "{e:?}"
                );
            }
        }
        let admins = [ann.id, bob.id];
        let mut active = 0;
        for id in admins {
            let stored = store.get_user(id).await.unwrap().unwrap();
            active += usize::from(stored.is_active_admin());
        }
        assert!(active >= 1, "an active admin is left");
    }

    pub async fn the_staff_accounts_are_admins_and_staff_oldest_first<S: Store>(store: S) {
        store.insert_user(&user(3, "cat@shop.io", Role::Staff)).await.unwrap();
        store.insert_user(&user(1, "ann@shop.io", Role::Admin)).await.unwrap();
        store.insert_user(&user(2, "bob@example.com", Role::Customer)).await.unwrap();
        let mut dan = user(4, "dan@shop.io", Role::Staff);
        dan.disabled = true;
        store.insert_user(&dan).await.unwrap();
        let listed = store.staff_accounts().await.unwrap();
        let emails: Vec<&str> = listed.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(emails, ["ann@shop.io", "cat@shop.io", "dan@shop.io"]);
        assert_eq!(listed[2], dan, "every field, disabled included");
    }
}
