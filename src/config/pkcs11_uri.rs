//! RFC 7512 `pkcs11:` URIs, the way cosign names keys in a token
//! (`pkcs11:token=release;object=signing?module-path=/usr/lib/softhsm/libsofthsm2.so`).
//!
//! The parser lives with the configuration because `signing.key` and `--key`
//! values are checked here before anything opens a token; the signing layer
//! uses the parsed form. A PIN in the URI (`pin-value`, `pin-source`) is
//! refused: a URI is written on command lines and in vimes.yaml, where a PIN
//! would be seen by every process listing and every reader of the file.

use std::fmt::Write as _;

/// The scheme prefix that marks a key reference as a token key.
pub const SCHEME: &str = "pkcs11:";

/// Why a `pkcs11:` URI was refused. The messages never repeat the URI or any
/// attribute value: a refused URI may carry a PIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// Not a `pkcs11:` URI at all.
    #[error("not a pkcs11: URI")]
    NotPkcs11,
    /// The URI carries a PIN.
    #[error("the PKCS#11 URI carries {0}: a PIN never goes into a URI (command lines and vimes.yaml are readable by others); remove it and set COSIGN_PKCS11_PIN, or enter the PIN when asked on a terminal")]
    PinInUri(&'static str),
    /// An attribute is malformed (bad percent-encoding, no `=`, twice, ...).
    #[error("the PKCS#11 URI's attribute {attribute:?} {reason}")]
    Attribute {
        /// The attribute's name.
        attribute: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An attribute RFC 7512 does not define (most likely a typo).
    #[error("the PKCS#11 URI has an unknown attribute {0:?} (known: token, object, id, type, manufacturer, model, serial, slot-id, module-path, module-name)")]
    Unknown(String),
}

/// A parsed `pkcs11:` URI: what selects the token, what selects the key, and
/// which module to load. Every field is optional; absent means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token label.
    pub token: Option<String>,
    /// `manufacturer`: the token's manufacturer ID.
    pub manufacturer: Option<String>,
    /// `model`: the token's model.
    pub model: Option<String>,
    /// `serial`: the token's serial number.
    pub serial: Option<String>,
    /// `slot-id`: the slot number.
    pub slot_id: Option<u64>,
    /// `object`: the key's label (CKA_LABEL).
    pub object: Option<String>,
    /// `id`: the key's CKA_ID bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: the object class (`private`, `public`, `cert`, ...).
    pub object_type: Option<String>,
    /// `module-path` (query): the PKCS#11 library to load.
    pub module_path: Option<String>,
    /// `module-name` (query): a library name the system resolves.
    pub module_name: Option<String>,
}

impl Pkcs11Uri {
    /// Whether `reference` is meant as a token key (starts with `pkcs11:`).
    pub fn is_pkcs11(reference: &str) -> bool {
        reference
            .get(..SCHEME.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME))
    }

    /// Parses a `pkcs11:` URI, refusing a PIN in it.
    pub fn parse(text: &str) -> Result<Self, UriError> {
        if !Self::is_pkcs11(text) {
            return Err(UriError::NotPkcs11);
        }
        let rest = &text[SCHEME.len()..];
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut uri = Pkcs11Uri::default();
        // The PIN check runs over every attribute first, so a URI with a PIN
        // is refused as such even when something else is also wrong.
        let path_attrs = split(path, ';');
        let query_attrs = query.map(|q| split(q, '&')).unwrap_or_default();
        for (name, _) in path_attrs.iter().chain(&query_attrs) {
            match name.as_str() {
                "pin-value" => return Err(UriError::PinInUri("pin-value")),
                "pin-source" => return Err(UriError::PinInUri("pin-source")),
                _ => {}
            }
        }
        for (name, raw) in path_attrs {
            let value = decode(&name, raw)?;
            let slot = match name.as_str() {
                "token" => &mut uri.token,
                "manufacturer" => &mut uri.manufacturer,
                "model" => &mut uri.model,
                "serial" => &mut uri.serial,
                "object" => &mut uri.object,
                "type" => &mut uri.object_type,
                "id" => {
                    set_once(&mut uri.id, value, &name)?;
                    continue;
                }
                "slot-id" => {
                    let number = text_of(&name, value)?
                        .parse::<u64>()
                        .map_err(|_| attribute(&name, "is not a number"))?;
                    set_once(&mut uri.slot_id, number, &name)?;
                    continue;
                }
                // RFC 7512 library-* and slot-* attributes select what the
                // other attributes already select; accepted and not used.
                "library-manufacturer"
                | "library-description"
                | "library-version"
                | "slot-manufacturer"
                | "slot-description" => continue,
                n if n.starts_with("x-") => continue,
                _ => return Err(UriError::Unknown(name)),
            };
            let value = text_of(&name, value)?;
            set_once(slot, value, &name)?;
        }
        for (name, raw) in query_attrs {
            let value = text_of(&name, decode(&name, raw)?)?;
            match name.as_str() {
                "module-path" => set_once(&mut uri.module_path, value, &name)?,
                "module-name" => set_once(&mut uri.module_name, value, &name)?,
                n if n.starts_with("x-") => {}
                _ => return Err(UriError::Unknown(name)),
            }
        }
        Ok(uri)
    }

    /// The URI of one key in a token, as `vimes key list` shows it and
    /// `--key` takes it back: token, object and id, and the module path.
    pub fn for_key(token: &str, object: &str, id: &[u8], module_path: Option<&str>) -> String {
        let mut out = String::from(SCHEME);
        let mut parts = Vec::new();
        if !token.is_empty() {
            parts.push(format!("token={}", encode(token.as_bytes())));
        }
        if !object.is_empty() {
            parts.push(format!("object={}", encode(object.as_bytes())));
        }
        if !id.is_empty() {
            // The id is bytes: always percent-encoded, as RFC 7512 shows it.
            let mut hexed = String::new();
            for b in id {
                let _ = write!(hexed, "%{b:02X}");
            }
            parts.push(format!("id={hexed}"));
        }
        out.push_str(&parts.join(";"));
        if let Some(module) = module_path {
            out.push_str("?module-path=");
            out.push_str(&encode(module.as_bytes()));
        }
        out
    }
}

