//! cosign-compatible keys: encrypted P-256 private keys (scrypt + secretbox,
//! labels `ENCRYPTED SIGSTORE PRIVATE KEY` and `ENCRYPTED COSIGN PRIVATE KEY`),
//! PEM public keys, key references (a path or `env://VAR`), and the one
//! [`SigningKey`] that file keys and PKCS#11 token keys both are.

use super::pkcs11::TokenKey;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use sigstore::crypto::signing_key::ecdsa::{ECDSAKeys, EllipticCurve};
use sigstore::crypto::signing_key::SigStoreKeyPair;
use sigstore::crypto::{CosignVerificationKey, SigStoreSigner, Signature, SigningScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::Zeroizing;

/// The environment variable cosign reads the key password from.
pub const PASSWORD_ENV: &str = "COSIGN_PASSWORD";

/// A freshly generated key pair, as PEM texts.
pub struct GeneratedKeyPair {
    /// Encrypted private key PEM.
    pub private_pem: Zeroizing<String>,
    /// Public key PEM.
    pub public_pem: String,
}

/// Generates a P-256 key pair; the private key is encrypted with `password`.
pub fn generate(password: &[u8]) -> Result<GeneratedKeyPair> {
    let keys = ECDSAKeys::new(EllipticCurve::P256).map_err(|e| key_error("generate", &e))?;
    let pair = SigStoreKeyPair::ECDSA(keys);
    let private_pem = pair
        .private_key_to_encrypted_pem(password)
        .map_err(|e| key_error("encrypt the private key", &e))?;
    let public_pem = pair
        .public_key_to_pem()
        .map_err(|e| key_error("export the public key", &e))?;
    // cosign writes LF line endings; the PEM encoder here writes CRLF.
    Ok(GeneratedKeyPair {
        private_pem: Zeroizing::new(private_pem.replace("\r\n", "\n")),
        public_pem: public_pem.replace("\r\n", "\n"),
    })
}

/// A private key ready to sign, with the fingerprint of its public half: a
/// decrypted key file or a key inside a PKCS#11 token. Both sign the same
/// way (ECDSA P-256, SHA-256, ASN.1 DER signature), so everything that signs
/// takes a `SigningKey` and never asks which it is.
pub struct SigningKey {
    signer: Signer,
    /// `sha256:<hex>` of the DER public key (SubjectPublicKeyInfo).
    pub fingerprint: String,
    /// The public key PEM.
    pub public_pem: String,
}

enum Signer {
    File(SigStoreSigner),
    // The public key checks every signature the token returns: a token
    // whose public object belongs to another key would otherwise publish
    // signatures nobody can verify.
    Token(Arc<TokenKey>, PublicKey),
}

impl SigningKey {
    /// Wraps a key inside a token.
    pub fn from_token(key: TokenKey) -> Result<Self> {
        let public_pem = super::pkcs11::public_key_pem(&key.spki);
        let public = PublicKey::from_pem(public_pem.as_bytes(), &key.name)?;
        Ok(SigningKey {
            fingerprint: public.fingerprint.clone(),
            public_pem,
            signer: Signer::Token(Arc::new(key), public),
        })
    }

    /// Signs `message` (ECDSA P-256, SHA-256, ASN.1 DER signature). A token
    /// key blocks on the token: async code calls [`Self::sign_async`].
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        match &self.signer {
            Signer::File(signer) => signer.sign(message).map_err(|e| key_error("sign", &e)),
            Signer::Token(token, public) => {
                let digest: [u8; 32] = Sha256::digest(message).into();
                checked(token.sign_digest(&digest)?, public, message)
            }
        }
    }

    /// [`Self::sign`] without blocking the async runtime: a token signs on
    /// a blocking thread (a hardware token takes tens of milliseconds).
    pub async fn sign_async(&self, message: &[u8]) -> Result<Vec<u8>> {
        match &self.signer {
            Signer::File(_) => self.sign(message),
            Signer::Token(token, public) => {
                let digest: [u8; 32] = Sha256::digest(message).into();
                let token = Arc::clone(token);
                let signature = tokio::task::spawn_blocking(move || token.sign_digest(&digest))
                    .await
                    .map_err(|e| {
                        Error::Internal(format!("the token signing task failed: {e}"))
                    })??;
                checked(signature, public, message)
            }
        }
    }

    /// The public half, to recognise what this key signed before.
    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_pem(self.public_pem.as_bytes(), "signing key")
    }
}

