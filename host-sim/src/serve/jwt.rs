//! The bearer token on every notification: a JWT signed with HS256 (HMAC-SHA256) and a local
//! secret, so a bot can run its token validation against the simulator. Graph signs with
//! RS256 keys a bot fetches from Microsoft; here the key is the secret given to `serve`
//! (`--token-secret`, by default [`DEFAULT_SECRET`]), and the claims are Graph's: the issuer
//! `https://api.botframework.com`, the bot's app id as audience, and a one-hour lifetime.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The secret notifications are signed with when `--token-secret` is not given.
pub const DEFAULT_SECRET: &str = "recresp-sim-notification-signing-key";
/// The `iss` claim, as Graph's calling notifications carry it.
pub const ISSUER: &str = "https://api.botframework.com";
/// Seconds a token is valid.
pub const LIFETIME_SECONDS: u64 = 3600;

/// Signs notification tokens.
#[derive(Clone, Debug)]
pub struct TokenSigner {
    secret: Vec<u8>,
    audience: String,
}

impl TokenSigner {
    /// A signer with `secret` whose tokens name `audience` (the bot's app id).
    pub fn new(secret: &str, audience: &str) -> TokenSigner {
        TokenSigner {
            secret: secret.as_bytes().to_vec(),
            audience: audience.to_string(),
        }
    }

    /// A token issued at `now` (seconds since the Unix epoch).
    pub fn token_at(&self, now: u64) -> String {
        let header = serde_json::json!({"alg": "HS256", "typ": "JWT"});
        let claims = serde_json::json!({
            "iss": ISSUER,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + LIFETIME_SECONDS,
        });
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(signed.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    /// A token issued now.
    pub fn token(&self) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.token_at(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_verifies_with_the_secret_and_carries_the_claims() {
        let t = TokenSigner::new("k", "bot-app").token_at(1000);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"k").unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        assert!(mac.clone().verify_slice(&sig).is_ok());
        let mut wrong = Hmac::<Sha256>::new_from_slice(b"other").unwrap();
        wrong.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        assert!(wrong.verify_slice(&sig).is_err());
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "bot-app");
        assert_eq!(claims["iss"], ISSUER);
        assert_eq!(claims["exp"], 4600);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "HS256");
    }
}
