//! Test bed for the integration tests: a real registry (`registry`), an
//! independent registry client and images written byte by byte (`oci`), and a
//! sealed environment to run the `vimes` binary in (`env`).

pub mod bed;
pub mod dates;
pub mod env;
pub mod fault_proxy;
pub mod harbor_fake;
pub mod oci;
pub mod postgres;
pub mod registry;
pub mod rootfs;
pub mod softhsm;
pub mod trivy;

mod selftest;

#[allow(unused_imports)]
pub use bed::{registries_yaml, registry_entry, RegistryKind, TestBed};
#[allow(unused_imports)]
pub use env::{find_on_path, require_tool, RunOutput, TestEnv, VIMES_BIN};
#[allow(unused_imports)]
pub use oci::{
    attestation_tag, build_index, push_cosign_attestation, push_cosign_signature, push_image,
    push_image_with, push_index, sha256_digest, signature_tag, simple_signing_payload, OciClient,
    SplitMix64, TestImage,
};
#[allow(unused_imports)]
pub use registry::{Registry, RegistryOptions};
