//! Where a registry's credentials may go. A registry that answers `/v2/`
//! with `WWW-Authenticate: Bearer realm="..."` sends its clients, with their
//! password, to that realm for a token; oci-client, Trivy, Syft and buildah
//! all follow it wherever it points. vimes asks first: a password goes to a
//! realm only on the registry's own host (same identity, see
//! [`super::identity`]) or on one of its `token_hosts`, and never over plain
//! HTTP from a registry reached over TLS.
//!
//! The registry is asked again by the program that then logs in, so a
//! registry could answer differently the second time; but a registry that
//! wants the password can ask for it with Basic auth anyway. What this closes
//! is a password leaving for a third party, or in clear text, because of
//! what a registry (or its configuration) names.

use super::identity::RegistryIdentity;
use crate::config::RegistryConfig;
use crate::error::{RegistryError, RegistryErrorKind, Result};
use std::time::Duration;

/// Token hosts that registries are known to use besides their own host.
const WELL_KNOWN: &[(&str, &str)] = &[("docker.io", "auth.docker.io")];

/// One challenge of a `WWW-Authenticate` header: scheme and parameters.
type Challenge = (String, Vec<(String, String)>);

/// Why credentials must not be sent to the token service a registry names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RealmRefusal {
    /// A Bearer challenge no parser can be trusted to read the same way.
    #[error("its WWW-Authenticate header cannot be read ({0:?})")]
    Unreadable(String),
    /// A header that is not even text.
    #[error("its WWW-Authenticate header is not text")]
    NotText,
    /// A realm that is not an absolute URL.
    #[error("its token realm {0:?} is not an absolute URL")]
    NotAUrl(String),
    /// A plain-HTTP realm for a registry reached over TLS.
    #[error("its token realm {0:?} is plain HTTP, but the registry is reached over TLS")]
    PlainHttp(String),
    /// A realm with a scheme other than http(s).
    #[error("its token realm {0:?} uses scheme {1:?}")]
    Scheme(String, String),
    /// A realm URL without a host.
    #[error("its token realm {0:?} names no host")]
    NoHost(String),
    /// A realm on a host that is not the registry's nor one it is known to use.
    #[error(
        "its token realm {0:?} is on {1}, not on the registry's host \
         (list that host under the registry's token_hosts in vimes.yaml if it is the \
         registry's own token service)"
    )]
    OtherHost(String, String),
}

/// Checks the realms the `WWW-Authenticate` value `header` names against
/// `registry` (`host[:port]`, reached over TLS when `tls`). `Err` carries the
/// reason credentials must not be sent.
pub fn check_challenge(
    header: &str,
    registry: &str,
    tls: bool,
    token_hosts: &[String],
) -> std::result::Result<(), RealmRefusal> {
    let Some(challenges) = parse_challenges(header) else {
        // Unreadable: what another parser makes of it cannot be known.
        if header.to_ascii_lowercase().contains("bearer") {
            return Err(RealmRefusal::Unreadable(shorten(header)));
        }
        return Ok(());
    };
    for (scheme, params) in &challenges {
        if !scheme.eq_ignore_ascii_case("bearer") {
            continue;
        }
        for (key, realm) in params {
            if key.eq_ignore_ascii_case("realm") {
                check_realm(realm, registry, tls, token_hosts)?;
            }
        }
    }
    Ok(())
}

/// Whether credentials of `registry` may be sent to the token realm `realm`.
pub fn check_realm(
    realm: &str,
    registry: &str,
    tls: bool,
    token_hosts: &[String],
) -> std::result::Result<(), RealmRefusal> {
    let shown = shorten(realm);
    let url = reqwest::Url::parse(realm).map_err(|_| RealmRefusal::NotAUrl(shown.clone()))?;
    match url.scheme() {
        "https" => {}
        "http" if !tls => {}
        "http" => return Err(RealmRefusal::PlainHttp(shown)),
        other => return Err(RealmRefusal::Scheme(shown, other.to_string())),
    }
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Err(RealmRefusal::NoHost(shown));
    };
    let realm_id = RegistryIdentity::of(&format!("{host}:{port}"));
    let registry_id = RegistryIdentity::of(registry);
    let well_known = WELL_KNOWN
        .iter()
        .filter(|(r, _)| RegistryIdentity::of(r) == registry_id)
        .map(|(_, t)| t.to_string());
    let allowed = realm_id == registry_id
        || token_hosts
            .iter()
            .cloned()
            .chain(well_known)
            .any(|h| RegistryIdentity::of(&h) == realm_id);
    if allowed {
        Ok(())
    } else {
        Err(RealmRefusal::OtherHost(shown, realm_id.to_string()))
    }
}

