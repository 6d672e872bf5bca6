//! The calls into a PKCS#11 module (through `cryptoki`): load and initialise
//! it, choose the token a URI names, log in, find, create and list keys, and
//! sign a digest. Every function here blocks.

use super::der;
use super::{Pkcs11Error, Pkcs11Uri};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use std::sync::Mutex;

/// A private key inside a token, logged in and ready to sign.
pub struct TokenKey {
    // A PKCS#11 session may serve one thread at a time.
    session: Mutex<Session>,
    key: ObjectHandle,
    token: String,
    /// The DER SubjectPublicKeyInfo of the key's public half.
    pub spki: Vec<u8>,
    /// The key's URI without the module (for messages).
    pub name: String,
}

impl TokenKey {
    /// Signs a SHA-256 digest inside the token; returns the DER signature.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, Pkcs11Error> {
        let session = self.session.lock().map_err(|_| Pkcs11Error::Device {
            token: self.token.clone(),
            what: "signing",
            reason: "an earlier signature panicked".into(),
        })?;
        let raw = session
            .sign(&Mechanism::Ecdsa, self.key, digest)
            .map_err(|e| device(&self.token, "signing", &e))?;
        der::ecdsa_der(&raw).ok_or_else(|| Pkcs11Error::Device {
            token: self.token.clone(),
            what: "signing",
            reason: format!(
                "the token returned a {}-byte signature, not a P-256 one",
                raw.len()
            ),
        })
    }
}

/// The module a URI names, or the configured default.
fn module_of<'a>(uri: &'a Pkcs11Uri, default: Option<&'a str>) -> Result<&'a str, Pkcs11Error> {
    uri.module_path
        .as_deref()
        .or(uri.module_name.as_deref())
        .or(default)
        .ok_or(Pkcs11Error::NoModule)
}

/// Loads and initialises a PKCS#11 library.
pub(super) fn load(path: &str) -> Result<Pkcs11, Pkcs11Error> {
    let module = |reason: String| Pkcs11Error::Module {
        path: path.to_string(),
        reason,
    };
    // A bare name (module-name) is for the system's library search.
    if path.contains('/') && !std::path::Path::new(path).is_file() {
        return Err(module("no such file".into()));
    }
    let context = Pkcs11::new(path).map_err(|e| match e {
        CkError::LibraryLoading(e) => module(format!("cannot be loaded as a library: {e}")),
        CkError::MissingSymbol(_) | CkError::NullFunctionPointer => {
            module("is not a PKCS#11 library (it has no C_GetFunctionList)".into())
        }
        other => module(format!("is not a usable PKCS#11 library: {other}")),
    })?;
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(context),
        Err(e) => Err(module(format!("C_Initialize failed: {}", rv_name(&e)))),
    }
}

/// A token the module offers, as messages and `key list` show it.
pub(super) struct Token {
    slot: Slot,
    pub(super) label: String,
    pub(super) serial: String,
    manufacturer: String,
    model: String,
}

pub(super) fn tokens(context: &Pkcs11, module: &str) -> Result<Vec<Token>, Pkcs11Error> {
    let slots = context
        .get_slots_with_initialized_token()
        .map_err(|e| device(module, "listing the tokens", &e))?;
    slots
        .into_iter()
        .map(|slot| {
            let info = context
                .get_token_info(slot)
                .map_err(|e| device(module, "reading the token", &e))?;
            Ok(Token {
                slot,
                label: info.label().trim().to_string(),
                serial: info.serial_number().trim().to_string(),
                manufacturer: info.manufacturer_id().trim().to_string(),
                model: info.model().trim().to_string(),
            })
        })
        .collect()
}

