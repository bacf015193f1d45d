//! The injected world a check sees. Checks never read `std::env` or the real home directly:
//! everything goes through a `Context`, so tests can build one from a temp HOME and a map of
//! variables, and the binary builds one from the process.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::auth::token::TokenDiscovery;
use crate::git::remote::RemoteUrl;
use crate::git::{Git, GitConfig};
use crate::hub::endpoint::Endpoint;
use crate::hub::repo::RepoType;
use crate::hub::HubClient;
pub use crate::world::env::{is_true_value, Env};
pub use crate::world::paths::display_path;
use crate::world::proc::{Bounded, Output, ProcError, ProcRunner, Real, Spec};

/// The repository a run is about, and what named it (`--repo`, a git remote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub repo_id: String,
    pub repo_type: RepoType,
    pub from: String,
}

/// Options from the command line that checks may need to know about.
#[derive(Debug, Clone)]
pub struct Options {
    pub offline: bool,
    pub timeout: Duration,
    pub target: Option<Target>,
    /// The user means to push or upload: write access is needed.
    pub write: bool,
    /// `--verify-cache`: the bytes of cached blobs to read and hash, when asked.
    pub verify_cache: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            offline: false,
            timeout: Duration::from_secs(5),
            target: None,
            write: false,
            verify_cache: None,
        }
    }
}

/// A command as `run_early` and `run` match it: the program, then its args.
fn command_key(program: &str, args: &[&str]) -> Vec<String> {
    std::iter::once(program)
        .chain(args.iter().copied())
        .map(str::to_string)
        .collect()
}

/// A command started before it was asked for: its program and args, and the thread running it.
type EarlyRun = (
    Vec<String>,
    std::thread::JoinHandle<Result<Output, ProcError>>,
);

pub struct Context {
    pub env: Env,
    /// The home directory as Python's `os.path.expanduser("~")` sees it: `$HOME` first.
    pub home: Option<PathBuf>,
    pub cwd: PathBuf,
    pub options: Options,
    /// The run's own deadline: `--timeout` from when the Context was made. Every subprocess
    /// ends by then (docs/notes/processes.md).
    deadline: Instant,
    /// Every subprocess a check starts goes through this (real, or a fake in tests).
    proc: Bounded,
    git_config: OnceLock<Result<GitConfig, ProcError>>,
    token: OnceLock<TokenDiscovery>,
    endpoint: OnceLock<Endpoint>,
    hub: OnceLock<HubClient>,
    tls_roots: OnceLock<Arc<rustls::RootCertStore>>,
    proxies: OnceLock<crate::net::proxy::ProxySettings>,
    remotes: OnceLock<Vec<GitRemote>>,
    target: OnceLock<Option<Target>>,
    trace: OnceLock<tokio::sync::watch::Receiver<Option<Arc<crate::hub::trace::Trace>>>>,
    pythons: OnceLock<crate::local::python::Pythons>,
    /// Commands started before a check asks for them (`run_early`), by program and args.
    early: std::sync::Mutex<Vec<EarlyRun>>,
}

/// A remote of the current repository, with its URL parsed when it is one.
#[derive(Debug, Clone)]
pub struct GitRemote {
    pub name: String,
    /// Never printed as is: it may hold a token. Use `masked_url`.
    pub url: String,
    pub parsed: Option<RemoteUrl>,
}

impl GitRemote {
    pub fn masked_url(&self) -> String {
        crate::git::remote::masked_url(&self.url)
    }
}

impl Context {
    pub fn new(env: Env, cwd: PathBuf, options: Options) -> Arc<Self> {
        Self::with_proc(env, cwd, options, Arc::new(Real))
    }

    /// A Context whose subprocesses go to `proc`: a `world::proc::FakeProc` in tests.
    pub fn with_proc(
        env: Env,
        cwd: PathBuf,
        options: Options,
        proc: Arc<dyn ProcRunner>,
    ) -> Arc<Self> {
        let home = env
            .non_empty("HOME")
            .map(PathBuf::from)
            .or_else(dirs::home_dir);
        let deadline = Instant::now() + options.timeout;
        Arc::new(Context {
            env,
            home,
            cwd,
            options,
            deadline,
            proc: Bounded::new(proc, deadline),
            git_config: OnceLock::new(),
            token: OnceLock::new(),
            endpoint: OnceLock::new(),
            hub: OnceLock::new(),
            tls_roots: OnceLock::new(),
            proxies: OnceLock::new(),
            remotes: OnceLock::new(),
            target: OnceLock::new(),
            trace: OnceLock::new(),
            pythons: OnceLock::new(),
            early: Default::default(),
        })
    }

