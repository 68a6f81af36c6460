//! An order's activity (payment, address changes, notes, edits) as every store
//! keeps it: plain values under the API's own names, times in Unix
//! milliseconds, one flat record per entry with `kind` saying which.

use oms_domain::name::Name;
use oms_domain::order::activity::{Activity, Change, NoteText, OrderNote};
use oms_domain::order::edit::LinesEdit;
use oms_domain::timestamp::Timestamp;
use oms_ports::error::{StoreError, corrupt, field};
use serde::{Deserialize, Serialize};

use crate::address::AddressRecord;
use crate::after_sale::{RefundRecord, ReturnRecord};
use crate::line::LineRecord;
use crate::shipment::ActorRecord;

/// An [`Activity`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ActivityRecord {
    /// `payment`, `address`, `note`, `edit`, `returnRequested`,
    /// `returnReceived`, `returnRejected` or `refund`.
    pub kind: String,
    pub at: i64,
    pub by: ActorRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<NoteRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditRecord>,
    #[serde(default, rename = "return", skip_serializing_if = "Option::is_none")]
    pub return_step: Option<ReturnRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<RefundRecord>,
}

/// A [`LinesEdit`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct EditRecord {
    pub before: Vec<LineRecord>,
    pub after: Vec<LineRecord>,
}

/// An [`OrderNote`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct NoteRecord {
    pub id: u32,
    pub text: String,
    pub author: String,
}

impl EditRecord {
    /// `edit` as stored.
    pub fn of(edit: &LinesEdit) -> EditRecord {
        EditRecord {
            before: LineRecord::all(&edit.before),
            after: LineRecord::all(&edit.after),
        }
    }

    /// The edit this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] for a line that breaks its rule, or lines
    /// no order could have.
    pub fn edit(&self) -> Result<LinesEdit, StoreError> {
        let before = LineRecord::read_all(&self.before)?;
        let after = LineRecord::read_all(&self.after)?;
        field("edit.before", oms_domain::order::lines_total(&before))?;
        field("edit.after", oms_domain::order::lines_total(&after))?;
        Ok(LinesEdit { before, after })
    }
}

impl NoteRecord {
    /// `note` as stored.
    pub fn of(note: &OrderNote) -> NoteRecord {
        NoteRecord {
            id: note.id,
            text: note.text.as_str().to_owned(),
            author: note.author.as_str().to_owned(),
        }
    }

    /// The note this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] for a text or name that breaks its rule.
    pub fn note(&self) -> Result<OrderNote, StoreError> {
        Ok(OrderNote {
            id: self.id,
            text: field("note.text", NoteText::parse(&self.text))?,
            author: field("note.author", Name::parse(&self.author))?,
        })
    }
}

impl ActivityRecord {
    /// `activity` as stored.
    pub fn of(activity: &Activity) -> ActivityRecord {
        let mut record = ActivityRecord {
            kind: String::new(),
            at: activity.at.unix_millis(),
            by: ActorRecord::of(activity.by),
            collected: None,
            address: None,
            note: None,
            edit: None,
            return_step: None,
            refund: None,
        };
        match &activity.change {
            Change::Payment { collected } => {
                record.kind = "payment".to_owned();
                record.collected = Some(*collected);
            }
            Change::Address(address) => {
                record.kind = "address".to_owned();
                record.address = Some(AddressRecord::of(address));
            }
            Change::Note(note) => {
                record.kind = "note".to_owned();
                record.note = Some(NoteRecord::of(note));
            }
            Change::Edit(edit) => {
                record.kind = "edit".to_owned();
                record.edit = Some(EditRecord::of(edit));
            }
            Change::ReturnRequested(request) => {
                record.kind = "returnRequested".to_owned();
                record.return_step = Some(ReturnRecord::requested(request));
            }
            Change::ReturnReceived { id, items } => {
                record.kind = "returnReceived".to_owned();
                record.return_step = Some(ReturnRecord::received(*id, items));
            }
            Change::ReturnRejected { id, reason } => {
                record.kind = "returnRejected".to_owned();
                record.return_step = Some(ReturnRecord::rejected(*id, reason));
            }
            Change::Refunded(refund) => {
                record.kind = "refund".to_owned();
                record.refund = Some(RefundRecord::of(refund));
            }
        }
        record
    }

    /// Every entry of `activity` as stored.
    pub fn all(activity: &[Activity]) -> Vec<ActivityRecord> {
        activity.iter().map(ActivityRecord::of).collect()
    }

