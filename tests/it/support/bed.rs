//! The one test-bed builder of the integration tests. A test declares what it
//! needs (external tools, registries, a vimes.yaml, a signing key, environment
//! settings, images to push) and gets back a [`TestBed`] with the sealed
//! [`TestEnv`], the started registries and the digests of the pushed images:
//!
//! ```ignore
//! let Some(mut bed) = TestBed::builder()
//!     .registries(["staging", "production"])
//!     .promotion("signing:\n  public_keys: [cosign.pub]\n")
//!     .signing_key("cosign")
//!     .image("staging", "staging/app", Some("1.0"), TestImage::random(1, 2, 512))
//!     .build()
//! else {
//!     return;
//! };
//! let digest = bed.digest("staging/app:1.0").to_string();
//! bed.env.run(&["promote", "app:1.0"]).assert_code(0);
//! ```
//!
//! Every tool requirement goes through [`TestBedBuilder::build`]: a missing
//! tool makes it print `SKIPPED: <test>: <tool> not installed` and return
//! None, except with `CI=true`, where it panics (see [`require_tool`]).
#![allow(dead_code)]

use std::ops::Index;

use super::fault_proxy::FaultProxy;
use super::harbor_fake::HarborFake;
use super::trivy::{build_fixture_image, trivy_available, trivy_db_cache};
use super::{push_image, push_index, require_tool, Registry, RegistryOptions, TestEnv, TestImage};

/// COSIGN_PASSWORD of a bed whose test sets none.
pub const DEFAULT_PASSWORD: &str = "test bed key password";

/// Values looked up by name (registries, proxies, digests); indexing with an
/// unknown name panics with the names there are.
pub struct Named<T>(Vec<(String, T)>);

impl<T> Named<T> {
    fn new() -> Named<T> {
        Named(Vec::new())
    }

    fn insert(&mut self, name: &str, value: T) {
        assert!(
            self.get(name).is_none(),
            "test bed: `{name}` is declared twice"
        );
        self.0.push((name.to_string(), value));
    }

    /// The value called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Takes the value called `name` out (panics when there is none).
    pub fn take(&mut self, name: &str) -> T {
        let at = self
            .0
            .iter()
            .position(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("test bed has no `{name}`"));
        self.0.remove(at).1
    }

    /// The names, in declaration order.
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|(n, _)| n.as_str()).collect()
    }
}

impl<T> Index<&str> for Named<T> {
    type Output = T;
    fn index(&self, name: &str) -> &T {
        self.get(name)
            .unwrap_or_else(|| panic!("test bed has no `{name}` (has {:?})", self.names()))
    }
}

/// Which kind of registry a name stands for.
#[derive(Clone, Debug)]
pub enum RegistryKind {
    /// Plain HTTP, anonymous ([`Registry::plain`]).
    Plain,
    /// HTTPS with a test CA, anonymous ([`Registry::tls`]).
    Tls,
    /// HTTPS with Basic auth from htpasswd ([`Registry::tls_auth`]).
    TlsAuth(String, String),
    /// Any [`RegistryOptions`].
    Options(RegistryOptions),
    /// Plain HTTP behind a [`FaultProxy`] (see [`TestBed::proxy`]); vimes.yaml
    /// written by the bed names the proxy.
    Proxied,
}

/// What the bed writes as vimes.yaml.
enum Config {
    /// [`promotion_yaml`] over the `staging` and `production` endpoints.
    Promotion { immutable: bool, extra: String },
    /// [`registries_yaml`] over the named registries, each with its extra.
    Registries(Vec<(String, String)>),
    /// Whatever the closure makes of the started bed.
    With(Box<dyn FnOnce(&Endpoints) -> String>),
    /// This text as it is.
    Text(String),
}

