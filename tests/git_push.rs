//! A real `git push` to the Hub stand-in (git http-backend behind the Hub's rules, with its
//! pre-receive refusals) is rejected exactly where hfdoctor predicted, and accepted where it
//! said all is well.

mod support;

use std::process::Command;

use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";
const READ: &str = "hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead";

fn hub(root: &std::path::Path) -> HubServer {
    HubServer::start(
        HubWorld::new()
            .user("alice", &[("acme", "write")])
            .token(WRITE, "alice", "write")
            .token(READ, "alice", "read")
            .repo(Repo::model("acme/model"))
            .git_backend(root),
    )
}

/// A repo whose origin is the stand-in, with `secret` in git's credential store (and in the
/// token file, as `hf auth login --add-to-git-credential` leaves things).
fn world(hub: &HubServer, secret: &str, token_file: &str) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(token_file);
    w.git_repo(Some(&format!("{}/acme/model", hub.url)));
    w.git_credential_store(&hub.url, "hf_user", secret);
    w
}

/// `git push origin main`: (succeeded, stderr).
fn push(w: &World) -> (bool, String) {
    let mut cmd = Command::new("git");
    cmd.env_clear()
        .env("HOME", &w.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_TERMINAL_PROMPT", "0")
        .current_dir(&w.cwd)
        .args(["push", "origin", "main"]);
    for (k, v) in &w.env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn failing_codes(w: &World) -> Vec<String> {
    let j = w.json(&[]).json();
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

fn lfs_ready(w: &World) {
    // git-lfs set up where it is installed, so its absence is not what fails.
    let _ = Command::new("git")
        .env_clear()
        .env("HOME", &w.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(w.env.iter().map(|(k, v)| (k.clone(), v.clone())))
        .args(["lfs", "install", "--skip-repo"])
        .output();
}

#[test]
fn all_is_well_and_the_push_goes_through() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(root.path());
    let w = world(&hub, WRITE, WRITE);
    lfs_ready(&w);
    let failing: Vec<String> = failing_codes(&w)
        .into_iter()
        .filter(|c| c != "git-lfs/missing")
        .collect();
    assert!(failing.is_empty(), "hfdoctor predicts trouble: {failing:?}");
    let (ok, stderr) = push(&w);
    assert!(ok, "push refused: {stderr}");
    // The commit is on the server.
    let local = w.git(&["rev-parse", "HEAD"]);
    let remote = Command::new("git")
        .arg("--git-dir")
        .arg(root.path().join("model/acme/model.git"))
        .args(["rev-parse", "main"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&remote.stdout), local);
}

#[test]
fn a_large_file_is_rejected_where_predicted() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(root.path());
    let w = world(&hub, WRITE, WRITE);
    lfs_ready(&w);
    std::fs::write(w.cwd.join("big.txt"), "a".repeat(11 * 1024 * 1024)).unwrap();
    w.git(&["add", "big.txt"]);
    w.git(&["commit", "-q", "-m", "big"]);
    let failing = failing_codes(&w);
    assert!(
        failing.contains(&"git-lfs/large-files".to_string()),
        "{failing:?}"
    );
    let (ok, stderr) = push(&w);
    assert!(!ok);
    assert!(
        stderr.contains("Your push was rejected because it contains files larger than 10 MiB"),
        "{stderr}"
    );
    assert!(
        stderr.contains(" - big.txt (ref: refs/heads/main)"),
        "{stderr}"
    );
}

#[test]
fn a_read_token_is_rejected_where_predicted() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(root.path());
    let w = world(&hub, READ, READ);
    lfs_ready(&w);
    let failing = failing_codes(&w);
    assert!(
        failing.contains(&"repo-access/write-read-token".to_string()),
        "{failing:?}"
    );
    let (ok, stderr) = push(&w);
    assert!(!ok);
    assert!(
        stderr.contains("DENIED update refs/heads/main: forbidden"),
        "{stderr}"
    );
}

#[test]
fn a_password_is_rejected_where_predicted() {
    let root = tempfile::tempdir().unwrap();
    let hub = hub(root.path());
    let w = world(&hub, "my-account-password", WRITE);
    lfs_ready(&w);
    let failing = failing_codes(&w);
    assert!(
        failing.contains(&"git-credential/password".to_string()),
        "{failing:?}"
    );
    let (ok, stderr) = push(&w);
    assert!(!ok);
    assert!(
        stderr.contains("Authentication failed") || stderr.contains("Password authentication"),
        "{stderr}"
    );
}

#[test]
fn an_old_read_token_in_gits_store_is_the_wrapped_pushs_cause_and_its_fix_works() {
    // The token file holds the write token; git's store still holds the old read token.
    let root = tempfile::tempdir().unwrap();
    let hub = hub(root.path());
    let mut w = world(&hub, READ, WRITE);
    w.set("GIT_TERMINAL_PROMPT", "0");
    lfs_ready(&w);
    let out = w.dir.path().join("diagnosis.json");
    let out_arg = out.to_str().unwrap();
    let r = w.run(&[
        "--format", "json", "--output", out_arg, "--", "git", "push", "origin", "main",
    ]);
    assert_ne!(r.code, 0, "the push should fail: {}", r.stderr);
    assert!(
        r.stderr.contains("DENIED") || r.stderr.contains("403") || r.stderr.contains("forbidden"),
        "the child's stderr passes through: {}",
        r.stderr
    );
    let written = std::fs::read(&out).unwrap();
    let j: serde_json::Value = serde_json::from_slice(&written).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n---stderr\n{}",
            String::from_utf8_lossy(&written),
            r.stderr
        )
    });
    assert_eq!(j["confirmed_cause"], "stale-git-credential", "{j:#}");
    let first = &j["diagnosis"][0];
    assert_eq!(first["cause"], "stale-git-credential");
    assert_eq!(first["verified"], true);
    let commands: Vec<String> = first["fixes"][0]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    // Follow the fix: forget the old credential, store the token in effect (`hf auth token`
    // prints it; the test has no hf, so it passes the token itself), push again.
    let sh = |script: &str| {
        let status = Command::new("sh")
            .arg("-c")
            .arg(script)
            .env_clear()
            .env("HOME", &w.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(w.env.iter().map(|(k, v)| (k.clone(), v.clone())))
            .current_dir(&w.cwd)
            .status()
            .unwrap();
        assert!(status.success(), "{script}");
    };
    sh(&commands[0]);
    sh(&commands[1].replace("$(hf auth token)", WRITE));
    let (ok, stderr) = push(&w);
    assert!(ok, "the fix did not make the push work: {stderr}");
}
