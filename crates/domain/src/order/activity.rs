//! What happened to an order besides status moves and shipments, each
//! with who did it and when: payment recorded or cleared, the address set
//! or corrected, a note from the staff. With the history and the
//! shipments it tells the order's whole story ([`Order::timeline`]).
//!
//! [`Order::timeline`]: super::Order::timeline

use std::fmt;

use super::status::OrderStatus;
use super::{Order, OrderError};
use crate::address::ShippingAddress;
use crate::name::Name;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// One change, who made it and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: Actor,
    /// What changed.
    pub change: Change,
}

/// What an [`Activity`] changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Payment recorded as collected, or the record withdrawn.
    Payment {
        /// The new value.
        collected: bool,
    },
    /// The shipping address set or corrected: the address from then on.
    Address(Box<ShippingAddress>),
    /// A note for the staff.
    Note(OrderNote),
    /// The lines changed: what they were and what they became.
    Edit(Box<super::edit::LinesEdit>),
    /// A return asked for.
    ReturnRequested(Box<super::returns::ReturnRequest>),
    /// A return came back: what, each line restocked or not.
    ReturnReceived {
        /// Which return.
        id: u32,
        /// What came back.
        items: Vec<super::returns::ReceivedItem>,
    },
    /// A return refused.
    ReturnRejected {
        /// Which return.
        id: u32,
        /// Why.
        reason: crate::note::Note,
    },
    /// Money paid back.
    Refunded(Box<super::refunds::Refund>),
}

/// A note the staff keep on an order ("customer called, leave at the
/// door"); never shown to the customer or the public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderNote {
    /// Its number on the order: 1, 2, …
    pub id: u32,
    /// What it says.
    pub text: NoteText,
    /// The author's name when written.
    pub author: Name,
}

/// A note's text: 1 to [`NoteText::MAX_LEN`] characters, surrounding
/// spaces dropped; lines and tabs kept, other control characters refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteText(String);

/// Why a text cannot be a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteTextError {
    /// Nothing but whitespace.
    #[error("must not be blank")]
    Empty,
    /// Longer than the maximum.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A control character other than a line break or tab.
    #[error("must not contain control characters other than line breaks and tabs")]
    ControlCharacter,
}

impl NoteText {
    /// Room for a phone call's worth of detail.
    pub const MAX_LEN: usize = 2_000;

    /// `raw` trimmed, when it keeps to the rules.
    ///
    /// # Errors
    /// [`NoteTextError`] says which rule `raw` broke.
    pub fn parse(raw: &str) -> Result<NoteText, NoteTextError> {
        let trimmed = crate::text::trimmed(raw, Self::MAX_LEN)?;
        if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(NoteTextError::ControlCharacter);
        }
        Ok(NoteText(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NoteText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Order {
    /// Sets or corrects where the order goes; returns whether anything
    /// changed.
    ///
    /// # Errors
    /// [`OrderError::NotEditable`] once every unit has shipped, or the
    /// order is cancelled.
    pub fn set_shipping_address(
        &mut self,
        address: ShippingAddress,
        by: Actor,
        at: Timestamp,
    ) -> Result<bool, OrderError> {
        if matches!(
            self.status,
            OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::Cancelled
        ) {
            return Err(OrderError::NotEditable {
                status: self.status,
            });
        }
        if self.shipping_address() == Some(&address) {
            return Ok(false);
        }
        self.shipping_address = Some(Box::new(address.clone()));
        self.record(by, at, Change::Address(Box::new(address)));
        Ok(true)
    }

    /// Adds a staff note written by `author`; returns its number.
    pub fn add_note(&mut self, text: NoteText, author: Name, by: Actor, at: Timestamp) -> u32 {
        let id = self.notes().last().map_or(1, |n| n.id.saturating_add(1));
        let note = OrderNote { id, text, author };
        self.record(by, at, Change::Note(note));
        id
    }

    /// The staff's notes, oldest first, each with who wrote it and when.
    pub fn notes(&self) -> impl DoubleEndedIterator<Item = &OrderNote> + '_ {
        self.activity.iter().filter_map(|a| match &a.change {
            Change::Note(note) => Some(note),
            _ => None,
        })
    }

    /// Every change besides status moves and shipments, oldest first.
    pub fn activity(&self) -> &[Activity] {
        &self.activity
    }

    pub(super) fn record(&mut self, by: Actor, at: Timestamp, change: Change) {
        self.activity.push(Activity { at, by, change });
        self.touch(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_keeps_its_lines_and_refuses_other_control_characters() {
        let note = NoteText::parse("  Customer called.\nLeave at the door.\t ").unwrap();
        assert_eq!(note.as_str(), "Customer called.\nLeave at the door.");
        assert_eq!(NoteText::parse(" \n "), Err(NoteTextError::Empty));
        assert_eq!(
            NoteText::parse("bell\u{7}"),
            Err(NoteTextError::ControlCharacter)
        );
        assert!(NoteText::parse(&"x".repeat(2_000)).is_ok());
        assert_eq!(
            NoteText::parse(&"x".repeat(2_001)),
            Err(NoteTextError::TooLong { max: 2_000 })
        );
    }
}
