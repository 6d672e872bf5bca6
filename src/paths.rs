//! Where vimes keeps its own files, found one way: the XDG base directories
//! as the `dirs` crate reads them (`$XDG_DATA_HOME`, `$XDG_CACHE_HOME` when
//! absolute, else under the home directory, which `dirs` takes from `HOME`
//! or the password database). Every module that stores something asks here.

use std::path::PathBuf;

/// `<data dir>/vimes`: reviews, the audit log, the exceptions serials seen,
/// the SBOM inventory. `None` only on a machine with no home directory.
pub fn data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("vimes"))
}

/// `<cache dir>/vimes`: scan reports, tool versions, locks, buildah storage.
/// `None` only on a machine with no home directory.
pub fn cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("vimes"))
}

/// [`data_dir`], or a `vimes` directory under the system's temporary
/// directory when there is none (state must still go somewhere private to
/// this machine, and a run must not fail for want of a home).
pub fn data_dir_or_temp() -> PathBuf {
    data_dir().unwrap_or_else(|| std::env::temp_dir().join("vimes"))
}

/// [`cache_dir`], or a `vimes-cache` directory under the system's temporary
/// directory when there is none.
pub fn cache_dir_or_temp() -> PathBuf {
    cache_dir().unwrap_or_else(|| std::env::temp_dir().join("vimes-cache"))
}

/// Trivy's shared cache (its vulnerability DB): `TRIVY_CACHE_DIR` as Trivy
/// itself reads it, else Trivy's own default under the user's cache
/// directory (or the system's temporary directory).
pub fn trivy_cache_dir() -> PathBuf {
    std::env::var_os("TRIVY_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            dirs::cache_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join("trivy")
        })
}

/// Where review records are kept: `<data dir>/vimes/reviews`.
pub fn reviews_dir() -> PathBuf {
    data_dir_or_temp().join("reviews")
}

/// The local audit log of promotions (JSON lines).
pub fn audit_log() -> PathBuf {
    data_dir_or_temp().join("audit.log")
}
