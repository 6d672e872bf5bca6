//! `sbom.inventory`: an SQLite file path or a `postgres://` URL. Parsed here,
//! beside the model, so that validation refuses a bad URL with its position
//! and the inventory layer receives only URLs that follow the rules: no
//! password in them, TLS with certificate and host-name verification unless
//! the server is on this machine.

use std::fmt;

/// Where the inventory lives, as `sbom.inventory` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InventoryTarget {
    /// An SQLite file (relative paths are relative to vimes.yaml).
    Sqlite(String),
    /// A PostgreSQL database.
    Postgres(PostgresUrl),
}

/// A PostgreSQL inventory URL, checked: it holds no password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresUrl {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// Port (5432 unless given).
    pub port: u16,
    /// Database user.
    pub user: String,
    /// Database name (the user's name unless given, as libpq does).
    pub dbname: String,
    /// Whether TLS is used (`sslmode=verify-full`, the default); `false`
    /// only with `sslmode=disable` on a loopback host.
    pub tls: bool,
}

impl fmt::Display for PostgresUrl {
    /// The URL as vimes prints it: never with a password (it has none).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match self.host.contains(':') {
            true => format!("[{}]", self.host),
            false => self.host.clone(),
        };
        write!(
            f,
            "postgres://{}@{host}:{}/{}",
            self.user, self.port, self.dbname
        )?;
        if !self.tls {
            f.write_str("?sslmode=disable")?;
        }
        Ok(())
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `value` is meant as a PostgreSQL URL rather than a file path.
pub fn is_postgres_url(value: &str) -> bool {
    let lower = value.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// Why `sbom.inventory` was refused. No variant carries the value itself:
/// it may hold a password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InventoryUrlError {
    /// The key is set to nothing.
    #[error("sbom.inventory is empty; give a file path or a postgres:// URL, or remove the key")]
    Empty,
    /// The URL does not parse.
    #[error("sbom.inventory is not a valid postgres:// URL ({0})")]
    Malformed(String),
    /// The URL carries a password (as `user:password@` or `?password=`).
    #[error(
        "sbom.inventory holds a password: remove it from the URL and put it in the environment \
         variable named by sbom.password_env (default PGPASSWORD); use password_env"
    )]
    Password,
    /// No user before the `@`.
    #[error("sbom.inventory names no user: write postgres://USER@HOST[:PORT]/DB")]
    NoUser,
    /// No host.
    #[error("sbom.inventory names no host: write postgres://USER@HOST[:PORT]/DB")]
    NoHost,
    /// The path has more than one segment.
    #[error("sbom.inventory: the URL path is the database name, one segment")]
    DatabasePath,
    /// The user or database decodes to invalid UTF-8.
    #[error("sbom.inventory: the URL decodes to invalid UTF-8")]
    NotUtf8,
    /// An `sslmode` vimes does not offer.
    #[error(
        "sbom.inventory: sslmode={0} is not supported: use verify-full (TLS, the default) or, \
         for a server on this machine, disable"
    )]
    SslMode(String),
    /// A query parameter other than `sslmode`.
    #[error("sbom.inventory: unknown URL parameter {0:?} (vimes reads sslmode only)")]
    UnknownParameter(String),
    /// `sslmode=disable` for a server that is not on this machine.
    #[error(
        "sbom.inventory: sslmode=disable sends the password and the inventory in clear text; it \
         is allowed only for a server on this machine, not {0}"
    )]
    PlainRemote(String),
}

/// Reads `sbom.inventory`. The error says what is wrong without repeating
/// the value (it may hold a password).
pub fn parse_inventory(value: &str) -> Result<InventoryTarget, InventoryUrlError> {
    if !is_postgres_url(value) {
        if value.trim().is_empty() {
            return Err(InventoryUrlError::Empty);
        }
        return Ok(InventoryTarget::Sqlite(value.to_string()));
    }
    let url =
        url::Url::parse(value.trim()).map_err(|e| InventoryUrlError::Malformed(e.to_string()))?;
    if url.password().is_some() {
        return Err(InventoryUrlError::Password);
    }
    let user = percent_decoded(url.username())?;
    if user.is_empty() {
        return Err(InventoryUrlError::NoUser);
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        _ => return Err(InventoryUrlError::NoHost),
    };
    let dbname = percent_decoded(url.path().trim_start_matches('/'))?;
    if dbname.contains('/') {
        return Err(InventoryUrlError::DatabasePath);
    }
    let mut tls = true;
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref()) {
            ("sslmode", "verify-full") => tls = true,
            ("sslmode", "disable") => tls = false,
            ("sslmode", other) => return Err(InventoryUrlError::SslMode(other.to_string())),
            ("password", _) => return Err(InventoryUrlError::Password),
            (other, _) => return Err(InventoryUrlError::UnknownParameter(other.to_string())),
        }
    }
    if !tls && !is_loopback(&host) {
        return Err(InventoryUrlError::PlainRemote(host));
    }
    Ok(InventoryTarget::Postgres(PostgresUrl {
        dbname: match dbname.is_empty() {
            true => user.clone(),
            false => dbname,
        },
        host,
        port: url.port().unwrap_or(5432),
        user,
        tls,
    }))
}

/// `%XX` escapes of a URL's user or path, decoded (UTF-8 only).
fn percent_decoded(part: &str) -> Result<String, InventoryUrlError> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| part.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| InventoryUrlError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(value: &str) -> PostgresUrl {
        match parse_inventory(value) {
            Ok(InventoryTarget::Postgres(u)) => u,
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn paths_and_urls() {
        assert_eq!(
            parse_inventory("state/inv.db"),
            Ok(InventoryTarget::Sqlite("state/inv.db".into()))
        );
        let u = pg("postgres://vimes@db.example.com/inventory");
        assert_eq!(
            (
                u.host.as_str(),
                u.port,
                u.user.as_str(),
                u.dbname.as_str(),
                u.tls
            ),
            ("db.example.com", 5432, "vimes", "inventory", true)
        );
        let u = pg("postgresql://ci@127.0.0.1:6543?sslmode=disable");
        assert_eq!((u.port, u.dbname.as_str(), u.tls), (6543, "ci", false));
        assert_eq!(
            u.to_string(),
            "postgres://ci@127.0.0.1:6543/ci?sslmode=disable"
        );
        assert_eq!(pg("postgres://a@[::1]:1/d?sslmode=disable").host, "::1");
        assert!(pg("postgres://a@localhost/d?sslmode=disable").host == "localhost");
    }

    #[test]
    fn passwords_plain_remote_and_unknown_modes_are_refused() {
        let e = parse_inventory("postgres://vimes:hunter2@db/inv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("use password_env"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        let e = parse_inventory("postgres://vimes@db/inv?password=hunter2")
            .unwrap_err()
            .to_string();
        assert!(e.contains("password_env") && !e.contains("hunter2"), "{e}");
        let e = parse_inventory("postgres://vimes@db.example.com/inv?sslmode=disable")
            .unwrap_err()
            .to_string();
        assert!(e.contains("only for a server on this machine"), "{e}");
        let e = parse_inventory("postgres://vimes@db/inv?sslmode=require")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sslmode=require is not supported"), "{e}");
        assert!(parse_inventory("postgres://db/inv").is_err());
        assert!(parse_inventory("postgres://u@db/a/b").is_err());
        assert!(parse_inventory(" ").is_err());
    }
}
