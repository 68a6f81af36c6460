//! Users: sign-up, sign-in without telling who exists, and the configured
//! administrator.

use oms_app::users::{AuthenticateError, Register, RegisterError};
use oms_domain::user::Role;

use crate::support::world;

fn register(email: &str, password: &str) -> Register {
    Register {
        name: "Ann Lee".to_owned(),
        email: email.to_owned(),
        password: password.to_owned(),
    }
}

#[tokio::test]
async fn a_registered_user_is_a_customer_with_a_hashed_password() {
    let w = world();
    let user = w
        .users
        .register(register("Ann@Example.com", "correct horse"))
        .await
        .unwrap();
    assert_eq!(user.role, Role::Customer);
    assert_eq!(user.email.as_str(), "ann@example.com");
    assert!(user.password_hash.as_phc().starts_with("$argon2id$"));
    assert!(!user.password_hash.as_phc().contains("correct horse"));
    assert_eq!(w.users.get(user.id).await.unwrap(), Some(user));

    let again = w
        .users
        .register(register("ann@example.com", "another one here"))
        .await
        .unwrap_err();
    assert!(matches!(again, RegisterError::DuplicateEmail));
}

#[tokio::test]
async fn every_bad_registration_field_is_named() {
    let w = world();
    let bad = Register {
        name: String::new(),
        email: "nope".to_owned(),
        password: "short".to_owned(),
    };
    let RegisterError::Invalid(err) = w.users.register(bad).await.unwrap_err() else {
        panic!("expected a validation error");
    };
    let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["name", "email", "password"]);
}

#[tokio::test]
async fn signing_in_gives_one_answer_for_every_kind_of_wrong() {
    let w = world();
    let user = w
        .users
        .register(register("ann@example.com", "correct horse"))
        .await
        .unwrap();
    let signed_in = w
        .users
        .authenticate(" ANN@example.com", "correct horse")
        .await
        .unwrap();
    assert_eq!(signed_in.id, user.id);

    for (email, password) in [
        ("ann@example.com", "wrong horse"),
        ("nobody@example.com", "correct horse"),
        ("not an address", "correct horse"),
        ("ann@example.com", "short"),
        ("", ""),
    ] {
        let err = w.users.authenticate(email, password).await.unwrap_err();
        assert!(
            matches!(err, AuthenticateError::InvalidCredentials),
            "{email}/{password}: {err:?}"
        );
    }
}

#[tokio::test]
async fn the_configured_administrator_is_created_then_kept_in_line() {
    let w = world();
    let created = w
        .users
        .ensure(register("admin@shop.io", "first password"), Role::Admin)
        .await
        .unwrap();
    assert_eq!(created.role, Role::Admin);

    let updated = w
        .users
        .ensure(register("admin@shop.io", "second password"), Role::Admin)
        .await
        .unwrap();
    assert_eq!(updated.id, created.id);
    assert!(
        w.users
            .authenticate("admin@shop.io", "second password")
            .await
            .is_ok()
    );
    assert!(
        w.users
            .authenticate("admin@shop.io", "first password")
            .await
            .is_err()
    );

    let promoted_user = w
        .users
        .register(register("sam@shop.io", "sam's password"))
        .await
        .unwrap();
    let promoted = w
        .users
        .ensure(register("sam@shop.io", "sam's password"), Role::Staff)
        .await
        .unwrap();
    assert_eq!(
        (promoted.id, promoted.role),
        (promoted_user.id, Role::Staff)
    );
}

#[tokio::test]
async fn operators_create_users_in_any_role() {
    let w = world();
    let staff = w
        .users
        .create(register("sam@shop.io", "sam's password"), Role::Staff)
        .await
        .unwrap();
    assert_eq!(staff.role, Role::Staff);
    let dup = w
        .users
        .create(register("SAM@shop.io", "x password here"), Role::Admin)
        .await
        .unwrap_err();
    assert!(matches!(dup, RegisterError::DuplicateEmail));
}

/// The names every staff view of an order reads are kept for a moment, and
/// forgotten whenever this service writes an account.
#[tokio::test]
async fn the_staff_names_are_kept_and_a_rename_here_shows_at_once() {
    use oms_ports::store::UserStore;

    let w = world();
    let ann = w
        .users
        .ensure(register("ann@example.com", "correct horse"), Role::Admin)
        .await
        .unwrap();
    let names = |list: &oms_app::users::StaffNames| -> Vec<(oms_domain::ids::UserId, String)> {
        list.iter()
            .map(|(id, name)| (*id, name.as_str().to_owned()))
            .collect()
    };
    let first = w.users.staff_names(crate::support::ADMIN).await.unwrap();
    assert_eq!(names(&first), vec![(ann.id, "Ann Lee".to_owned())]);

    // Written behind the service's back (another instance): not read yet.
    let mut behind = ann.clone();
    behind.name = oms_domain::name::Name::parse("Ann Behind").unwrap();
    w.store.update_user(&behind).await.unwrap();
    let kept = w.users.staff_names(crate::support::ADMIN).await.unwrap();
    assert_eq!(names(&kept), vec![(ann.id, "Ann Lee".to_owned())]);

    // Written through the service: read again at once.
    let renamed = Register {
        name: "Ann Renamed".to_owned(),
        ..register("ann@example.com", "correct horse")
    };
    w.users.ensure(renamed, Role::Admin).await.unwrap();
    let staff = w
        .users
        .create_account(
            crate::support::ADMIN,
            register("bo@example.com", "another horse"),
            Role::Staff,
        )
        .await
        .unwrap();
    let after = w.users.staff_names(crate::support::ADMIN).await.unwrap();
    assert_eq!(
        names(&after),
        vec![
            (ann.id, "Ann Renamed".to_owned()),
            (staff.id, "Ann Lee".to_owned())
        ]
    );

    let customer = oms_domain::user::Actor {
        user: oms_domain::ids::UserId::from_uuid(uuid::Uuid::from_u128(0xC0FFEE)),
        role: Role::Customer,
    };
    let refused = w.users.staff_names(customer).await;
    assert!(matches!(
        refused,
        Err(oms_app::users::AccountError::Forbidden(_))
    ));
}