enum Push {
    Image {
        registry: String,
        repo: String,
        tag: Option<String>,
        image: TestImage,
    },
    Index {
        registry: String,
        repo: String,
        tag: Option<String>,
        children: Vec<(String, String, TestImage)>,
    },
    Fixture {
        registry: String,
        fixture: String,
        repo: String,
        tag: String,
    },
    With {
        registry: String,
        key: String,
        push: Box<dyn FnOnce(&Registry) -> String>,
    },
}

/// Declares a test bed; [`TestBedBuilder::build`] starts it.
#[must_use]
pub struct TestBedBuilder {
    tools: Vec<String>,
    registries: Vec<(String, RegistryKind)>,
    harbor: bool,
    config: Option<Config>,
    keys: Vec<String>,
    password: Option<String>,
    envs: Vec<(String, EnvValue)>,
    files: Vec<(String, Vec<u8>)>,
    executables: Vec<(String, String)>,
    timeout: Option<std::time::Duration>,
    pushes: Vec<Push>,
}

enum EnvValue {
    Text(String),
    /// A path inside HOME.
    Home(String),
    /// The prepared Trivy DB cache.
    TrivyCache,
}

/// The registries as vimes sees them, for writing vimes.yaml.
pub struct Endpoints<'a> {
    regs: &'a Named<Registry>,
    proxies: &'a Named<FaultProxy>,
    harbor: Option<&'a HarborFake>,
    home: &'a std::path::Path,
}

impl Endpoints<'_> {
    /// `host:port` vimes should use for `name`: the fault proxy of a proxied
    /// registry, the Harbor fake for `harbor`, else the registry itself.
    pub fn host(&self, name: &str) -> String {
        if let Some(proxy) = self.proxies.get(name) {
            return proxy.host();
        }
        if name == "harbor" {
            if let Some(fake) = self.harbor {
                return fake.host();
            }
        }
        self.regs[name].host()
    }

    /// Whether `name` serves HTTPS.
    pub fn is_tls(&self, name: &str) -> bool {
        self.regs.get(name).is_some_and(Registry::is_tls)
    }

    /// The started registry called `name`.
    pub fn registry(&self, name: &str) -> &Registry {
        &self.regs[name]
    }

    /// The Harbor fake ([`TestBedBuilder::harbor`]).
    pub fn harbor(&self) -> &HarborFake {
        self.harbor
            .expect("test bed has no Harbor fake: declare it with .harbor()")
    }

    /// HOME of the environment.
    pub fn home(&self) -> &std::path::Path {
        self.home
    }

    /// The endpoints called staging and production; the only registry for
    /// both when there is one.
    fn promotion_pair(&self) -> (String, String) {
        match self.regs.names()[..] {
            [only] if only != "staging" => (only.to_string(), only.to_string()),
            _ => ("staging".to_string(), "production".to_string()),
        }
    }
}

impl TestBedBuilder {
    /// Requires an external tool. `trivy` means Trivy together with what the
    /// test DB is built with (go, the bbolt sources); every other name is a
    /// command looked up on PATH.
    pub fn tool(mut self, name: &str) -> Self {
        if !self.tools.iter().any(|t| t == name) {
            self.tools.push(name.to_string());
        }
        self
    }

