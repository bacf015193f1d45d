//! python-env on temporary Python environments (`python3 -m venv --without-pip`, with package
//! metadata written into their site-packages as pip would leave it): versions and declared
//! requirements read without importing anything, `hf` running another Python, hf_xet missing
//! or too old, a huggingface-cli stub, variables the installed client ignores.

mod support;

use std::path::{Path, PathBuf};

use support::venv::{script, venv, venv_with};
use support::*;

const HUB_2: (&str, &str, &[&str]) = (
    "huggingface_hub",
    "2.4.0",
    &["filelock", "hf-xet<2.0.0,>=1.5.2; platform_machine == \"x86_64\" or platform_machine == \"amd64\" or platform_machine == \"AMD64\" or platform_machine == \"arm64\" or platform_machine == \"aarch64\""],
);
const XET_18: (&str, &str, &[&str]) = ("hf_xet", "1.8.0", &[]);

/// A world whose PATH holds only these folders.
fn world_with_path(dirs: &[&Path]) -> World {
    let mut w = World::new();
    let path = std::env::join_paths(dirs).unwrap();
    w.set("PATH", path.to_str().unwrap());
    w
}

const ARGS: &[&str] = &["--only", "python-env", "--offline"];

macro_rules! venv_or_skip {
    ($root:expr, $name:expr, $pkgs:expr) => {
        match venv($root, $name, $pkgs) {
            Some(bin) => bin,
            None => {
                eprintln!("SKIPPED: no python3 that can make a venv");
                return;
            }
        }
    };
}

#[test]
fn a_healthy_environment_names_what_it_runs() {
    let root = tempfile::tempdir().unwrap();
    let bin = venv_or_skip!(root.path(), "a", &[HUB_2, XET_18]);
    script(&bin, "hf", &bin.join("python"));
    let w = world_with_path(&[&bin]);
    let (f, text) = w.outcome_with("python-env/ok", ARGS);
    let envs = f["details"]["envs"].as_str().unwrap();
    assert!(
        envs.contains("huggingface_hub 2.4.0, hf_xet 1.8.0"),
        "{envs}"
    );
    assert!(
        envs.contains("python: the same") && envs.contains("hf: the same"),
        "{envs}"
    );
    assert!(text.contains("Python as you run it: python3 3."), "{text}");
}

#[test]
fn a_package_that_wants_another_huggingface_hub() {
    let root = tempfile::tempdir().unwrap();
    let bin = venv_or_skip!(
        root.path(),
        "a",
        &[
            HUB_2,
            XET_18,
            (
                "transformers",
                "4.56.1",
                &["huggingface-hub<1.0,>=0.34.0", "tokenizers>=0.22"]
            ),
        ]
    );
    let w = world_with_path(&[&bin]);
    let (f, text) = w.outcome_with("python-env/requirement-unmet", ARGS);
    assert_eq!(f["cause"], "client-outdated");
    assert_eq!(f["details"]["spec"], "<1.0,>=0.34.0");
    assert!(
        text.contains("transformers 4.56.1 requires huggingface_hub<1.0,>=0.34.0, but"),
        "{text}"
    );
    assert!(text.contains("has 2.4.0"), "{text}");
    let cmds = fix_commands(&f);
    assert!(
        cmds[0].ends_with("-m pip install -U transformers huggingface_hub"),
        "{cmds:?}"
    );
}

#[test]
fn hf_xet_missing_or_too_old() {
    let root = tempfile::tempdir().unwrap();
    let bin = venv_or_skip!(root.path(), "a", &[HUB_2]);
    let w = world_with_path(&[&bin]);
    let (f, _) = w.outcome_with("python-env/xet-missing", ARGS);
    assert_eq!(f["status"], "warn");
    let bin = venv_or_skip!(root.path(), "b", &[HUB_2, ("hf_xet", "1.1.0", &[])]);
    let w = world_with_path(&[&bin]);
    let (f, _) = w.outcome_with("python-env/xet-too-old", ARGS);
    assert_eq!(f["details"]["xet"], "1.1.0");
    assert_eq!(f["details"]["spec"], "<2.0.0,>=1.5.2");
}

#[test]
fn hf_that_runs_another_python() {
    let root = tempfile::tempdir().unwrap();
    let a = venv_or_skip!(root.path(), "a", &[HUB_2, XET_18]);
    let b = venv_or_skip!(root.path(), "b", &[("huggingface_hub", "0.36.2", &[])]);
    let tools = root.path().join("tools");
    script(&tools, "hf", &b.join("python"));
    let w = world_with_path(&[&a, &tools]);
    let (f, text) = w.outcome_with("python-env/hf-elsewhere", ARGS);
    assert_eq!(f["details"]["hf_hub"], "0.36.2");
    assert_eq!(f["details"]["python_hub"], "2.4.0");
    assert!(text.contains("hf runs "), "{text}");
    // In Chinese.
    let mut zh = world_with_path(&[&a, &tools]);
    zh.set("LANG", "zh_CN.UTF-8");
    let (_, text) = zh.outcome_with("python-env/hf-elsewhere", ARGS);
    assert!(text.contains("`hf` 运行的是"), "{text}");
}

