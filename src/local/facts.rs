//! Facts about this machine for a support report: OS, git, git-lfs, Python and the versions of
//! huggingface_hub, hf_xet and transformers (read from package metadata, nothing imported,
//! bounded to 3 s), and the variables that matter, with secrets masked.

use std::path::Path;
use std::time::Duration;

use crate::world::env::Env;
use crate::world::proc::{ProcRunner, Spec};

/// What the probes need of the machine: plain values, so this layer knows nothing of checks
/// or the Context.
pub struct Machine<'a> {
    pub env: &'a Env,
    pub cwd: &'a Path,
    pub home: Option<&'a Path>,
    pub proc: &'a dyn ProcRunner,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Facts {
    pub os: String,
    pub arch: String,
    pub git: Option<String>,
    pub git_lfs: Option<String>,
    pub python: Option<String>,
    /// (package, version or None when not installed)
    pub packages: Vec<(String, Option<String>)>,
    /// Each distinct environment: the names that run it, its Python, where, what it holds,
    /// and how huggingface_hub came into it.
    pub pythons: Vec<PyLine>,
    /// (variable, value as it may be shown)
    pub variables: Vec<(String, String)>,
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    pretty.unwrap_or_else(|| std::env::consts::OS.to_string())
}

fn first_line(out: &str) -> Option<String> {
    out.lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

pub fn collect(m: &Machine) -> Facts {
    let short = Duration::from_secs(3);
    let run =
        |program: &str, args: &[&str]| m.proc.run(m.env, &Spec::new(program, args, m.cwd, short));
    let version = |program: &str, args: &[&str]| {
        run(program, args)
            .ok()
            .filter(|o| o.ok())
            .and_then(|o| first_line(&o.stdout))
    };
    // The Pythons as python-env finds them (local::python::discover: python3, python, and the
    // interpreters behind hf and huggingface-cli, read from disk where that can tell); the
    // probes run side by side with git's: even when every one hangs, the report waits for one
    // deadline, not the sum (docs/notes/processes.md).
    let probe = |program: &str, args: &[&str]| {
        let out = run(program, args).ok()?;
        out.ok().then_some(out.stdout)
    };
    let (git, git_lfs, pythons) = std::thread::scope(|s| {
        let git = s.spawn(|| version("git", &["--version"]));
        let lfs = s.spawn(|| version("git", &["lfs", "version"]));
        let pythons = crate::local::python::discover(m.env, m.cwd, m.home, &probe);
        (
            git.join().ok().flatten(),
            lfs.join().ok().flatten(),
            pythons,
        )
    });
    let mut facts = Facts {
        os: os_name(),
        arch: std::env::consts::ARCH.to_string(),
        git,
        git_lfs,
        ..Default::default()
    };
    // The first line is the environment downloads run in: hf's, else python3's, else python's.
    let primary = ["hf", "python3", "python"]
        .into_iter()
        .find_map(|n| pythons.by_name(n).map(|e| (n, e)));
    if let Some((name, env)) = primary {
        facts.python = Some(format!("{name} {}", env.python));
        for p in ["huggingface_hub", "hf_xet", "transformers"] {
            facts
                .packages
                .push((p.to_string(), env.version(p).map(str::to_string)));
        }
    }
    facts.pythons = python_lines(&pythons, m.home);
    facts.variables = variables(m.env, m.home);
    facts
}

/// One Python environment of the report: `hf, python3`, `3.12.1`, `~/venv/bin/python3`,
/// `huggingface_hub 2.4.0, hf_xet 1.8.0, transformers -`, installed by `pip`. `python` is None
/// when the interpreter did not answer.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq, Eq)]
pub struct PyLine {
    pub names: String,
    pub at: String,
    pub python: Option<String>,
    /// (package, version or `-`)
    pub packages: Vec<(String, String)>,
    pub install: Option<&'static str>,
}

/// One line per distinct environment.
fn python_lines(p: &crate::local::python::Pythons, home: Option<&Path>) -> Vec<PyLine> {
    let shown = |p: &Path| crate::world::paths::display_path(home, p);
    // One line per environment (its prefix): `python3` and `python` of a venv are one.
    let key = |i: usize| match &p.probed[i] {
        Some(e) => e.prefix.clone(),
        None => p.distinct[i].to_string_lossy().into_owned(),
    };
    let mut lines = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for i in 0..p.distinct.len() {
        let k = key(i);
        if seen.contains(&k) {
            continue;
        }
        seen.push(k.clone());
        let names: Vec<&str> = p
            .found
            .iter()
            .filter(|(_, q)| {
                p.distinct
                    .iter()
                    .position(|d| d == q)
                    .is_some_and(|j| key(j) == k)
            })
            .map(|(n, _)| *n)
            .collect();
        let names = names.join(", ");
        let Some(env) = &p.probed[i] else {
            lines.push(PyLine {
                names,
                at: shown(&p.distinct[i]),
                ..PyLine::default()
            });
            continue;
        };
        let pkgs: Vec<(String, String)> = ["huggingface_hub", "hf_xet", "transformers"]
            .iter()
            .map(|k| (k.to_string(), env.version(k).unwrap_or("-").to_string()))
            .collect();
        lines.push(PyLine {
            names,
            at: shown(Path::new(&env.executable)),
            python: Some(env.python.clone()),
            packages: pkgs,
            install: env
                .version("huggingface_hub")
                .map(|_| crate::local::python::install_method(Path::new(&env.prefix))),
        });
    }
    lines
}

/// Is this variable's value a secret (token, password, key)?
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    // HF_TOKEN_PATH names a file, not a secret.
    if n.ends_with("_PATH") || n.ends_with("_DIR") || n.ends_with("_FILE") {
        return false;
    }
    ["TOKEN", "SECRET", "PASSWORD", "KEY"]
        .iter()
        .any(|w| n.contains(w))
}

