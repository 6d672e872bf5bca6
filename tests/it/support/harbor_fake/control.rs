//! What a test may set and read in the fake directly (as an admin would in
//! Harbor's UI): users, projects, metadata, rules, scan reports, faults, and
//! the recorded requests.

use super::*;

impl HarborFake {
    /// Adds a user without admin rights or project memberships.
    pub fn add_user(&self, name: &str, password: &str) {
        self.shared
            .state()
            .users
            .insert(name.into(), (password.into(), false));
    }

    /// Creates a project directly (as if someone had used Harbor's UI).
    pub fn create_project(&self, name: &str) {
        let mut state = self.shared.state();
        api::insert_project(&mut state, name, BTreeMap::new());
    }

    /// The names of all projects.
    pub fn project_names(&self) -> Vec<String> {
        self.shared.state().projects.keys().cloned().collect()
    }

    /// A project's metadata (None when the project does not exist).
    pub fn metadata(&self, project: &str) -> Option<BTreeMap<String, String>> {
        self.shared
            .state()
            .projects
            .get(project)
            .map(|p| p.metadata.clone())
    }

    /// Sets (Some) or removes (None) one metadata key directly.
    pub fn set_metadata(&self, project: &str, key: &str, value: Option<&str>) {
        let mut state = self.shared.state();
        let p = state
            .projects
            .get_mut(project)
            .unwrap_or_else(|| panic!("fake Harbor has no project {project}"));
        match value {
            Some(v) => p.metadata.insert(key.into(), v.into()),
            None => p.metadata.remove(key),
        };
    }

    /// A project's immutable tag rules as stored (with ids).
    pub fn rules(&self, project: &str) -> Vec<Value> {
        self.shared
            .state()
            .projects
            .get(project)
            .map(|p| p.rules.clone())
            .unwrap_or_default()
    }

    /// Adds a rule directly; returns its id.
    pub fn add_rule(&self, project: &str, mut rule: Value) -> i64 {
        let mut state = self.shared.state();
        let id = state.next_id;
        state.next_id += 1;
        rule["id"] = json!(id);
        state
            .projects
            .get_mut(project)
            .unwrap_or_else(|| panic!("fake Harbor has no project {project}"))
            .rules
            .push(rule);
        id
    }

    /// Replaces the rules of a project directly.
    pub fn set_rules(&self, project: &str, rules: Vec<Value>) {
        let mut state = self.shared.state();
        if let Some(p) = state.projects.get_mut(project) {
            p.rules = rules;
        }
    }

    /// Names of the robot accounts (`robot$<project>+<name>`).
    pub fn robot_names(&self) -> Vec<String> {
        self.shared
            .state()
            .robots
            .iter()
            .map(|r| r.name.clone())
            .collect()
    }

    /// A robot's secret as the fake issued it (for checking where it shows up).
    pub fn robot_secret(&self, full_name: &str) -> Option<String> {
        self.shared
            .state()
            .robots
            .iter()
            .find(|r| r.name == full_name)
            .map(|r| r.secret.clone())
    }

    /// The `(resource, action)` pairs a robot was granted.
    pub fn robot_access(&self, full_name: &str) -> Vec<(String, String)> {
        self.shared
            .state()
            .robots
            .iter()
            .find(|r| r.name == full_name)
            .map(|r| r.access.clone())
            .unwrap_or_default()
    }

    /// The findings the fake's scanner reports for `digest`:
    /// `(id, package, version, fix_version, severity)`. Default: none.
    pub fn set_findings(&self, digest: &str, findings: &[(&str, &str, &str, &str, &str)]) {
        let vulns: Vec<Value> = findings
            .iter()
            .map(|(id, package, version, fix, severity)| {
                json!({"id": id, "package": package, "version": version, "fix_version": fix,
                       "severity": severity, "description": format!("{id} in {package}"),
                       "links": [format!("https://avd.example/{id}")]})
            })
            .collect();
        self.set_raw_vulnerabilities(digest, Value::Array(vulns));
    }

    /// The raw `vulnerabilities` array reported for `digest`.
    pub fn set_raw_vulnerabilities(&self, digest: &str, vulnerabilities: Value) {
        self.shared
            .state()
            .reports
            .insert(digest.into(), vulnerabilities);
    }

    /// Marks `digest` as scanned (Success) now, as auto-scan would.
    pub fn mark_scanned(&self, digest: &str) {
        self.shared
            .state()
            .scans
            .insert(digest.into(), ScanState::Success);
    }

    /// How scans requested through the API proceed.
    pub fn set_scan_behaviour(&self, behaviour: ScanBehaviour) {
        self.shared.state().scan_behaviour = behaviour;
    }

    /// Serves lists in pages of at most `cap` items, whatever `page_size` asks.
    pub fn set_page_cap(&self, cap: usize) {
        self.shared.state().page_cap = cap.max(1);
    }

    /// Answers API requests whose path contains `path_contains` (and method,
    /// when given) with `status` and Harbor error `code`, `times` times
    /// (None: always).
    pub fn fail(
        &self,
        method: Option<&str>,
        path_contains: &str,
        status: u16,
        code: &str,
        times: Option<usize>,
    ) {
        self.shared.state().faults.push(Fault {
            method: method.map(str::to_string),
            path_contains: path_contains.into(),
            status,
            code: code.into(),
            remaining: times,
        });
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.shared.state().faults.clear();
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.state().requests.clone()
    }

    /// API requests received so far.
    pub fn api_requests(&self) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.api).collect()
    }

    /// Forgets the recorded requests (returns them).
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.shared.state().requests)
    }
}