    /// [`TestBedBuilder::tool`] for each name.
    pub fn tools<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        for name in names {
            self = self.tool(name);
        }
        self
    }

    /// A registry of `kind` called `name` (requires docker-registry).
    pub fn registry_of(mut self, name: &str, kind: RegistryKind) -> Self {
        self.registries.push((name.to_string(), kind));
        self.tool("docker-registry")
    }

    /// A plain HTTP registry called `name`.
    pub fn registry(self, name: &str) -> Self {
        self.registry_of(name, RegistryKind::Plain)
    }

    /// Plain HTTP registries, one per name.
    pub fn registries<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        for name in names {
            self = self.registry(name);
        }
        self
    }

    /// An HTTPS registry (test CA) with Basic auth called `name`.
    pub fn tls_auth_registry(self, name: &str, user: &str, password: &str) -> Self {
        self.registry_of(
            name,
            RegistryKind::TlsAuth(user.to_string(), password.to_string()),
        )
    }

    /// An anonymous HTTPS registry (test CA) called `name`.
    pub fn tls_registry(self, name: &str) -> Self {
        self.registry_of(name, RegistryKind::Tls)
    }

    /// A plain registry called `name` behind its own fault proxy.
    pub fn proxied_registry(self, name: &str) -> Self {
        self.registry_of(name, RegistryKind::Proxied)
    }

    /// The Harbor fake (over a real registry), reachable as
    /// [`TestBed::harbor`] and as the endpoint `harbor`.
    pub fn harbor(mut self) -> Self {
        self.harbor = true;
        self.tool("docker-registry")
    }

    /// vimes.yaml: [`promotion_yaml`] over the endpoints called `staging` and
    /// `production` (the one registry of the bed when it has just one), the
    /// production registry immutable, then `extra`.
    pub fn promotion(mut self, extra: &str) -> Self {
        self.config = Some(Config::Promotion {
            immutable: true,
            extra: extra.to_string(),
        });
        self
    }

    /// [`TestBedBuilder::promotion`] with a mutable production registry.
    pub fn promotion_mutable(mut self, extra: &str) -> Self {
        self.config = Some(Config::Promotion {
            immutable: false,
            extra: extra.to_string(),
        });
        self
    }

    /// vimes.yaml with just a `registries:` section: one entry per
    /// `(registry name, extra lines)`, named as the registry.
    pub fn registries_config(mut self, entries: &[(&str, &str)]) -> Self {
        self.config = Some(Config::Registries(
            entries
                .iter()
                .map(|(name, extra)| (name.to_string(), extra.to_string()))
                .collect(),
        ));
        self
    }

    /// The Harbor fake, with vimes.yaml naming its projects `staging` and
    /// `production` (`type: harbor`, production immutable, credentials from
    /// HARBOR_USER/HARBOR_PASSWORD, set to `user`/`password`), promotion
    /// staging -> production, then `extra`.
    pub fn harbor_promotion(self, user: &str, password: &str, extra: &str) -> Self {
        let extra = extra.to_string();
        self.harbor()
            .env("HARBOR_USER", user)
            .env("HARBOR_PASSWORD", password)
            .config(move |e| {
                let host = e.harbor().host();
                let entry = |name: &str, more: &str| {
                    format!(
                        "  {name}:\n    url: \"{host}\"\n    project: {name}\n    type: harbor\n    \
                         insecure: true\n{more}    username_env: HARBOR_USER\n    password_env: HARBOR_PASSWORD\n"
                    )
                };
                format!(
                    "version: 1\nregistries:\n{}{}promotion:\n  from: staging\n  to: production\n{extra}",
                    entry("staging", ""),
                    entry("production", "    immutable: true\n"),
                )
            })
    }

    /// vimes.yaml naming the registry `registry` as `local` and signing with
    /// `cosign.key`, trusting `cosign.pub` (make them with
    /// `.signing_key("cosign")`), then `extra` (more `signing:` keys when
    /// indented, else top-level sections).
    pub fn signing_config(self, registry: &str, extra: &str) -> Self {
        let (registry, extra) = (registry.to_string(), extra.to_string());
        self.config(move |e| {
            format!(
                "version: 1\nregistries:\n{}signing:\n  key: cosign.key\n  public_keys: [cosign.pub]\n{extra}",
                registry_entry("local", &e.host(&registry), e.is_tls(&registry), "")
            )
        })
    }

    /// vimes.yaml made by `make` once the registries run.
    pub fn config(mut self, make: impl FnOnce(&Endpoints) -> String + 'static) -> Self {
        self.config = Some(Config::With(Box::new(make)));
        self
    }

    /// A key pair `PREFIX.key`/`PREFIX.pub` generated by `vimes key generate`
    /// under COSIGN_PASSWORD (see [`TestBedBuilder::password`]).
    pub fn signing_key(mut self, prefix: &str) -> Self {
        self.keys.push(prefix.to_string());
        self
    }

    /// COSIGN_PASSWORD for the keys and every run (default
    /// [`DEFAULT_PASSWORD`] once a key is generated).
    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(password.to_string());
        self
    }

    /// An environment variable for every run.
    pub fn env(mut self, key: &str, value: impl AsRef<str>) -> Self {
        self.envs
            .push((key.to_string(), EnvValue::Text(value.as_ref().to_string())));
        self
    }

    /// An environment variable set to the absolute path of `rel` in HOME.
    pub fn env_home_path(mut self, key: &str, rel: &str) -> Self {
        self.envs
            .push((key.to_string(), EnvValue::Home(rel.to_string())));
        self
    }

    /// TRIVY_CACHE_DIR at the test DB (requires trivy).
    pub fn trivy_cache(mut self) -> Self {
        self.envs
            .push(("TRIVY_CACHE_DIR".to_string(), EnvValue::TrivyCache));
        self.tool("trivy")
    }

    /// XDG_CACHE_HOME at `$HOME/.cache`.
    pub fn xdg_cache(self) -> Self {
        self.env_home_path("XDG_CACHE_HOME", ".cache")
    }

    /// XDG_CACHE_HOME and XDG_DATA_HOME at `$HOME/.cache` and `$HOME/.data`.
    pub fn xdg(self) -> Self {
        self.xdg_cache().env_home_path("XDG_DATA_HOME", ".data")
    }

    /// USER for every run.
    pub fn user(self, user: &str) -> Self {
        self.env("USER", user)
    }

    /// vimes.yaml with exactly this text.
    pub fn config_text(mut self, yaml: &str) -> Self {
        self.config = Some(Config::Text(yaml.to_string()));
        self
    }

    /// A file at `rel` in HOME (parents created), written after vimes.yaml
    /// and the keys.
    pub fn file(mut self, rel: &str, contents: impl AsRef<[u8]>) -> Self {
        self.files
            .push((rel.to_string(), contents.as_ref().to_vec()));
        self
    }

    /// An executable script `name` in the bin dir first on PATH (see
    /// [`TestEnv::write_executable`]).
    pub fn executable(mut self, name: &str, script: &str) -> Self {
        self.executables
            .push((name.to_string(), script.to_string()));
        self
    }

    /// Limit for each run of vimes (see [`TestEnv::timeout`]).
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Pushes `image` to `registry` as `repo` (under `tag`, or by digest);
    /// its digest is [`TestBed::digest`] of `repo:tag` (or `repo`).
    pub fn image(
        mut self,
        registry: &str,
        repo: &str,
        tag: Option<&str>,
        image: TestImage,
    ) -> Self {
        self.pushes.push(Push::Image {
            registry: registry.to_string(),
            repo: repo.to_string(),
            tag: tag.map(str::to_string),
            image,
        });
        self
    }

    /// Pushes an OCI index over `(os, arch, image)` children, like
    /// [`push_index`]; its digest is [`TestBed::digest`] of `repo:tag`.
    pub fn index(
        mut self,
        registry: &str,
        repo: &str,
        tag: Option<&str>,
        children: Vec<(&str, &str, TestImage)>,
    ) -> Self {
        self.pushes.push(Push::Index {
            registry: registry.to_string(),
            repo: repo.to_string(),
            tag: tag.map(str::to_string),
            children: children
                .into_iter()
                .map(|(os, arch, image)| (os.to_string(), arch.to_string(), image))
                .collect(),
        });
        self
    }

    /// Builds the fixture image `fixture` with buildah and pushes it as
    /// `repo:tag` (requires buildah); digest under `repo:tag`.
    pub fn fixture(mut self, registry: &str, fixture: &str, repo: &str, tag: &str) -> Self {
        self.pushes.push(Push::Fixture {
            registry: registry.to_string(),
            fixture: fixture.to_string(),
            repo: repo.to_string(),
            tag: tag.to_string(),
        });
        self.tool("buildah")
    }

    /// Pushes to `registry` with `push` (for images the other declarations
    /// cannot describe); the digest it returns is [`TestBed::digest`] of
    /// `key`.
    pub fn push_with(
        mut self,
        registry: &str,
        key: &str,
        push: impl FnOnce(&Registry) -> String + 'static,
    ) -> Self {
        self.pushes.push(Push::With {
            registry: registry.to_string(),
            key: key.to_string(),
            push: Box::new(push),
        });
        self
    }

    /// Checks the tools, then starts everything declared. None when a tool is
    /// missing and the test should skip (a panic instead under `CI=true`).
    pub fn build(self) -> Option<TestBed> {
        for tool in &self.tools {
            let present = match tool.as_str() {
                "trivy" => trivy_available(),
                name => require_tool(name),
            };
            if !present {
                return None;
            }
        }
        Some(self.start())
    }

    /// [`TestBedBuilder::build`] for a bed that needs no external tool.
    pub fn ready(self) -> TestBed {
        assert!(
            self.tools.is_empty(),
            "this test bed needs {:?}: use build()",
            self.tools
        );
        self.start()
    }

    fn start(self) -> TestBed {
        let mut bed = TestBed {
            env: TestEnv::new(),
            regs: Named::new(),
            proxies: Named::new(),
            harbor: None,
            digests: Named::new(),
        };
        for (name, kind) in &self.registries {
            let proxied = matches!(kind, RegistryKind::Proxied);
            let registry = match kind.clone() {
                RegistryKind::Plain | RegistryKind::Proxied => Registry::plain(),
                RegistryKind::Tls => Registry::tls(),
                RegistryKind::TlsAuth(user, password) => Registry::tls_auth(&user, &password),
                RegistryKind::Options(options) => Registry::start(options),
            };
            if proxied {
                bed.proxies
                    .insert(name, FaultProxy::start(&registry.host()));
            }
            bed.regs.insert(name, registry);
        }
        if self.harbor {
            bed.harbor = Some(HarborFake::start());
        }
        let TestBed {
            env,
            regs,
            proxies,
            harbor,
            digests,
        } = &mut bed;
        let pushes = self.prepare(env, regs, proxies, harbor.as_ref());
        for push in pushes {
            let (key, digest) = push.run(regs);
            digests.insert(&key, digest);
        }
        bed
    }

    /// Sets up `env` (environment, keys, vimes.yaml, files) over the started
    /// registries; returns the images still to push.
    fn prepare(
        self,
        env: &mut TestEnv,
        regs: &Named<Registry>,
        proxies: &Named<FaultProxy>,
        harbor: Option<&HarborFake>,
    ) -> Vec<Push> {
        if let Some(timeout) = self.timeout {
            env.timeout(timeout);
        }
        for (key, value) in self.envs {
            let value = match value {
                EnvValue::Text(text) => text,
                EnvValue::Home(rel) => env.path(&rel).display().to_string(),
                EnvValue::TrivyCache => trivy_db_cache().display().to_string(),
            };
            env.env(&key, value);
        }
        let password = self
            .password
            .or_else(|| (!self.keys.is_empty()).then(|| DEFAULT_PASSWORD.to_string()));
        if let Some(password) = password {
            env.env("COSIGN_PASSWORD", password);
        }
        for prefix in &self.keys {
            env.run(&["key", "generate", "--output-prefix", prefix])
                .assert_code(0);
        }
        if let Some(config) = self.config {
            let yaml = {
                let endpoints = Endpoints {
                    regs,
                    proxies,
                    harbor,
                    home: env.home(),
                };
                match config {
                    Config::Promotion { immutable, extra } => {
                        let (staging, production) = endpoints.promotion_pair();
                        promotion_yaml(
                            (&endpoints.host(&staging), endpoints.is_tls(&staging)),
                            (&endpoints.host(&production), endpoints.is_tls(&production)),
                            immutable,
                            &extra,
                        )
                    }
                    Config::Registries(entries) => {
                        let mut yaml = String::from("version: 1\nregistries:\n");
                        for (name, extra) in &entries {
                            yaml.push_str(&registry_entry(
                                name,
                                &endpoints.host(name),
                                endpoints.is_tls(name),
                                extra,
                            ));
                        }
                        yaml
                    }
                    Config::With(make) => make(&endpoints),
                    Config::Text(text) => text,
                }
            };
            env.config_yaml(&yaml);
        }
        for (rel, contents) in &self.files {
            env.write(rel, contents);
        }
        for (name, script) in &self.executables {
            env.write_executable(name, script);
        }
        self.pushes
    }
}

