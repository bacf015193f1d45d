//! git-lfs with real git and git-lfs (installed by .ci/run; skipped where absent).

mod support;

use support::*;

/// A PATH with git but without git-lfs.
fn path_without_lfs(w: &World) -> String {
    let bin = w.home.join("bin-no-lfs");
    std::fs::create_dir_all(&bin).unwrap();
    let git = which::which("git").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&git, bin.join("git")).unwrap();
    bin.to_string_lossy().into_owned()
}

#[test]
fn missing_with_and_without_a_hub_remote() {
    let mut w = World::new();
    w.git_repo(Some("https://huggingface.co/acme/model"));
    let path = path_without_lfs(&w);
    w.set("PATH", &path);
    let mut cmd = w.command(&["--offline", "--format", "json", "--only", "git-lfs"]);
    cmd.env("PATH", &path);
    let j: serde_json::Value = serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
    let f = find(&j, "git-lfs/missing").expect("missing");
    assert_eq!(f["cause"], "lfs-missing");
    assert_eq!(f["status"], "fail");

    let mut w = World::new();
    let path = path_without_lfs(&w);
    w.set("PATH", &path);
    let mut cmd = w.command(&["--offline", "--format", "json", "--only", "git-lfs"]);
    cmd.env("PATH", &path);
    let j: serde_json::Value = serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
    assert_eq!(
        find(&j, "git-lfs/missing-not-needed").unwrap()["status"],
        "pass",
        "nothing here pushes: no warning that fails --strict"
    );
}

#[test]
fn installed_but_not_set_up_then_set_up() {
    if !have_git_lfs() {
        return;
    }
    let w = World::new();
    let (f, _) = w.outcome("git-lfs/not-initialised-not-needed");
    assert_eq!(f["status"], "pass", "nothing here pushes");
    let hub_repo = World::new();
    hub_repo.git_repo(Some("https://huggingface.co/acme/model"));
    let (f, _) = hub_repo.outcome("git-lfs/not-initialised");
    assert_eq!(f["status"], "fail");
    w.git(&["lfs", "install", "--skip-repo"]);
    let (f, _) = w.outcome("git-lfs/ok-no-repo");
    assert!(
        f["details"]["version"].as_str().unwrap().starts_with('3')
            || f["details"]["version"].as_str().unwrap().starts_with('2')
    );
}

#[test]
fn large_and_binary_files_in_the_history_are_named_with_their_commit() {
    if !have_git_lfs() {
        return;
    }
    let w = World::new();
    w.git(&["lfs", "install", "--skip-repo"]);
    w.git_repo(Some("https://huggingface.co/acme/model"));
    // 11 MiB of text, added then deleted: the history still carries it.
    std::fs::write(w.cwd.join("big.txt"), "a".repeat(11 * 1024 * 1024)).unwrap();
    w.git(&["add", "big.txt"]);
    w.git(&["commit", "-q", "-m", "add big"]);
    let adding = w.git(&["rev-parse", "--short", "HEAD"]).trim().to_string();
    w.git(&["rm", "-q", "big.txt"]);
    w.git(&["commit", "-q", "-m", "remove big"]);
    // 2 MB binary: rejected. 2 MB text: fine.
    let mut bin = vec![0u8; 2_000_000];
    bin[10] = 1;
    std::fs::write(w.cwd.join("weights.bin"), &bin).unwrap();
    std::fs::write(w.cwd.join("notes.txt"), "b".repeat(2_000_000)).unwrap();
    w.git(&["add", "weights.bin", "notes.txt"]);
    w.git(&["commit", "-q", "-m", "add weights"]);
    let (f, text) = w.outcome("git-lfs/large-files");
    assert_eq!(f["cause"], "large-file-rejected");
    assert_eq!(f["details"]["count"], "2");
    let files = f["details"]["files"].as_str().unwrap();
    assert!(
        files.contains(&format!("big.txt (11.0 MiB, commit {adding})")),
        "{files}"
    );
    assert!(
        files.contains("weights.bin (1.9 MiB, binary, commit"),
        "{files}"
    );
    assert!(!files.contains("notes.txt"), "{files}");
    let cmds = fix_commands(&f);
    assert_eq!(cmds[0], "git lfs track '*.bin' '*.txt'");
    assert_eq!(
        cmds[1],
        "git lfs migrate import --include='*.bin,*.txt' --include-ref=refs/heads/main"
    );
    assert!(
        text.contains("deleting the file in a later commit does not help"),
        "{text}"
    );

    // Follow the fix: the rewritten history holds only pointers, and the scan passes.
    w.git(&[
        "lfs",
        "migrate",
        "import",
        "--include=*.bin,*.txt",
        "--include-ref=refs/heads/main",
    ]);
    let (f, _) = w.outcome("git-lfs/ok");
    assert_eq!(f["details"]["range"], "HEAD (all history)");
}

#[test]
fn only_commits_not_on_the_remote_are_scanned() {
    if !have_git_lfs() {
        return;
    }
    let w = World::new();
    w.git(&["lfs", "install", "--skip-repo"]);
    w.git_repo(Some("https://huggingface.co/acme/model"));
    std::fs::write(w.cwd.join("big.txt"), "a".repeat(11 * 1024 * 1024)).unwrap();
    w.git(&["add", "big.txt"]);
    w.git(&["commit", "-q", "-m", "already on the remote"]);
    // Pretend that commit was pushed: a remote-tracking ref at HEAD.
    w.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    std::fs::write(w.cwd.join("small.txt"), "x").unwrap();
    w.git(&["add", "small.txt"]);
    w.git(&["commit", "-q", "-m", "new"]);
    let (f, _) = w.outcome("git-lfs/ok");
    assert_eq!(f["details"]["range"], "HEAD --not --remotes=origin");
}
