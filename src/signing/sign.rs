//! Signing an image digest and attaching attestations, in cosign's legacy
//! layout, as Sigstore bundles, or both (the [`SignatureFormat`] the caller
//! passes, normally `signing.format`). Re-signing with the same key is a
//! no-op in each layout on its own, so retries never duplicate signatures,
//! and a `both` run interrupted after one layout completes the other.

use super::keys::{PublicKey, SigningKey};
use super::payload::{
    b64, pae, unb64, Envelope, EnvelopeSignature, SimpleSigning, Statement, IN_TOTO_PAYLOAD_TYPE,
};
use super::statement::{self, Names};
use super::store::{
    self, AppendOutcome, LayerDescriptor, NewLayer, DSSE_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION,
    SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE,
};
use super::verify::{legacy, Format};
use super::{bundle, referrer};
use crate::config::SignatureFormat;
use crate::error::Result;
use crate::registry::{ImageRef, RegistryClient};
use serde::Serialize;
use std::collections::BTreeMap;

/// What one write did in one layout.
#[derive(Clone, Debug, Serialize)]
pub struct Stored {
    /// The layout written.
    pub format: Format,
    /// What was written there (or found already present).
    #[serde(flatten)]
    pub outcome: AppendOutcome,
}

/// What signing or attesting did, in every layout the format asked for
/// (one for `legacy` and `bundle`, legacy then bundle for `both`).
#[derive(Clone, Debug)]
pub struct Written {
    /// The first layout written: legacy whenever legacy was written.
    pub first: Stored,
    /// The others, in order.
    pub rest: Vec<Stored>,
}

impl Written {
    fn of(mut stored: Vec<Stored>) -> Result<Written> {
        if stored.is_empty() {
            return Err(crate::error::Error::Internal(
                "a signing format wrote no layout".into(),
            ));
        }
        let first = stored.remove(0);
        Ok(Written {
            first,
            rest: stored,
        })
    }