impl Push {
    /// Pushes the image; returns its digest key and digest.
    fn run(self, regs: &Named<Registry>) -> (String, String) {
        match self {
            Push::Image {
                registry,
                repo,
                tag,
                image,
            } => {
                let digest = push_image(&regs[&registry], &repo, tag.as_deref(), &image);
                (digest_key(&repo, tag.as_deref()), digest)
            }
            Push::Index {
                registry,
                repo,
                tag,
                children,
            } => {
                let children: Vec<(&str, &str, &TestImage)> = children
                    .iter()
                    .map(|(os, arch, image)| (os.as_str(), arch.as_str(), image))
                    .collect();
                let digest = push_index(&regs[&registry], &repo, tag.as_deref(), &children);
                (digest_key(&repo, tag.as_deref()), digest)
            }
            Push::Fixture {
                registry,
                fixture,
                repo,
                tag,
            } => {
                let digest = build_fixture_image(&regs[&registry], &fixture, &repo, &tag);
                (digest_key(&repo, Some(&tag)), digest)
            }
            Push::With {
                registry,
                key,
                push,
            } => (key, push(&regs[&registry])),
        }
    }
}

fn digest_key(repo: &str, tag: Option<&str>) -> String {
    match tag {
        Some(tag) => format!("{repo}:{tag}"),
        None => repo.to_string(),
    }
}