    pub fn from_process(options: Options) -> Arc<Self> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Self::new(Env::from_process(), cwd, options)
    }

    /// In a work tree the target and every git check need git's config: start reading it now,
    /// on a thread, so it overlaps what the run does before the checks start (the catalog, the
    /// runtime) instead of adding to it (docs/notes/processes.md). Whoever asks first waits.
    pub fn prefetch_git_config(self: &Arc<Self>) {
        if self.in_git_worktree() {
            let c = self.clone();
            std::thread::spawn(move || {
                let _ = c.git_config();
            });
        }
    }

    /// The Pythons the user runs and what they hold (local::python::discover), found once for
    /// python-env, the network check's TLS verdict and the report. Blocking (up to
    /// `PROBE_DEADLINE`): call it from a blocking thread.
    pub fn pythons(&self) -> &crate::local::python::Pythons {
        self.pythons.get_or_init(|| {
            let run = |program: &str, args: &[&str]| {
                let out = self
                    .run(program, args, crate::local::python::PROBE_DEADLINE)
                    .ok()?;
                out.ok().then_some(out.stdout)
            };
            crate::local::python::discover(&self.env, &self.cwd, self.home.as_deref(), &run)
        })
    }

    /// The subprocess runner, its deadlines bounded by the run's.
    pub fn proc(&self) -> &dyn ProcRunner {
        &self.proc
    }

    /// When the run must be over.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Run `program args` in the current directory under `deadline` (and the run's). A command
    /// started early (`run_early`) gives its answer instead of running again.
    pub fn run(
        &self,
        program: &str,
        args: &[&str],
        deadline: Duration,
    ) -> Result<Output, ProcError> {
        let key = command_key(program, args);
        let early = {
            let mut early = self.early.lock().unwrap_or_else(|e| e.into_inner());
            early
                .iter()
                .position(|(k, _)| *k == key)
                .map(|i| early.swap_remove(i).1)
        };
        if let Some(Ok(answer)) = early.map(|h| h.join()) {
            return answer;
        }
        self.proc
            .run(&self.env, &Spec::new(program, args, &self.cwd, deadline))
    }

    /// Start `program args` now, on a thread, for a check that will ask for it: a slow program
    /// (git-lfs starts in milliseconds, being a Go program) then runs beside what comes before
    /// the checks instead of after it. Same deadlines as `run`.
    pub fn run_early(self: &Arc<Self>, program: &str, args: &[&str], deadline: Duration) {
        let key = command_key(program, args);
        let ctx = self.clone();
        let command = key.clone();
        let handle = std::thread::spawn(move || {
            let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
            ctx.proc
                .run(&ctx.env, &Spec::new(&command[0], &args, &ctx.cwd, deadline))
        });
        self.early
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key, handle));
    }

    /// git in the current directory with the run's timeout.
    pub fn git(&self) -> Git<'_> {
        Git {
            proc: &self.proc,
            env: &self.env,
            dir: &self.cwd,
            deadline: self.options.timeout,
        }
    }

    /// git's configuration, read once (one subprocess) and shared by the git checks.
    pub fn git_config(&self) -> Result<&GitConfig, &ProcError> {
        self.git_config.get_or_init(|| self.git().config()).as_ref()
    }

    /// When reading git's config hit its deadline: the seconds it was given, for a check's
    /// `timeout` finding (a git that never answers is a timeout, not "no remote").
    pub fn git_config_timeout(&self) -> Option<String> {
        matches!(self.git_config(), Err(ProcError::Timeout)).then(|| {
            // Written as the runner writes its own timeouts: 3, or 0.5.
            let s = crate::git::CONFIG_DEADLINE
                .min(self.options.timeout)
                .as_secs_f64();
            if s.fract() == 0.0 {
                format!("{}", s as u64)
            } else {
                format!("{s:.1}")
            }
        })
    }

    /// Every token source, discovered once and shared by all checks.
    pub fn token(&self) -> &TokenDiscovery {
        self.token
            .get_or_init(|| TokenDiscovery::discover(&self.env, self.home.as_deref(), &self.cwd))
    }

    pub fn endpoint(&self) -> &Endpoint {
        self.endpoint.get_or_init(|| Endpoint::from_env(&self.env))
    }

    /// The Hub client, built on first use (an offline run never pays for TLS roots).
    pub fn hub(&self) -> &HubClient {
        self.hub.get_or_init(|| {
            HubClient::new(
                self.endpoint().clone(),
                self.options.timeout,
                self.deadline,
                self.tls_roots().clone(),
                self.proxies().clone(),
            )
        })
    }

    /// The proxy variables as the client reads them, read once for the run (the proxy and
    /// network checks and the Hub client all route by them).
    pub fn proxies(&self) -> &crate::net::proxy::ProxySettings {
        self.proxies
            .get_or_init(|| crate::net::proxy::ProxySettings::from_env(&self.env))
    }

    /// The roots every TLS connection of this run verifies with, loaded on first use (an
    /// offline run never reads the OS store).
    pub fn tls_roots(&self) -> &Arc<rustls::RootCertStore> {
        self.tls_roots
            .get_or_init(|| Arc::new(crate::net::tls::roots(&self.env)))
    }

    /// The token the client sends with downloads and API calls: none when
    /// HF_HUB_DISABLE_IMPLICIT_TOKEN is set or the token only exists after OIDC.
    pub fn token_sent(&self) -> Option<&crate::secret::Secret> {
        let disc = self.token();
        if disc.implicit_disabled {
            None
        } else {
            disc.in_effect_token()
        }
    }

    /// Request ids the Hub returned during this run (none when no request was made).
    pub fn request_ids(&self) -> Vec<String> {
        self.hub
            .get()
            .map(|h| {
                h.request_ids
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone()
            })
            .unwrap_or_default()
    }

    /// Why a request went out without a token: the catalog message key for `{reason}`.
    pub fn anonymous_reason(&self) -> &'static str {
        let disc = self.token();
        if disc.implicit_disabled && disc.in_effect_token().is_some() {
            "anon-implicit-disabled"
        } else {
            "anon-no-token"
        }
    }

    /// whoami-v2 for the token in effect (shared with every other check), None without one.
    pub async fn whoami_in_effect(&self) -> Option<crate::hub::WhoamiResult> {
        match self.token().in_effect_token() {
            Some(t) => Some(self.hub().whoami(t).await),
            None => None,
        }
    }

    /// The remotes of the git repository around the current directory (none outside one).
    pub fn git_remotes(&self) -> &[GitRemote] {
        self.remotes.get_or_init(|| {
            if !self.in_git_worktree() {
                return Vec::new();
            }
            let Ok(config) = self.git_config() else {
                return Vec::new();
            };
            config
                .remotes()
                .into_iter()
                .map(|r| GitRemote {
                    parsed: RemoteUrl::parse(&r.url),
                    name: r.name,
                    url: r.url,
                })
                .collect()
        })
    }

    /// Remotes whose host is the Hub (or the endpoint's host).
    /// Remotes whose host is the Hub (or the endpoint's host), origin first: the one order
    /// every check uses, so they all talk about the same remote.
    pub fn hub_remotes(&self) -> Vec<&GitRemote> {
        let host = self.endpoint().host.clone();
        let mut remotes: Vec<&GitRemote> = self
            .git_remotes()
            .iter()
            .filter(|r| r.parsed.as_ref().is_some_and(|p| p.is_hub(host.as_deref())))
            .collect();
        remotes.sort_by_key(|r| r.name != "origin");
        remotes
    }

    /// The Hub remote a plain `git push` talks to: origin when it is a Hub remote, else the
    /// first Hub remote.
    pub fn primary_hub_remote(&self) -> Option<&GitRemote> {
        self.hub_remotes().into_iter().next()
    }

    /// The protocol and host (with its port) git looks credentials up by: the primary Hub
    /// remote's over http(s), else the endpoint's.
    pub fn git_credential_host(&self) -> Option<(String, String)> {
        use crate::git::remote::Transport;
        use crate::world::urls::host_port;
        if let Some(r) = self
            .primary_hub_remote()
            .and_then(|r| r.parsed.as_ref())
            .filter(|p| p.transport != Transport::Ssh)
        {
            let protocol = if r.transport == Transport::Http {
                "http"
            } else {
                "https"
            };
            return Some((protocol.into(), host_port(&r.host, r.port)));
        }
        let url = url::Url::parse(&self.endpoint().url).ok()?;
        Some((url.scheme().into(), host_port(url.host_str()?, url.port())))
    }

    /// The repository the run is about: `--repo`, else the repo a Hub remote names (origin
    /// first).
    pub fn target(&self) -> Option<&Target> {
        self.target
            .get_or_init(|| {
                if let Some(t) = &self.options.target {
                    return Some(t.clone());
                }
                let pick = self.primary_hub_remote()?;
                let parsed = pick.parsed.as_ref()?;
                let repo_id = parsed.repo_id.clone()?;
                crate::hub::repo::validate_repo_id(&repo_id)
                    .is_none()
                    .then(|| Target {
                        repo_id,
                        repo_type: parsed.repo_type,
                        from: format!("git-remote:{}", pick.name),
                    })
            })
            .as_ref()
    }

    /// The route of a download of the target (or of a well-known public file), host by host,
    /// followed once per run and shared: download-path judges it, the network and proxy checks
    /// take their storage hosts from it (docs/notes/download-path.md).
    ///
    /// It runs as a task of its own: a check that stops waiting (its own deadline) does not
    /// stop it or make another check start it again.
    pub async fn download_trace(self: &Arc<Self>) -> Arc<crate::hub::trace::Trace> {
        let mut rx = self
            .trace
            .get_or_init(|| {
                let (tx, rx) = tokio::sync::watch::channel(None);
                let ctx = self.clone();
                tokio::spawn(async move {
                    let trace = crate::hub::trace::run(crate::hub::trace::Input {
                        hub: ctx.hub(),
                        roots: ctx.tls_roots(),
                        proxies: ctx.proxies(),
                        token: ctx.token_sent(),
                        target: ctx.target().map(|t| (t.repo_id.clone(), t.repo_type)),
                        write: ctx.needs_write(),
                        budget: ctx.options.timeout.mul_f64(0.8),
                    })
                    .await;
                    let _ = tx.send(Some(Arc::new(trace)));
                });
                rx
            })
            .clone();
        loop {
            if let Some(t) = rx.borrow_and_update().clone() {
                return t;
            }
            if rx.changed().await.is_err() {
                // The task ended without a trace (it panicked): an empty one, stopped.
                return Arc::new(crate::hub::trace::Trace::unfollowed());
            }
        }
    }

    /// Write access is needed: --write, or a target taken from a Hub git remote (people push
    /// to the repos they clone with git).
    pub fn needs_write(&self) -> bool {
        self.options.write
            || self
                .target()
                .is_some_and(|t| t.from.starts_with("git-remote:"))
    }

    /// A path for people to read: the home directory shown as `~`, so reports and
    /// screenshots do not carry the user name.
    pub fn display_path(&self, path: &Path) -> String {
        display_path(self.home.as_deref(), path)
    }

    /// Inside a git work tree: a `.git` entry here or in a parent, or `GIT_DIR` set. Cheap,
    /// no subprocess; the git checks ask git itself.
    pub fn in_git_worktree(&self) -> bool {
        self.env.non_empty("GIT_DIR").is_some()
            || self.cwd.ancestors().any(|d| d.join(".git").exists())
    }

    /// A path resolved against the current directory, as `open()` would resolve it.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        }
    }

    /// The one way a check reads a file whose path the user controls: at most `limit` bytes,
    /// and never a FIFO or a device (docs/notes/bounded-reads.md). Relative paths are taken
    /// from the current directory, as the client opens them.
    pub fn read_file(
        &self,
        path: &Path,
        limit: usize,
    ) -> Result<crate::world::fs::Contents, crate::world::fs::ReadError> {
        crate::world::fs::read_bounded(&self.absolute(path), limit)
    }

    /// Where `var` is set in the shell start-up files (and `./.env`): `~/.bashrc:3`, each read
    /// up to 1 MiB through the bounded door.
    pub fn where_set(&self, var: &str) -> Vec<String> {
        self.assignment(var)
            .map(|a| format!("{}:{}", self.display_path(&a.file), a.line))
            .into_iter()
            .collect()
    }

    /// `where_set`'s line as its file and 1-based line number, for `--fix`. Only a line that
    /// sets the value itself: a computed one (`$(cat …)`) is not the user's token to edit.
    pub fn where_set_at(&self, var: &str) -> Option<(PathBuf, usize)> {
        self.assignment(var)
            .filter(|a| a.exact)
            .map(|a| (a.file, a.line))
    }

    /// The start-up file line that sets `var` to the value it has (local::rc_files).
    fn assignment(&self, var: &str) -> Option<crate::local::rc_files::Assignment> {
        let files = crate::local::rc_files::candidates(self.home.as_deref(), &self.cwd);
        let in_effect = self.env.get(var).unwrap_or_default();
        crate::local::rc_files::find_assignment(&files, var, &in_effect, |p| {
            let read = self.read_file(p, 1 << 20).ok()?;
            Some(String::from_utf8_lossy(&read.bytes).into_owned())
        })
    }

    /// The PEM certificates in a CA file, read through the same bounded door.
    pub fn certs_in(&self, path: &Path) -> usize {
        self.certs(path).len()
    }

    /// The certificates themselves (a path relative to the current directory is taken as
    /// the client takes it).
    pub fn certs(&self, path: &Path) -> Vec<rustls::pki_types::CertificateDer<'static>> {
        crate::net::tls::certs_from(&self.absolute(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::proc::FakeProc;

    fn world(offline: bool, fake: Arc<FakeProc>) -> (tempfile::TempDir, Arc<Context>) {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let env = Env::from_pairs([("HOME", home.clone())]);
        let options = Options {
            offline,
            ..Options::default()
        };
        let ctx = Context::with_proc(env, home, options, fake);
        (dir, ctx)
    }

    /// An offline run outside a work tree starts only what it needs: git's config once (for the
    /// credential helpers), no ssh, no python, no history scan, and builds no HTTP client (so
    /// it reads no certificate store).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn offline_outside_a_work_tree_starts_and_loads_only_what_it_needs() {
        let fake = Arc::new(FakeProc::new().answer(
            "git",
            &["config", "--list", "-z", "--show-scope"],
            0,
            "",
        ));
        let (_dir, ctx) = world(true, fake.clone());
        assert!(ctx.git_remotes().is_empty());
        assert!(fake.calls().is_empty(), "{:?}", fake.calls());
        let findings = crate::checks::run(ctx.clone(), crate::checks::REGISTRY, |_, _| {}).await;
        assert!(!findings.is_empty());
        assert_eq!(
            fake.calls(),
            ["git config --list -z --show-scope"],
            "{findings:?}"
        );
        assert!(
            ctx.hub.get().is_none(),
            "an offline run built the HTTP client"
        );
    }

    /// In a work tree with an https Hub remote, offline: git's config once, the history scan,
    /// and no ssh (there is no ssh remote), no HTTP client.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn offline_in_a_work_tree_starts_no_ssh_and_reads_the_config_once() {
        let scan = "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)";
        let fake = Arc::new(
            FakeProc::new()
                .answer(
                    "git",
                    &["config", "--list", "-z", "--show-scope"],
                    0,
                    "local\0remote.origin.url\nhttps://huggingface.co/acme/model\0",
                )
                .answer(
                    "git",
                    &["rev-list", "--objects", "HEAD", "--not", "--remotes=origin"],
                    0,
                    "",
                )
                .answer("git", &["cat-file", scan], 0, "")
                .answer(
                    "git",
                    &[
                        "for-each-ref",
                        "--count=1",
                        "--format=%(refname)",
                        "refs/remotes/origin",
                    ],
                    0,
                    "",
                ),
        );
        let (_dir, ctx) = world(true, fake.clone());
        std::fs::create_dir_all(ctx.cwd.join(".git")).unwrap();
        let findings = crate::checks::run(ctx.clone(), crate::checks::REGISTRY, |_, _| {}).await;
        assert_eq!(ctx.target().map(|t| t.repo_id.as_str()), Some("acme/model"));
        let calls = fake.calls();
        assert_eq!(
            calls.iter().filter(|c| c.starts_with("git config")).count(),
            1,
            "{calls:?}"
        );
        assert!(
            calls.iter().any(|c| c.starts_with("git rev-list")),
            "{calls:?}"
        );
        assert!(!calls.iter().any(|c| c.contains("ssh")), "{calls:?}");
        assert!(ctx.hub.get().is_none());
        use crate::checks::{git_remote, git_ssh};
        assert!(findings.iter().any(|f| f.is(git_remote::Outcome::Ok)));
        assert!(findings.iter().any(|f| f.is(git_ssh::Outcome::NoSshRemote)));
    }

    /// A git that never answers: the git checks say timeout, not "no remote".
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_git_that_hangs_is_a_timeout_for_the_git_checks() {
        let fake = Arc::new(FakeProc::new().hang_all("git"));
        let (_dir, ctx) = world(true, fake);
        std::fs::create_dir_all(ctx.cwd.join(".git")).unwrap();
        let findings = crate::checks::run(ctx.clone(), crate::checks::REGISTRY, |_, _| {}).await;
        for id in ["git-remote", "git-credential", "git-ssh", "git-lfs"] {
            let outcomes: Vec<_> = findings
                .iter()
                .filter(|f| f.check == id)
                .map(|f| f.outcome)
                .collect();
            assert_eq!(
                outcomes,
                [crate::engine::finding::OutcomeId::from(
                    crate::engine::runner::Outcome::Timeout
                )],
                "{id}"
            );
        }
    }
}