fn checked(signature: Vec<u8>, public: &PublicKey, message: &[u8]) -> Result<Vec<u8>> {
    if public.verifies(&signature, message) {
        return Ok(signature);
    }
    Err(Error::Tool {
        tool: "pkcs11".into(),
        message: format!(
            "the token's signature does not verify with {}'s public key object; nothing was signed",
            public.name
        ),
    })
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.fingerprint)
    }
}

/// Reads the PEM a key reference names: `env://VAR` or a file path.
pub fn read_key_reference(reference: &str, base: Option<&Path>) -> Result<Zeroizing<Vec<u8>>> {
    if let Some(var) = reference.strip_prefix("env://") {
        return std::env::var(var)
            .map(|v| Zeroizing::new(v.into_bytes()))
            .map_err(|_| Error::Usage(format!("key reference env://{var}: {var} is not set")));
    }
    let path = resolve_path(reference, base);
    crate::regular_file::read(&path)
        .map(Zeroizing::new)
        .map_err(|error| Error::File { path, error })
}

/// The warning cosign gives for a private key file that the group or others
/// may read or write (e.g. mode 0644): the key still signs, but whoever else
/// can read the file can attack its password offline. `None` for `env://`
/// references, files only the owner can use, and files that cannot be read
/// (reading them reports that).
pub fn loose_permissions_warning(reference: &str, base: Option<&Path>) -> Option<String> {
    use std::os::unix::fs::PermissionsExt as _;
    if reference.starts_with("env://") {
        return None;
    }
    let path = resolve_path(reference, base);
    let mode = std::fs::metadata(&path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "warning: the private key {} has mode {mode:04o}: group or others can read or change it; restrict it with chmod 600",
            path.display()
        )
    })
}

/// Paths in vimes.yaml are relative to the file's directory.
pub fn resolve_path(reference: &str, base: Option<&Path>) -> PathBuf {
    let path = PathBuf::from(reference);
    match base {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    }
}

/// Decrypts a cosign-format private key. A wrong password, an unencrypted key
/// or another format is a usage error (exit 2) saying which.
pub fn load_signing_key(pem: &[u8], password: &[u8], name: &str) -> Result<SigningKey> {
    let text = String::from_utf8_lossy(pem);
    let encrypted = text.contains("ENCRYPTED SIGSTORE PRIVATE KEY")
        || text.contains("ENCRYPTED COSIGN PRIVATE KEY");
    let pair = if encrypted {
        SigStoreKeyPair::from_encrypted_pem(pem, password).map_err(|_| {
            Error::Usage(format!(
                "{name}: cannot decrypt the private key: wrong password ({PASSWORD_ENV}) or a damaged key"
            ))
        })?
    } else if text.contains("PRIVATE KEY") {
        SigStoreKeyPair::from_pem(pem)
            .map_err(|_| Error::Usage(format!("{name}: not a readable private key")))?
    } else {
        return Err(Error::Usage(format!(
            "{name}: not a private key (expected an ENCRYPTED SIGSTORE/COSIGN PRIVATE KEY PEM)"
        )));
    };
    if !matches!(pair, SigStoreKeyPair::ECDSA(ECDSAKeys::P256(_))) {
        return Err(Error::Usage(format!(
            "{name}: only ECDSA P-256 keys are supported (cosign's default)"
        )));
    }
    let signer = pair
        .to_sigstore_signer(&SigningScheme::ECDSA_P256_SHA256_ASN1)
        .map_err(|e| key_error("load the private key", &e))?;
    let der = pair
        .public_key_to_der()
        .map_err(|e| key_error("export the public key", &e))?;
    let public_pem = pair
        .public_key_to_pem()
        .map_err(|e| key_error("export the public key", &e))?;
    Ok(SigningKey {
        signer: Signer::File(signer),
        fingerprint: fingerprint(&der),
        public_pem,
    })
}

