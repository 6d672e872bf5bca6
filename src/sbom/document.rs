//! Reading SBOM documents (CycloneDX JSON and SPDX 2.x JSON, as Syft writes
//! them) into the few facts the inventory keeps. The typed structs name only
//! those fields; serde skips everything else without building it, so a large
//! SBOM costs its package list, not a document tree. Big files are streamed.

use crate::config::SbomFormat;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::io::{BufReader, Read};
use std::path::Path;

/// Files up to this size are read whole (faster to parse); bigger ones are
/// streamed so memory stays near the size of what is kept.
const READ_WHOLE_LIMIT: u64 = 64 * 1024 * 1024;

/// One package of an SBOM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The name as the SBOM gives it.
    pub name: String,
    /// The version as the SBOM gives it (empty when it has none).
    pub version: String,
    /// The PURL type (`deb`, `pypi`, ...); empty without a PURL.
    pub kind: String,
    /// The PURL as written.
    pub purl: Option<String>,
    /// `type/namespace/name` of the PURL, normalised ([`super::purl::Purl::key`]).
    pub purl_key: Option<String>,
    /// The source (upstream) package name, from the PURL's `upstream` qualifier.
    pub source: Option<String>,
    /// The source package's version when it differs from the package's.
    pub source_version: Option<String>,
}

/// The image an SBOM describes, as its producer recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The image name (`host/repository`, possibly with a tag).
    pub name: String,
    /// The manifest digest, when recorded.
    pub digest: Option<String>,
}

/// What vimes keeps of an SBOM document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sbom {
    /// CycloneDX or SPDX.
    pub format: SbomFormat,
    /// `specVersion` (CycloneDX) or `spdxVersion` (SPDX).
    pub spec_version: String,
    /// The described image, if the document says.
    pub subject: Option<Subject>,
    /// The packages (operating system, files and the image itself excluded).
    pub packages: Vec<Package>,
}

/// Why a document could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The bytes are not a valid SBOM.
    Invalid(SbomError),
}

/// Why bytes are not an SBOM vimes can read.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// Not JSON at all.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// JSON, but not shaped like either format.
    #[error("not an SBOM vimes can read: {0}")]
    Shape(String),
    /// A `bomFormat` other than CycloneDX.
    #[error("bomFormat {0:?} is not CycloneDX")]
    BomFormat(String),
    /// CycloneDX without its version.
    #[error("CycloneDX document without specVersion")]
    NoSpecVersion,
    /// An SPDX version other than 2.x.
    #[error("spdxVersion {0:?} is not supported (SPDX 2.x JSON only)")]
    SpdxVersion(String),
    /// An SPDX package without a name.
    #[error("SPDX package {0} has no name")]
    UnnamedSpdxPackage(usize),
    /// A CycloneDX component without a name.
    #[error("CycloneDX component {index} (nesting level {depth}) has no name")]
    UnnamedComponent {
        /// Its position among its siblings.
        index: usize,
        /// How deeply it is nested.
        depth: usize,
    },
    /// Neither format's marker field.
    #[error("neither CycloneDX (no bomFormat) nor SPDX (no spdxVersion)")]
    UnknownFormat,
}

/// Reads an SBOM file, streaming it when it is large.
pub fn parse_file(path: &Path) -> Result<Sbom, ReadError> {
    let file = crate::regular_file::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size <= READ_WHOLE_LIMIT {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        BufReader::new(file)
            .read_to_end(&mut bytes)
            .map_err(ReadError::Io)?;
        return parse_slice(&bytes).map_err(ReadError::Invalid);
    }
    parse_reader(BufReader::with_capacity(1 << 18, file))
}

/// Reads an SBOM from a stream, never holding the whole document.
pub fn parse_reader<R: Read>(reader: R) -> Result<Sbom, ReadError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let raw = RawDocument::deserialize(&mut de).map_err(|e| json_error(&e))?;
    de.end().map_err(|e| json_error(&e))?;
    raw.into_sbom().map_err(ReadError::Invalid)
}

/// Reads an SBOM from memory.
pub fn parse_slice(bytes: &[u8]) -> Result<Sbom, SbomError> {
    let raw: RawDocument = serde_json::from_slice(bytes).map_err(|e| describe(&e))?;
    raw.into_sbom()
}

/// Reads an SBOM already parsed as JSON (Syft's output during promotion).
pub fn parse_value(value: &serde_json::Value) -> Result<Sbom, SbomError> {
    let raw = RawDocument::deserialize(value).map_err(|e| describe(&e))?;
    raw.into_sbom()
}

/// The SBOM in the predicate of an in-toto statement (an SBOM attestation).
/// Whether the statement counts for an image (type, subject, signature) is
/// the verifier's question, not this parser's.
pub fn parse_statement(bytes: &[u8]) -> Result<Sbom, SbomError> {
    #[derive(Deserialize)]
    struct RawStatement {
        predicate: RawDocument,
    }
    let raw: RawStatement = serde_json::from_slice(bytes).map_err(|e| describe(&e))?;
    raw.predicate.into_sbom()
}

fn json_error(e: &serde_json::Error) -> ReadError {
    if e.is_io() {
        ReadError::Io(std::io::Error::other(e.to_string()))
    } else {
        ReadError::Invalid(describe(e))
    }
}

