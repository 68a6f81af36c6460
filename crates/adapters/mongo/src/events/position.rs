//! Positions in the event log on MongoDB: a commit's cluster time and the
//! event's `seq` within its transaction, as 20 lower-case hex digits
//! (`"<seconds:8><increment:8><seq:4>"`), so they compare as strings in
//! commit order.

use std::time::Duration;

use mongodb::bson::Timestamp;
use oms_ports::events::EventPosition;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Position {
    pub time: u32,
    pub increment: u32,
    pub seq: u16,
}

impl Position {
    /// After every event of the commit at `time`.
    pub fn after_commit(time: Timestamp) -> Position {
        Position {
            time: time.time,
            increment: time.increment,
            seq: u16::MAX,
        }
    }

    /// The position `text` stands for, if it is written exactly as this
    /// store writes positions: other spellings would compare out of order.
    pub fn parse(text: &EventPosition) -> Option<Position> {
        let s = text.as_str();
        let hex = |from: usize, to: usize| s.get(from..to);
        let position = Position {
            time: u32::from_str_radix(hex(0, 8)?, 16).ok()?,
            increment: u32::from_str_radix(hex(8, 16)?, 16).ok()?,
            seq: u16::from_str_radix(hex(16, 20)?, 16).ok()?,
        };
        (position.text() == *text).then_some(position)
    }

    pub fn text(self) -> EventPosition {
        EventPosition::new(format!(
            "{:08x}{:08x}{:04x}",
            self.time, self.increment, self.seq
        ))
    }

    pub fn cluster_time(self) -> Timestamp {
        Timestamp {
            time: self.time,
            increment: self.increment,
        }
    }

    /// How much older than `now` this is, counting whole seconds as the
    /// cluster clock does (so up to a second too little).
    pub fn age_at(self, now: Position) -> Duration {
        Duration::from_secs(u64::from(now.time.saturating_sub(self.time)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_fixed_width_hex_in_cluster_time_order() {
        let early = Position {
            time: 1_795_989_090,
            increment: 8,
            seq: 0,
        };
        let same_commit = Position { seq: 1, ..early };
        let later = Position {
            increment: 0x10,
            ..early
        };
        assert!(early.text() < same_commit.text() && same_commit.text() < later.text());
        for p in [early, same_commit, later] {
            assert_eq!(Position::parse(&p.text()), Some(p));
        }
        for bad in [
            "",
            "nonsense",
            "6b0c9e620000000800000",
            "6b0c9e62000000080000z",
            "6B0C9E62000000080000",
            "+b0c9e62000000080000",
        ] {
            assert_eq!(Position::parse(&EventPosition::new(bad)), None, "{bad}");
        }
    }
}