    /// The activity this record holds.
    ///
    /// # Errors
    /// [`StoreError::Internal`] naming what is missing or broken.
    pub fn activity(&self) -> Result<Activity, StoreError> {
        let missing = || corrupt(format_args!("activity of kind {:?}", self.kind));
        let step = || self.return_step.as_ref().ok_or_else(missing);
        let change = match self.kind.as_str() {
            "payment" => Change::Payment {
                collected: self.collected.ok_or_else(missing)?,
            },
            "address" => Change::Address(Box::new(
                self.address.as_ref().ok_or_else(missing)?.address()?,
            )),
            "note" => Change::Note(self.note.as_ref().ok_or_else(missing)?.note()?),
            "edit" => Change::Edit(Box::new(self.edit.as_ref().ok_or_else(missing)?.edit()?)),
            "returnRequested" => Change::ReturnRequested(Box::new(step()?.request()?)),
            "returnReceived" => Change::ReturnReceived {
                id: step()?.id,
                items: step()?.received_items()?,
            },
            "returnRejected" => Change::ReturnRejected {
                id: step()?.id,
                reason: step()?.rejection()?,
            },
            "refund" => Change::Refunded(Box::new(
                self.refund.as_ref().ok_or_else(missing)?.refund()?,
            )),
            _ => return Err(missing()),
        };
        Ok(Activity {
            at: field("activity.at", Timestamp::from_unix_millis(self.at))?,
            by: self.by.actor("activity.by")?,
            change,
        })
    }

    /// The activity `records` hold, in order.
    ///
    /// # Errors
    /// As [`ActivityRecord::activity`], for the first bad one.
    pub fn read_all(records: &[ActivityRecord]) -> Result<Vec<Activity>, StoreError> {
        records.iter().map(ActivityRecord::activity).collect()
    }
}

#[cfg(test)]
mod tests {
    use oms_domain::ids::UserId;
    use oms_domain::user::{Actor, Role};

    use super::*;

    #[test]
    fn each_kind_of_activity_round_trips_through_its_record() {
        let by = Actor {
            user: UserId::MIN,
            role: Role::Staff,
        };
        let at = Timestamp::from_unix_millis(1_800_000_000_000).unwrap();
        let note = OrderNote {
            id: 1,
            text: NoteText::parse("Customer called.\nLeave at the door.").unwrap(),
            author: Name::parse("Sam Staff").unwrap(),
        };
        let line = |n: u8, qty: i64| {
            oms_domain::order::line::OrderLine::new(
                crate::fixtures::id(n),
                Name::parse("Mug").unwrap(),
                oms_domain::money::Money::from_minor(250).unwrap(),
                oms_domain::quantity::Quantity::new(qty).unwrap(),
            )
            .unwrap()
        };
        let edit = LinesEdit {
            before: vec![line(1, 2)],
            after: vec![line(1, 1), line(2, 3)],
        };
        let reason = oms_domain::note::Note::parse("Chipped").unwrap();
        let request = oms_domain::order::returns::ReturnRequest {
            id: 1,
            items: vec![(
                crate::fixtures::id(1),
                oms_domain::quantity::Quantity::new(2).unwrap(),
            )],
            reason: reason.clone(),
        };
        let received = vec![oms_domain::order::returns::ReceivedItem {
            product: crate::fixtures::id(1),
            quantity: oms_domain::quantity::Quantity::new(1).unwrap(),
            restock: true,
        }];
        let refund = oms_domain::order::refunds::Refund {
            id: 1,
            amount: oms_domain::money::Money::from_minor(250).unwrap(),
            reason: reason.clone(),
            return_id: Some(1),
            key: Some(oms_domain::order::refunds::RefundKey {
                user: UserId::MIN,
                key: oms_domain::idempotency::IdempotencyKey::parse("k-1").unwrap(),
                fingerprint: oms_domain::idempotency::RequestFingerprint::new("f".to_owned()),
            }),
        };
        for change in [
            Change::Payment { collected: true },
            Change::Note(note),
            Change::Edit(Box::new(edit)),
            Change::ReturnRequested(Box::new(request)),
            Change::ReturnReceived {
                id: 1,
                items: received,
            },
            Change::ReturnRejected { id: 1, reason },
            Change::Refunded(Box::new(refund)),
        ] {
            let activity = Activity { at, by, change };
            let record = ActivityRecord::of(&activity);
            assert_eq!(record.activity().unwrap(), activity);
        }
        let mut broken = ActivityRecord::of(&Activity {
            at,
            by,
            change: Change::Payment { collected: false },
        });
        broken.kind = "note".to_owned();
        assert!(broken.activity().is_err());
    }
}
