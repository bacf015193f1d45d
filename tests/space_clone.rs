//! space-status in a real clone of a Space: real git pushes to the Hub stand-in (git
//! http-backend behind the Hub's rules) and clones from it, then hfdoctor compares the README
//! front matter with the files of the pushed commit. Each mismatch is found with the line to
//! change, and after the fix is applied and pushed it is gone.

mod support;

use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const OWNER: &str = "hf_aliceowneraaaaaaaaaaaaaaaaaaaaOwnr";
const READER: &str = "hf_bobreaderaaaaaaaaaaaaaaaaaaaaaRead";

fn hub(root: &std::path::Path, space: Repo) -> HubServer {
    HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .user("bob", &[])
            .token(OWNER, "alice", "write")
            .token(READER, "bob", "read")
            .repo(space)
            .git_backend(root),
    )
}

/// Push `files` as one commit from a scratch repository, then clone the Space into the
/// world's working directory: the clone hfdoctor runs in.
fn pushed_clone(hub: &HubServer, files: &[(&str, &str)], token: &str) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(token);
    w.git_credential_store(&hub.url, "alice", OWNER);
    let url = format!("{}/spaces/alice/demo", hub.url);
    let work = w.cwd.clone();
    w.cwd = w.home.join("src");
    std::fs::create_dir_all(&w.cwd).unwrap();
    w.git(&["init", "-q", "-b", "main"]);
    for (path, text) in files {
        let p = w.cwd.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    w.git(&["add", "-A"]);
    w.git(&["commit", "-q", "-m", "first"]);
    w.git(&["remote", "add", "origin", &url]);
    w.git(&["push", "-q", "origin", "main"]);
    w.cwd = w.home.clone();
    std::fs::remove_dir_all(&work).unwrap();
    w.git(&["clone", "-q", &url, "work"]);
    w.cwd = work;
    w
}

const ONLY: &[&str] = &["--only", "space-status"];

fn readme(front: &str) -> String {
    format!("---\ntitle: Demo\n{front}---\n\n# Demo\n")
}

#[test]
fn app_file_named_in_readme_is_not_in_the_pushed_commit() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(
        root.path(),
        Repo::space("alice/demo").runtime("NO_APP_FILE"),
    );
    let files = [
        (
            "README.md",
            readme("sdk: gradio\nsdk_version: 4.44.0\napp_file: app.py\n"),
        ),
        (
            "main.py",
            "import gradio as gr\ngr.Interface(lambda x: x, 'text', 'text').launch()\n".into(),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let w = pushed_clone(&hub, &files, OWNER);
    let (f, text) = w.outcome_with("space-status/app-file-missing", ONLY);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "space-error");
    assert_eq!(f["details"]["line"], "5");
    assert_eq!(f["details"]["candidate"], "main.py");
    assert_eq!(f["details"]["pushed"], "origin/HEAD");
    let fix = f["fixes"][0]["text"].as_str().unwrap();
    assert!(
        fix.contains("Change line 5 of README.md from `app_file: app.py` to `app_file: main.py`"),
        "{fix}"
    );
    // The mismatch leads: it is the cause of the stage the Hub shows.
    let j = w.json(ONLY).json();
    assert_eq!(j["checks"][0]["code"], "space-status/app-file-missing");
    assert!(find(&j, "space-status/no-app-file").is_some());
    assert_eq!(
        j["diagnosis"][0]["findings"][0],
        "space-status/app-file-missing"
    );
    assert!(
        text.contains("README.md line 5 says `app_file: app.py`"),
        "{text}"
    );
    // zh-TW names the same line.
    let tw = w
        .run(&[
            "--only",
            "space-status",
            "--lang",
            "zh-TW",
            "--color",
            "never",
        ])
        .stdout;
    assert!(
        tw.contains("把 `README.md` 第 5 行的 `app_file: app.py` 改成 `app_file: main.py`"),
        "{tw}"
    );

    // The fix, applied and pushed: the mismatch is gone.
    let fixed = std::fs::read_to_string(w.cwd.join("README.md"))
        .unwrap()
        .replace("app_file: app.py", "app_file: main.py");
    std::fs::write(w.cwd.join("README.md"), fixed).unwrap();
    w.git(&["commit", "-q", "-am", "app_file: main.py"]);
    w.git(&["push", "-q", "origin", "HEAD:main"]);
    let j = w.json(ONLY).json();
    assert!(find(&j, "space-status/app-file-missing").is_none(), "{j}");
    let f = find(&j, "space-status/config-matches").unwrap();
    assert_eq!(f["details"]["app"], "app_file main.py");
}