fn describe(e: &serde_json::Error) -> SbomError {
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            SbomError::NotJson(e.to_string())
        }
        _ => SbomError::Shape(e.to_string()),
    }
}

/// The fields of both formats vimes reads; which ones are present decides the format.
#[derive(Default, Deserialize)]
#[serde(default)]
struct RawDocument {
    #[serde(rename = "bomFormat")]
    bom_format: Option<String>,
    #[serde(rename = "specVersion")]
    spec_version: Option<String>,
    metadata: Option<CdxMetadata>,
    components: Option<Vec<CdxComponent>>,
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<String>,
    packages: Option<Vec<SpdxPackage>>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CdxMetadata {
    component: Option<CdxComponent>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CdxComponent {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    version: Option<String>,
    purl: Option<String>,
    components: Option<Vec<CdxComponent>>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct SpdxPackage {
    name: Option<String>,
    #[serde(rename = "versionInfo")]
    version_info: Option<String>,
    #[serde(rename = "primaryPackagePurpose")]
    purpose: Option<String>,
    #[serde(rename = "externalRefs", deserialize_with = "first_purl")]
    purl: Option<String>,
}

/// CycloneDX component types that are not packages.
const NOT_PACKAGES: &[&str] = &["operating-system", "file", "container", "data"];

impl RawDocument {
    fn into_sbom(self) -> Result<Sbom, SbomError> {
        if let Some(bom_format) = self.bom_format {
            if bom_format != "CycloneDX" {
                return Err(SbomError::BomFormat(bom_format));
            }
            let spec_version = self.spec_version.ok_or(SbomError::NoSpecVersion)?;
            let subject = self
                .metadata
                .and_then(|m| m.component)
                .and_then(|c| subject(c.name?, c.version));
            let mut packages = Vec::new();
            flatten(self.components.unwrap_or_default(), &mut packages, 0)?;
            return Ok(Sbom {
                format: SbomFormat::CyclonedxJson,
                spec_version,
                subject,
                packages,
            });
        }
        if let Some(spdx_version) = self.spdx_version {
            if !spdx_version.starts_with("SPDX-2.") {
                return Err(SbomError::SpdxVersion(spdx_version));
            }
            let mut subject_found = None;
            let mut packages = Vec::new();
            for (index, p) in self.packages.unwrap_or_default().into_iter().enumerate() {
                let name = p.name.ok_or(SbomError::UnnamedSpdxPackage(index))?;
                let is_image = p.purpose.as_deref() == Some("CONTAINER")
                    || p.purl.as_deref().is_some_and(|u| u.starts_with("pkg:oci/"));
                if is_image {
                    subject_found = subject_found.or_else(|| subject(name, p.version_info));
                } else if p.purpose.as_deref() != Some("OPERATING-SYSTEM") {
                    packages.push(package(name, p.version_info, p.purl));
                }
            }
            return Ok(Sbom {
                format: SbomFormat::SpdxJson,
                spec_version: spdx_version,
                subject: subject_found,
                packages,
            });
        }
        Err(SbomError::UnknownFormat)
    }
}

/// Components in document order, nested ones after their parent.
fn flatten(
    components: Vec<CdxComponent>,
    out: &mut Vec<Package>,
    depth: usize,
) -> Result<(), SbomError> {
    for (index, c) in components.into_iter().enumerate() {
        let name = c.name.ok_or(SbomError::UnnamedComponent { index, depth })?;
        if !c.kind.as_deref().is_some_and(|k| NOT_PACKAGES.contains(&k)) {
            out.push(package(name, c.version, c.purl));
        }
        if let Some(children) = c.components {
            flatten(children, out, depth + 1)?;
        }
    }
    Ok(())
}

fn subject(name: String, version: Option<String>) -> Option<Subject> {
    if name.is_empty() {
        return None;
    }
    let digest = version.filter(|v| v.starts_with("sha256:"));
    Some(Subject { name, digest })
}

fn package(name: String, version: Option<String>, purl: Option<String>) -> Package {
    let facts = purl.as_deref().and_then(super::purl::facts);
    let (kind, purl_key, purl_version, upstream) = match facts {
        Some(f) => (f.kind, Some(f.key), f.version, f.upstream),
        None => (String::new(), None, None, None),
    };
    let (source, source_version) = upstream.map_or((None, None), |(n, v)| (Some(n), v));
    Package {
        name,
        version: version
            .filter(|v| !v.is_empty())
            .or(purl_version)
            .unwrap_or_default(),
        kind,
        purl_key,
        purl,
        source,
        source_version,
    }
}

/// Keeps only the first `purl` locator of SPDX `externalRefs`; the CPE
/// references (often a dozen per package) are dropped as they are read.
fn first_purl<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct ExternalRef {
        #[serde(default, rename = "referenceType")]
        kind: Option<String>,
        #[serde(default, rename = "referenceLocator")]
        locator: Option<String>,
    }
    struct Refs;
    impl<'de> Visitor<'de> for Refs {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of external references")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(r) = seq.next_element::<ExternalRef>()? {
                if found.is_none() && r.kind.as_deref() == Some("purl") {
                    found = r.locator;
                }
            }
            Ok(found)
        }
    }
    d.deserialize_any(Refs)
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
