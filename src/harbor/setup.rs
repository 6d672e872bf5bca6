//! `vimes harbor status` and `vimes harbor setup`: compare each Harbor project
//! vimes.yaml names with what Harbor has (drift), and make Harbor match,
//! idempotently: a second run reads, finds nothing to change, and writes nothing.

use super::client::CreatedRobot;
use super::plan::{self, ProjectPlan};
use super::types::{Access, ImmutableRule, Project, RobotCreate, RobotPermission};
use super::HarborClient;
use crate::config::Config;
use crate::error::{ConfigError, Error, HarborError, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// Setting name of the immutable tag rule in reports.
pub const RULE_SETTING: &str = "immutable_rule";

/// Setting name of "no other rule freezes cosign's tags".
pub const FREEZE_SETTING: &str = "signature_tags_mutable";

/// One setting: what vimes.yaml wants, what Harbor has.
#[derive(Clone, Debug, Serialize)]
pub struct SettingState {
    /// `project`, a metadata key, or `immutable_rule`.
    pub setting: String,
    /// The wanted value.
    pub desired: String,
    /// Harbor's value (`None`: unset, or the project is missing).
    pub actual: Option<String>,
    /// Whether they agree.
    pub in_sync: bool,
}

/// One Harbor project's settings.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectState {
    /// What was wanted.
    #[serde(flatten)]
    pub plan: ProjectPlan,
    /// Each setting, desired against actual.
    pub settings: Vec<SettingState>,
    /// Things `setup` cannot change by itself.
    pub warnings: Vec<String>,
}

impl ProjectState {
    /// Whether every setting agrees.
    pub fn in_sync(&self) -> bool {
        self.settings.iter().all(|s| s.in_sync)
    }
}

/// `vimes harbor status`.
#[derive(Clone, Debug, Serialize)]
pub struct StatusReport {
    /// Whether Harbor matches vimes.yaml everywhere.
    pub in_sync: bool,
    /// Harbor's version per host, when Harbor tells.
    pub versions: BTreeMap<String, Option<String>>,
    /// One entry per Harbor project.
    pub projects: Vec<ProjectState>,
    /// Registries that configure nothing, and similar remarks.
    pub notes: Vec<String>,
}

/// A client per Harbor host, made once.
struct Clients<'a> {
    config: &'a Config,
    by_host: BTreeMap<String, HarborClient>,
}

impl<'a> Clients<'a> {
    fn new(config: &'a Config) -> Self {
        Clients {
            config,
            by_host: BTreeMap::new(),
        }
    }

    async fn get(&mut self, plan: &ProjectPlan) -> Result<&HarborClient> {
        if !self.by_host.contains_key(&plan.host) {
            let client = HarborClient::for_registry_config(self.config, &plan.registry).await?;
            self.by_host.insert(plan.host.clone(), client);
        }
        self.by_host
            .get(&plan.host)
            .ok_or_else(|| Error::internal(format!("no Harbor client for {}", plan.host)))
    }
}

fn plans_or_error(config: &Config) -> Result<(Vec<ProjectPlan>, Vec<String>)> {
    let (plans, notes) = plan::plan(config);
    if plans.is_empty() {
        return Err(ConfigError::new(
            "no `type: harbor` registry with a `project:` in vimes.yaml: \
                      nothing for `vimes harbor` to configure",
        )
        .into());
    }
    Ok((plans, notes))
}

/// Compares Harbor with vimes.yaml. Reads only.
pub async fn status(config: &Config) -> Result<StatusReport> {
    let (plans, notes) = plans_or_error(config)?;
    let mut clients = Clients::new(config);
    let mut versions = BTreeMap::new();
    let mut projects = Vec::new();
    for plan in plans {
        let client = clients.get(&plan).await?;
        if !versions.contains_key(&plan.host) {
            let info = client.system_info().await?;
            versions.insert(plan.host.clone(), info.harbor_version);
        }
        let project = client.project(&plan.project).await?;
        // Rules are read for every project: a rule freezing cosign's tags is
        // drift wherever it is.
        let rules = match &project {
            Some(_) => client.immutable_rules(&plan.project).await?,
            None => Vec::new(),
        };
        projects.push(compare(plan, project.as_ref(), &rules));
    }
    Ok(StatusReport {
        in_sync: projects.iter().all(ProjectState::in_sync),
        versions,
        projects,
        notes,
    })
}

