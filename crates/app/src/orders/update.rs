//! Changing an order after it was placed: its lines ([`edit`]), its
//! shipping address (staff), and the staff's notes on it.
//!
//! [`edit`]: super::edit

use oms_domain::invalid::{Invalid, Reason, Validation};
use oms_domain::order::Order;
use oms_domain::order::activity::{NoteText, OrderNote};
use oms_domain::user::{Actor, Permission};
use oms_ports::clock::Clock;
use oms_ports::store::{OrderStore, ProductStore, UserStore};

use super::address::parse_address;
use super::{AddressInput, OrderService};
use crate::orders::status::ChangeStatusError;

/// `PATCH /api/orders/{id}` as the client sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateOrder {
    /// Where the order goes from now on.
    pub shipping_address: Option<AddressInput>,
    /// The order's lines from now on.
    pub items: Option<Vec<super::ItemInput>>,
    /// Refuse unless the order is still at this version.
    pub expected_version: Option<u64>,
}

impl<S: OrderStore + ProductStore, C: Clock, I> OrderService<S, C, I> {
    /// Changes the order's lines ([`OrderService::edit_items`]), or sets
    /// or corrects the shipping address of an order not yet fully shipped
    /// (staff and admins): one change a request. The same address or
    /// lines again write nothing.
    ///
    /// # Errors
    /// [`ChangeStatusError::Forbidden`] for customers changing the address,
    /// [`ChangeStatusError::Invalid`] naming each bad part (or
    /// `shippingAddress` when nothing was given, `items` when both were),
    /// [`ChangeStatusError::Rejected`] once every unit has shipped;
    /// otherwise as every change to an order.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn update(
        &self,
        by: Actor,
        order_id: &str,
        cmd: UpdateOrder,
    ) -> Result<Order, ChangeStatusError> {
        if let Some(items) = &cmd.items {
            if cmd.shipping_address.is_some() {
                let one = Reason::Rule("must not come with shippingAddress: change one at a time");
                return Err(Invalid::one("items", one).into());
            }
            return self
                .edit_items(by, order_id, items, cmd.expected_version)
                .await;
        }
        by.require(Permission::ChangeOrderStatus)?;
        let mut v = Validation::new();
        let address = match &cmd.shipping_address {
            Some(input) => parse_address(&mut v, "shippingAddress", input),
            None => {
                v.fail("shippingAddress", Reason::Required);
                None
            }
        };
        v.finish()?;
        let address = address.ok_or_else(|| Invalid::one("shippingAddress", Reason::Required))?;
        self.revise_order(order_id, cmd.expected_version, None, |order, now| {
            let mut next = order.clone();
            next.set_shipping_address(address.clone(), by, now)?;
            Ok(next)
        })
        .await
    }
}

impl<S: OrderStore + UserStore, C: Clock, I> OrderService<S, C, I> {
    /// Adds a note to an order (staff and admins), signed with the
    /// author's name; the order and the note.
    ///
    /// # Errors
    /// [`ChangeStatusError::Forbidden`] for customers,
    /// [`ChangeStatusError::Invalid`] for a blank or too long `text`;
    /// otherwise as every change to an order.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn add_note(
        &self,
        by: Actor,
        order_id: &str,
        text: &str,
    ) -> Result<(Order, OrderNote), ChangeStatusError> {
        by.require(Permission::ChangeOrderStatus)?;
        let text = NoteText::parse(text).map_err(|e| Invalid::one("text", e))?;
        let author = self
            .store
            .get_user(by.user)
            .await?
            .ok_or(ChangeStatusError::Forbidden(Permission::ChangeOrderStatus))?
            .name;
        let order = self
            .revise_order(order_id, None, None, |order, now| {
                let mut next = order.clone();
                next.add_note(text.clone(), author.clone(), by, now);
                Ok(next)
            })
            .await?;
        let note = order
            .notes()
            .next_back()
            .cloned()
            .ok_or_else(|| oms_ports::error::corrupt("a note was written but is not there"))?;
        Ok((order, note))
    }
}
