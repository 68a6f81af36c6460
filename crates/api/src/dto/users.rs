//! Account management wire types (`/api/users`, admins only).

use oms_domain::user::{Role, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::not_null;
use crate::openapi::rules;
use crate::problem::{ApiError, FieldProblem};

/// `POST /api/users`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Display name.
    #[schema(schema_with = rules::name)]
    pub name: String,
    /// Sign-in address.
    #[schema(schema_with = rules::email)]
    pub email: String,
    /// What the account may do.
    #[schema(schema_with = rules::role)]
    pub role: String,
    /// The account's first password; its owner may keep it or be given a new one.
    #[schema(schema_with = rules::password)]
    pub password: String,
}

impl std::fmt::Debug for CreateUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUserRequest")
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl CreateUserRequest {
    /// The new account's details and role.
    ///
    /// # Errors
    /// 422 naming `role` when it is no role.
    pub fn into_app(self) -> Result<(oms_app::users::Register, Role), ApiError> {
        let role = role(&self.role)?;
        let register = oms_app::users::Register {
            name: self.name,
            email: self.email,
            password: self.password,
        };
        Ok((register, role))
    }
}

/// `PATCH /api/users/{id}`: what is given changes.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// The account's new role.
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::role)]
    pub role: Option<String>,
    /// `true` signs the account out everywhere and keeps it from signing
    /// in; `false` lets it sign in again.
    #[serde(default, deserialize_with = "not_null::field")]
    #[schema(schema_with = rules::flag)]
    pub disabled: Option<bool>,
}

impl UpdateUserRequest {
    /// The change asked for.
    ///
    /// # Errors
    /// 422 naming `role` when it is no role.
    pub fn into_app(self) -> Result<oms_app::users::AccountChange, ApiError> {
        Ok(oms_app::users::AccountChange {
            role: self.role.as_deref().map(role).transpose()?,
            disabled: self.disabled,
        })
    }
}

fn role(name: &str) -> Result<Role, ApiError> {
    name.parse().map_err(|e: oms_domain::user::RoleError| {
        ApiError::fields(vec![FieldProblem {
            field: "role".to_owned(),
            message: e.to_string(),
        }])
    })
}

/// An account as an admin manages it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// Identity.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// `admin`, `staff` or `customer`.
    pub role: String,
    /// Whether an admin has disabled it (it cannot sign in).
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: the last change.
    pub updated_at: String,
}

impl From<&User> for AccountView {
    fn from(user: &User) -> Self {
        AccountView {
            id: user.id.to_string(),
            name: user.name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            role: user.role.as_str().to_owned(),
            disabled: user.disabled,
            created_at: user.created_at.to_string(),
            updated_at: user.updated_at.to_string(),
        }
    }
}
