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

const PY_PROBE: &str = "import sys, importlib.metadata as m\nprint(sys.version.split()[0])\nfor p in ('huggingface_hub', 'hf_xet', 'transformers'):\n    try:\n        print(p, m.version(p))\n    except Exception:\n        print(p, '-')\n";

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
    // Read from disk where the interpreter's sys.path can be told from its files (as
    // python-env does, local::python); else the interpreter answers the probe.
    let python = |python: &'static str| {
        if let Some(env) = from_disk(m, python) {
            let mut stdout = format!("{}\n", env.python);
            for p in ["huggingface_hub", "hf_xet", "transformers"] {
                stdout.push_str(&format!("{p} {}\n", env.version(p).unwrap_or("-")));
            }
            return Some((python, stdout));
        }
        let out = run(python, &["-c", PY_PROBE]).ok()?;
        out.ok().then_some((python, out.stdout))
    };
    // The probes run side by side: even when every one of them hangs, the report waits for one
    // deadline, not the sum (docs/notes/processes.md).
    let (git, git_lfs, pythons) = std::thread::scope(|s| {
        let git = s.spawn(|| version("git", &["--version"]));
        let lfs = s.spawn(|| version("git", &["lfs", "version"]));
        let py3 = s.spawn(|| python("python3"));
        let py = python("python");
        let py3 = py3.join().ok().flatten();
        (
            git.join().ok().flatten(),
            lfs.join().ok().flatten(),
            py3.or(py),
        )
    });
    let mut facts = Facts {
        os: os_name(),
        arch: std::env::consts::ARCH.to_string(),
        git,
        git_lfs,
        ..Default::default()
    };
    if let Some((python, stdout)) = pythons {
        let mut lines = stdout.lines();
        facts.python = lines.next().map(|v| format!("{python} {v}"));
        for line in lines {
            if let Some((name, v)) = line.split_once(' ') {
                facts
                    .packages
                    .push((name.to_string(), (v != "-").then(|| v.to_string())));
            }
        }
    }
    facts.variables = variables(m.env, m.home);
    facts
}

/// `program` on the machine's PATH (a pyenv shim followed to its version), read from disk.
fn from_disk(m: &Machine, program: &str) -> Option<crate::local::python::PyEnv> {
    let path = m.env.get("PATH")?;
    let found = which::which_in(program, Some(&path), m.cwd).ok()?;
    let found = crate::local::python::pyenv_target(&found, m.env, m.cwd).unwrap_or(found);
    crate::local::python::read_from_disk(&found, m.env, m.home)
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

/// What `hf env` shows of the client's own settings, as this machine's environment sets them:
/// the cache folders (and what decided them), the two timeouts, whether Xet is on, offline
/// mode. (label, value) pairs, paths with the home as `~`.
pub fn hub_settings(env: &Env, home: Option<&Path>, cwd: &Path) -> Vec<(&'static str, String)> {
    let paths = crate::local::cache::CachePaths::resolve(env, home, cwd);
    let shown = |p: &Path| crate::world::paths::display_path(home, p);
    let timeout = |var: &str| match env.non_empty(var) {
        Some(v) => format!("{v} s"),
        None => "10 s (default)".to_string(),
    };
    vec![
        (
            "cache",
            format!("{} ({})", shown(&paths.hub), paths.origin.label()),
        ),
        ("xet cache", shown(&paths.xet)),
        ("HF_HUB_ETAG_TIMEOUT", timeout("HF_HUB_ETAG_TIMEOUT")),
        (
            "HF_HUB_DOWNLOAD_TIMEOUT",
            timeout("HF_HUB_DOWNLOAD_TIMEOUT"),
        ),
        (
            "Xet",
            if env.is_true("HF_HUB_DISABLE_XET") {
                "off (HF_HUB_DISABLE_XET)".to_string()
            } else {
                "on".to_string()
            },
        ),
        (
            "offline",
            match env.offline_setting() {
                Some((var, _)) if env.offline() => format!("yes ({var})"),
                _ => "no".to_string(),
            },
        ),
    ]
}
