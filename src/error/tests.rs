use super::*;

#[test]
fn every_registry_kind_exits_4_and_only_a_mismatch_changes_the_json_kind() {
    use RegistryErrorKind::*;
    for kind in [Auth, Tls, Transient, NotFound, Protocol] {
        let e = Error::from(RegistryError::new(kind, "r.example", "x"));
        assert_eq!(
            (e.exit(), e.kind()),
            (Exit::Registry, "registry"),
            "{kind:?}"
        );
        assert!(e.is_registry_failure());
    }
    let e = Error::from(RegistryError::digest_mismatch(
        "r.example",
        "blob",
        "sha256:aa",
        "sha256:bb",
    ));
    assert_eq!((e.exit(), e.kind()), (Exit::Registry, "digest_mismatch"));
    assert_eq!(
        e.to_string(),
        "r.example: digest mismatch for blob: expected sha256:aa, got sha256:bb"
    );
    let e = Error::from(HarborError::new(Auth, "h.example", "denied"));
    assert_eq!(
        (e.exit(), e.kind(), e.to_string().as_str()),
        (Exit::Registry, "registry", "h.example: denied")
    );
}

#[test]
fn http_statuses_and_unanswered_requests_map_to_their_kinds() {
    use RegistryErrorKind::*;
    let kinds: Vec<_> = [401, 403, 404, 429, 503, 400]
        .into_iter()
        .map(RegistryErrorKind::of_status)
        .collect();
    assert_eq!(
        kinds,
        [Auth, Auth, NotFound, Transient, Transient, Protocol]
    );
    assert_eq!(
        RegistryErrorKind::of_unanswered(
            "error sending request: invalid peer certificate: UnknownIssuer"
        ),
        Tls
    );
    assert_eq!(
        RegistryErrorKind::of_unanswered("connection refused"),
        Transient
    );
}

#[test]
fn an_internal_error_exits_101_with_the_bug_report_line() {
    let e = Error::internal("cannot serialise the review");
    assert_eq!((e.exit(), e.kind()), (Exit::Internal, "internal"));
    assert_eq!(
        e.to_string(),
        "internal error (this is a bug, please report it): cannot serialise the review"
    );
    assert_eq!(exit_for(&anyhow::anyhow!("untyped")), Exit::Internal);
}

#[test]
fn config_errors_point_at_file_line_and_column() {
    let e = Error::from(ConfigError::at(
        Location::at("vimes.yaml", 3, 7),
        "unknown key",
    ));
    assert_eq!((e.exit(), e.kind()), (Exit::Usage, "config"));
    assert_eq!(e.to_string(), "vimes.yaml:3:7: unknown key");
    assert_eq!(
        ConfigError::in_file("a.yaml", "empty").to_string(),
        "a.yaml: empty"
    );
    assert_eq!(
        ConfigError::new("no registries").to_string(),
        "no registries"
    );
}

#[test]
fn process_and_verification_errors_keep_their_exits() {
    let e = Error::from(ProcessError::new(
        ProcessErrorKind::TimedOut,
        "trivy",
        "`trivy` timed out",
    ));
    assert_eq!((e.exit(), e.kind()), (Exit::Tool, "tool"));
    assert_eq!(e.to_string(), "trivy: `trivy` timed out");
    let e = Error::from(VerifyError::UntrustedKey);
    assert_eq!((e.exit(), e.kind()), (Exit::PolicyDenied, "policy"));
}

#[test]
fn a_module_error_that_reached_anyhow_unlifted_is_still_classified() {
    let err = anyhow::Error::from(RegistryError::auth("r.example", "401")).context("pulling");
    assert_eq!(
        (exit_for(&err), kind_for(&err)),
        (Exit::Registry, "registry")
    );
    let err = anyhow::Error::from(ConfigError::new("bad"));
    assert_eq!((exit_for(&err), kind_for(&err)), (Exit::Usage, "config"));
    let err = anyhow::Error::from(ProcessError::new(
        ProcessErrorKind::NotFound,
        "syft",
        "not found",
    ));
    assert_eq!((exit_for(&err), kind_for(&err)), (Exit::Tool, "tool"));
    let err = anyhow::Error::from(Error::from(RegistryError::not_found("r", "x"))).context("copy");
    assert_eq!(exit_for(&err), Exit::Registry);
}
