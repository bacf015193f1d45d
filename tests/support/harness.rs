//! In-process check tests, in the style of starship's `ModuleRenderer`: a `Harness` builds a
//! `Context` from an explicit environment, files under a temp HOME and, optionally, the URL of
//! a loopback Hub stand-in (`support::hub`), runs ONE check of the registry in this process
//! and hands back its findings with their typed outcomes. No binary is spawned, so a test of
//! one outcome takes milliseconds; the end-to-end tests (`World`) keep the binary's contract:
//! flags, exit codes, formats.
//!
//! ```ignore
//! let f = Harness::new().token("hf_…\n").find(token_file::Outcome::Ok);
//! assert_eq!(f.detail("masked"), "hf_…Abcd");
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hfdoctor::checks::REGISTRY;
use hfdoctor::context::{Context, Env, Options, Target};
use hfdoctor::engine::finding::{Finding, OutcomeId, Owned, Status};
use hfdoctor::hub::repo::RepoType;
use hfdoctor::lang::Lang;
use hfdoctor::render::Words;

pub struct Harness {
    dir: tempfile::TempDir,
    pub home: PathBuf,
    pub cwd: PathBuf,
    env: Vec<(String, String)>,
    options: Options,
    // The subprocess seam goes here: once `Context` takes a subprocess runner (git, ssh,
    // python), a `subprocess(program, args, answer)` builder records fake answers in a field
    // like this one and `context()` below hands them to the Context instead of the real
    // runner. Until then checks that run git use the real git, confined by the environment
    // below (no system or global configuration of the developer's).
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    /// An empty world: a fresh HOME, a working directory inside it, offline, and only the
    /// variables the end-to-end `World` sets too (so both kinds of test see the same machine).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        let cwd = home.join("work");
        std::fs::create_dir_all(&cwd).unwrap();
        let path = |p: &str| home.join(p).to_string_lossy().into_owned();
        let env = vec![
            ("HOME".to_string(), path("")),
            (
                "PATH".to_string(),
                std::env::var("PATH").unwrap_or_default(),
            ),
            ("LANG".into(), "en_US.UTF-8".into()),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("GIT_CONFIG_GLOBAL".into(), path(".gitconfig")),
            ("XDG_CONFIG_HOME".into(), path(".config")),
        ];
        let options = Options {
            offline: true,
            ..Options::default()
        };
        Harness {
            dir,
            home,
            cwd,
            env,
            options,
        }
    }

    /// Set a variable (replacing an earlier value).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// Remove a variable.
    pub fn unset(mut self, key: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self
    }

    /// A file under HOME (parents created), mode 600 as `hf auth login` writes it.
    pub fn file(self, relative: &str, content: impl AsRef<[u8]>) -> Self {
        self.file_mode(relative, content, 0o600)
    }

    pub fn file_mode(self, relative: &str, content: impl AsRef<[u8]>, mode: u32) -> Self {
        let path = self.home.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        self
    }

    /// A directory under HOME.
    pub fn dir(self, relative: &str) -> Self {
        std::fs::create_dir_all(self.home.join(relative)).unwrap();
        self
    }

    /// The token file where huggingface_hub reads it by default.
    pub fn token(self, content: impl AsRef<[u8]>) -> Self {
        self.file(".cache/huggingface/token", content)
    }

    /// `stored_tokens` as `hf auth login` keeps it: `[name]` sections with `hf_token`.
    pub fn stored(self, entries: &[(&str, &str)]) -> Self {
        let text: String = entries
            .iter()
            .map(|(name, tok)| format!("[{name}]\nhf_token = {tok}\n\n"))
            .collect();
        self.file(".cache/huggingface/stored_tokens", text)
    }

    /// Online, against a Hub stand-in (`support::hub::HubServer::url`) as HF_ENDPOINT.
    pub fn hub(self, url: &str) -> Self {
        let mut h = self.env("HF_ENDPOINT", url);
        h.options.offline = false;
        h
    }

    pub fn timeout(mut self, d: Duration) -> Self {
        self.options.timeout = d;
        self
    }

    /// The target repository, as `--repo ID --repo-type TYPE` names it.
    pub fn repo(mut self, id: &str, repo_type: RepoType, write: bool) -> Self {
        self.options.target = Some(Target {
            repo_id: id.into(),
            repo_type,
            from: "--repo".into(),
        });
        self.options.write = write;
        self
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.home.join(relative)
    }

    pub fn temp_root(&self) -> &Path {
        self.dir.path()
    }

    /// The one place a Context is built from the harness (see the subprocess seam above).
    pub fn context(&self) -> Arc<Context> {
        Context::new(
            Env::from_pairs(self.env.iter().map(|(k, v)| (k.clone(), v.clone()))),
            self.cwd.clone(),
            self.options.clone(),
        )
    }

    /// Run the check whose outcomes `O` are, through the runner (deadline, crash isolation,
    /// catalog lookup) as the binary does.
    pub fn run<O: Owned>(&self) -> Checked {
        let id = hfdoctor::checks::id::<O>();
        let def = *REGISTRY
            .iter()
            .find(|d| d.id == id)
            .unwrap_or_else(|| panic!("{id} is not registered"));
        let ctx = self.context();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let findings = runtime.block_on(hfdoctor::checks::run(ctx, &[def], |_, _| {}));
        Checked { findings }
    }

    /// Run the check `outcome` belongs to and return the finding of that outcome; panics with
    /// every code found when there is none.
    pub fn find<O: Owned>(&self, outcome: O) -> Finding {
        self.run::<O>().find(outcome)
    }
}