#[test]
fn app_file_in_the_clone_but_never_pushed() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(
        root.path(),
        Repo::space("alice/demo").runtime("NO_APP_FILE"),
    );
    let front = readme("sdk: gradio\napp_file: app.py\n");
    let w = pushed_clone(&hub, &[("README.md", &front)], OWNER);
    std::fs::write(w.cwd.join("app.py"), "import gradio as gr\n").unwrap();
    let (f, _) = w.outcome_with("space-status/app-file-not-pushed", ONLY);
    assert_eq!(
        fix_commands(&f),
        [
            "git add app.py",
            "git commit -m 'Add the app file'",
            "git push origin HEAD:main"
        ]
    );
    // Those commands, run: the Space's commit has it.
    for cmd in fix_commands(&f) {
        let args = shell_words(&cmd);
        let args: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
        w.git(&args);
    }
    let j = w.json(ONLY).json();
    assert!(
        find(&j, "space-status/app-file-not-pushed").is_none(),
        "{j}"
    );
    assert!(find(&j, "space-status/config-matches").is_some(), "{j}");
}

/// `git commit -m 'Add the app file'` → its words, quotes taken off.
fn shell_words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in cmd.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn docker_space_exposes_another_port_and_copies_a_missing_requirements_file() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(
        root.path(),
        Repo::space("alice/demo")
            .runtime("BUILD_ERROR")
            .sdk("docker", None)
            .build_log(&["COPY failed: file not found in build context or excluded by .dockerignore: stat requirements.txt: file does not exist"]),
    );
    let front = readme("sdk: docker\n");
    let dockerfile = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 8000\nCMD [\"uvicorn\", \"app:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n";
    let w = pushed_clone(
        &hub,
        &[
            ("README.md", &front),
            ("Dockerfile", dockerfile),
            ("app.py", "app = None\n"),
        ],
        OWNER,
    );
    let (f, text) = w.outcome_with("space-status/port-not-exposed", ONLY);
    assert_eq!(f["details"]["port"], "7860");
    assert_eq!(f["details"]["exposed"], "8000");
    assert_eq!(f["details"]["expose_line"], "5");
    let fix = f["fixes"][0]["text"].as_str().unwrap();
    assert!(
        fix.contains("Set `app_port: 8000` in the front matter of README.md"),
        "{fix}"
    );
    assert!(
        fix.contains("change line 5 of the Dockerfile to `EXPOSE 7860`"),
        "{fix}"
    );
    assert!(
        text.contains("The Dockerfile does not EXPOSE 7860"),
        "{text}"
    );
    let (f, _) = w.outcome_with("space-status/requirements-missing", ONLY);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["details"]["line"], "2");
    assert_eq!(f["details"]["line_text"], "COPY requirements.txt .");
    // The build log that says the same is there too.
    let (f, _) = w.outcome_with("space-status/build-error", ONLY);
    assert!(f["details"]["log_tail"]
        .as_str()
        .unwrap()
        .contains("stat requirements.txt"));

    // Both fixes, pushed: app_port in README, requirements.txt added.
    std::fs::write(
        w.cwd.join("README.md"),
        readme("sdk: docker\napp_port: 8000\n"),
    )
    .unwrap();
    std::fs::write(w.cwd.join("requirements.txt"), "fastapi\nuvicorn\n").unwrap();
    w.git(&["add", "-A"]);
    w.git(&["commit", "-q", "-m", "fix"]);
    w.git(&["push", "-q", "origin", "HEAD:main"]);
    let j = w.json(ONLY).json();
    let f = find(&j, "space-status/config-matches").unwrap_or_else(|| panic!("{j}"));
    assert_eq!(f["details"]["app"], "app_port 8000");
    assert!(find(&j, "space-status/port-not-exposed").is_none());
}

#[test]
fn docker_space_without_a_dockerfile() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(
        root.path(),
        Repo::space("alice/demo").runtime("CONFIG_ERROR"),
    );
    let front = readme("sdk: docker\napp_port: 8080\n");
    let w = pushed_clone(&hub, &[("README.md", &front)], OWNER);
    let (f, _) = w.outcome_with("space-status/dockerfile-missing", ONLY);
    assert_eq!(f["cause"], "space-error");
}

#[test]
fn a_readme_without_front_matter() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(
        root.path(),
        Repo::space("alice/demo").runtime("CONFIG_ERROR"),
    );
    let w = pushed_clone(
        &hub,
        &[("README.md", "# Demo\n"), ("app.py", "import gradio\n")],
        OWNER,
    );
    let (f, _) = w.outcome_with("space-status/no-front-matter", ONLY);
    assert_eq!(f["status"], "fail");
}

const APP: &str = r#"import os
import gradio as gr
import torch
from transformers import pipeline
from helpers import tidy

