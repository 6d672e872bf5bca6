//! The JSON Schema (draft 2020-12) of vimes.yaml, written by hand so that its
//! descriptions can explain each key. A unit test keeps it in step with
//! `model.rs`: same property names, same defaults, same enums.

use super::model::ATTESTATION_TYPES;
use serde_json::{json, Value};

/// Host name, IPv4 or `[IPv6]`, with an optional port.
const HOST_PORT: &str = r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?";
/// Lowercase repository path segments joined by `/`.
const REPO_PATH: &str = r"[a-z0-9]([a-z0-9._-]*[a-z0-9])?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*";
/// An environment variable name.
const ENV_NAME: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";

/// The JSON Schema of vimes.yaml (after `${VAR}` interpolation).
pub fn json_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "vimes.yaml",
        "description": "Configuration of vimes, the container supply-chain gate. \
            ${VAR} and ${VAR:-default} are replaced from the environment before the file is \
            read ($$ is a literal $); this schema describes the result.",
        "type": "object",
        "additionalProperties": false,
        "required": ["version"],
        "properties": {
            "version": {
                "description": "Format version of the file; only 1 exists.",
                "type": "integer",
                "const": 1
            },
            "registries": {
                "description": "Named registries (e.g. staging, production).",
                "type": "object",
                "propertyNames": { "pattern": "^[a-z0-9][a-z0-9_-]*$" },
                "additionalProperties": { "$ref": "#/$defs/registry" },
                "default": {}
            },
            "promotion": {
                "description": "Where promotion takes images from and to; both name entries of registries.",
                "type": ["object", "null"],
                "additionalProperties": false,
                "required": ["from", "to"],
                "properties": {
                    "from": {
                        "description": "The registry promotion reads from (short image names resolve here).",
                        "type": "string"
                    },
                    "to": {
                        "description": "The registry promotion writes to; must differ from `from`.",
                        "type": "string"
                    }
                }
            },
            "images": {
                "description": "Images vimes builds, by name.",
                "type": "object",
                "propertyNames": { "pattern": "^[a-z0-9][a-z0-9._-]*$" },
                "additionalProperties": { "$ref": "#/$defs/image" },
                "default": {}
            },
            "policy": {
                "description": "Gates applied by scan, check, build and promote.",
                "type": "object",
                "additionalProperties": false,
                "default": {},
                "properties": {
                    "block": {
                        "description": "Vulnerability severities that block promotion.",
                        "type": "array",
                        "items": { "$ref": "#/$defs/severity" },
                        "default": ["CRITICAL", "HIGH"]
                    },
                    "ignore_unfixed": {
                        "description": "Do not block on findings that have no fixed version.",
                        "type": "boolean",
                        "default": false
                    },
                    "exceptions": {
                        "description": "Path of the signed vulnerability exceptions file.",
                        "type": ["string", "null"]
                    },
                    "approvers": {
                        "description": "Public keys whose signature makes the exceptions file count.",
                        "type": "array",
                        "items": { "type": "string" },
                        "default": []
                    },
                    "allowed_registries": {
                        "description": "host[:port][/path] prefixes images may come from.",
                        "type": "array",
                        "items": {
                            "type": "string",
                            "pattern": format!("^{HOST_PORT}(/{REPO_PATH})?$")
                        },
                        "default": []
                    },
                    "require_digest": {
                        "description": "Image references (base images, manifests) must be pinned by digest.",
                        "type": "boolean",
                        "default": true
                    },
                    "max_base_age_days": {
                        "description": "Base images older than this many days are refused.",
                        "type": ["integer", "null"],
                        "minimum": 0,
                        "maximum": u32::MAX
                    },
                    "max_scan_age_days": {
                        "description": "vimes status calls a production image's scan stale when its newest signed vulnerability attestation is older than this many days (or absent).",
                        "type": ["integer", "null"],
                        "minimum": 0,
                        "maximum": u32::MAX
                    },
                    "vex": {
                        "description": "OpenVEX documents whose not_affected/fixed statements suppress findings, each only when signed by a policy.approvers key (FILE.sig) and only for the images it names by digest or repository glob, until it expires.",
                        "type": "array",
                        "items": { "type": "string", "minLength": 1 },
                        "default": []
                    },
                    "vex_max_age_days": {
                        "description": "A VEX statement without its own vimes:expires lapses this many days after its timestamp; unset, such a statement suppresses nothing.",
                        "type": ["integer", "null"],
                        "minimum": 0,
                        "maximum": u32::MAX
                    },
                    "vex_attestations": {
                        "description": "Also read the image's openvex attestations; they count like the files of vex when signed by a policy.approvers key.",
                        "type": "boolean",
                        "default": false
                    },
                    "check_exclude": {
                        "description": "Paths vimes check does not read (globs: *, ?, **), matched against the path as the check prints it; any other file it cannot read fails the check.",
                        "type": "array",
                        "items": { "type": "string", "minLength": 1 },
                        "default": []
                    },
                    "provenance": provenance_schema()
                }
            },
            "signing": {
                "description": "Signing keys and attestation requirements.",
                "type": "object",
                "additionalProperties": false,
                "default": {},
                "properties": {
                    "key": {
                        "description": "Private key: a path, or env://VAR (its password comes from COSIGN_PASSWORD), or an RFC 7512 pkcs11: URI of a key in a token (its PIN comes from COSIGN_PKCS11_PIN; never pin-value in the URI).",
                        "type": ["string", "null"]
                    },
                    "public_keys": {
                        "description": "Public keys (PEM files) trusted by verify.",
                        "type": "array",
                        "items": { "type": "string" },
                        "default": []
                    },
                    "require_attestations": {
                        "description": "Attestation types that must be present and signed.",
                        "type": "array",
                        "items": { "enum": ATTESTATION_TYPES },
                        "default": []
                    },
                    "format": {
                        "description": "How signatures are stored: legacy (cosign .sig/.att tags), bundle (Sigstore bundle via the referrers API), or both (each signature and attestation written in both, for verifiers that read only one).",
                        "enum": ["legacy", "bundle", "both"],
                        "default": "legacy"
                    }
                }
            },
            "tools": {
                "description": "External programs vimes runs.",
                "type": "object",
                "additionalProperties": false,
                "default": {},
                "properties": {
                    "trivy": {
                        "description": "Trivy (vulnerability scanner).",
                        "$ref": "#/$defs/trivy",
                        "default": { "path": "trivy", "timeout_secs": 600, "skip_db_update": false, "offline": false, "engine": "local" }
                    },
                    "syft": {
                        "description": "Syft (SBOM generator).",
                        "$ref": "#/$defs/tool",
                        "default": { "path": "syft", "timeout_secs": 600 }
                    },
                    "builder": {
                        "description": "Image builder; auto tries buildah, then podman, then docker.",
                        "enum": ["auto", "buildah", "podman", "docker"],
                        "default": "auto"
                    },
                    "builder_sha256": {
                        "description": "SHA-256 the chosen builder's binary must have (exit 3 otherwise).",
                        "$ref": "#/$defs/sha256"
                    },
                    "require_pinned": {
                        "description": "Refuse to run Trivy, Syft or the builder unless its sha256 is set (exit 2).",
                        "type": "boolean",
                        "default": false
                    },
                    "pkcs11": {
                        "description": "PKCS#11 tokens (hardware keys, HSMs) for pkcs11: key URIs.",
                        "type": "object",
                        "additionalProperties": false,
                        "default": {},
                        "properties": {
                            "module": {
                                "description": "Path of the PKCS#11 library used when a pkcs11: URI has no module-path, e.g. /usr/lib/softhsm/libsofthsm2.so.",
                                "type": ["string", "null"]
                            }
                        }
                    }
                }
            },
            "build": build_schema(),
            "sbom": {
                "description": "SBOM settings.",
                "type": "object",
                "additionalProperties": false,
                "default": {},
                "properties": {
                    "format": {
                        "description": "SBOM format Syft writes.",
                        "enum": ["cyclonedx-json", "spdx-json"],
                        "default": "cyclonedx-json"
                    },
                    "inventory": {
                        "description": "Inventory: an SQLite file path (default: the user's data directory, XDG) or postgres://USER@HOST[:PORT]/DB[?sslmode=verify-full|disable] (no password in the URL; plain only for loopback hosts).",
                        "type": ["string", "null"]
                    },
                    "password_env": {
                        "description": "Name of the environment variable holding the PostgreSQL inventory's password (when unset: PGPASSWORD).",
                        "type": ["string", "null"],
                        "pattern": ENV_NAME
                    },
                    "ca_file": {
                        "description": "PEM file of an extra CA to trust for the PostgreSQL inventory's server certificate.",
                        "type": ["string", "null"]
                    }
                }
            }
        },
        "$defs": {
            "registry": {
                "description": "One registry.",
                "type": "object",
                "additionalProperties": false,
                "required": ["url"],
                "properties": {
                    "url": {
                        "description": "host[:port], without scheme or path.",
                        "type": "string",
                        "pattern": format!("^{HOST_PORT}$")
                    },
                    "project": {
                        "description": "Path prefix under the host (a Harbor project); may be empty.",
                        "type": "string",
                        "pattern": format!("^({REPO_PATH})?$"),
                        "default": ""
                    },
                    "type": {
                        "description": "harbor (its REST API is used where /v2 is not enough) or oci (any OCI distribution registry).",
                        "enum": ["harbor", "oci"],
                        "default": "harbor"
                    },
                    "insecure": {
                        "description": "Plain HTTP; for loopback test registries only.",
                        "type": "boolean",
                        "default": false
                    },
                    "username_env": {
                        "description": "Name of the environment variable holding the user name (set together with password_env); without both, docker's credentials are used.",
                        "type": ["string", "null"],
                        "pattern": ENV_NAME
                    },
                    "password_env": {
                        "description": "Name of the environment variable holding the password or token.",
                        "type": ["string", "null"],
                        "pattern": ENV_NAME
                    },
                    "ca_file": {
                        "description": "PEM file of an extra CA to trust for this registry.",
                        "type": ["string", "null"]
                    },
                    "immutable": {
                        "description": "vimes never moves an existing tag in this registry.",
                        "type": "boolean",
                        "default": false
                    },
                    "token_hosts": {
                        "description": "Hosts (host[:port]) besides the registry's own that its token realm may name; credentials are sent to no other realm, and never over plain HTTP from a TLS registry.",
                        "type": "array",
                        "items": {"type": "string", "pattern": format!("^{HOST_PORT}$")}
                    }
                }
            },
            "image": {
                "description": "One image vimes builds.",
                "type": "object",
                "additionalProperties": false,
                "required": ["repository"],
                "properties": {
                    "repository": {
                        "description": "Path under the registry project.",
                        "type": "string",
                        "pattern": format!("^{REPO_PATH}$")
                    },
                    "context": {
                        "description": "Build context directory.",
                        "type": "string",
                        "default": "."
                    },
                    "dockerfile": {
                        "description": "Dockerfile path relative to the context.",
                        "type": "string",
                        "default": "Dockerfile"
                    }
                }
            },
            "tool": {
                "type": "object",
                "additionalProperties": false,
                "required": ["path"],
                "properties": {
                    "path": {
                        "description": "Program path, or a name looked up on PATH.",
                        "type": "string",
                        "minLength": 1
                    },
                    "server": {
                        "description": "Must be null (vimes.yaml is refused otherwise): Syft has no client/server mode.",
                        "type": ["string", "null"]
                    },
                    "sha256": {
                        "description": "SHA-256 (64 lowercase hex digits) the resolved binary must have; a mismatch refuses to run it (exit 3).",
                        "$ref": "#/$defs/sha256"
                    },
                    "timeout_secs": {
                        "description": "Seconds before the program is killed.",
                        "type": "integer",
                        "minimum": 1,
                        "default": 600
                    }
                }
            },
            "trivy": {
                "type": "object",
                "additionalProperties": false,
                "required": ["path"],
                "properties": {
                    "path": {
                        "description": "Program path, or a name looked up on PATH.",
                        "type": "string",
                        "minLength": 1
                    },
                    "server": {
                        "description": "Trivy server URL (client/server mode), if any.",
                        "type": ["string", "null"]
                    },
                    "token_env": {
                        "description": "Environment variable holding the Trivy server token.",
                        "type": ["string", "null"]
                    },
                    "sha256": {
                        "description": "SHA-256 (64 lowercase hex digits) the resolved binary must have; a mismatch refuses to run it (exit 3).",
                        "$ref": "#/$defs/sha256"
                    },
                    "timeout_secs": {
                        "description": "Seconds before Trivy is killed.",
                        "type": "integer",
                        "minimum": 1,
                        "default": 600
                    },
                    "db_repository": {
                        "description": "OCI repository to fetch the vulnerability DB from (a mirror).",
                        "type": ["string", "null"]
                    },
                    "skip_db_update": {
                        "description": "Never download the vulnerability DB; use the one in Trivy's cache.",
                        "type": "boolean",
                        "default": false
                    },
                    "offline": {
                        "description": "No network requests to identify dependencies (--offline-scan).",
                        "type": "boolean",
                        "default": false
                    },
                    "engine": {
                        "description": "Where scans run: local Trivy, or Harbor's scanner.",
                        "enum": ["local", "harbor"],
                        "default": "local"
                    }
                }
            },
            "sha256": {
                "type": ["string", "null"],
                "pattern": "^[0-9a-f]{64}$"
            },
            "severity": {
                "description": "Vulnerability severity as Trivy names it.",
                "enum": ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
            }
        }
    })
}

