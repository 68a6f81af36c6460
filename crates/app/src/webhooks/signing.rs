//! Signing as the Standard Webhooks specification (v1) says, so receivers
//! verify deliveries with any of its libraries: the signature is base64 of
//! HMAC-SHA256 over `{id}.{timestamp}.{body}` keyed with the secret's
//! bytes, written `v1,<signature>`; several are separated by spaces.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use oms_domain::webhook::WebhookSecret;
use sha2::Sha256;

/// The prefix a secret's text carries.
const SECRET_PREFIX: &str = "whsec_";

/// The secret as receivers are given it: `whsec_` and base64 of its bytes.
pub fn secret_text(secret: &WebhookSecret) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(secret.as_bytes()))
}

/// The `webhook-signature` header for the message `id` sent at
/// `timestamp` (Unix seconds) with `body`, one signature per secret.
pub fn signature(secrets: &[&WebhookSecret], id: &str, timestamp: i64, body: &str) -> String {
    let signed = format!("{id}.{timestamp}.{body}");
    secrets
        .iter()
        .map(|secret| {
            // HMAC takes a key of any length; 32 bytes cannot fail.
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
                .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
            mac.update(signed.as_bytes());
            format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specifications_example_signs_as_it_says() {
        // The example of the Standard Webhooks specification; its 24-byte
        // key padded with zeros is the same HMAC key.
        let key = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let mut bytes = [0u8; 32];
        bytes[..key.len()].copy_from_slice(&key);
        let secret = WebhookSecret::from_bytes(bytes);
        let one = signature(
            &[&secret],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            "{\"test\": 2432232314}",
        );
        assert_eq!(one, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let other = WebhookSecret::from_bytes([9; 32]);
        let two = signature(&[&secret, &other], "id", 1, "{}");
        assert_eq!(two.split(' ').count(), 2);
        assert!(secret_text(&other).starts_with("whsec_"));
        assert_eq!(
            STANDARD.decode(&secret_text(&other)[6..]).unwrap(),
            vec![9; 32]
        );
    }
}
