//! Images whose root filesystem carries real package metadata, so scanners
//! (Syft, Trivy) catalogue real packages: `/etc/os-release` and
//! `/etc/debian_version`, a dpkg status database, Python `*.dist-info`
//! directories and npm `package.json` files. Written byte by byte as one
//! gzip'd tar layer, deterministic (mtime 0, sorted entries), without buildah.
//!
//! ```ignore
//! let image = RootfsImage::debian(
//!     &[deb("zlib1g", "1:1.2.13.dfsg-1", "zlib"), deb("libssl3", "3.0.11-1~deb12u1", "openssl")],
//!     &[py("requests", "2.28.1")],
//! );
//! push_image(&registry, "app", Some("1.0"), &image);
//! ```
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{json, Value};

use super::oci::{sha256_digest, TestImage, OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST};

/// One dpkg package (a stanza of `/var/lib/dpkg/status`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deb {
    /// `Package:`.
    pub name: String,
    /// `Version:` (`[epoch:]upstream[-revision]`).
    pub version: String,
    /// `Source:`, as dpkg writes it: `name` or `name (version)`; none when empty.
    pub source: String,
    /// `Architecture:`.
    pub arch: String,
}

/// A deb package of architecture amd64. `source` may carry a version
/// (`"tiff (4.5.0-6)"`) when the source version differs; `""` for none.
pub fn deb(name: &str, version: &str, source: &str) -> Deb {
    Deb {
        name: name.into(),
        version: version.into(),
        source: source.into(),
        arch: "amd64".into(),
    }
}

/// One installed Python distribution (a `NAME-VERSION.dist-info` directory).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyDist {
    /// Project name as written in METADATA.
    pub name: String,
    /// Version as written in METADATA.
    pub version: String,
}

/// A Python distribution installed under `usr/lib/python3/dist-packages`.
pub fn py(name: &str, version: &str) -> PyDist {
    PyDist {
        name: name.into(),
        version: version.into(),
    }
}

/// A root filesystem under construction: paths (no leading `/`) to contents.
#[derive(Clone, Debug, Default)]
pub struct RootfsImage {
    files: BTreeMap<String, Vec<u8>>,
    arch: String,
}

impl RootfsImage {
    /// An empty root filesystem for linux/amd64.
    pub fn new() -> RootfsImage {
        RootfsImage {
            files: BTreeMap::new(),
            arch: "amd64".into(),
        }
    }

    /// A Debian 12 image with these dpkg packages and Python distributions.
    pub fn debian(debs: &[Deb], pys: &[PyDist]) -> TestImage {
        RootfsImage::new()
            .debian_release("12", "12.2")
            .dpkg(debs)
            .python(pys)
            .build()
    }

    /// Adds (or replaces) a file.
    pub fn file(mut self, path: &str, contents: impl AsRef<[u8]>) -> RootfsImage {
        self.files.insert(
            path.trim_start_matches('/').to_string(),
            contents.as_ref().to_vec(),
        );
        self
    }

    /// `/etc/os-release` of Debian `version_id` and `/etc/debian_version`
    /// (`point_release`, which Trivy reads).
    pub fn debian_release(self, version_id: &str, point_release: &str) -> RootfsImage {
        let codename = match version_id {
            "11" => "bullseye",
            "12" => "bookworm",
            "13" => "trixie",
            _ => "unknown",
        };
        let os_release = format!(
            "PRETTY_NAME=\"Debian GNU/Linux {version_id} ({codename})\"\n\
             NAME=\"Debian GNU/Linux\"\n\
             VERSION_ID=\"{version_id}\"\n\
             VERSION=\"{version_id} ({codename})\"\n\
             VERSION_CODENAME={codename}\n\
             ID=debian\n\
             HOME_URL=\"https://www.debian.org/\"\n"
        );
        self.file("etc/os-release", os_release)
            .file("etc/debian_version", format!("{point_release}\n"))
    }

    /// `/var/lib/dpkg/status` listing `debs` as installed.
    pub fn dpkg(self, debs: &[Deb]) -> RootfsImage {
        let mut status = String::new();
        for d in debs {
            status.push_str(&format!(
                "Package: {}\nStatus: install ok installed\nPriority: optional\nSection: libs\n\
                 Maintainer: vimes test fixtures <fixtures@example.invalid>\nArchitecture: {}\n",
                d.name, d.arch
            ));
            if !d.source.is_empty() {
                status.push_str(&format!("Source: {}\n", d.source));
            }
            status.push_str(&format!(
                "Version: {}\nDescription: vimes test fixture package {}\n Test data; contains no files.\n\n",
                d.version, d.name
            ));
        }
        self.file("var/lib/dpkg/status", status)
    }

