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
use crate::line::LineRecord;
use crate::shipment::ActorRecord;

/// An [`Activity`] in plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ActivityRecord {
    /// `payment`, `address`, `note` or `edit`.
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
        let change = match (
            self.kind.as_str(),
            self.collected,
            &self.address,
            &self.note,
            &self.edit,
        ) {
            ("payment", Some(collected), None, None, None) => Change::Payment { collected },
            ("address", None, Some(address), None, None) => {
                Change::Address(Box::new(address.address()?))
            }
            ("note", None, None, Some(note), None) => Change::Note(note.note()?),
            ("edit", None, None, None, Some(edit)) => Change::Edit(Box::new(edit.edit()?)),
            (kind, ..) => return Err(corrupt(format_args!("activity of kind {kind:?}"))),
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
        for change in [
            Change::Payment { collected: true },
            Change::Note(note),
            Change::Edit(Box::new(edit)),
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
