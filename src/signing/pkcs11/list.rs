//! `vimes key list`: every key of every token a module offers, with the
//! URI `--key` takes back.

use super::token::{load, login, objects, open_session, tokens};
use super::{Pkcs11Error, Pkcs11Uri};
use cryptoki::object::ObjectClass;

/// One token's keys, as `key list` shows them.
#[derive(Debug, serde::Serialize)]
pub struct TokenListing {
    /// The token's label.
    pub token: String,
    /// Its serial number.
    pub serial: String,
    /// Whether vimes logged in (private keys are only visible then).
    pub logged_in: bool,
    /// Its keys, one entry per label and id.
    pub keys: Vec<KeyListing>,
}

/// One key (pair) in a token.
#[derive(Debug, serde::Serialize)]
pub struct KeyListing {
    /// CKA_LABEL: `object=` in the URI.
    pub object: String,
    /// CKA_ID in hex: `id=` in the URI.
    pub id: String,
    /// Key type and curve.
    pub kind: String,
    /// Whether the private half is there (and visible).
    pub private: bool,
    /// Whether the public half is there.
    pub public: bool,
    /// Whether vimes can sign with it (P-256 private key).
    pub usable: bool,
    /// The URI to pass to `--key` or put into `signing.key`.
    pub uri: String,
}

/// Lists the keys of every token of `module`; logs in with `pin` when one
/// is given (private keys are only visible then).
pub fn list(module: &str, pin: Option<&str>) -> Result<Vec<TokenListing>, Pkcs11Error> {
    let context = load(module)?;
    let mut listings = Vec::new();
    for token in tokens(&context, module)? {
        let session = open_session(&context, &token, false)?;
        if let Some(pin) = pin {
            login(&session, &token, pin)?;
        }
        let mut keys: Vec<KeyListing> = Vec::new();
        for (class, private) in [
            (ObjectClass::PRIVATE_KEY, true),
            (ObjectClass::PUBLIC_KEY, false),
        ] {
            for object in objects(&session, &token.label, class, &[])? {
                let id = hex::encode(&object.id);
                let entry = match keys
                    .iter_mut()
                    .find(|k| k.object == object.label && k.id == id)
                {
                    Some(entry) => entry,
                    None => {
                        keys.push(KeyListing {
                            uri: Pkcs11Uri::for_key(
                                &token.label,
                                &object.label,
                                &object.id,
                                Some(module),
                            ),
                            object: object.label.clone(),
                            id,
                            kind: object.kind(),
                            private: false,
                            public: false,
                            usable: false,
                        });
                        let last = keys.len() - 1;
                        &mut keys[last]
                    }
                };
                if private {
                    entry.private = true;
                    entry.usable = object.is_p256();
                } else {
                    entry.public = true;
                }
            }
        }
        keys.sort_by(|a, b| (&a.object, &a.id).cmp(&(&b.object, &b.id)));
        listings.push(TokenListing {
            token: token.label,
            serial: token.serial,
            logged_in: pin.is_some(),
            keys,
        });
    }
    Ok(listings)
}
