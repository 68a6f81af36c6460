//! People who sign in, their roles, and what each role may do.

use std::fmt;
use std::str::FromStr;

use crate::email::Email;
use crate::ids::UserId;
use crate::name::Name;
use crate::password::PasswordHash;
use crate::timestamp::Timestamp;

/// A person who signs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Display name.
    pub name: Name,
    /// Sign-in address; unique across users.
    pub email: Email,
    /// Argon2id hash of the password; the password itself is never kept.
    pub password_hash: PasswordHash,
    /// What the user may do.
    pub role: Role,
    /// The generation of sign-in tokens that still work: a token carries
    /// the one it was issued under, and raising it (a new password, a new
    /// role, a revocation) ends every token issued before.
    pub token_generation: u32,
    /// Kept but unable to sign in: its tokens are refused and its
    /// password no longer lets it in, until an admin enables it again.
    pub disabled: bool,
    /// When the user was created.
    pub created_at: Timestamp,
    /// When the user was last changed.
    pub updated_at: Timestamp,
}

impl User {
    /// Whether the user is an admin who can sign in: a store that has one
    /// always keeps one.
    pub fn is_active_admin(&self) -> bool {
        self.role == Role::Admin && !self.disabled
    }
}

/// What kind of user someone is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Runs the shop: catalogue, exports, users.
    Admin,
    /// Takes and fulfils orders for customers.
    Staff,
    /// Orders for itself and follows its own orders.
    Customer,
    /// The shop itself, acting on a rule (an unpaid hold running out):
    /// never an account's role, so it signs in as no one and may nothing
    /// a request asks.
    System,
}

/// Something a user may or may not do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read the product catalogue.
    ViewCatalog,
    /// Create products, change prices and stock.
    ManageCatalog,
    /// Create, list and search customers.
    ManageCustomers,
    /// Place an order for oneself.
    PlaceOwnOrder,
    /// Place an order on behalf of any customer.
    PlaceOrderForAnyone,
    /// See every order, not only one's own.
    ViewAllOrders,
    /// Move any order along its status machine.
    ChangeOrderStatus,
    /// Cancel one's own order while it is still pending.
    CancelOwnPendingOrder,
    /// Record that an order has been paid.
    CollectPayment,
    /// Download the orders as CSV.
    ExportOrders,
    /// List, create, disable and change the roles of accounts.
    ManageUsers,
    /// Add, change and remove webhook endpoints and read their deliveries.
    ManageWebhooks,
}

impl Permission {
    /// Every permission, for tables that list them all.
    pub const ALL: [Permission; 12] = [
        Permission::ViewCatalog,
        Permission::ManageCatalog,
        Permission::ManageCustomers,
        Permission::PlaceOwnOrder,
        Permission::PlaceOrderForAnyone,
        Permission::ViewAllOrders,
        Permission::ChangeOrderStatus,
        Permission::CancelOwnPendingOrder,
        Permission::CollectPayment,
        Permission::ExportOrders,
        Permission::ManageUsers,
        Permission::ManageWebhooks,
    ];
}

impl Permission {
    /// The permission's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ViewCatalog => "viewCatalog",
            Permission::ManageCatalog => "manageCatalog",
            Permission::ManageCustomers => "manageCustomers",
            Permission::PlaceOwnOrder => "placeOwnOrder",
            Permission::PlaceOrderForAnyone => "placeOrderForAnyone",
            Permission::ViewAllOrders => "viewAllOrders",
            Permission::ChangeOrderStatus => "changeOrderStatus",
            Permission::CancelOwnPendingOrder => "cancelOwnPendingOrder",
            Permission::CollectPayment => "collectPayment",
            Permission::ExportOrders => "exportOrders",
            Permission::ManageUsers => "manageUsers",
            Permission::ManageWebhooks => "manageWebhooks",
        }
    }
}

impl Role {
    /// Every permission the role holds, so clients can show only what it may do.
    pub fn permissions(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.into_iter().filter(move |&p| self.may(p))
    }

    /// The whole permission table, one screen. Matching on the permission
    /// (not the role) means a new permission stops the build here until
    /// someone decides who gets it.
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ViewCatalog | PlaceOwnOrder | CancelOwnPendingOrder => self != Role::System,
            ManageCustomers | PlaceOrderForAnyone | ViewAllOrders | ChangeOrderStatus
            | CollectPayment => matches!(self, Role::Admin | Role::Staff),
            ManageCatalog | ExportOrders | ManageUsers | ManageWebhooks => self == Role::Admin,
        }
    }

    /// The role's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Customer => "customer",
            Role::System => "system",
        }
    }

    /// The role of an actor a store recorded: an account's role, or the
    /// system's. ([`str::parse`] reads account roles only, so no request,
    /// token or account can claim to be the system.)
    ///
    /// # Errors
    /// [`RoleError`] for any other text.
    pub fn of_record(s: &str) -> Result<Role, RoleError> {
        match s {
            "system" => Ok(Role::System),
            account => account.parse(),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not a [`Role`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be one of admin, staff, customer")]
pub struct RoleError;

impl FromStr for Role {
    type Err = RoleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "staff" => Ok(Role::Staff),
            "customer" => Ok(Role::Customer),
            _ => Err(RoleError),
        }
    }
}

/// Who did something: recorded in an order's history and checked against
/// the permission table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Actor {
    /// The signed-in user.
    pub user: UserId,
    /// The role the user acted in.
    pub role: Role,
}

impl Actor {
    /// The shop itself, acting on a rule.
    pub const SYSTEM: Actor = Actor {
        user: UserId::MIN,
        role: Role::System,
    };

    /// Whether this is the shop itself rather than a person.
    pub fn is_system(self) -> bool {
        self.role == Role::System
    }

    /// Whether this actor may do `permission`.
    pub fn may(self, permission: Permission) -> bool {
        self.role.may(permission)
    }

    /// Succeeds when this actor may do `permission`, the shape every use
    /// case checks its caller in: `by.require(Permission::X)?`.
    ///
    /// # Errors
    /// [`Forbidden`] naming the permission the role lacks.
    pub fn require(self, permission: Permission) -> Result<(), Forbidden> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(Forbidden(permission))
        }
    }
}

/// An actor asked for what its role does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not allowed: {0:?}")]
pub struct Forbidden(pub Permission);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_table_reads_as_the_business_says() {
        use Permission::*;
        let allowed = |role: Role| -> Vec<Permission> {
            Permission::ALL
                .into_iter()
                .filter(|p| role.may(*p))
                .collect()
        };
        assert_eq!(allowed(Role::Admin), Permission::ALL.to_vec());
        assert_eq!(
            allowed(Role::Staff),
            vec![
                ViewCatalog,
                ManageCustomers,
                PlaceOwnOrder,
                PlaceOrderForAnyone,
                ViewAllOrders,
                ChangeOrderStatus,
                CancelOwnPendingOrder,
                CollectPayment,
            ]
        );
        assert_eq!(
            allowed(Role::Customer),
            vec![ViewCatalog, PlaceOwnOrder, CancelOwnPendingOrder]
        );
    }

    #[test]
    fn roles_round_trip_through_their_wire_names() {
        for role in [Role::Admin, Role::Staff, Role::Customer] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!("Admin".parse::<Role>(), Err(RoleError));
        assert_eq!("root".parse::<Role>(), Err(RoleError));
    }
}