fn split(text: &str, separator: char) -> Vec<(String, &str)> {
    text.split(separator)
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((name, value)) => (name.to_ascii_lowercase(), value),
            // Kept with a marker value that `decode` refuses.
            None => (part.to_ascii_lowercase(), "\u{0}"),
        })
        .collect()
}

fn attribute(name: &str, reason: &'static str) -> UriError {
    UriError::Attribute {
        attribute: name.to_string(),
        reason,
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, name: &str) -> Result<(), UriError> {
    if slot.is_some() {
        return Err(attribute(name, "appears twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn text_of(name: &str, bytes: Vec<u8>) -> Result<String, UriError> {
    String::from_utf8(bytes).map_err(|_| attribute(name, "is not UTF-8 text"))
}

/// Percent-decodes one attribute value.
fn decode(name: &str, raw: &str) -> Result<Vec<u8>, UriError> {
    if raw == "\u{0}" {
        return Err(attribute(name, "has no '=' and value"));
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| attribute(name, "has a bad percent-encoding"))?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Percent-encodes everything outside RFC 7512's unreserved and path characters.
fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$'()*+,".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cosigns_form() {
        let uri = Pkcs11Uri::parse(
            "pkcs11:token=release;object=signing;id=%01%a0?module-path=/usr/lib/softhsm/libsofthsm2.so",
        )
        .unwrap();
        assert_eq!(uri.token.as_deref(), Some("release"));
        assert_eq!(uri.object.as_deref(), Some("signing"));
        assert_eq!(uri.id.as_deref(), Some(&[0x01, 0xa0][..]));
        assert_eq!(
            uri.module_path.as_deref(),
            Some("/usr/lib/softhsm/libsofthsm2.so")
        );
    }

    #[test]
    fn decodes_percent_escapes_and_keeps_optional_parts_absent() {
        let uri = Pkcs11Uri::parse("pkcs11:token=My%20Token;type=private;slot-id=3").unwrap();
        assert_eq!(uri.token.as_deref(), Some("My Token"));
        assert_eq!(uri.object_type.as_deref(), Some("private"));
        assert_eq!(uri.slot_id, Some(3));
        assert_eq!(uri.object, None);
        assert_eq!(uri.module_path, None);
        assert_eq!(Pkcs11Uri::parse("pkcs11:").unwrap(), Pkcs11Uri::default());
    }

    #[test]
    fn refuses_a_pin_without_repeating_it() {
        for text in [
            "pkcs11:token=t;object=o?pin-value=s3cret-77",
            "pkcs11:token=t;pin-value=s3cret-77",
            "pkcs11:object=o?module-path=/m.so&pin-source=file:/s3cret-77",
            // Refused as a PIN even when something else is wrong too.
            "pkcs11:bogus=1?pin-value=s3cret-77",
        ] {
            let err = Pkcs11Uri::parse(text).unwrap_err();
            assert!(matches!(err, UriError::PinInUri(_)), "{text}: {err}");
            assert!(!err.to_string().contains("s3cret"), "{err}");
            assert!(err.to_string().contains("COSIGN_PKCS11_PIN"), "{err}");
        }
    }

    #[test]
    fn refuses_malformed_attributes() {
        for (text, want) in [
            ("pkcs11:token=a;token=b", "appears twice"),
            ("pkcs11:token", "has no '='"),
            ("pkcs11:object=%zz", "bad percent-encoding"),
            ("pkcs11:object=%4", "bad percent-encoding"),
            ("pkcs11:slot-id=x", "not a number"),
            ("pkcs11:object=%ff", "not UTF-8"),
        ] {
            let err = Pkcs11Uri::parse(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text}: {err}");
        }
        assert_eq!(
            Pkcs11Uri::parse("pkcs11:tokn=a").unwrap_err(),
            UriError::Unknown("tokn".into())
        );
        assert_eq!(
            Pkcs11Uri::parse("cosign.key").unwrap_err(),
            UriError::NotPkcs11
        );
        // Vendor attributes are allowed by the RFC.
        Pkcs11Uri::parse("pkcs11:x-vendor=1?x-other=2").unwrap();
    }

    #[test]
    fn key_uris_round_trip() {
        let text = Pkcs11Uri::for_key("my token", "sign;1", &[0x01, 0xff], Some("/usr/lib/a b.so"));
        assert_eq!(
            text,
            "pkcs11:token=my%20token;object=sign%3B1;id=%01%FF?module-path=/usr/lib/a%20b.so"
        );
        let uri = Pkcs11Uri::parse(&text).unwrap();
        assert_eq!(uri.token.as_deref(), Some("my token"));
        assert_eq!(uri.object.as_deref(), Some("sign;1"));
        assert_eq!(uri.id.as_deref(), Some(&[0x01, 0xff][..]));
        assert_eq!(uri.module_path.as_deref(), Some("/usr/lib/a b.so"));
        assert!(Pkcs11Uri::is_pkcs11("PKCS11:token=x"));
        assert!(!Pkcs11Uri::is_pkcs11("pkcs1"));
    }
}