/// Asks `registry`'s `/v2/` (without credentials) which realm it names and
/// checks it. The outer error is a failure to ask (exit 4); the inner one the
/// reason credentials must not be sent there.
pub async fn probe(
    http: &reqwest::Client,
    registry: &str,
    config: Option<&RegistryConfig>,
) -> Result<std::result::Result<(), RealmRefusal>> {
    let tls = !config.is_some_and(|r| r.insecure);
    let scheme = if tls { "https" } else { "http" };
    let url = format!("{scheme}://{registry}/v2/");
    let response = http
        .get(&url)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| {
            RegistryError::new(
                RegistryErrorKind::of_unanswered(&crate::error::chain_text(&e)),
                registry.to_string(),
                format!(
                    "asking which token realm it names: {}",
                    crate::error::chain_text(&e)
                ),
            )
        })?;
    let token_hosts = config.map(|r| r.token_hosts.as_slice()).unwrap_or(&[]);
    for value in response
        .headers()
        .get_all(reqwest::header::WWW_AUTHENTICATE)
    {
        let Ok(text) = value.to_str() else {
            return Ok(Err(RealmRefusal::NotText));
        };
        if let Err(why) = check_challenge(text, registry, tls, token_hosts) {
            return Ok(Err(why));
        }
    }
    Ok(Ok(()))
}

/// A client for [`probe`] with `ca_files` trusted; redirects are not
/// followed (a redirected `/v2/` is not the registry answering).
pub fn probe_client(ca_files: &[std::path::PathBuf]) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .tls_certs_merge(super::tls::reqwest_roots(ca_files)?)
        .connect_timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("vimes/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            RegistryError::tls("(all)", format!("cannot set up the HTTP client: {e}")).into()
        })
}

fn shorten(s: &str) -> String {
    let cut: String = s.chars().take(120).collect();
    cut.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Parses a `WWW-Authenticate` value (RFC 7235: challenges of a scheme and
/// `key=value` parameters, values as tokens or quoted strings, all comma
/// separated). `None` when it does not follow that grammar.
fn parse_challenges(header: &str) -> Option<Vec<Challenge>> {
    let chars: Vec<char> = header.chars().collect();
    let mut i = 0;
    let mut out: Vec<Challenge> = Vec::new();
    let is_token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~/:".contains(c);
    let skip_space = |i: &mut usize| {
        while *i < chars.len() && (chars[*i] == ' ' || chars[*i] == '\t') {
            *i += 1;
        }
    };
    loop {
        while i < chars.len() && (chars[i] == ',' || chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        if i >= chars.len() {
            return Some(out);
        }
        let start = i;
        while i < chars.len() && is_token(chars[i]) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let word: String = chars[start..i].iter().collect();
        skip_space(&mut i);
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            skip_space(&mut i);
            let value = if i < chars.len() && chars[i] == '"' {
                i += 1;
                let mut v = String::new();
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            v.push(*chars.get(i + 1)?);
                            i += 2;
                        }
                        Some(c) => {
                            v.push(*c);
                            i += 1;
                        }
                    }
                }
                v
            } else {
                let s = i;
                while i < chars.len() && (is_token(chars[i]) || chars[i] == '=') {
                    i += 1;
                }
                chars[s..i].iter().collect()
            };
            out.last_mut()?.1.push((word, value));
        } else {
            out.push((word, Vec::new()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REG: &str = "harbor.example.com";

    #[test]
    fn a_realm_on_the_registry_host_is_accepted() {
        for h in [
            r#"Bearer realm="https://harbor.example.com/service/token",service="harbor-registry""#,
            r#"Bearer realm="https://HARBOR.example.com:443/token""#,
            r#"Basic realm="vimes-test""#,
            "",
        ] {
            assert_eq!(check_challenge(h, REG, true, &[]), Ok(()), "{h}");
        }
        assert_eq!(
            check_challenge(
                r#"Bearer realm="http://127.0.0.1:5000/token""#,
                "localhost:5000",
                false,
                &[]
            ),
            Ok(())
        );
        assert_eq!(
            check_challenge(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#,
                "docker.io",
                true,
                &[]
            ),
            Ok(())
        );
    }

    #[test]
    fn a_foreign_or_plain_http_realm_is_refused() {
        for h in [
            r#"Bearer realm="https://evil.example.com/token""#,
            r#"Bearer realm="https://harbor.example.com:8443/token""#,
            r#"Bearer realm="http://harbor.example.com/token""#,
            r#"Bearer realm="https://harbor.example.com.evil.example/token""#,
            r#"Bearer realm="https://harbor.example.com@evil.example.com/token""#,
            r#"Bearer realm=https://evil.example.com/token"#,
            r#"Basic realm="x", Bearer realm="https://evil.example.com/t""#,
            r#"bearer REALM="https://evil.example.com/t""#,
            r#"Bearer realm="/token""#,
            r#"Bearer realm="ftp://harbor.example.com/token""#,
            r#"Bearer realm="https://evil.example.com/t"#,
        ] {
            assert!(check_challenge(h, REG, true, &[]).is_err(), "{h}");
        }
    }

    #[test]
    fn token_hosts_extend_where_credentials_may_go() {
        let h = r#"Bearer realm="https://auth.example.com/jwt",service="registry""#;
        assert!(check_challenge(h, REG, true, &[]).is_err());
        assert_eq!(
            check_challenge(h, REG, true, &["auth.example.com".into()]),
            Ok(())
        );
        assert!(check_challenge(h, REG, true, &["auth.example.com:8443".into()]).is_err());
    }
}
