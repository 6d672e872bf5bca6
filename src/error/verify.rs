//! Why a signature or attestation does not count (exit 1 when it decides the
//! command): the reasons the verifier records for each rejected layer.

/// Why a Sigstore bundle cannot be checked at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Its media type is not a Sigstore bundle's.
    #[error("bundle media type {0:?} is not a Sigstore bundle")]
    MediaType(String),
    /// It signs a message, not an image statement.
    #[error("a message-signature bundle is not an image signature (cosign signs images with a DSSE statement)")]
    MessageSignature,
    /// It holds nothing signed.
    #[error("bundle has neither a DSSE envelope nor a message signature")]
    Empty,
    /// Its DSSE payload is not an in-toto statement.
    #[error("DSSE payload type {0:?} is not in-toto")]
    PayloadType(String),
    /// Its DSSE payload cannot be decoded.
    #[error("DSSE payload is not valid base64")]
    PayloadEncoding,
    /// The referrer holding it is not a bundle referrer (artifact or layer
    /// type, size, or JSON), or its bytes could not be read.
    #[error("{0}")]
    Referrer(String),
}

/// Why one signature or attestation is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The bundle cannot be opened.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// The envelope carries no signature vimes can decode.
    #[error("the DSSE envelope has no decodable signature")]
    NoSignature,
    /// Keyless (certificate) signatures are not trusted.
    #[error("signed with a certificate (keyless); vimes trusts keys only, and no trusted key verifies it")]
    Keyless,
    /// No configured key verifies it.
    #[error("signature does not verify with any trusted key (wrong key or tampered bundle)")]
    UntrustedKey,
    /// The signed payload is not an in-toto statement.
    #[error("payload is not an in-toto statement: {0}")]
    NotAStatement(String),
    /// The statement's `_type` is not in-toto's.
    #[error("statement type {0:?} is not in-toto")]
    StatementType(String),
}