/// Desired against actual for one project.
fn compare(plan: ProjectPlan, project: Option<&Project>, rules: &[ImmutableRule]) -> ProjectState {
    let mut settings = vec![SettingState {
        setting: "project".into(),
        desired: "exists".into(),
        actual: Some(
            if project.is_some() {
                "exists"
            } else {
                "missing"
            }
            .into(),
        ),
        in_sync: project.is_some(),
    }];
    for (key, want) in &plan.metadata {
        let actual = project.and_then(|p| p.metadata.get(key)).cloned();
        settings.push(SettingState {
            setting: key.clone(),
            desired: want.clone(),
            in_sync: actual.as_deref() == Some(want.as_str()),
            actual,
        });
    }
    if plan.immutable_rule {
        let ours: Vec<&ImmutableRule> = rules.iter().filter(|r| plan::is_vimes_rule(r)).collect();
        let actual = if ours.iter().any(|r| !r.disabled) {
            Some("present".to_string())
        } else if let Some(r) = ours.first() {
            Some(format!(
                "disabled (rule {})",
                r.id.map_or("?".to_string(), |i| i.to_string())
            ))
        } else if project.is_some() {
            Some("absent".to_string())
        } else {
            None
        };
        settings.push(SettingState {
            setting: RULE_SETTING.into(),
            desired: format!("present (all tags except {})", plan::EXCLUDED_TAGS),
            in_sync: actual.as_deref() == Some("present"),
            actual,
        });
    }
    let freezing: Vec<String> = rules
        .iter()
        .filter(|r| plan::freezes_signature_tags(r))
        .map(plan::describe_rule)
        .collect();
    let mut warnings = Vec::new();
    if !freezing.is_empty() {
        let one = freezing.len() == 1;
        warnings.push(format!(
            "{} also make{} cosign's sha256-*.sig/.att tags immutable, so no second signature \
             or attestation can be added later (sigstore/cosign#313): narrow or delete {} in Harbor",
            freezing.join(", "),
            if one { "s" } else { "" },
            if one { "it" } else { "them" }
        ));
        settings.push(SettingState {
            setting: FREEZE_SETTING.into(),
            desired: "no rule matches sha256-* tags".into(),
            actual: Some(freezing.join("; ")),
            in_sync: false,
        });
    }
    ProjectState {
        plan,
        settings,
        warnings,
    }
}

/// One change `setup` made.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// Harbor host.
    pub host: String,
    /// Project.
    pub project: String,
    /// What changed.
    pub setting: String,
    /// The value before (`None`: unset or missing).
    pub from: Option<String>,
    /// The value now.
    pub to: String,
}

/// What happened to the requested robot account.
#[derive(Debug)]
pub enum RobotOutcome {
    /// Created now; its secret is in here, shown this once.
    Created {
        /// The project it belongs to.
        project: String,
        /// The account and its secret.
        robot: CreatedRobot,
    },
    /// One of that name already exists; its secret cannot be shown again.
    Exists {
        /// The project it belongs to.
        project: String,
        /// Its full name.
        name: String,
    },
}

/// `vimes harbor setup`.
#[derive(Debug)]
pub struct SetupReport {
    /// Every change made (empty on a second run).
    pub changes: Vec<Change>,
    /// Things setup cannot change by itself.
    pub warnings: Vec<String>,
    /// Registries that configure nothing, and similar remarks.
    pub notes: Vec<String>,
    /// The robot account, when one was asked for.
    pub robot: Option<RobotOutcome>,
}

/// The permissions `--robot` gets on the promotion target: pull and push,
/// read artifacts, create tags, start scans, read scan reports.
pub fn robot_permissions(project: &str) -> Vec<RobotPermission> {
    let access = [
        ("repository", "pull"),
        ("repository", "push"),
        ("artifact", "read"),
        ("tag", "create"),
        ("scan", "create"),
        ("artifact-addition", "read"),
    ]
    .into_iter()
    .map(|(resource, action)| Access {
        resource: resource.into(),
        action: action.into(),
    })
    .collect();
    vec![RobotPermission {
        kind: "project".into(),
        namespace: project.into(),
        access,
    }]
}

