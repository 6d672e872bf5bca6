//! Keys inside PKCS#11 tokens (hardware keys, HSMs, SoftHSM): opening a key
//! an RFC 7512 `pkcs11:` URI names, signing with it inside the token,
//! generating a P-256 key pair in a token, and listing a token's keys.
//!
//! Only ECDSA P-256 with SHA-256 is supported, cosign's default: the digest
//! is computed here and the token signs it (`CKM_ECDSA`), so the private key
//! never leaves the token, and the raw `r || s` it returns is converted to the
//! DER signature cosign writes for file keys. Every call into the module
//! blocks; async callers go through [`crate::signing::keys::SigningKey::sign_async`].

mod der;
mod list;
mod token;

pub use crate::config::pkcs11_uri::{Pkcs11Uri, UriError};
pub use der::public_key_pem;
pub use list::list;
pub use token::{generate, open, TokenKey};

use crate::error::Error;
use crate::exit::Exit;

/// The environment variable cosign reads a token's PIN from.
pub const PIN_ENV: &str = "COSIGN_PKCS11_PIN";

/// What went wrong with a token. Messages name tokens and keys, never a PIN.
#[derive(Debug, thiserror::Error)]
pub enum Pkcs11Error {
    /// The URI is malformed or carries a PIN (exit 2).
    #[error(transparent)]
    Uri(#[from] UriError),
    /// No module to load: the URI has no `module-path` and
    /// `tools.pkcs11.module` is not set (exit 2).
    #[error("no PKCS#11 module: add ?module-path=LIBRARY to the pkcs11: URI or set tools.pkcs11.module in vimes.yaml")]
    NoModule,
    /// The module is missing or is not a PKCS#11 library (exit 2).
    #[error("PKCS#11 module {path}: {reason}")]
    Module {
        /// The library path.
        path: String,
        /// Why it could not be used.
        reason: String,
    },
    /// No token (or more than one) matches the URI (exit 2).
    #[error("{0}")]
    Token(String),
    /// No key (or more than one) matches the URI (exit 2).
    #[error("{0}")]
    Object(String),
    /// The token refused the PIN (exit 2).
    #[error("token {token:?}: the PIN was refused ({reason}); check {PIN_ENV}")]
    Pin {
        /// The token's label.
        token: String,
        /// Wrong, locked, or badly formed.
        reason: &'static str,
    },
    /// The key is not an ECDSA P-256 key (exit 2).
    #[error("{0}: only ECDSA P-256 keys are supported (cosign's default)")]
    NotP256(String),
    /// A key already carries the label or id `key generate` was asked for (exit 2).
    #[error("{0}")]
    Exists(String),
    /// The token or module failed while in use (removed, device error): exit 3,
    /// as for any external tool that fails. Nothing was signed.
    #[error("token {token:?}: {what} failed: {reason}")]
    Device {
        /// The token's label (or the module, before a token was chosen).
        token: String,
        /// The operation.
        what: &'static str,
        /// The PKCS#11 return value.
        reason: String,
    },
}

impl Pkcs11Error {
    /// The exit status: bad input is a usage error (2), a token failing
    /// while in use is a tool failure (3).
    pub fn exit(&self) -> Exit {
        match self {
            Pkcs11Error::Device { .. } => Exit::Tool,
            _ => Exit::Usage,
        }
    }
}

impl From<Pkcs11Error> for Error {
    fn from(err: Pkcs11Error) -> Self {
        match err.exit() {
            Exit::Tool => Error::Tool {
                tool: "pkcs11".into(),
                message: err.to_string(),
            },
            _ => Error::Usage(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_exits_2_and_a_failing_token_exits_3() {
        let usage = [
            Pkcs11Error::Uri(UriError::PinInUri("pin-value")),
            Pkcs11Error::NoModule,
            Pkcs11Error::Module {
                path: "/x.so".into(),
                reason: "missing".into(),
            },
            Pkcs11Error::Token("no token".into()),
            Pkcs11Error::Object("no key".into()),
            Pkcs11Error::Pin {
                token: "t".into(),
                reason: "wrong PIN",
            },
            Pkcs11Error::NotP256("k".into()),
            Pkcs11Error::Exists("k".into()),
        ];
        for err in usage {
            let lifted = Error::from(err);
            assert_eq!(lifted.exit(), Exit::Usage, "{lifted}");
        }
        let device = Pkcs11Error::Device {
            token: "t".into(),
            what: "signing",
            reason: "DeviceRemoved".into(),
        };
        assert_eq!(Error::from(device).exit(), Exit::Tool);
    }
}
