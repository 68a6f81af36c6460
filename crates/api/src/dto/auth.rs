//! Registration, sign-in and account wire types.

use oms_domain::user::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::openapi::rules;

/// `POST /auth/register`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Display name.
    #[schema(schema_with = rules::name)]
    pub name: String,
    /// Sign-in address.
    #[schema(schema_with = rules::email)]
    pub email: String,
    /// The new password.
    #[schema(schema_with = rules::password)]
    pub password: String,
}

impl std::fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl From<RegisterRequest> for oms_app::users::Register {
    fn from(r: RegisterRequest) -> Self {
        oms_app::users::Register {
            name: r.name,
            email: r.email,
            password: r.password,
        }
    }
}

/// `POST /auth/login`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Sign-in address.
    pub email: String,
    /// Password.
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// An account as its owner (or an administrator) sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    /// Identity.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// `admin`, `staff` or `customer`.
    pub role: String,
    /// What the role may do (`manageCatalog`, `exportOrders`, ...), so a
    /// client shows only the controls that will work.
    pub permissions: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        UserView {
            id: user.id.to_string(),
            name: user.name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            role: user.role.as_str().to_owned(),
            permissions: user
                .role
                .permissions()
                .map(|p| p.as_str().to_owned())
                .collect(),
            created_at: user.created_at.to_string(),
        }
    }
}

/// A bearer token and whom it is for.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// RFC 3339; sign in again after this.
    pub expires_at: String,
    /// The signed-in account.
    pub user: UserView,
}

impl TokenResponse {
    /// The response for a token just issued to `user`.
    pub fn new(issued: crate::auth::IssuedToken, user: &User) -> TokenResponse {
        TokenResponse {
            token: issued.token,
            expires_at: issued.expires_at.to_string(),
            user: UserView::from(user),
        }
    }
}