/// `policy.provenance` (apart: one `json!` of the whole schema exceeds the
/// macro recursion limit).
fn provenance_schema() -> Value {
    json!({
        "description": "What promote requires of the image's SLSA v1 provenance attestation (off by default).",
        "type": "object",
        "additionalProperties": false,
        "default": { "required": false, "builders": [], "source_repositories": [], "trusted_keys": [] },
        "properties": {
            "required": {
                "description": "Promote refuses (exit 1) an image without a provenance attestation by a trusted key about its digest, from an allowed builder and source, with every base image pinned by digest.",
                "type": "boolean",
                "default": false
            },
            "builders": {
                "description": "Builder ids (runDetails.builder.id) allowed; empty: any.",
                "type": "array",
                "items": { "type": "string", "minLength": 1 },
                "default": []
            },
            "source_repositories": {
                "description": "Source repository URL globs allowed (* matches any run of characters, e.g. https://git.example.com/*); empty: any source, or none.",
                "type": "array",
                "items": { "type": "string", "minLength": 1 },
                "default": []
            },
            "trusted_keys": {
                "description": "Public keys (PEM files, env://VAR) trusted to sign provenance; empty: signing.public_keys.",
                "type": "array",
                "items": { "type": "string", "minLength": 1 },
                "default": []
            }
        }
    })
}

/// `build:`.
fn build_schema() -> Value {
    json!({
        "description": "vimes build settings.",
        "type": "object",
        "additionalProperties": false,
        "default": {},
        "properties": {
            "builder_id": {
                "description": "SLSA builder id written into the provenance vimes build attaches (e.g. the CI system's id); default: \"vimes build\" and the host name.",
                "type": ["string", "null"],
                "minLength": 1
            }
        }
    })
}