    /// Every layout written, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Stored> {
        std::iter::once(&self.first).chain(&self.rest)
    }

    /// Whether anything was added in any layout (false: all already there).
    pub fn added(&self) -> bool {
        self.iter().any(|s| s.outcome.added)
    }

    /// Where each layout's copy is, one per line, each with its format when
    /// there are several (one layout prints as it did before `both`).
    pub fn locations(&self) -> String {
        if self.rest.is_empty() {
            return self.first.outcome.location.clone();
        }
        self.iter()
            .map(|s| format!("{} ({})", s.outcome.location, s.format))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Serialize for Written {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Signs `image@digest` with `key` in each layout `format` selects;
/// `annotations` go into the payload's `optional` section (legacy) or the
/// statement subject's `annotations` (bundle), where cosign puts them.
pub async fn sign_image(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    key: &SigningKey,
    annotations: &BTreeMap<String, String>,
    format: SignatureFormat,
) -> Result<Written> {
    let mut stored = Vec::new();
    for &layout in Format::written_for(format) {
        let outcome = match layout {
            Format::Legacy => sign_legacy(client, image, digest, key, annotations).await?,
            Format::Bundle => sign_bundle(client, image, digest, key, annotations).await?,
        };
        stored.push(Stored {
            format: layout,
            outcome,
        });
    }
    Written::of(stored)
}

/// A cosign v3 image signature: a bundle around an in-toto v1 statement of
/// predicate type `https://sigstore.dev/cosign/sign/v1` naming the digest and
/// the repository.
async fn sign_bundle(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    key: &SigningKey,
    annotations: &BTreeMap<String, String>,
) -> Result<AppendOutcome> {
    let statement = bundle::SignStatement::new(&image.repository_name(), digest, annotations);
    let statement = serde_json::to_vec(&statement).map_err(|e| {
        crate::error::Error::Internal(format!("cannot serialise the statement: {e}"))
    })?;
    let signature = key
        .sign_async(&pae(IN_TOTO_PAYLOAD_TYPE, &statement))
        .await?;
    let made = bundle::Bundle::dsse(&statement, &signature, &key.fingerprint);
    let public = key.public_key()?;
    let same = async |existing: &bundle::Bundle| -> bool {
        bundle::open(existing).is_ok_and(|o| {
            o.statement == statement && o.signatures.iter().any(|s| public.verifies(s, &o.message))
        })
    };
    referrer::attach(
        client,
        image,
        digest,
        &made,
        bundle::COSIGN_SIGN_PREDICATE_TYPE,
        same,
    )
    .await
}

async fn sign_legacy(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    key: &SigningKey,
    annotations: &BTreeMap<String, String>,
) -> Result<AppendOutcome> {
    let payload = SimpleSigning::new(&image.repository_name(), digest, annotations).to_bytes();
    let signature = key.sign_async(&payload).await?;
    let public = key.public_key()?;
    let annotations = BTreeMap::from([(SIGNATURE_ANNOTATION.to_string(), b64(&signature))]);
    let payload_digest = crate::registry::manifest::sha256_digest(&payload);
    let same_signer = async |layer: &LayerDescriptor| -> Result<bool> {
        // ECDSA signatures differ on every run, so "already signed" means the
        // same payload with a signature this key verifies.
        if layer.digest != payload_digest {
            return Ok(false);
        }
        let Some(sig) = layer
            .annotations
            .get(SIGNATURE_ANNOTATION)
            .and_then(|s| unb64(s))
        else {
            return Ok(false);
        };
        Ok(public.verifies(&sig, &payload))
    };
    store::append(
        client,
        image,
        digest,
        "sig",
        NewLayer {
            blob: payload.clone(),
            media_type: SIMPLE_SIGNING_MEDIA_TYPE,
            annotations,
        },
        same_signer,
    )
    .await
}

/// Attests `predicate` of `predicate_type` about `image@digest` with `key`,
/// in each layout `format` selects (one signed statement, stored in each);
/// `repeat` says what an attestation of the same key and type already there
/// means ([`Repeat::Identical`]: an identical one is not added twice).
#[allow(clippy::too_many_arguments)] // each is a distinct input of one write
pub async fn attest_image(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    key: &SigningKey,
    predicate_type: &str,
    predicate: serde_json::Value,
    repeat: Repeat,
    format: SignatureFormat,
) -> Result<Written> {
    let mut outcomes = attest_all(
        client,
        image,
        digest,
        key,
        vec![(predicate_type, predicate)],
        repeat,
        format,
    )
    .await?;
    outcomes.pop().ok_or_else(|| {
        crate::error::Error::Internal("attesting one predicate reported no outcome".into())
    })
}

/// Like [`attest_image`] for several predicates (of distinct types) at once,
/// but adds nothing for a type this key already attested for the digest: for
/// evidence whose content changes on every run (timestamps), so that
/// re-running an interrupted promotion never piles up attestations. In the
/// legacy layout they share one read and one write of the `.att` manifest.
/// Outcomes are in the order of `predicates`.
pub async fn attest_image_once_each(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    key: &SigningKey,
    predicates: Vec<(&str, serde_json::Value)>,
    format: SignatureFormat,
) -> Result<Vec<Written>> {
    attest_all(
        client,
        image,
        digest,
        key,
        predicates,
        Repeat::OncePerType,
        format,
    )
    .await
}

/// What an existing attestation of the same key and type means for a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// An identical statement is not added again.
    Identical,
    /// Any statement of the type is enough: nothing is added.
    OncePerType,
    /// The new statement replaces this key's older ones of its type, in the
    /// legacy layout (others' stay): for a re-scan, whose fresh result must
    /// not stand beside stale ones that an admission policy checking every
    /// statement's age would refuse. Sigstore bundles are separate referrer
    /// manifests, which vimes never deletes; there the new one is added.
    Supersede,
}

/// A signed in-toto statement, ready to store in either layout.
struct SignedStatement<'a> {
    predicate_type: &'a str,
    statement: Vec<u8>,
    signature: Vec<u8>,
}

async fn attest_all(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    key: &SigningKey,
    predicates: Vec<(&str, serde_json::Value)>,
    repeat: Repeat,
    format: SignatureFormat,
) -> Result<Vec<Written>> {
    let mut signed = Vec::with_capacity(predicates.len());
    for (predicate_type, predicate) in predicates {
        let statement = Statement::new(&image.repository_name(), digest, predicate_type, predicate);
        let statement = serde_json::to_vec(&statement).map_err(|e| {
            crate::error::Error::Internal(format!("cannot serialise the statement: {e}"))
        })?;
        let signature = key
            .sign_async(&pae(IN_TOTO_PAYLOAD_TYPE, &statement))
            .await?;
        signed.push(SignedStatement {
            predicate_type,
            statement,
            signature,
        });
    }
    let public = key.public_key()?;
    // The same signed statements go into each layout: `both` is one
    // attestation stored twice, not two that could disagree.
    let mut per_predicate: Vec<Vec<Stored>> = signed.iter().map(|_| Vec::new()).collect();
    for &layout in Format::written_for(format) {
        let outcomes = match layout {
            Format::Legacy => {
                attest_legacy(client, image, digest, &public, &signed, repeat).await?
            }
            Format::Bundle => {
                attest_bundles(client, image, digest, key, &public, &signed, repeat).await?
            }
        };
        for (stored, outcome) in per_predicate.iter_mut().zip(outcomes) {
            stored.push(Stored {
                format: layout,
                outcome,
            });
        }
    }
    per_predicate.into_iter().map(Written::of).collect()
}

