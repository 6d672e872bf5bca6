//! The canonical identity of a registry host, the one form in which vimes
//! compares registries: production, immutability, `insecure`, `ca_file`,
//! credentials and token realms must not depend on how a host was spelled.
//! Two spellings of one server (`Harbor.Example.com` and
//! `harbor.example.com:443`, `localhost:5000` and `127.0.0.1:5000`) used to
//! count as two registries, so a copy to the other spelling escaped the
//! production checks.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The port a registry without one is reached on (the OCI distribution API is
/// HTTPS; an `insecure` registry on port 80 must name its port).
pub const DEFAULT_PORT: u16 = 443;

/// A registry host in canonical form: see [`RegistryIdentity::of`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistryIdentity {
    host: String,
    port: u16,
}

impl RegistryIdentity {
    /// The identity of `host[:port]` (IPv6 in brackets): the host lowercased
    /// and without a trailing dot, IPv4 and IPv6 addresses in their canonical
    /// spelling (as a URL parser reads them, so `127.1` is `127.0.0.1`),
    /// IPv4-mapped IPv6 as IPv4, `localhost`, `127.0.0.1` and `::1` as one
    /// loopback host, docker's hub aliases as `docker.io`, and no port as 443.
    /// A string that is not a host at all keeps its lowercased self, so it
    /// equals nothing but its own spelling.
    pub fn of(host_port: &str) -> RegistryIdentity {
        let trimmed = host_port.trim();
        let parsed = reqwest::Url::parse(&format!("https://{trimmed}/"))
            .ok()
            .filter(|u| u.path() == "/" && u.username().is_empty() && u.query().is_none());
        let Some(url) = parsed else {
            return RegistryIdentity {
                host: trimmed.to_ascii_lowercase(),
                port: DEFAULT_PORT,
            };
        };
        let port = url.port().unwrap_or(DEFAULT_PORT);
        // The URL parser has already put addresses in canonical form; what
        // is left is telling them from names.
        let host = match url.host_str() {
            Some(h) => match h.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
                Some(v6) => v6
                    .parse::<Ipv6Addr>()
                    .map_or_else(|_| h.to_string(), |ip| canonical_ip(IpAddr::V6(ip))),
                None => h
                    .parse::<Ipv4Addr>()
                    .map_or_else(|_| canonical_domain(h), |ip| canonical_ip(IpAddr::V4(ip))),
            },
            None => trimmed.to_ascii_lowercase(),
        };
        RegistryIdentity { host, port }
    }

    /// Whether this is the loopback host.
    pub fn is_loopback(&self) -> bool {
        self.host == LOOPBACK
    }

    /// The spellings of `host[:port]` that reach this identity and that
    /// another program (oci-client's list of plain-HTTP hosts) may be given
    /// verbatim: the written one, with and without the default port, and for
    /// loopback `localhost`, `127.0.0.1` and `[::1]`.
    pub fn spellings(&self) -> Vec<String> {
        let hosts: Vec<String> = if self.is_loopback() {
            vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()]
        } else {
            vec![self.host.clone()]
        };
        let mut out = Vec::new();
        for h in hosts {
            out.push(format!("{h}:{}", self.port));
            if self.port == DEFAULT_PORT {
                out.push(h);
            }
        }
        out
    }
}

impl std::fmt::Display for RegistryIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// Whether `a` and `b` (each `host[:port]`) name the same registry.
pub fn same_registry(a: &str, b: &str) -> bool {
    RegistryIdentity::of(a) == RegistryIdentity::of(b)
}

const LOOPBACK: &str = "localhost";

fn canonical_domain(domain: &str) -> String {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    match d.as_str() {
        "localhost" => LOOPBACK.to_string(),
        "index.docker.io" | "registry-1.docker.io" => super::reference::DOCKER_HUB.to_string(),
        _ => d,
    }
}

fn canonical_ip(ip: IpAddr) -> String {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) if v4 == Ipv4Addr::LOCALHOST => LOOPBACK.to_string(),
        IpAddr::V6(v6) if v6 == Ipv6Addr::LOCALHOST => LOOPBACK.to_string(),
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_registry_are_one_identity() {
        for (a, b) in [
            ("Harbor.Example.com", "harbor.example.com"),
            ("harbor.example.com", "harbor.example.com:443"),
            ("harbor.example.com.", "HARBOR.example.com:443"),
            ("localhost:5000", "127.0.0.1:5000"),
            ("[::1]:5000", "127.0.0.1:5000"),
            ("localhost.:5000", "[0:0:0:0:0:0:0:1]:5000"),
            ("[::ffff:127.0.0.1]:5000", "localhost:5000"),
            ("127.1:5000", "127.0.0.1:5000"),
            ("[2001:DB8::1]:5000", "[2001:db8:0:0::1]:5000"),
            ("index.docker.io", "docker.io"),
            ("registry-1.docker.io:443", "docker.io"),
        ] {
            assert!(same_registry(a, b), "{a} and {b} are one registry");
        }
    }

    #[test]
    fn other_hosts_and_ports_stay_apart() {
        for (a, b) in [
            ("localhost:5000", "localhost:5001"),
            ("localhost", "localhost:5000"),
            ("127.0.0.2:5000", "127.0.0.1:5000"),
            ("harbor.example.com", "harbor.example.com:80"),
            ("harbor.example.com", "harbor.example.org"),
            ("evil.example.com/harbor.example.com", "harbor.example.com"),
            ("user@harbor.example.com", "harbor.example.com"),
        ] {
            assert!(!same_registry(a, b), "{a} and {b} are different registries");
        }
    }

    #[test]
    fn spellings_cover_loopback_and_the_default_port() {
        let s = RegistryIdentity::of("127.0.0.1:5000").spellings();
        assert_eq!(s, ["localhost:5000", "127.0.0.1:5000", "[::1]:5000"]);
        let s = RegistryIdentity::of("H.example.com").spellings();
        assert_eq!(s, ["h.example.com:443", "h.example.com"]);
        for spelling in RegistryIdentity::of("[::1]").spellings() {
            assert!(same_registry(&spelling, "localhost:443"), "{spelling}");
        }
        assert_eq!(
            RegistryIdentity::of("Localhost:5000").to_string(),
            "localhost:5000"
        );
    }
}
