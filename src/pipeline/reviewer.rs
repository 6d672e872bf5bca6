//! Who is reviewing. CI runners and containers often have no git identity
//! and no `USER`, so the answer is looked for where each kind of machine
//! keeps it: the flag, the CI system's own record of who started the run,
//! git, and finally the OS account of the process.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The reviewer and where the name came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reviewer {
    /// The name recorded in the review.
    pub name: String,
    /// The CI run the review happened in, when it did.
    pub ci: Option<CiRun>,
}

impl std::fmt::Display for Reviewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// A CI system's run, recorded beside the reviewer's name.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CiRun {
    /// `github-actions`, `gitlab-ci`, `jenkins`, `buildkite`, `circleci`.
    pub provider: String,
    /// The run's web address, when the system names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_url: Option<String>,
}

/// Finds the reviewer: `flag`, else the CI system's identity, else git's
/// `user.email`, else the OS account (the password database, not only
/// `USER`). `environment` is the process environment (passed in so that the
/// choice can be tested).
pub fn find_reviewer(
    flag: Option<&str>,
    environment: &BTreeMap<String, String>,
) -> Option<Reviewer> {
    let ci = ci_run(environment);
    if let Some(name) = flag.map(str::trim).filter(|r| !r.is_empty()) {
        return Some(Reviewer {
            name: name.to_string(),
            ci,
        });
    }
    if let Some((name, run)) = ci_identity(environment) {
        return Some(Reviewer {
            name,
            ci: Some(run),
        });
    }
    let name = crate::tools::git::user_email()
        .or_else(|| non_empty(environment, "USER"))
        .or_else(os_account)?;
    Some(Reviewer { name, ci })
}

fn non_empty(environment: &BTreeMap<String, String>, name: &str) -> Option<String> {
    environment
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// One CI system: how to recognise it, who started the run, where it is.
struct CiSystem {
    provider: &'static str,
    marker: &'static str,
    actors: &'static [&'static str],
    run_url: fn(&BTreeMap<String, String>) -> Option<String>,
}

const CI_SYSTEMS: &[CiSystem] = &[
    CiSystem {
        provider: "github-actions",
        marker: "GITHUB_ACTIONS",
        actors: &["GITHUB_TRIGGERING_ACTOR", "GITHUB_ACTOR"],
        run_url: |env| {
            let server = non_empty(env, "GITHUB_SERVER_URL")?;
            let repository = non_empty(env, "GITHUB_REPOSITORY")?;
            let run = non_empty(env, "GITHUB_RUN_ID")?;
            Some(format!("{server}/{repository}/actions/runs/{run}"))
        },
    },
    CiSystem {
        provider: "gitlab-ci",
        marker: "GITLAB_CI",
        actors: &["GITLAB_USER_EMAIL", "GITLAB_USER_LOGIN"],
        run_url: |env| non_empty(env, "CI_JOB_URL").or_else(|| non_empty(env, "CI_PIPELINE_URL")),
    },
    CiSystem {
        provider: "buildkite",
        marker: "BUILDKITE",
        actors: &["BUILDKITE_BUILD_CREATOR_EMAIL", "BUILDKITE_BUILD_CREATOR"],
        run_url: |env| non_empty(env, "BUILDKITE_BUILD_URL"),
    },
    CiSystem {
        provider: "circleci",
        marker: "CIRCLECI",
        actors: &["CIRCLE_USERNAME"],
        run_url: |env| non_empty(env, "CIRCLE_BUILD_URL"),
    },
    CiSystem {
        provider: "jenkins",
        marker: "JENKINS_URL",
        actors: &["BUILD_USER_EMAIL", "BUILD_USER_ID"],
        run_url: |env| non_empty(env, "BUILD_URL"),
    },
];

fn detected(environment: &BTreeMap<String, String>) -> Option<&'static CiSystem> {
    CI_SYSTEMS
        .iter()
        .find(|system| non_empty(environment, system.marker).is_some_and(|v| v != "false"))
}

/// The CI run this process is part of, if any.
pub fn ci_run(environment: &BTreeMap<String, String>) -> Option<CiRun> {
    detected(environment).map(|system| CiRun {
        provider: system.provider.to_string(),
        run_url: (system.run_url)(environment),
    })
}

/// Who started the CI run, as the CI system records it.
fn ci_identity(environment: &BTreeMap<String, String>) -> Option<(String, CiRun)> {
    let system = detected(environment)?;
    let actor = system
        .actors
        .iter()
        .find_map(|name| non_empty(environment, name))?;
    Some((
        actor,
        CiRun {
            provider: system.provider.to_string(),
            run_url: (system.run_url)(environment),
        },
    ))
}

/// The login name of the process' effective user, from the password database.
fn os_account() -> Option<String> {
    let mut record = std::mem::MaybeUninit::<libc::passwd>::uninit();
    let mut buffer = vec![0 as libc::c_char; 4096];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes only into `record` and `buffer` (whose real
    // length it is given) and sets `found` to `record` or null.
    let status = unsafe {
        libc::getpwuid_r(
            libc::geteuid(),
            record.as_mut_ptr(),
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if status != 0 || found.is_null() {
        return None;
    }
    // SAFETY: on success `found` points to the initialised `record`, whose
    // `pw_name` is a NUL-terminated string inside `buffer`.
    let name = unsafe { std::ffi::CStr::from_ptr((*found).pw_name) };
    Some(name.to_string_lossy().trim().to_string()).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_flag_wins_and_keeps_the_ci_run() {
        let e = env(&[
            ("GITLAB_CI", "true"),
            ("GITLAB_USER_LOGIN", "bot"),
            ("CI_JOB_URL", "https://gl/j/1"),
        ]);
        let r = find_reviewer(Some("alice@example.com"), &e).unwrap();
        assert_eq!(r.name, "alice@example.com");
        assert_eq!(r.ci.unwrap().run_url.as_deref(), Some("https://gl/j/1"));
    }

    #[test]
    fn ci_systems_name_who_started_the_run_and_where() {
        let e = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_ACTOR", "octocat"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "org/app"),
            ("GITHUB_RUN_ID", "42"),
        ]);
        let r = find_reviewer(None, &e).unwrap();
        assert_eq!(r.name, "octocat");
        let ci = r.ci.unwrap();
        assert_eq!(ci.provider, "github-actions");
        assert_eq!(
            ci.run_url.as_deref(),
            Some("https://github.com/org/app/actions/runs/42")
        );

        let e = env(&[
            ("BUILDKITE", "true"),
            ("BUILDKITE_BUILD_CREATOR_EMAIL", "b@example.com"),
        ]);
        assert_eq!(find_reviewer(None, &e).unwrap().name, "b@example.com");
        let e = env(&[
            ("JENKINS_URL", "https://ci/"),
            ("BUILD_USER_ID", "jdoe"),
            ("BUILD_URL", "https://ci/job/1/"),
        ]);
        let r = find_reviewer(None, &e).unwrap();
        assert_eq!(
            (r.name.as_str(), r.ci.unwrap().provider.as_str()),
            ("jdoe", "jenkins")
        );
    }

    #[test]
    fn with_nothing_set_the_os_account_answers() {
        // No flag, no CI, no USER: git (if the machine has an identity) or
        // the password database still names someone.
        let r = find_reviewer(None, &BTreeMap::new()).unwrap();
        assert!(!r.name.is_empty());
        assert!(r.ci.is_none());
        assert!(os_account().is_some(), "the test's user has a passwd entry");
    }
}