/// Makes Harbor match vimes.yaml; with `robot`, also creates that project robot
/// account on the promotion target. Reads first and writes only what differs.
pub async fn apply(config: &Config, robot: Option<&str>) -> Result<SetupReport> {
    let (plans, notes) = plans_or_error(config)?;
    let robot_plan = match robot {
        Some(_) => Some(
            plans
                .iter()
                .find(|p| p.promotion_target)
                .cloned()
                .ok_or_else(|| {
                    ConfigError::new(
                        "--robot needs `promotion.to` to name a `type: harbor` registry \
                              with a project",
                    )
                })?,
        ),
        None => None,
    };
    let mut clients = Clients::new(config);
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let mut target_id = None;
    for plan in &plans {
        let client = clients.get(plan).await?;
        let project = apply_project(client, plan, &mut changes).await?;
        if plan.promotion_target {
            target_id = Some(project.project_id);
        }
        let rules = client.immutable_rules(&plan.project).await?;
        if plan.immutable_rule {
            apply_rule(client, plan, &rules, &mut changes).await?;
        }
        warnings.extend(compare(plan.clone(), Some(&project), &rules).warnings);
    }
    let robot = match (robot, robot_plan) {
        (Some(name), Some(plan)) => {
            let client = clients.get(&plan).await?;
            let id = target_id.unwrap_or_default();
            Some(apply_robot(client, &plan.project, id, name).await?)
        }
        _ => None,
    };
    Ok(SetupReport {
        changes,
        warnings,
        notes,
        robot,
    })
}

async fn apply_project(
    client: &HarborClient,
    plan: &ProjectPlan,
    changes: &mut Vec<Change>,
) -> Result<Project> {
    let change = |setting: &str, from: Option<String>, to: &str| Change {
        host: plan.host.clone(),
        project: plan.project.clone(),
        setting: setting.into(),
        from,
        to: to.into(),
    };
    let existing = client.project(&plan.project).await?;
    let project = match existing {
        Some(project) => project,
        None => {
            client.create_project(&plan.project, &plan.metadata).await?;
            changes.push(change("project", Some("missing".into()), "created"));
            client.project(&plan.project).await?.ok_or_else(|| {
                HarborError::not_found(
                    &plan.host,
                    format!(
                        "project {} was created but cannot be read back",
                        plan.project
                    ),
                )
            })?
        }
    };
    let differing: BTreeMap<String, String> = plan
        .metadata
        .iter()
        .filter(|(k, v)| project.metadata.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if differing.is_empty() {
        return Ok(project);
    }
    client
        .update_project_metadata(&plan.project, &differing)
        .await?;
    for (key, value) in &differing {
        changes.push(change(key, project.metadata.get(key).cloned(), value));
    }
    let mut project = project;
    project.metadata.extend(differing);
    Ok(project)
}

async fn apply_rule(
    client: &HarborClient,
    plan: &ProjectPlan,
    rules: &[ImmutableRule],
    changes: &mut Vec<Change>,
) -> Result<()> {
    let ours: Vec<&ImmutableRule> = rules.iter().filter(|r| plan::is_vimes_rule(r)).collect();
    if ours.iter().any(|r| !r.disabled) {
        return Ok(());
    }
    let want = plan::vimes_rule();
    let from = match ours.first().and_then(|r| r.id.map(|id| (id, r))) {
        Some((id, existing)) => {
            // Keep Harbor's priority for the rule; only enable it.
            let mut enabled = want.clone();
            enabled.priority = existing.priority;
            client
                .update_immutable_rule(&plan.project, id, &enabled)
                .await?;
            "disabled"
        }
        None => {
            // 409 means Harbor already holds an identical rule: nothing to add.
            if !client.create_immutable_rule(&plan.project, &want).await? {
                return Ok(());
            }
            "absent"
        }
    };
    changes.push(Change {
        host: plan.host.clone(),
        project: plan.project.clone(),
        setting: RULE_SETTING.into(),
        from: Some(from.into()),
        to: format!("present (all tags except {})", plan::EXCLUDED_TAGS),
    });
    Ok(())
}

async fn apply_robot(
    client: &HarborClient,
    project: &str,
    project_id: i64,
    name: &str,
) -> Result<RobotOutcome> {
    // Harbor names it `<prefix><project>+<name>`; the prefix is configurable.
    let suffix = format!("{project}+{name}");
    if project_id > 0 {
        let robots = client.robots(project_id).await?;
        if let Some(found) = robots.iter().find(|r| r.name.ends_with(&suffix)) {
            return Ok(RobotOutcome::Exists {
                project: project.into(),
                name: found.name.clone(),
            });
        }
    }
    let request = RobotCreate {
        name: name.into(),
        description: "created by vimes harbor setup".into(),
        level: "project".into(),
        duration: -1,
        permissions: robot_permissions(project),
    };
    Ok(match client.create_robot(&request).await? {
        Some(robot) => RobotOutcome::Created {
            project: project.into(),
            robot,
        },
        None => RobotOutcome::Exists {
            project: project.into(),
            name: format!("robot${suffix}"),
        },
    })
}
