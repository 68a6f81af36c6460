//! Changing a product, as every store does inside its own atomic step with
//! the product as it reads it there.

use oms_domain::product::{Product, ProductChange};
use oms_domain::timestamp::Timestamp;
use oms_ports::error::UpdateProductError;

/// Applies `change` to `product` if it is still at `expected_version`
/// (when one is given); `product` is unchanged on any refusal.
///
/// # Errors
/// [`UpdateProductError::VersionMismatch`] when the product has moved on,
/// [`UpdateProductError::Stock`] when the level would leave its range.
pub fn change_product(
    product: &mut Product,
    change: ProductChange,
    expected_version: Option<u64>,
    at: Timestamp,
) -> Result<(), UpdateProductError> {
    if expected_version.is_some_and(|expected| expected != product.version) {
        return Err(UpdateProductError::VersionMismatch {
            current: product.version,
        });
    }
    // `apply` changes nothing when it fails.
    product.apply(change, at)?;
    Ok(())
}
