//! Tokens whose signature has been checked, so a client sending the same
//! token on every request costs one HMAC and one claims parse, not one per
//! request. Only the signature work is saved: the times are checked again
//! on every use, by the same rule as a first check.

use std::collections::HashMap;
use std::sync::RwLock;

use oms_domain::user::Actor;

/// Tokens kept at most; past this the set starts again empty.
const CAPACITY: usize = 4_096;

/// What a checked token says that matters on later uses.
#[derive(Clone, Copy, Debug)]
pub struct Checked {
    /// Whom it speaks for.
    pub actor: Actor,
    /// The account's token generation it was issued under.
    pub generation: u32,
    /// `iat`, unix seconds.
    pub issued_at: i64,
    /// `exp`, unix seconds.
    pub expires_at: i64,
}

/// Checked tokens, by their text, for one signing key.
#[derive(Debug, Default)]
pub struct CheckedTokens {
    tokens: RwLock<HashMap<Box<str>, Checked>>,
}

impl CheckedTokens {
    /// What `token` said when it was checked, if it was.
    pub fn get(&self, token: &str) -> Option<Checked> {
        self.tokens.read().ok()?.get(token).copied()
    }

    /// Remembers a token whose signature and claims were just checked.
    pub fn insert(&self, token: &str, checked: Checked) {
        if let Ok(mut tokens) = self.tokens.write() {
            if tokens.len() >= CAPACITY {
                tokens.clear();
            }
            tokens.insert(token.into(), checked);
        }
    }
}
