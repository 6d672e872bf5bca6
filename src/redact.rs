//! Secrets withheld from everything vimes prints. A token endpoint's 401
//! answer may echo the credential it was sent (in clear or base64), and
//! oci-client logs such answers at debug level; an error message may quote
//! one. Every registry password and token vimes holds is registered here, and
//! logs and error output pass through [`redact`].

use base64::Engine;
use std::borrow::Cow;
use std::sync::RwLock;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// Shorter secrets are not registered: they cannot be told apart from
/// ordinary text, and replacing every match would garble the output.
const MIN_SECRET_LEN: usize = 4;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers `secret` (a password or token; `user` is its user name, if any)
/// with the encodings in which a server or library may echo it: as is,
/// base64 (standard and URL-safe, padded or not) of the secret and of
/// `user:secret` (HTTP Basic), percent-encoded and JSON-escaped.
pub fn register(user: Option<&str>, secret: &str) {
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut forms = vec![secret.to_string()];
    let mut encoded = vec![secret.to_string()];
    if let Some(user) = user {
        encoded.push(format!("{user}:{secret}"));
    }
    for plain in &encoded {
        for engine in [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::URL_SAFE,
        ] {
            let b64 = engine.encode(plain);
            forms.push(b64.trim_end_matches('=').to_string());
            forms.push(b64);
        }
    }
    forms.push(percent_encode(secret));
    if let Ok(json) = serde_json::to_string(secret) {
        forms.push(json.trim_matches('"').to_string());
    }
    let Ok(mut secrets) = SECRETS.write() else {
        return;
    };
    for form in forms {
        if form.len() >= MIN_SECRET_LEN && !secrets.contains(&form) {
            secrets.push(form);
        }
    }
    // Longest first, so a secret inside a longer encoded form does not
    // leave the rest of that form behind.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered secret replaced by [`REDACTED`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let Ok(secrets) = SECRETS.read() else {
        return Cow::Borrowed(text);
    };
    let mut out = Cow::Borrowed(text);
    for secret in secrets.iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
        }
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registered_secret_is_withheld_in_every_echoed_form() {
        let (user, password) = ("ci-bot", "s3cr3t&p/w+\"q");
        register(Some(user), password);
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let alone = base64::engine::general_purpose::STANDARD.encode(password);
        let json = serde_json::to_string(password).unwrap();
        let body = format!(
            "401 {{\"details\": \"Basic {basic} / {alone} / {password} / {json} / s3cr3t%26p%2Fw%2B%22q\"}}"
        );
        let shown = redact(&body);
        for leaked in [password, &basic, &alone, "s3cr3t%26p%2Fw%2B%22q", "s3cr3t"] {
            assert!(!shown.contains(leaked), "{leaked} in {shown}");
        }
        assert!(
            shown.contains(REDACTED) && shown.starts_with("401 "),
            "{shown}"
        );
        assert_eq!(redact("nothing secret here"), "nothing secret here");
    }

    #[test]
    fn very_short_secrets_are_not_registered() {
        register(None, "ab");
        assert_eq!(redact("a cab in the abbey"), "a cab in the abbey");
    }
}