/// The findings of one check.
pub struct Checked {
    pub findings: Vec<Finding>,
}

impl Checked {
    pub fn codes(&self) -> Vec<String> {
        self.findings.iter().map(|f| f.code()).collect()
    }

    /// The outcomes of namespace `O` in order, typed (findings of other namespaces, such as a
    /// runner skip or a common network failure, are left out).
    pub fn outcomes<O: Owned + std::fmt::Debug>(&self) -> Vec<O> {
        self.findings
            .iter()
            .filter_map(|f| O::ALL.iter().copied().find(|o| f.is(*o)))
            .collect()
    }

    pub fn has(&self, outcome: impl Into<OutcomeId>) -> bool {
        let o = outcome.into();
        self.findings.iter().any(|f| f.is(o))
    }

    pub fn find(&self, outcome: impl Into<OutcomeId>) -> Finding {
        let o = outcome.into();
        self.findings
            .iter()
            .find(|f| f.is(o))
            .cloned()
            .unwrap_or_else(|| panic!("no finding {o}; found {:?}", self.codes()))
    }
}

/// Reading a finding the way a test asserts on it.
pub trait FindingExt {
    /// A detail that must be there.
    fn detail(&self, key: &str) -> &str;
    fn has_detail(&self, key: &str) -> bool;
    fn summary(&self) -> String;
    fn why(&self) -> String;
    fn fix_commands(&self) -> Vec<String>;
    fn assert_status(&self, status: Status) -> &Self;
}

impl FindingExt for Finding {
    fn detail(&self, key: &str) -> &str {
        self.details
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{}: no detail {key} in {:?}", self.code(), self.details))
    }

    fn has_detail(&self, key: &str) -> bool {
        self.details.iter().any(|(k, _)| k == key)
    }

    /// The summary in English, as the text and JSON formats show it.
    fn summary(&self) -> String {
        Words::new(Lang::En).summary(self)
    }

    /// The why in English; empty when the outcome has none.
    fn why(&self) -> String {
        Words::new(Lang::En).why(self).unwrap_or_default()
    }

    fn fix_commands(&self) -> Vec<String> {
        Words::new(Lang::En)
            .fixes(self)
            .into_iter()
            .flat_map(|f| f.commands)
            .collect()
    }

    fn assert_status(&self, status: Status) -> &Self {
        assert_eq!(self.status, status, "{}", self.code());
        self
    }
}
