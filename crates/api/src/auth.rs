//! Bearer tokens: issued at sign-in, checked on every protected request.
//! HS256 only; `exp`, `iat`, `iss`, `aud` and `sub` are all required, so a
//! token from another issuer, another audience or `alg: none` never passes.
//! A genuine token must also agree with its account as it stands now
//! (`accounts.rs`): revoked tokens stop working within seconds.

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use oms_domain::ids::UserId;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role, User};
use serde::{Deserialize, Serialize};

use crate::problem::{ApiError, Failures, ProblemCode};
use crate::settings::JwtSettings;

mod accounts;
mod checked;
mod websocket;
pub use accounts::{Accounts, FRESH};
use checked::{Checked, CheckedTokens};
pub use websocket::websocket_caller;

/// Clock skew tolerated on `exp` and `iat`, in seconds.
const LEEWAY_SECS: i64 = 5;

/// What a token says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user's role when the token was issued.
    pub role: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at, unix seconds.
    pub iat: i64,
    /// Expires at, unix seconds.
    pub exp: i64,
    /// The account's token generation when the token was issued (absent
    /// from tokens issued before generations existed: the first).
    #[serde(default)]
    pub generation: u32,
}

/// A freshly signed token.
#[derive(Debug)]
pub struct IssuedToken {
    /// The compact JWT.
    pub token: String,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// Signs and checks tokens with the configured key.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
    checked: CheckedTokens,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// Keys and rules from the settings.
    pub fn new(settings: &JwtSettings) -> Tokens {
        let secret = settings.secret.expose().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        // Times are checked by `times_hold`, on first sight and on reuse
        // alike; the leeway stays set should the library check any again.
        validation.validate_exp = false;
        validation.leeway = LEEWAY_SECS.unsigned_abs();
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_secs: i64::try_from(settings.ttl.as_secs()).unwrap_or(i64::MAX),
            checked: CheckedTokens::default(),
        }
    }

    /// A token for `user`, valid from `now` for the configured lifetime.
    ///
    /// # Errors
    /// 500 if signing fails, which only a broken key could cause.
    pub fn issue(&self, user: &User, now: Timestamp) -> Result<IssuedToken, ApiError> {
        let iat = now.unix_millis().div_euclid(1000);
        let exp = iat.saturating_add(self.ttl_secs);
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role.as_str().to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat,
            exp,
            generation: user.token_generation,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| {
            tracing::error!(error = %e, "token signing failed");
            ApiError::internal()
        })?;
        let expires_at = Timestamp::from_unix_millis(exp.saturating_mul(1000))
            .map_err(|_| ApiError::internal())?;
        Ok(IssuedToken { token, expires_at })
    }

    /// Who a token speaks for, if it is genuine, current and meant for us.
    ///
    /// # Errors
    /// 401 for any fault; the reason is logged, not returned.
    pub fn verify(&self, token: &str, now: Timestamp) -> Result<Actor, ApiError> {
        self.verify_until(token, now).map(|verified| verified.actor)
    }

    /// As [`Tokens::verify`], with when the token stops working.
    ///
    /// # Errors
    /// As [`Tokens::verify`].
    pub fn verify_until(&self, token: &str, now: Timestamp) -> Result<Verified, ApiError> {
        let invalid = |reason: &dyn std::fmt::Display| {
            tracing::info!(%reason, "bearer token refused");
            ApiError::unauthorized("the token is invalid or expired; sign in again", true)
        };
        let checked = match self.checked.get(token) {
            Some(checked) => checked,
            None => {
                let checked = self.check_signed(token).map_err(|e| invalid(&e))?;
                self.checked.insert(token, checked);
                checked
            }
        };
        times_hold(&checked, now).map_err(|e| invalid(&e))?;
        let expires = Timestamp::from_unix_millis(checked.expires_at.saturating_mul(1000))
            .map_err(|e| invalid(&e))?;
        Ok(Verified {
            actor: checked.actor,
            generation: checked.generation,
            expires,
        })
    }

    /// The signature, issuer, audience and claims of a token not seen before.
    fn check_signed(&self, token: &str) -> Result<Checked, String> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| e.to_string())?
            .claims;
        let user = claims.sub.parse::<UserId>().map_err(|e| e.to_string())?;
        let role = claims.role.parse::<Role>().map_err(|e| e.to_string())?;
        Timestamp::from_unix_millis(claims.exp.saturating_mul(1000)).map_err(|e| e.to_string())?;
        Ok(Checked {
            actor: Actor { user, role },
            generation: claims.generation,
            issued_at: claims.iat,
            expires_at: claims.exp,
        })
    }
}

/// What a genuine, live token says.
#[derive(Clone, Copy, Debug)]
pub struct Verified {
    /// Whom it speaks for.
    pub actor: Actor,
    /// The account's token generation it was issued under.
    pub generation: u32,
    /// When it stops working.
    pub expires: Timestamp,
}

impl Verified {
    /// Whether the account still stands as the token says.
    ///
    /// # Errors
    /// 401 for a revoked token, 503 when the account cannot be read.
    pub async fn standing(&self, req: &HttpRequest) -> Result<(), ApiError> {
        let Some(accounts) = req.app_data::<web::Data<Accounts>>() else {
            tracing::error!("accounts are not registered with the app");
            return Err(ApiError::internal());
        };
        accounts.check(self.actor, self.generation).await
    }
}

