//! The rule for a new password, and Argon2id password hashing.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use oms_domain::password::{Password, PasswordError, PasswordHash};
use oms_ports::passwords::{HashingError, PasswordHashing};

/// A new password: the domain's length rule, and not on a list of the
/// passwords attackers try first (in any letter case).
///
/// # Errors
/// [`PasswordError`] naming the rule it breaks.
pub fn chosen(raw: &str) -> Result<Password, PasswordError> {
    let password = Password::new(raw)?;
    let common = passwords::analyzer::is_common_password(raw)
        || passwords::analyzer::is_common_password(raw.to_lowercase());
    if common {
        return Err(PasswordError::Common);
    }
    Ok(password)
}

/// Argon2id with a fresh random salt per hash.
#[derive(Clone, Debug)]
pub struct Argon2Hashing {
    params: Params,
}

impl Default for Argon2Hashing {
    /// [`Argon2Hashing::MEMORY_KIB`] and [`Argon2Hashing::PASSES`], 1 lane.
    fn default() -> Self {
        Argon2Hashing::with_cost(Self::MEMORY_KIB, Self::PASSES).unwrap_or_else(|_| Argon2Hashing {
            params: Params::default(),
        })
    }
}

impl Argon2Hashing {
    /// Memory per hash. OWASP lists 19 MiB x 2 passes and 7 MiB x 5 passes
    /// (among others) as equally strong; the smaller memory is what the
    /// allocator keeps after a sign-in, so it is the one taken.
    pub const MEMORY_KIB: u32 = 7_168;
    /// Passes over that memory.
    pub const PASSES: u32 = 5;

    /// Argon2id with `memory_kib` of memory and `passes` passes. Lower than
    /// the default only where hashes protect nothing (tests, benchmarks).
    ///
    /// # Errors
    /// [`HashingError`] for parameters Argon2 refuses.
    pub fn with_cost(memory_kib: u32, passes: u32) -> Result<Argon2Hashing, HashingError> {
        let params =
            Params::new(memory_kib, passes, 1, None).map_err(|e| HashingError(e.to_string()))?;
        Ok(Argon2Hashing { params })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }
}

impl PasswordHashing for Argon2Hashing {
    fn hash(&self, password: &Password) -> Result<PasswordHash, HashingError> {
        let hash = self
            .argon2()
            .hash_password(password.expose().as_bytes())
            .map_err(|e| HashingError(e.to_string()))?;
        Ok(PasswordHash::from_phc(hash.to_string()))
    }

    fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashingError> {
        // The stored hash carries its own parameters, so hashes made with
        // older costs keep verifying after the defaults are raised.
        match self
            .argon2()
            .verify_password(password.expose().as_bytes(), hash.as_phc())
        {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(HashingError(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_common_password_is_refused_in_any_letter_case() {
        assert_eq!(chosen("123456789012"), Err(PasswordError::Common));
        assert_eq!(chosen("qwertyuiop123"), Err(PasswordError::Common));
        assert_eq!(chosen("QwertyUiop123"), Err(PasswordError::Common));
        assert_eq!(chosen("short"), Err(PasswordError::TooShort { min: 12 }));
        assert!(chosen("mug shelf teapot").is_ok());
    }

    fn cheap() -> Argon2Hashing {
        Argon2Hashing::with_cost(64, 1).unwrap()
    }

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let right = Password::new("correct horse").unwrap();
        let wrong = Password::new("battery staple").unwrap();
        let hash = cheap().hash(&right).unwrap();
        assert!(hash.as_phc().starts_with("$argon2id$v=19$"));
        assert!(cheap().verify(&right, &hash).unwrap());
        assert!(!cheap().verify(&wrong, &hash).unwrap());
    }

    #[test]
    fn two_hashes_of_one_password_differ_by_their_salt() {
        let password = Password::new("correct horse").unwrap();
        assert_ne!(
            cheap().hash(&password).unwrap(),
            cheap().hash(&password).unwrap()
        );
    }

    #[test]
    fn a_hash_made_with_other_costs_still_verifies() {
        let password = Password::new("correct horse").unwrap();
        let old = Argon2Hashing::with_cost(32, 2)
            .unwrap()
            .hash(&password)
            .unwrap();
        assert!(cheap().verify(&password, &old).unwrap());
    }

    #[test]
    fn a_malformed_stored_hash_is_an_error_not_a_match() {
        let password = Password::new("correct horse").unwrap();
        let junk = PasswordHash::from_phc("not a phc string".to_owned());
        assert!(cheap().verify(&password, &junk).is_err());
    }
}
