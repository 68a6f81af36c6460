//! Why the server ends a feed connection, as WebSocket close codes a
//! client can act on.

use actix_ws::{CloseCode, CloseReason};

/// A reason the server closes a feed connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closing {
    /// 4000: the subscriber fell behind and its queue overflowed;
    /// reconnect with `since` set to the last `id` received.
    Lagging,
    /// 4001: the token the connection was opened with expired; reconnect
    /// with a fresh token and `since`.
    TokenExpired,
    /// 4002: the client answered no ping for a while.
    Silent,
    /// 1001: the server is stopping; reconnect (to another instance) with
    /// `since`.
    Stopping,
    /// 1013: the store could not be read to catch up; try again shortly
    /// with the same `since`.
    StoreUnavailable,
}

impl Closing {
    /// The close code.
    pub fn code(self) -> u16 {
        match self {
            Closing::Lagging => 4000,
            Closing::TokenExpired => 4001,
            Closing::Silent => 4002,
            Closing::Stopping => 1001,
            Closing::StoreUnavailable => 1013,
        }
    }

    /// The close frame's reason text.
    pub fn reason(self) -> &'static str {
        match self {
            Closing::Lagging => "lagging: resume with since",
            Closing::TokenExpired => "token expired: sign in again and resume with since",
            Closing::Silent => "no pong: the connection looks dead",
            Closing::Stopping => "server stopping: resume with since",
            Closing::StoreUnavailable => "store unavailable: resume with since shortly",
        }
    }

    /// As actix-ws sends it.
    pub fn close_reason(self) -> CloseReason {
        CloseReason {
            code: CloseCode::from(self.code()),
            description: Some(self.reason().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_codes_are_in_the_private_range_and_distinct() {
        let all = [
            Closing::Lagging,
            Closing::TokenExpired,
            Closing::Silent,
            Closing::Stopping,
            Closing::StoreUnavailable,
        ];
        let mut codes: Vec<u16> = all.iter().map(|c| c.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for closing in [Closing::Lagging, Closing::TokenExpired, Closing::Silent] {
            assert!((4000..5000).contains(&closing.code()), "{closing:?}");
        }
        assert_eq!(u16::from(Closing::Lagging.close_reason().code), 4000);
    }
}
