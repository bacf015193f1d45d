//! Never hang, never leave a process behind (docs/notes/processes.md): a credential helper that
//! forks, a git, ssh or python that never answers, the git-lfs history scan cut at its deadline,
//! and `hfdoctor -- CMD` passing on SIGTERM, SIGHUP and SIGINT and dying with its child. No test
//! asserts a duration: a run that never ends fails through `output_or_hang`, and the waits for a
//! process to go are bounded loops.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::*;

/// A process that exists and is not a zombie (a killed child of a dead parent may stay a zombie
/// where nothing reaps orphans).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.trim().to_string()))
        .is_some_and(|rest| !rest.starts_with('Z'))
}

/// Wait (bounded) until `pid` is gone. The bound only keeps a broken build from waiting
/// forever; it is not a speed limit.
fn gone(pid: i32) -> bool {
    for _ in 0..1000 {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn pids(file: &Path) -> Vec<i32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn wait_for_file(file: &Path) -> String {
    for _ in 0..2000 {
        if let Ok(s) = std::fs::read_to_string(file) {
            if s.ends_with('\n') {
                return s;
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{} never appeared", file.display());
}

fn assert_all_gone(pidfile: &Path) {
    let all = pids(pidfile);
    for pid in &all {
        assert!(
            gone(*pid),
            "process {pid} (from {}) outlived hfdoctor",
            pidfile.display()
        );
    }
}

/// A bin dir holding `programs` as scripts that write their pid to `pidfile` and never answer
/// (they fork a sleeper too, which only a group kill reaches), first on PATH.
fn hanging_bin(w: &mut World, programs: &[&str], pidfile: &Path) -> PathBuf {
    let bin = w.home.join("hang-bin");
    std::fs::create_dir_all(&bin).unwrap();
    for p in programs {
        script(
            &bin.join(p),
            &format!(
                "#!/bin/sh\nsleep 300 >/dev/null 2>&1 &\necho $! >> {f}\necho $$ >> {f}\nwait\n",
                f = pidfile.display()
            ),
        );
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    w.set("PATH", &path);
    bin
}

fn script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn status_of(j: &serde_json::Value, id: &str) -> Vec<String> {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == id)
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

// ------------------------------------------------------------------------- credential helpers

/// A credential helper that forks a grandchild (its pid in the file returned) and hangs.
fn forking_helper(w: &World) -> std::path::PathBuf {
    let pidfile = w.home.join("helper.pid");
    w.git(&[
        "config",
        "--global",
        "credential.helper",
        &format!(
            "!f() {{ sleep 300 & echo $! > {}; sleep 300; }}; f",
            pidfile.display()
        ),
    ]);
    pidfile
}

#[test]
fn a_forking_credential_helper_dies_with_its_group() {
    let w = World::new();
    let pidfile = forking_helper(&w);
    let j = w.json(&["--offline", "--only", "git-credential"]).json();
    assert!(find(&j, "git-credential/fill-timeout").is_some(), "{j}");
    let pid = wait_for_file(&pidfile).trim().parse::<i32>().unwrap();
    assert!(
        gone(pid),
        "the helper's forked grandchild {pid} outlived hfdoctor"
    );
}

// ----------------------------------------------------------------------- programs that hang

#[test]
fn a_git_that_never_answers_gives_timeouts_and_a_report() {
    let mut w = World::new();
    w.git_repo(Some("https://huggingface.co/acme/model"));
    let pidfile = w.home.join("git.pids");
    hanging_bin(&mut w, &["git"], &pidfile);
    let run = w.json(&["--offline", "--timeout", "2"]);
    let j = run.json();
    for id in ["git-remote", "git-credential", "git-lfs", "git-ssh"] {
        let codes = status_of(&j, id);
        assert!(
            codes.iter().all(|c| c.ends_with("/timeout")),
            "{id}: {codes:?}\n{j}"
        );
    }
    // The checks that need no subprocess still report.
    assert!(status_of(&j, "token-file")
        .iter()
        .all(|c| !c.ends_with("/timeout")));
    assert!(!pids(&pidfile).is_empty(), "the fake git never ran");
    assert_all_gone(&pidfile);

    let report = w.run(&["report", "--offline", "--timeout", "2"]);
    assert!(report.stdout.contains("git-remote"), "{}", report.stdout);
    assert_all_gone(&pidfile);
}

#[test]
fn an_ssh_that_never_answers() {
    let mut w = World::new();
    w.git_repo(Some("git@hf.co:acme/model"));
    let pidfile = w.home.join("ssh.pids");
    hanging_bin(&mut w, &["ssh"], &pidfile);
    w.set("HF_ENDPOINT", &format!("http://{}", black_hole()));
    let j = w.json(&["--only", "git-ssh", "--timeout", "2"]).json();
    let codes = status_of(&j, "git-ssh");
    assert!(
        codes
            .iter()
            .all(|c| c.ends_with("/unreachable") || c.ends_with("/timeout")),
        "{codes:?}\n{j}"
    );
    assert!(!pids(&pidfile).is_empty(), "the fake ssh never ran");
    assert_all_gone(&pidfile);
}

#[test]
fn a_python_that_never_answers_still_gives_a_report() {
    let mut w = World::new();
    let pidfile = w.home.join("python.pids");
    hanging_bin(&mut w, &["python3", "python"], &pidfile);
    let report = w.run(&["report", "--offline", "--timeout", "2"]);
    assert!(report.stdout.contains("token-file"), "{}", report.stdout);
    assert!(!pids(&pidfile).is_empty(), "the fake python never ran");
    assert_all_gone(&pidfile);
}

#[test]
fn the_lfs_history_scan_is_cut_at_the_deadline() {
    let mut w = World::new();
    w.git_repo(Some("https://huggingface.co/acme/model"));
    let pidfile = w.home.join("scan.pids");
    let real = which::which("git").unwrap();
    let bin = w.home.join("scan-bin");
    std::fs::create_dir_all(&bin).unwrap();
    // A git that answers everything but the two halves of the scan.
    script(
        &bin.join("git"),
        &format!(
            "#!/bin/sh\ncase \"$1\" in rev-list|cat-file)\n  sleep 300 >/dev/null 2>&1 &\n  echo $! >> {f}\n  echo $$ >> {f}\n  wait;;\nesac\nexec {real} \"$@\"\n",
            f = pidfile.display(),
            real = real.display()
        ),
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    w.set("PATH", &path);
    let j = w
        .json(&["--offline", "--only", "git-lfs", "--timeout", "2"])
        .json();
    let codes = status_of(&j, "git-lfs");
    assert!(codes.contains(&"git-lfs/timeout".to_string()), "{j}");
    // Both rev-list and cat-file were started, and both died.
    assert!(pids(&pidfile).len() >= 4, "{:?}", pids(&pidfile));
    assert_all_gone(&pidfile);
}

// ---------------------------------------------------------------------------- hfdoctor -- CMD

/// hfdoctor wrapping a shell that traps the signals, writing which one it got.
fn wrapped(w: &World, script: &str) -> std::process::Child {
    let mut cmd = w.command(&["--offline", "--", "sh", "-c", script]);
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd.spawn().expect("start hfdoctor")
}

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

#[test]
fn wrapped_command_gets_term_hup_and_int() {
    for sig in ["TERM", "HUP", "INT"] {
        let w = World::new();
        let marker = w.home.join("marker");
        let pidfile = w.home.join("child.pid");
        let script = format!(
            "trap 'echo {sig} > {m}; exit 3' {sig}; echo $$ > {p}; while :; do sleep 0.05; done",
            m = marker.display(),
            p = pidfile.display()
        );
        let mut hfdoctor = wrapped(&w, &script);
        let child = wait_for_file(&pidfile).trim().parse::<i32>().unwrap();
        signal(hfdoctor.id(), sig);
        let status = wait_or_hang(&mut hfdoctor);
        assert_eq!(
            wait_for_file(&marker).trim(),
            sig,
            "the child's trap did not run for SIG{sig}"
        );
        // hfdoctor ends with the command's own code and does not diagnose a stopped command.
        assert_eq!(status.code(), Some(3), "SIG{sig}");
        assert!(gone(child), "SIG{sig}: the child outlived hfdoctor");
    }
}

#[test]
fn wrapped_command_dies_when_hfdoctor_is_killed() {
    let w = World::new();
    let pidfile = w.home.join("child.pid");
    let script = format!("echo $$ > {}; exec sleep 300", pidfile.display());
    let mut hfdoctor = wrapped(&w, &script);
    let child = wait_for_file(&pidfile).trim().parse::<i32>().unwrap();
    assert!(alive(child));
    signal(hfdoctor.id(), "KILL");
    wait_or_hang(&mut hfdoctor);
    assert!(
        gone(child),
        "the wrapped command outlived a SIGKILLed hfdoctor"
    );
}

#[test]
fn a_signal_to_hfdoctor_kills_what_it_started() {
    use std::os::unix::process::ExitStatusExt;
    let w = World::new();
    let pidfile = forking_helper(&w);
    let mut cmd = w.command(&["--offline", "--only", "git-credential"]);
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut hfdoctor = cmd.spawn().unwrap();
    let pid = wait_for_file(&pidfile).trim().parse::<i32>().unwrap();
    signal(hfdoctor.id(), "TERM");
    let status = wait_or_hang(&mut hfdoctor);
    // It dies of the signal, as it would have without taking it, and takes the helper along.
    assert_eq!(status.signal(), Some(15), "{status:?}");
    assert!(gone(pid), "the helper's child {pid} outlived hfdoctor");
}