    /// `usr/lib/python3/dist-packages/NAME-VERSION.dist-info/{METADATA,RECORD}` per distribution.
    pub fn python(mut self, pys: &[PyDist]) -> RootfsImage {
        for p in pys {
            let dir = format!("{}-{}.dist-info", p.name, p.version);
            let base = format!("usr/lib/python3/dist-packages/{dir}");
            self = self
                .file(
                    &format!("{base}/METADATA"),
                    format!(
                        "Metadata-Version: 2.1\nName: {}\nVersion: {}\nSummary: vimes test fixture\n\n\
                         vimes test fixture: only the dist-info metadata, no code.\n",
                        p.name, p.version
                    ),
                )
                .file(
                    &format!("{base}/RECORD"),
                    format!("{dir}/METADATA,,\n{dir}/RECORD,,\n"),
                );
        }
        self
    }

    /// `usr/lib/node_modules/NAME/package.json` (scoped names like `@babel/core` work).
    pub fn npm(self, name: &str, version: &str) -> RootfsImage {
        let manifest = json!({"name": name, "version": version, "license": "MIT"}).to_string();
        self.file(
            &format!("usr/lib/node_modules/{name}/package.json"),
            manifest,
        )
    }

    /// The image: one layer with every file (and its parent directories), an
    /// OCI config and manifest. Same files, same digest.
    pub fn build(&self) -> TestImage {
        let tar = self.tar();
        let diff_id = sha256_digest(&tar);
        let layer = gzip(&tar);
        let config = serde_json::to_vec(&json!({
            "architecture": self.arch,
            "os": "linux",
            "created": "1970-01-01T00:00:00Z",
            "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "vimes test rootfs"}],
        }))
        .expect("serialize the image config");
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor(OCI_CONFIG, &config),
            "layers": [descriptor(OCI_LAYER_GZIP, &layer)],
        }))
        .expect("serialize the image manifest");
        TestImage {
            digest: sha256_digest(&manifest),
            media_type: OCI_MANIFEST.to_string(),
            manifest,
            config,
            layers: vec![layer],
        }
    }

    fn tar(&self) -> Vec<u8> {
        let mut dirs = std::collections::BTreeSet::new();
        for path in self.files.keys() {
            let mut parent = std::path::Path::new(path).parent();
            while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
                dirs.insert(format!("{}/", p.display()));
                parent = p.parent();
            }
        }
        let mut builder = tar::Builder::new(Vec::new());
        for dir in &dirs {
            let mut header = header(tar::EntryType::Directory, 0o755, 0);
            builder
                .append_data(&mut header, dir, std::io::empty())
                .expect("append a directory to an in-memory tar");
        }
        for (path, contents) in &self.files {
            let mut header = header(tar::EntryType::Regular, 0o644, contents.len() as u64);
            builder
                .append_data(&mut header, path, contents.as_slice())
                .expect("append a file to an in-memory tar");
        }
        builder.into_inner().expect("finish an in-memory tar")
    }
}

fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_size(size);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    header
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({"mediaType": media_type, "digest": sha256_digest(bytes), "size": bytes.len()})
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    // No file name and mtime 0 in the gzip header: the same bytes every run.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("finish gzip in memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_files_same_digest_and_a_readable_layer() {
        let a = RootfsImage::debian(
            &[deb("zlib1g", "1:1.2.13.dfsg-1", "zlib")],
            &[py("requests", "2.28.1")],
        );
        let b = RootfsImage::debian(
            &[deb("zlib1g", "1:1.2.13.dfsg-1", "zlib")],
            &[py("requests", "2.28.1")],
        );
        assert_eq!(a.digest, b.digest);
        let gz = flate2::read::GzDecoder::new(a.layers[0].as_slice());
        let mut archive = tar::Archive::new(gz);
        let mut paths = Vec::new();
        let mut status = String::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().display().to_string();
            if path == "var/lib/dpkg/status" {
                std::io::Read::read_to_string(&mut entry, &mut status).unwrap();
            }
            paths.push(path);
        }
        assert!(paths.contains(&"etc/os-release".to_string()));
        assert!(paths.contains(
            &"usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA".to_string()
        ));
        assert!(paths.contains(&"var/lib/".to_string()));
        assert!(status.contains("Package: zlib1g\nStatus: install ok installed\n"));
        assert!(status.contains("Source: zlib\nVersion: 1:1.2.13.dfsg-1\n"));
    }
}