/// Whether a token is live at `now`, with [`LEEWAY_SECS`] of clock skew
/// either way: not issued in the future, not expired.
fn times_hold(checked: &Checked, now: Timestamp) -> Result<(), &'static str> {
    let now = now.unix_millis().div_euclid(1000);
    if checked.issued_at > now + LEEWAY_SECS {
        return Err("issued in the future");
    }
    if checked.expires_at < now - LEEWAY_SECS {
        return Err("expired");
    }
    Ok(())
}

/// The signed-in caller of a protected route; 401 without a valid token.
#[derive(Clone, Copy, Debug)]
pub struct Caller(pub Actor);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { caller(&req).await })
    }
}

impl Failures for Caller {
    fn codes() -> Vec<ProblemCode> {
        let mut codes = vec![ProblemCode::Unauthorized];
        codes.extend(<oms_ports::error::StoreError as Failures>::codes());
        codes
    }
}

/// The caller of a public route: `None` without an `Authorization` header;
/// a header that is there must still hold a valid token (401 otherwise).
#[derive(Clone, Copy, Debug)]
pub struct MaybeCaller(pub Option<Actor>);

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<MaybeCaller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if req.headers().contains_key(AUTHORIZATION) {
                caller(&req)
                    .await
                    .map(|Caller(actor)| MaybeCaller(Some(actor)))
            } else {
                Ok(MaybeCaller(None))
            }
        })
    }
}

impl Failures for MaybeCaller {
    fn codes() -> Vec<ProblemCode> {
        Caller::codes()
    }
}

fn verified(req: &HttpRequest, token: &str) -> Result<Verified, ApiError> {
    let Some(tokens) = req.app_data::<web::Data<Tokens>>() else {
        tracing::error!("token keys are not registered with the app");
        return Err(ApiError::internal());
    };
    let now = oms_ports::clock::Clock::now(&oms_app::system::SystemClock);
    tokens.verify_until(token, now)
}

async fn caller(req: &HttpRequest) -> Result<Caller, ApiError> {
    let token = bearer_token(req)?;
    let verified = verified(req, token)?;
    verified.standing(req).await?;
    Ok(Caller(verified.actor))
}

/// The token of an `Authorization: Bearer` header.
fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(header) = header else {
        return Err(ApiError::unauthorized(
            "sign in: this needs a bearer token",
            false,
        ));
    };
    match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(token.trim()),
        _ => Err(ApiError::unauthorized(
            "use the Bearer authorization scheme",
            true,
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use actix_web::ResponseError;
    use oms_domain::email::Email;
    use oms_domain::name::Name;
    use oms_domain::password::PasswordHash;

    use super::*;
    use crate::secret::Secret;

    fn settings(secret: &str) -> JwtSettings {
        JwtSettings {
            secret: Secret::new(secret),
            generated: false,
            issuer: "oms".into(),
            audience: "oms-api".into(),
            ttl: Duration::from_secs(3600),
        }
    }

    fn user() -> User {
        User {
            id: UserId::MIN,
            name: Name::parse("Ada").unwrap(),
            email: Email::parse("ada@example.com").unwrap(),
            password_hash: PasswordHash::from_phc("$argon2id$x".into()),
            role: Role::Staff,
            token_generation: 0,
            disabled: false,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn now() -> Timestamp {
        Timestamp::from_unix_millis(1_800_000_000_000).unwrap()
    }

    #[test]
    fn a_token_round_trips_to_its_actor_and_expires_after_the_ttl() {
        let tokens = Tokens::new(&settings("a-secret-of-at-least-thirty-two-bytes"));
        let issued = tokens.issue(&user(), now()).unwrap();
        assert_eq!(
            issued.expires_at.unix_millis(),
            1_800_000_000_000 + 3_600_000
        );
        let actor = tokens.verify(&issued.token, now()).unwrap();
        assert_eq!(
            actor,
            Actor {
                user: UserId::MIN,
                role: Role::Staff
            }
        );
    }

    #[test]
    fn a_token_from_another_key_is_refused() {
        let ours = Tokens::new(&settings("a-secret-of-at-least-thirty-two-bytes"));
        let theirs = Tokens::new(&settings("another-secret-of-thirty-two-bytes!"));
        let token = theirs.issue(&user(), now()).unwrap().token;
        assert!(ours.verify(&token, now()).is_err());
    }

    #[test]
    fn a_token_issued_in_the_future_is_refused() {
        let tokens = Tokens::new(&settings("a-secret-of-at-least-thirty-two-bytes"));
        let later = Timestamp::from_unix_millis(1_800_000_100_000).unwrap();
        let token = tokens.issue(&user(), later).unwrap().token;
        assert!(tokens.verify(&token, now()).is_err());
    }

    #[test]
    fn a_token_already_checked_is_refused_once_it_expires() {
        let tokens = Tokens::new(&settings("a-secret-of-at-least-thirty-two-bytes"));
        let token = tokens.issue(&user(), now()).unwrap().token;
        assert!(tokens.verify(&token, now()).is_ok());
        let at = |secs: i64| Timestamp::from_unix_millis(1_800_000_000_000 + secs * 1000).unwrap();
        assert!(
            tokens.verify(&token, at(3_600 + LEEWAY_SECS)).is_ok(),
            "within the leeway"
        );
        let late = tokens.verify(&token, at(3_600 + LEEWAY_SECS + 1));
        assert_eq!(late.unwrap_err().status_code().as_u16(), 401);
        let early = tokens.verify(&token, at(-LEEWAY_SECS - 1));
        assert_eq!(
            early.unwrap_err().status_code().as_u16(),
            401,
            "issued in the future"
        );
    }
}