/// A trusted public key.
#[derive(Clone)]
pub struct PublicKey {
    key: CosignVerificationKey,
    /// Where it came from (path or reference), for messages.
    pub name: String,
    /// `sha256:<hex>` of the DER public key.
    pub fingerprint: String,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({}, {})", self.name, self.fingerprint)
    }
}

impl PublicKey {
    /// Parses a PEM public key (`PUBLIC KEY`, SubjectPublicKeyInfo).
    pub fn from_pem(pem: &[u8], name: &str) -> Result<Self> {
        let text = String::from_utf8_lossy(pem);
        let Some(der) = pem_body(&text, "PUBLIC KEY") else {
            return Err(Error::Usage(format!("{name}: not a PEM public key")));
        };
        let key = CosignVerificationKey::try_from_der(&der)
            .map_err(|e| Error::Usage(format!("{name}: unreadable public key: {e}")))?;
        Ok(PublicKey {
            key,
            name: name.to_string(),
            fingerprint: fingerprint(&der),
        })
    }

    /// Whether `signature` over `message` was made by this key.
    pub fn verifies(&self, signature: &[u8], message: &[u8]) -> bool {
        self.key
            .verify_signature(Signature::Raw(signature), message)
            .is_ok()
    }
}

/// Loads the public keys vimes.yaml lists (`signing.public_keys`,
/// `policy.approvers`): paths relative to the file's directory, `env://VAR` as is.
pub fn load_configured_keys(
    references: &[String],
    config_dir: Option<&Path>,
) -> Result<Vec<PublicKey>> {
    let refs: Vec<String> = references
        .iter()
        .map(|k| {
            if k.starts_with("env://") {
                k.clone()
            } else {
                resolve_path(k, config_dir).display().to_string()
            }
        })
        .collect();
    load_public_keys(&refs, None)
}

/// Loads every key reference in `references` (paths relative to `base`).
pub fn load_public_keys(references: &[String], base: Option<&Path>) -> Result<Vec<PublicKey>> {
    references
        .iter()
        .map(|r| {
            let pem = read_key_reference(r, base)?;
            PublicKey::from_pem(&pem, r)
        })
        .collect()
}

fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let body: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// `sha256:<hex>` of a DER public key.
pub fn fingerprint(der: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(der)))
}

fn key_error(what: &str, err: &dyn std::fmt::Display) -> Error {
    Error::Usage(format!("cannot {what}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_and_sign() {
        let pair = generate(b"pw").unwrap();
        assert!(pair.private_pem.contains("ENCRYPTED SIGSTORE PRIVATE KEY"));
        let key = load_signing_key(pair.private_pem.as_bytes(), b"pw", "k").unwrap();
        let public = PublicKey::from_pem(pair.public_pem.as_bytes(), "k.pub").unwrap();
        assert_eq!(key.fingerprint, public.fingerprint);
        let sig = key.sign(b"payload").unwrap();
        assert!(public.verifies(&sig, b"payload"));
        assert!(!public.verifies(&sig, b"payload2"));
    }

    #[test]
    fn wrong_password_and_garbage_are_usage_errors() {
        let pair = generate(b"pw").unwrap();
        let err = load_signing_key(pair.private_pem.as_bytes(), b"nope", "k").unwrap_err();
        assert!(err.to_string().contains("wrong password"), "{err}");
        assert!(load_signing_key(b"hello", b"", "k").is_err());
        assert!(PublicKey::from_pem(
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "p"
        )
        .is_err());
    }

    #[test]
    fn reads_the_cosign_label_too() {
        let pair = generate(b"pw").unwrap();
        let cosign = pair.private_pem.replace("SIGSTORE", "COSIGN");
        load_signing_key(cosign.as_bytes(), b"pw", "k").unwrap();
    }
}