token = os.environ["HF_TOKEN"]
model = os.getenv("MODEL_ID")
mode = os.getenv("MODE", "demo")
space = os.environ.get("SPACE_ID")
"#;

#[test]
fn imports_without_requirements_and_secrets_the_space_does_not_define() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(
        root.path(),
        Repo::space("alice/demo")
            .runtime("RUNTIME_ERROR")
            .variables(&[("MODEL_ID", "gpt2")])
            .run_log(&["KeyError: 'HF_TOKEN'"]),
    );
    let front = readme("sdk: gradio\napp_file: app.py\n");
    let w = pushed_clone(
        &hub,
        &[
            ("README.md", &front),
            ("app.py", APP),
            ("helpers.py", "def tidy(x):\n    return x\n"),
        ],
        OWNER,
    );
    let (f, text) = w.outcome_with("space-status/imports-need-requirements", ONLY);
    // torch and transformers; not os (standard library), gradio (the image's), helpers (the repo's).
    assert_eq!(f["details"]["modules"], "torch, transformers");
    assert_eq!(f["details"]["where"], "app.py:3, app.py:4");
    assert!(
        text.contains("which the gradio image does not install"),
        "{text}"
    );
    let (f, text) = w.outcome_with("space-status/env-undefined", ONLY);
    // MODEL_ID is a variable, MODE has a default, SPACE_ID the runtime sets: only HF_TOKEN.
    assert_eq!(f["details"]["names"], "HF_TOKEN");
    assert_eq!(f["details"]["where"], "app.py:7");
    assert_eq!(
        fix_commands(&f),
        ["hf spaces secrets add alice/demo -s HF_TOKEN"]
    );
    // Names only: the variable's value never shows.
    assert!(
        !text.contains("gpt2") && !w.json(ONLY).stdout.contains("gpt2"),
        "{text}"
    );
    assert!(hub.count("/api/spaces/alice/demo/secrets") >= 1);
}

#[test]
fn a_token_that_may_not_read_the_settings_says_so() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(
        root.path(),
        Repo::space("alice/demo")
            .runtime("RUNNING")
            .secrets(&["HF_TOKEN"]),
    );
    let front = readme("sdk: gradio\napp_file: app.py\n");
    let w = pushed_clone(
        &hub,
        &[
            ("README.md", &front),
            ("app.py", APP),
            ("requirements.txt", "torch\ntransformers\n"),
            ("helpers.py", ""),
        ],
        READER,
    );
    let (f, text) = w.outcome_with("space-status/settings-unreadable", ONLY);
    assert_eq!(f["status"], "warn");
    assert_eq!(f["details"]["status"], "403");
    assert_eq!(f["details"]["names"], "HF_TOKEN, MODEL_ID");
    assert!(
        text.contains("so whether they are set is not known"),
        "{text}"
    );
    // The owner sees HF_TOKEN is a secret: only MODEL_ID is missing.
    w.write_token(OWNER);
    let (f, _) = w.outcome_with("space-status/env-undefined", ONLY);
    assert_eq!(f["details"]["names"], "MODEL_ID");
    let cn = w
        .run(&[
            "--only",
            "space-status",
            "--lang",
            "zh-CN",
            "--color",
            "never",
        ])
        .stdout;
    assert!(cn.contains("没有定义这些名称的 secret 或变量"), "{cn}");
}

#[test]
fn matching_config_and_commits_not_pushed_yet() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(root.path(), Repo::space("alice/demo").runtime("RUNNING"));
    let front = readme("sdk: gradio\napp_file: app.py\n");
    let w = pushed_clone(
        &hub,
        &[("README.md", &front), ("app.py", "import gradio as gr\n")],
        OWNER,
    );
    let (f, text) = w.outcome_with("space-status/config-matches", ONLY);
    assert_eq!(f["status"], "pass");
    assert!(text.contains("README.md of the pushed commit (origin/HEAD) matches its files: sdk gradio, app_file app.py."), "{text}");
    std::fs::write(w.cwd.join("notes.txt"), "later\n").unwrap();
    w.git(&["add", "notes.txt"]);
    w.git(&["commit", "-q", "-m", "local only"]);
    let (f, _) = w.outcome_with("space-status/unpushed", ONLY);
    assert_eq!(f["details"]["ahead"], "1");
    assert_eq!(fix_commands(&f), ["git push origin HEAD:main"]);
    // Outside a clone there is nothing of this to say.
    let mut w = w;
    w.cwd = w.home.clone();
    let j = w
        .json(&[
            "--only",
            "space-status",
            "--repo",
            "alice/demo",
            "--repo-type",
            "space",
        ])
        .json();
    assert_eq!(codes(&j), ["space-status/running"]);
}
