//! The one shape a use case checks its caller in:
//! `by.require(Permission::X)?`. Each use case's error carries the refusal
//! as its `Forbidden` variant, naming the permission that was missing.

use oms_domain::user::Forbidden;

use crate::catalog::ProductError;
use crate::customers::CustomerError;
use crate::list::ListError;
use crate::orders::{ChangeStatusError, PlaceOrderError};

macro_rules! refused_as {
    ($($error:ty),+ $(,)?) => {$(
        impl From<Forbidden> for $error {
            fn from(Forbidden(permission): Forbidden) -> Self {
                <$error>::Forbidden(permission)
            }
        }
    )+};
}

refused_as!(
    ProductError,
    CustomerError,
    ListError,
    PlaceOrderError,
    ChangeStatusError,
);