/// The one token the URI selects; an error lists what the module offers.
fn select(context: &Pkcs11, uri: &Pkcs11Uri, module: &str) -> Result<Token, Pkcs11Error> {
    let all = tokens(context, module)?;
    let wanted = |field: &Option<String>, value: &str| field.as_deref().is_none_or(|f| f == value);
    let mut matching: Vec<Token> = Vec::new();
    let mut offered = Vec::new();
    for token in all {
        offered.push(format!("{:?} (serial {})", token.label, token.serial));
        if wanted(&uri.token, &token.label)
            && wanted(&uri.serial, &token.serial)
            && wanted(&uri.manufacturer, &token.manufacturer)
            && wanted(&uri.model, &token.model)
            && uri.slot_id.is_none_or(|id| id == token.slot.id())
        {
            matching.push(token);
        }
    }
    let offered = if offered.is_empty() {
        "none (no initialised token)".to_string()
    } else {
        offered.join(", ")
    };
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => Err(Pkcs11Error::Token(format!(
            "no token{} in PKCS#11 module {module}; its tokens: {offered}",
            uri.token
                .as_ref()
                .map(|t| format!(" labelled {t:?}"))
                .unwrap_or_default()
        ))),
        n => Err(Pkcs11Error::Token(format!(
            "{n} tokens in PKCS#11 module {module} match; name one with token=LABEL or serial=SERIAL: {offered}"
        ))),
    }
}

pub(super) fn login(session: &Session, token: &Token, pin: &str) -> Result<(), Pkcs11Error> {
    let pin = AuthPin::from(pin.to_string());
    let refused = |reason| Pkcs11Error::Pin {
        token: token.label.clone(),
        reason,
    };
    match session.login(UserType::User, Some(&pin)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => Err(refused("wrong PIN")),
        Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(refused("the PIN is locked")),
        Err(CkError::Pkcs11(RvError::PinLenRange | RvError::PinInvalid, _)) => {
            Err(refused("not a valid PIN for this token"))
        }
        Err(e) => Err(device(&token.label, "logging in", &e)),
    }
}

/// What one key object says about itself.
pub(super) struct Object {
    handle: ObjectHandle,
    pub(super) label: String,
    pub(super) id: Vec<u8>,
    key_type: Option<KeyType>,
    params: Option<Vec<u8>>,
    point: Option<Vec<u8>>,
}

impl Object {
    pub(super) fn is_p256(&self) -> bool {
        self.key_type == Some(KeyType::EC) && self.params.as_deref() == Some(der::P256_PARAMS)
    }

    pub(super) fn kind(&self) -> String {
        match (self.key_type, self.is_p256()) {
            (_, true) => "EC P-256".into(),
            (Some(KeyType::EC), false) => "EC (another curve)".into(),
            (Some(kind), _) => format!("{kind}").trim_start_matches("CKK_").to_string(),
            (None, _) => "unknown".into(),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{:?} (id {}, {})",
            self.label,
            hex::encode(&self.id),
            self.kind()
        )
    }
}

pub(super) fn objects(
    session: &Session,
    token: &str,
    class: ObjectClass,
    filter: &[Attribute],
) -> Result<Vec<Object>, Pkcs11Error> {
    let mut template = vec![Attribute::Class(class)];
    template.extend_from_slice(filter);
    let handles = session
        .find_objects(&template)
        .map_err(|e| device(token, "finding keys", &e))?;
    let wanted = [
        AttributeType::Label,
        AttributeType::Id,
        AttributeType::KeyType,
        AttributeType::EcParams,
        AttributeType::EcPoint,
    ];
    handles
        .into_iter()
        .map(|handle| {
            let attributes = session
                .get_attributes(handle, &wanted)
                .map_err(|e| device(token, "reading a key", &e))?;
            let mut object = Object {
                handle,
                label: String::new(),
                id: Vec::new(),
                key_type: None,
                params: None,
                point: None,
            };
            for attribute in attributes {
                match attribute {
                    Attribute::Label(l) => object.label = String::from_utf8_lossy(&l).into_owned(),
                    Attribute::Id(id) => object.id = id,
                    Attribute::KeyType(k) => object.key_type = Some(k),
                    Attribute::EcParams(p) => object.params = Some(p),
                    Attribute::EcPoint(p) => object.point = Some(p),
                    _ => {}
                }
            }
            Ok(object)
        })
        .collect()
}

