//! Shipments on the wire: what staff send to create one or mark one
//! delivered, and how one looks in an order view.

use oms_domain::ids::ProductId;
use oms_domain::order::Order;
use oms_domain::order::shipment::Shipment;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::{not_null, whole};
use crate::openapi::{rules, shipment_rules};

/// `POST /api/orders/{id}/shipments`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateShipmentRequest {
    /// The units to send; every unit not yet shipped when absent.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = shipment_rules::items)]
    pub items: Option<Vec<ShipmentItemRequest>>,
    /// Who carries it.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = shipment_rules::text)]
    pub carrier: Option<String>,
    /// The carrier's number for it.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = shipment_rules::text)]
    pub tracking_number: Option<String>,
    /// Where the customer can follow it.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = shipment_rules::url)]
    pub tracking_url: Option<String>,
    /// Refuse with 409 unless the order is still at this version.
    #[serde(default, deserialize_with = "whole::optional")]
    #[schema(schema_with = rules::expected_version)]
    pub expected_version: Option<u64>,
}

/// Units of one product to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShipmentItemRequest {
    /// A product on the order.
    #[schema(schema_with = rules::line_product)]
    pub product_id: String,
    /// Units to send.
    #[serde(deserialize_with = "whole::number")]
    #[schema(schema_with = rules::quantity)]
    pub quantity: i64,
}

/// `POST /api/orders/{id}/shipments/{shipmentId}/delivered` (the body is
/// optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MarkDeliveredRequest {
    /// Refuse with 409 unless the order is still at this version.
    #[serde(default, deserialize_with = "whole::optional")]
    #[schema(schema_with = rules::expected_version)]
    pub expected_version: Option<u64>,
}

impl CreateShipmentRequest {
    /// The app's command.
    pub fn into_app(self) -> oms_app::orders::ShipOrder {
        oms_app::orders::ShipOrder {
            items: self.items.map(|items| {
                items
                    .into_iter()
                    .map(|i| oms_app::orders::ItemInput {
                        product_id: i.product_id,
                        quantity: i.quantity,
                    })
                    .collect()
            }),
            carrier: self.carrier,
            tracking_number: self.tracking_number,
            tracking_url: self.tracking_url,
            expected_version: self.expected_version,
        }
    }
}

/// One shipment of an order. Every audience sees it (never who sent it).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentView {
    /// Its number on the order: 1, 2, …
    #[schema(minimum = 1)]
    pub id: u32,
    /// The units it holds.
    pub items: Vec<ShipmentItemView>,
    /// Who carries it.
    pub carrier: Option<String>,
    /// The carrier's number for it.
    pub tracking_number: Option<String>,
    /// Where to follow it (https).
    pub tracking_url: Option<String>,
    /// When it left (RFC 3339).
    #[schema(format = DateTime)]
    pub shipped_at: String,
    /// When it arrived (RFC 3339), once recorded.
    #[schema(format = DateTime)]
    pub delivered_at: Option<String>,
}

/// Units of one product in a shipment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentItemView {
    /// The product's id.
    pub product_id: String,
    /// The product's name as ordered; absent from events, which carry
    /// the shipment without its order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Units sent.
    pub quantity: u32,
}

impl ShipmentView {
    /// `shipment` of `order`, with its products' names.
    pub fn of(order: &Order, shipment: &Shipment) -> ShipmentView {
        ShipmentView::named(shipment, |product| {
            order
                .lines()
                .iter()
                .find(|l| l.product_id() == product)
                .map(|l| l.name().as_str().to_owned())
        })
    }

    /// `shipment`, each product named by `name`.
    pub fn named(shipment: &Shipment, name: impl Fn(ProductId) -> Option<String>) -> ShipmentView {
        ShipmentView {
            id: shipment.id.get(),
            items: shipment
                .items
                .iter()
                .map(|&(product, quantity)| ShipmentItemView {
                    product_id: product.to_string(),
                    name: name(product),
                    quantity: quantity.get(),
                })
                .collect(),
            carrier: shipment.carrier.as_ref().map(|c| c.as_str().to_owned()),
            tracking_number: shipment
                .tracking_number
                .as_ref()
                .map(|t| t.as_str().to_owned()),
            tracking_url: shipment
                .tracking_url
                .as_ref()
                .map(|u| u.as_str().to_owned()),
            shipped_at: shipment.shipped_at.to_string(),
            delivered_at: shipment.delivered.map(|d| d.at.to_string()),
        }
    }
}