/// HF_*, the token and proxy variables, CA variables, offline switches: set ones, masked.
pub fn variables(env: &Env, home: Option<&Path>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in env.iter() {
        let upper = name.to_ascii_uppercase();
        let wanted = upper.starts_with("HF_")
            || upper.starts_with("HUGGING")
            || upper.ends_with("_PROXY")
            || matches!(
                upper.as_str(),
                "SSL_CERT_FILE"
                    | "SSL_CERT_DIR"
                    | "REQUESTS_CA_BUNDLE"
                    | "CURL_CA_BUNDLE"
                    | "TRANSFORMERS_OFFLINE"
                    | "GIT_SSH_COMMAND"
                    | "CI"
                    | "GITHUB_ACTIONS"
            );
        if !wanted {
            continue;
        }
        let value = value.to_string_lossy().into_owned();
        let shown = if is_secret_name(name) {
            if value.is_empty() {
                "(empty)".into()
            } else {
                crate::secret::mask(&value)
            }
        } else if upper.ends_with("_PROXY") && upper != "NO_PROXY" {
            crate::net::proxy::masked_proxy(&value)
        } else if value.starts_with('/') || value.starts_with('~') {
            crate::world::paths::display_path(home, Path::new(&value))
        } else {
            value
        };
        out.push((name.clone(), shown));
    }
    out
}

/// One client setting for the report: what it is, its value, and in words what decided it.
/// `label` and `word` are catalog message keys (the report says them in its language); a
/// variable name is shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub label: Label,
    pub value: Option<String>,
    /// `setting-default`, `setting-on`, `setting-off`, `setting-yes`, `setting-no`.
    pub word: Option<&'static str>,
    /// The variable that decided it, where one did.
    pub because: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Msg(&'static str),
    Var(&'static str),
}

/// The settings `hf env` shows that decide a download: the cache and the Xet cache, the two
/// timeouts, Xet on or off, offline mode; each with what decided it.
pub fn hub_settings(env: &Env, home: Option<&Path>, cwd: &Path) -> Vec<Setting> {
    let paths = crate::local::cache::CachePaths::resolve(env, home, cwd);
    let shown = |p: &Path| crate::world::paths::display_path(home, p);
    let setting = |label, value: Option<String>, word, because: Option<String>| Setting {
        label,
        value,
        word,
        because,
    };
    let timeout = |var: &'static str| match env.non_empty(var) {
        Some(v) => setting(Label::Var(var), Some(format!("{v} s")), None, None),
        None => setting(
            Label::Var(var),
            Some("10 s".into()),
            Some("setting-default"),
            None,
        ),
    };
    let cache_origin = paths.origin.label();
    vec![
        if cache_origin == "default" {
            setting(
                Label::Msg("setting-cache"),
                Some(shown(&paths.hub)),
                Some("setting-default"),
                None,
            )
        } else {
            setting(
                Label::Msg("setting-cache"),
                Some(shown(&paths.hub)),
                None,
                Some(cache_origin.to_string()),
            )
        },
        setting(
            Label::Msg("setting-xet-cache"),
            Some(shown(&paths.xet)),
            None,
            None,
        ),
        timeout("HF_HUB_ETAG_TIMEOUT"),
        timeout("HF_HUB_DOWNLOAD_TIMEOUT"),
        if env.is_true("HF_HUB_DISABLE_XET") {
            setting(
                Label::Var("Xet"),
                None,
                Some("setting-off"),
                Some("HF_HUB_DISABLE_XET".into()),
            )
        } else {
            setting(Label::Var("Xet"), None, Some("setting-on"), None)
        },
        match env.offline_setting() {
            Some((var, _)) if env.offline() => setting(
                Label::Msg("setting-offline"),
                None,
                Some("setting-yes"),
                Some(var.to_string()),
            ),
            _ => setting(
                Label::Msg("setting-offline"),
                None,
                Some("setting-no"),
                None,
            ),
        },
    ]
}