/// A started test bed. Its fields are public so that a test can hold
/// `&mut bed.env` and `&bed.regs[..]` at once.
pub struct TestBed {
    /// The sealed environment vimes runs in.
    pub env: TestEnv,
    /// The registries, by the names they were declared with.
    pub regs: Named<Registry>,
    /// The fault proxies of proxied registries, by registry name.
    pub proxies: Named<FaultProxy>,
    /// The Harbor fake, when declared.
    pub harbor: Option<HarborFake>,
    /// Digests of the images pushed at build, by `repo:tag` (or `repo`).
    pub digests: Named<String>,
}

impl TestBed {
    /// Declares a bed: no tools, registries, configuration or images yet.
    pub fn builder() -> TestBedBuilder {
        TestBedBuilder {
            tools: Vec::new(),
            registries: Vec::new(),
            harbor: false,
            config: None,
            keys: Vec::new(),
            password: None,
            envs: Vec::new(),
            files: Vec::new(),
            executables: Vec::new(),
            timeout: None,
            pushes: Vec::new(),
        }
    }

    /// The registry called `name`.
    pub fn reg(&self, name: &str) -> &Registry {
        &self.regs[name]
    }

    /// The fault proxy in front of the registry called `name`.
    pub fn proxy(&self, name: &str) -> &FaultProxy {
        &self.proxies[name]
    }