/// CKA_LABEL and CKA_ID the URI asks for.
fn key_filter(uri: &Pkcs11Uri) -> Vec<Attribute> {
    let mut filter = Vec::new();
    if let Some(object) = &uri.object {
        filter.push(Attribute::Label(object.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        filter.push(Attribute::Id(id.clone()));
    }
    filter
}

pub(super) fn open_session(
    context: &Pkcs11,
    token: &Token,
    read_write: bool,
) -> Result<Session, Pkcs11Error> {
    let session = if read_write {
        context.open_rw_session(token.slot)
    } else {
        context.open_ro_session(token.slot)
    };
    session.map_err(|e| device(&token.label, "opening a session", &e))
}

/// Opens the private key `uri` names (module from the URI or
/// `default_module`), logging in with `pin`.
pub fn open(
    uri: &Pkcs11Uri,
    default_module: Option<&str>,
    pin: &str,
) -> Result<TokenKey, Pkcs11Error> {
    if uri.object.is_none() && uri.id.is_none() {
        return Err(Pkcs11Error::Object(
            "the pkcs11: URI names no key: add object=LABEL or id=%NN (vimes key list --pkcs11 MODULE shows them)".into(),
        ));
    }
    let module = module_of(uri, default_module)?;
    let context = load(module)?;
    let token = select(&context, uri, module)?;
    let session = open_session(&context, &token, false)?;
    login(&session, &token, pin)?;
    let mut found = objects(
        &session,
        &token.label,
        ObjectClass::PRIVATE_KEY,
        &key_filter(uri),
    )?;
    let private = match found.len() {
        1 => found.remove(0),
        n => {
            let all = objects(&session, &token.label, ObjectClass::PRIVATE_KEY, &[])?;
            let mut listed: Vec<String> = all.iter().map(Object::describe).collect();
            listed.sort();
            let listed = if listed.is_empty() {
                "none".to_string()
            } else {
                listed.join(", ")
            };
            let what = if n == 0 {
                "no private key"
            } else {
                "more than one private key"
            };
            return Err(Pkcs11Error::Object(format!(
                "token {:?} has {what} matching{}{}; its private keys: {listed}",
                token.label,
                uri.object
                    .as_ref()
                    .map(|o| format!(" object={o}"))
                    .unwrap_or_default(),
                uri.id
                    .as_ref()
                    .map(|i| format!(" id={}", hex::encode(i)))
                    .unwrap_or_default(),
            )));
        }
    };
    let name = Pkcs11Uri::for_key(&token.label, &private.label, &private.id, None);
    if !private.is_p256() {
        return Err(Pkcs11Error::NotP256(format!(
            "{name} is {}",
            private.kind()
        )));
    }
    let spki = public_half(&session, &token.label, &private, &name)?;
    Ok(TokenKey {
        session: Mutex::new(session),
        key: private.handle,
        token: token.label,
        spki,
        name,
    })
}

/// The SubjectPublicKeyInfo of the public key object beside `private`
/// (same CKA_ID, or the same label when the key has no id).
fn public_half(
    session: &Session,
    token: &str,
    private: &Object,
    name: &str,
) -> Result<Vec<u8>, Pkcs11Error> {
    let filter = if private.id.is_empty() {
        vec![Attribute::Label(private.label.as_bytes().to_vec())]
    } else {
        vec![Attribute::Id(private.id.clone())]
    };
    let publics = objects(session, token, ObjectClass::PUBLIC_KEY, &filter)?;
    publics
        .iter()
        .find_map(|p| p.point.as_deref().and_then(der::ec_point))
        .map(|point| der::p256_spki(&point))
        .ok_or_else(|| {
            Pkcs11Error::Object(format!(
                "{name} has no P-256 public key object beside it in the token (same id); vimes needs it to check what the token signs"
            ))
        })
}

/// A key pair `key generate --pkcs11` made.
pub struct GeneratedTokenKey {
    /// The DER SubjectPublicKeyInfo of its public half.
    pub spki: Vec<u8>,
    /// Its full URI (with the module path), for `--key` and `signing.key`.
    pub uri: String,
}

/// Creates a P-256 key pair in the token `uri` names, labelled `object`
/// (required), with the URI's `id` or a random one. Refuses a label or id
/// already in use: a second key of the same name would make URIs ambiguous.
pub fn generate(
    uri: &Pkcs11Uri,
    default_module: Option<&str>,
    pin: &str,
) -> Result<GeneratedTokenKey, Pkcs11Error> {
    let Some(label) = uri.object.clone() else {
        return Err(Pkcs11Error::Object(
            "the pkcs11: URI must name the new key: add object=LABEL".into(),
        ));
    };
    let module = module_of(uri, default_module)?;
    let context = load(module)?;
    let token = select(&context, uri, module)?;
    let session = open_session(&context, &token, true)?;
    login(&session, &token, pin)?;
    let id = match &uri.id {
        Some(id) => id.clone(),
        None => session
            .generate_random_vec(8)
            .map_err(|e| device(&token.label, "drawing a key id", &e))?,
    };
    for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
        let by_label = objects(
            &session,
            &token.label,
            class,
            &[Attribute::Label(label.as_bytes().to_vec())],
        )?;
        let by_id = objects(&session, &token.label, class, &[Attribute::Id(id.clone())])?;
        if let Some(existing) = by_label.first().or(by_id.first()) {
            return Err(Pkcs11Error::Exists(format!(
                "token {:?} already holds a key {}; choose another object= (and id=), or remove that key with the token's own tool",
                token.label,
                existing.describe()
            )));
        }
    }
    let common = |extra: &[Attribute]| {
        let mut template = vec![
            Attribute::Token(true),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.clone()),
        ];
        template.extend_from_slice(extra);
        template
    };
    let public_template = common(&[
        Attribute::EcParams(der::P256_PARAMS.to_vec()),
        Attribute::Verify(true),
    ]);
    // The private key never leaves the token: sensitive, not extractable.
    let private_template = common(&[
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
    ]);
    let (public, _private) = session
        .generate_key_pair(
            &Mechanism::EccKeyPairGen,
            &public_template,
            &private_template,
        )
        .map_err(|e| device(&token.label, "generating the key pair", &e))?;
    let point = session
        .get_attributes(public, &[AttributeType::EcPoint])
        .map_err(|e| device(&token.label, "reading the new public key", &e))?
        .into_iter()
        .find_map(|a| match a {
            Attribute::EcPoint(p) => der::ec_point(&p),
            _ => None,
        })
        .ok_or_else(|| Pkcs11Error::Device {
            token: token.label.clone(),
            what: "reading the new public key",
            reason: "no uncompressed P-256 point".into(),
        })?;
    Ok(GeneratedTokenKey {
        spki: der::p256_spki(&point),
        uri: Pkcs11Uri::for_key(&token.label, &label, &id, Some(module)),
    })
}

/// The PKCS#11 return value's name (`DeviceRemoved`, `PinIncorrect`): the
/// library's own sentences run to paragraphs.
fn rv_name(err: &CkError) -> String {
    match err {
        CkError::Pkcs11(rv, function) => format!("{function}: {rv:?}"),
        other => other.to_string(),
    }
}

pub(super) fn device(token: &str, what: &'static str, err: &CkError) -> Pkcs11Error {
    Pkcs11Error::Device {
        token: token.to_string(),
        what,
        reason: rv_name(err),
    }
}
