//! Shapes of the strings vimes.yaml holds: registry names, `host[:port]`,
//! repository paths. Shared by the cross-checks and by `vimes init`, which
//! checks its flags with the same rules before writing the file.

/// Whether `name` is a valid registry name: `[a-z0-9][a-z0-9_-]*`.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Why a vimes.yaml string does not have its shape. Each message completes
/// a sentence starting with the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// Nothing where a registry URL belongs.
    #[error("is empty; write host[:port], e.g. harbor.example.com")]
    EmptyUrl,
    /// A URL scheme before a registry host; `http` says whether it was plain HTTP.
    #[error("has a scheme; drop \"{scheme}://\" and write {host:?}{}", if *http { " (and set insecure: true for plain HTTP)" } else { "" })]
    UrlScheme {
        /// The scheme written.
        scheme: String,
        /// The host after it.
        host: String,
        /// Whether the scheme was `http`.
        http: bool,
    },
    /// A path after a registry host.
    #[error("has a path; write {host:?} and put {path:?} in project")]
    UrlPath {
        /// The host before it.
        host: String,
        /// The path, which belongs in `project`.
        path: String,
    },
    /// Whitespace in a registry URL.
    #[error("contains whitespace; write host[:port]")]
    UrlWhitespace,
    /// A URL scheme before an allowed-registry prefix.
    #[error("has a scheme; drop \"{0}://\" and write host[:port][/path]")]
    PrefixScheme(String),
    /// Whitespace in an allowed-registry prefix.
    #[error("contains whitespace; write host[:port][/path]")]
    PrefixWhitespace,
    /// `[` without its `]`.
    #[error("has an unclosed '[' in its IPv6 address")]
    UnclosedBracket,
    /// Brackets around something other than an IPv6 address.
    #[error("is not a valid IPv6 address in brackets")]
    Ipv6,
    /// Something after `[IPv6]` other than a port.
    #[error("must be host[:port]")]
    AfterIpv6,
    /// A port that is not 1-65535.
    #[error("has an invalid port {0:?} (1-65535)")]
    Port(String),
    /// A host name outside DNS's letters, digits, `-` and `.`.
    #[error("is not a valid host name (letters, digits, '-' and '.'), as host[:port]")]
    HostName,
    /// An empty repository path where one is required.
    #[error("is empty")]
    EmptyPath,
    /// A repository path OCI would refuse.
    #[error(
        "is not a valid repository path: lowercase letters, digits, '.', '_' and '-' in \
             segments joined by '/', each starting and ending with a letter or digit"
    )]
    RepoPath,
}

/// Checks a registry `url`: `host[:port]`, no scheme, path or whitespace.
/// The error completes a sentence starting with the value.
pub fn check_registry_url(url: &str) -> Result<(), ShapeError> {
    if url.is_empty() {
        return Err(ShapeError::EmptyUrl);
    }
    if let Some((scheme, rest)) = url.split_once("://") {
        return Err(ShapeError::UrlScheme {
            scheme: scheme.to_string(),
            host: rest.split('/').next().unwrap_or(rest).to_string(),
            http: scheme.eq_ignore_ascii_case("http"),
        });
    }
    if url.chars().any(char::is_whitespace) {
        return Err(ShapeError::UrlWhitespace);
    }
    if let Some((host, path)) = url.split_once('/') {
        return Err(ShapeError::UrlPath {
            host: host.to_string(),
            path: path.trim_matches('/').to_string(),
        });
    }
    check_host_port(url)
}

/// Checks a `policy.allowed_registries` entry: `host[:port][/path]`.
pub fn check_registry_prefix(entry: &str) -> Result<(), ShapeError> {
    if let Some((scheme, _)) = entry.split_once("://") {
        return Err(ShapeError::PrefixScheme(scheme.to_string()));
    }
    if entry.chars().any(char::is_whitespace) {
        return Err(ShapeError::PrefixWhitespace);
    }
    match entry.split_once('/') {
        Some((host, path)) => {
            check_host_port(host)?;
            check_repo_path(path, false)
        }
        None => check_host_port(entry),
    }
}

/// Checks `host[:port]` (a DNS name, IPv4 address or `[IPv6]`).
fn check_host_port(s: &str) -> Result<(), ShapeError> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else {
            return Err(ShapeError::UnclosedBracket);
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(ShapeError::Ipv6);
        }
        match after {
            "" => return Ok(()),
            p => match p.strip_prefix(':') {
                Some(port) => ("[v6]", Some(port)),
                None => return Err(ShapeError::AfterIpv6),
            },
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if let Some(port) = port {
        if !matches!(port.parse::<u16>(), Ok(n) if n > 0)
            || !port.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(ShapeError::Port(port.to_string()));
        }
    }
    if host == "[v6]" {
        return Ok(());
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.is_empty() || !host.split('.').all(label_ok) {
        return Err(ShapeError::HostName);
    }
    Ok(())
}

/// Checks a repository path: lowercase `[a-z0-9._-]` segments joined by `/`,
/// each starting and ending with a letter or digit (as OCI requires).
pub fn check_repo_path(path: &str, allow_empty: bool) -> Result<(), ShapeError> {
    if path.is_empty() {
        return if allow_empty {
            Ok(())
        } else {
            Err(ShapeError::EmptyPath)
        };
    }
    let segment_ok = |s: &str| {
        let edge =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        edge(s.chars().next())
            && edge(s.chars().last())
            && s.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
    };
    if path.split('/').all(segment_ok) {
        Ok(())
    } else {
        Err(ShapeError::RepoPath)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_ports_and_paths() {
        for bad in ["h:0", "h:99999", "h:x", "-h", "h..x", "[::1", "a b"] {
            assert!(check_registry_url(bad).is_err(), "{bad}");
        }
        for good in [
            "localhost:5000",
            "127.0.0.1:5000",
            "[::1]:5000",
            "[::1]",
            "Harbor.Example.com",
        ] {
            assert_eq!(check_registry_url(good), Ok(()), "{good}");
        }
        assert!(check_registry_url("https://h.example.com/v2")
            .is_err_and(|e| e.to_string().contains("drop")));
        for bad in ["/api", "api/", "Team/x", "a//b", "-a", "a-"] {
            assert!(check_repo_path(bad, false).is_err(), "{bad}");
        }
        for good in ["api", "team/api", "a.b_c-d/e2"] {
            assert_eq!(check_repo_path(good, false), Ok(()), "{good}");
        }
        assert_eq!(check_repo_path("", true), Ok(()));
        assert!(check_repo_path("", false).is_err());
        assert_eq!(
            check_registry_prefix("h.example.com:5000/prod/base"),
            Ok(())
        );
        assert!(check_registry_prefix("h.example.com/").is_err());
        assert!(is_name("prod-2_a") && !is_name("Prod") && !is_name("_x"));
    }
}