    /// The Harbor fake.
    pub fn harbor(&self) -> &HarborFake {
        self.harbor
            .as_ref()
            .expect("test bed has no Harbor fake: declare it with .harbor()")
    }

    /// Digest of the image pushed at build as `repo:tag` (or `repo`).
    pub fn digest(&self, key: &str) -> &str {
        &self.digests[key]
    }

    /// Pushes `image` to the registry called `name`; returns its digest.
    pub fn push(&self, name: &str, repo: &str, tag: Option<&str>, image: &TestImage) -> String {
        push_image(&self.regs[name], repo, tag, image)
    }

    /// `host:port` vimes uses for `name` (see [`Endpoints::host`]).
    pub fn host(&self, name: &str) -> String {
        self.endpoints().host(name)
    }

    fn endpoints(&self) -> Endpoints<'_> {
        Endpoints {
            regs: &self.regs,
            proxies: &self.proxies,
            harbor: self.harbor.as_ref(),
            home: self.env.home(),
        }
    }

    /// Another sealed environment over this bed's registries (and Harbor
    /// fake), set up as `builder` declares: its environment, keys,
    /// vimes.yaml and files, with the endpoints of this bed. The builder's
    /// registries must be ones this bed has, and its tools ones installed
    /// (this bed was built with them); it pushes no images.
    pub fn sibling(&self, builder: TestBedBuilder) -> TestEnv {
        for (name, _) in &builder.registries {
            assert!(
                self.regs.get(name).is_some(),
                "sibling bed: this bed has no registry `{name}` (has {:?})",
                self.regs.names()
            );
        }
        assert!(
            !builder.harbor || self.harbor.is_some(),
            "sibling bed: this bed has no Harbor fake"
        );
        for tool in &builder.tools {
            let present = match tool.as_str() {
                "trivy" => trivy_available(),
                name => require_tool(name),
            };
            assert!(present, "sibling bed: `{tool}` is not installed");
        }
        assert!(
            builder.pushes.is_empty(),
            "sibling bed: push images with the bed itself"
        );
        let mut env = TestEnv::new();
        let pushes = builder.prepare(&mut env, &self.regs, &self.proxies, self.harbor.as_ref());
        debug_assert!(pushes.is_empty());
        env
    }
}