/// Each of `signed` as its own bundle referrer (unless an equivalent one is
/// there), in order.
async fn attest_bundles(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    key: &SigningKey,
    public: &PublicKey,
    signed: &[SignedStatement<'_>],
    repeat: Repeat,
) -> Result<Vec<AppendOutcome>> {
    let repository = image.repository_name();
    let counts_as = |statement: &[u8], predicate_type: &str, names: Names| {
        statement::check(statement, digest, &repository, names)
            .is_ok_and(|bound| bound.predicate_type == predicate_type)
    };
    // Each bundle is its own referrer manifest: nothing to share.
    let mut outcomes = Vec::with_capacity(signed.len());
    for one in signed {
        let made = bundle::Bundle::dsse(&one.statement, &one.signature, &key.fingerprint);
        let same = async |existing: &bundle::Bundle| -> bool {
            bundle::open(existing).is_ok_and(|o| {
                // What verification would count, not just the type and
                // the key: a planted bundle this key signed about another
                // image must not stand in for this one.
                counts_as(&o.statement, one.predicate_type, Names::Optional)
                    && match repeat {
                        Repeat::OncePerType => true,
                        Repeat::Identical | Repeat::Supersede => o.statement == one.statement,
                    }
                    && o.signatures.iter().any(|s| public.verifies(s, &o.message))
            })
        };
        outcomes
            .push(referrer::attach(client, image, digest, &made, one.predicate_type, same).await?);
    }
    Ok(outcomes)
}

/// All of `signed` as layers of the `.att` manifest (one read, one write),
/// skipping those an equivalent layer stands for, or replacing this key's
/// older ones of their types ([`Repeat::Supersede`]); outcomes in order.
async fn attest_legacy(
    client: &RegistryClient,
    image: &ImageRef,
    digest: &str,
    public: &PublicKey,
    signed: &[SignedStatement<'_>],
    repeat: Repeat,
) -> Result<Vec<AppendOutcome>> {
    let mut layers = Vec::with_capacity(signed.len());
    for one in signed {
        let envelope = Envelope {
            payload_type: IN_TOTO_PAYLOAD_TYPE.to_string(),
            payload: b64(&one.statement),
            signatures: vec![EnvelopeSignature {
                keyid: String::new(),
                sig: b64(&one.signature),
            }],
        };
        let blob = serde_json::to_vec(&envelope).map_err(|e| {
            crate::error::Error::Internal(format!("cannot serialise the envelope: {e}"))
        })?;
        let annotations = BTreeMap::from([
            (SIGNATURE_ANNOTATION.to_string(), String::new()),
            (
                PREDICATE_TYPE_ANNOTATION.to_string(),
                one.predicate_type.to_string(),
            ),
        ]);
        layers.push(NewLayer {
            blob,
            media_type: DSSE_MEDIA_TYPE,
            annotations,
        });
    }
    // An existing layer counts as ours only as verification would count it:
    // this key's signature over a statement about this digest and
    // repository. The annotation and the layer are the registry's word: an
    // envelope this key signed for another digest, planted under this
    // digest's tag, is not "already attested".
    let trusted = std::slice::from_ref(public);
    let ours = async |layer: &LayerDescriptor| -> Option<(String, Vec<u8>)> {
        let (check, statement) =
            legacy::check_attestation(client, image, digest, trusted, layer).await;
        match (check.verdict.is_good(), check.predicate_type, statement) {
            (true, Some(kind), Some(statement)) => Some((kind, statement)),
            _ => None,
        }
    };
    let annotated = |layer: &LayerDescriptor| {
        layer
            .annotations
            .get(PREDICATE_TYPE_ANNOTATION)
            .cloned()
            .unwrap_or_default()
    };
    let same = async |index: usize, layer: &LayerDescriptor| -> Result<bool> {
        let Some(wanted) = signed.get(index) else {
            return Ok(false);
        };
        // Cheap first: a layer annotated with another type is not read.
        if annotated(layer) != wanted.predicate_type {
            return Ok(false);
        }
        Ok(ours(layer).await.is_some_and(|(kind, statement)| {
            kind == wanted.predicate_type
                && (repeat == Repeat::OncePerType || statement == wanted.statement)
        }))
    };
    if repeat != Repeat::Supersede {
        return store::append_all(client, image, digest, "att", layers, same).await;
    }
    // Superseded: our layer of a type being attested.
    let attesting = |kind: &str| signed.iter().any(|one| one.predicate_type == kind);
    let superseded = async |layer: &LayerDescriptor| -> Result<bool> {
        if !attesting(&annotated(layer)) {
            return Ok(false);
        }
        Ok(ours(layer).await.is_some_and(|(kind, _)| attesting(&kind)))
    };
    store::replace_all(client, image, digest, "att", layers, superseded).await
}