#[test]
fn a_huggingface_cli_that_no_longer_works() {
    let root = tempfile::tempdir().unwrap();
    let bin = venv_or_skip!(root.path(), "a", &[HUB_2, XET_18]);
    script(&bin, "huggingface-cli", &bin.join("python"));
    let w = world_with_path(&[&bin]);
    let (f, _) = w.outcome_with("python-env/cli-stub", ARGS);
    assert_eq!(f["details"]["version"], "2.4.0");
    assert_eq!(fix_commands(&f), vec!["hf auth login"]);
}

#[test]
fn variables_the_installed_client_ignores() {
    let root = tempfile::tempdir().unwrap();
    let bin = venv_or_skip!(root.path(), "a", &[HUB_2, XET_18]);
    let mut w = world_with_path(&[&bin]);
    w.set("HF_HUB_ENABLE_HF_TRANSFER", "1");
    w.set("REQUESTS_CA_BUNDLE", "/etc/company-ca.pem");
    let (f, _) = w.outcome_with("python-env/transfer-ignored", ARGS);
    assert_eq!(
        fix_commands(&f),
        vec![
            "unset HF_HUB_ENABLE_HF_TRANSFER",
            "export HF_XET_HIGH_PERFORMANCE=1"
        ]
    );
    let (f, text) = w.outcome_with("python-env/ca-ignored", ARGS);
    assert_eq!(f["cause"], "tls");
    assert!(
        text.contains("REQUESTS_CA_BUNDLE is set, but huggingface_hub 2.4.0 does not read it"),
        "{text}"
    );
    assert_eq!(
        fix_commands(&f),
        vec!["export SSL_CERT_FILE=\"$REQUESTS_CA_BUNDLE\""]
    );
    // With 0.x the variable is read: nothing to say.
    let old = venv_or_skip!(root.path(), "old", &[("huggingface_hub", "0.36.2", &[])]);
    let mut w = world_with_path(&[&old]);
    w.set("REQUESTS_CA_BUNDLE", "/etc/company-ca.pem");
    let j = w.json(ARGS).json();
    assert!(find(&j, "python-env/ca-ignored").is_none(), "{j}");
    assert!(find(&j, "python-env/ok").is_some(), "{j}");
}

#[test]
fn without_python_or_without_the_client() {
    let root = tempfile::tempdir().unwrap();
    let empty = root.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let w = world_with_path(&[&empty]);
    let (f, _) = w.outcome_with("python-env/no-python", ARGS);
    assert_eq!(f["status"], "skip");
    let bin = venv_or_skip!(root.path(), "a", &[]);
    let w = world_with_path(&[&bin]);
    let (f, _) = w.outcome_with("python-env/no-hub", ARGS);
    assert_eq!(f["status"], "skip");
}

/// A venv that also sees the system's packages is not read from disk: the interpreter itself
/// answers (importlib.metadata), with the same verdicts.
#[test]
fn an_environment_the_interpreter_must_describe() {
    let root = tempfile::tempdir().unwrap();
    let Some(bin) = venv_with(
        root.path(),
        "sys",
        &[
            HUB_2,
            XET_18,
            ("transformers", "4.56.1", &["huggingface-hub<1.0,>=0.34.0"]),
        ],
        true,
    ) else {
        eprintln!("SKIPPED an_environment_the_interpreter_must_describe: no python3 venv");
        return;
    };
    let w = world_with_path(&[&bin]);
    let (f, _) = w.outcome_with("python-env/requirement-unmet", ARGS);
    assert_eq!(f["details"]["hub"], "2.4.0");
    assert_eq!(f["details"]["package_version"], "4.56.1");
}

/// What hfdoctor reads from disk is what the interpreter itself says (importlib.metadata), for
/// this machine's own python3 and for a venv: the same packages at the same versions.
#[test]
fn reading_from_disk_agrees_with_the_interpreter() {
    use hfdoctor::local::python;
    let root = tempfile::tempdir().unwrap();
    let Some(bin) = venv(root.path(), "a", &[HUB_2, XET_18]) else {
        eprintln!("SKIPPED reading_from_disk_agrees_with_the_interpreter: no python3 venv");
        return;
    };
    let env = hfdoctor::context::Env::from_pairs(std::env::vars());
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut interpreters = vec![bin.join("python3")];
    if let Ok(p) = which::which("python3") {
        let cwd = std::env::current_dir().unwrap();
        interpreters.push(python::pyenv_target(&p, &env, &cwd).unwrap_or(p));
    }
    let mut compared = 0;
    for py in interpreters {
        let Some(ours) = python::read_from_disk(&py, &env, home.as_deref()) else {
            continue;
        };
        let out = std::process::Command::new(&py)
            .args(["-c", &python::probe_script()])
            .output()
            .unwrap();
        let theirs = python::PyEnv::parse(&String::from_utf8_lossy(&out.stdout)).unwrap();
        let versions = |e: &python::PyEnv| {
            e.packages
                .iter()
                .map(|(k, p)| (k.clone(), p.version.clone(), p.requires.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(versions(&ours), versions(&theirs), "{}", py.display());
        assert_eq!(
            ours.python.split('.').take(2).collect::<Vec<_>>(),
            theirs.python.split('.').take(2).collect::<Vec<_>>()
        );
        compared += 1;
    }
    assert!(compared >= 1);
}