/// The standard vimes.yaml: registries `staging` (project staging) and
/// `production` (project production, immutable when asked), both `type: oci`
/// and `insecure: true` unless served over TLS, promotion staging ->
/// production, then `extra` (top-level sections).
pub fn promotion_yaml(
    staging: (&str, bool),
    production: (&str, bool),
    immutable: bool,
    extra: &str,
) -> String {
    let mut yaml = String::from("version: 1\nregistries:\n");
    yaml.push_str(&registry_entry(
        "staging",
        staging.0,
        staging.1,
        "    project: staging\n",
    ));
    let production_extra = if immutable {
        "    project: production\n    immutable: true\n"
    } else {
        "    project: production\n"
    };
    yaml.push_str(&registry_entry(
        "production",
        production.0,
        production.1,
        production_extra,
    ));
    yaml.push_str("promotion:\n  from: staging\n  to: production\n");
    yaml.push_str(extra);
    yaml
}

/// One entry under `registries:`: `url`, `type: oci`, `insecure: true` when
/// not TLS, then `extra` (already indented by four spaces).
pub fn registry_entry(name: &str, host: &str, tls: bool, extra: &str) -> String {
    format!(
        "  {name}:\n    url: \"{host}\"\n    type: oci\n{}{extra}",
        if tls { "" } else { "    insecure: true\n" }
    )
}

/// `version: 1` and a `registries:` section with one entry per
/// `(name, registry, extra)` (see [`registry_entry`]).
pub fn registries_yaml(entries: &[(&str, &Registry, &str)]) -> String {
    let mut yaml = String::from("version: 1\nregistries:\n");
    for (name, reg, extra) in entries {
        yaml.push_str(&registry_entry(name, &reg.host(), reg.is_tls(), extra));
    }
    yaml
}

impl Registry {
    /// [`push_image`] to this registry: blobs, then the manifest under `tag`
    /// (or by digest). Returns the manifest digest.
    pub fn push(&self, repo: &str, tag: Option<&str>, image: &TestImage) -> String {
        push_image(self, repo, tag, image)
    }
}
