//! `hfdoctor --fix` in temporary homes: each change applied with `--yes`, its backup or trash
//! in place, the checks behind it passing afterwards, and the undo commands it prints putting
//! back the original byte for byte; `--dry-run` and a run without a terminal change nothing
//! (a full snapshot of the home before and after); a file that changes between the plan and
//! the answer on a terminal (a pty from script(1)) is skipped.

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use support::*;

/// Every path under `root` with its bytes (or link target) and mode.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let mode = meta.permissions().mode();
            if meta.file_type().is_symlink() {
                let t = std::fs::read_link(&p).unwrap();
                out.insert(p, (t.to_string_lossy().into_owned().into_bytes(), mode));
            } else if meta.is_dir() {
                out.insert(p.clone(), (Vec::new(), mode));
                stack.push(p);
            } else {
                out.insert(p.clone(), (std::fs::read(&p).unwrap(), mode));
            }
        }
    }
    out
}

fn mode_of(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Run the undo commands a fix printed, as the user would paste them: in the world's HOME,
/// with its git configuration, from its work folder.
fn undo(w: &World, commands: &[serde_json::Value]) {
    for c in commands {
        let c = c.as_str().unwrap().replace('~', w.home.to_str().unwrap());
        let ok = std::process::Command::new("sh")
            .args(["-c", &c])
            .env("HOME", &w.home)
            .env("GIT_CONFIG_GLOBAL", w.home.join(".gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .current_dir(&w.cwd)
            .status()
            .unwrap()
            .success();
        assert!(ok, "{c}");
    }
}

fn change<'a>(j: &'a serde_json::Value, finding: &str) -> &'a serde_json::Value {
    j["fix"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["finding"] == finding)
        .unwrap_or_else(|| panic!("no change for {finding}: {}", j["fix"]))
}

const TOKEN_FILE_ONLY: &[&str] = &["--only", "token-file", "--offline", "--fix"];

#[test]
fn a_quoted_token_file_is_rewritten_backed_up_rechecked_and_undone() {
    let w = World::new();
    let original = format!("\"{TOKEN_A}\"\r\n").into_bytes();
    w.write_token(&original);
    let path = w.home.join(".cache/huggingface/token");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut args = TOKEN_FILE_ONLY.to_vec();
    args.push("--yes");
    let r = w.json(&args);
    let j = r.json();
    let c = change(&j, "token-file/quoted");
    assert_eq!(c["state"], "applied", "{c}");
    assert_eq!(j["fix"]["consent"], "yes");
    // The diff shows the token masked, the CR and LF written out, and the mode.
    let shown = c["shown"].as_str().unwrap();
    assert!(
        shown.contains("-\"hf_…Abcd\"\\r\\n\n+hf_…Abcd\n"),
        "{shown}"
    );
    assert!(shown.contains("chmod 644 → 600"), "{shown}");
    assert!(!r.stdout.contains(TOKEN_A) && !r.stderr.contains(TOKEN_A));
    assert_eq!(std::fs::read(&path).unwrap(), TOKEN_A.as_bytes());
    assert_eq!(mode_of(&path), 0o600);
    let backup = c["backup"].as_str().unwrap();
    assert!(
        backup.starts_with("~/.cache/huggingface/token.hfdoctor-"),
        "{backup}"
    );
    assert!(!backup.contains("hf_"), "no token in a backup's name");
    let backup = w.home.join(backup.trim_start_matches("~/"));
    assert_eq!(std::fs::read(&backup).unwrap(), original);
    assert_eq!(mode_of(&backup), 0o600);
    // Checked again: the finding is gone and the check passes.
    assert_eq!(c["recheck"]["before"], "fail");
    assert_eq!(c["recheck"]["after"], "pass");
    assert_eq!(c["recheck"]["gone"], true);
    assert_eq!(j["exit_code"], 0, "the run's result is the re-checked one");
    // The undo commands put back the original, byte for byte, and its mode.
    undo(&w, c["undo"].as_array().unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert_eq!(mode_of(&path), 0o644);
    assert!(!backup.exists());
    // The text output says the same, in Chinese too.
    let mut zh = World::new();
    zh.env = w.env.clone();
    zh.set("LANG", "zh_TW.UTF-8");
    std::fs::create_dir_all(zh.home.join(".cache/huggingface")).unwrap();
    std::fs::write(zh.home.join(".cache/huggingface/token"), &original).unwrap();
    let out = zh.run(&args).stdout;
    assert!(
        out.contains("依照 `hf auth login` 的寫法重寫 token 檔案"),
        "{out}"
    );
    assert!(
        out.contains("已套用。原本的狀態保存在 ~/.cache/huggingface/token.hfdoctor-"),
        "{out}"
    );
    assert!(out.contains("token-file: fail → pass"), "{out}");
    assert!(out.contains("要復原這些變更："), "{out}");
}

#[test]
fn dry_run_and_a_run_without_a_terminal_change_nothing() {
    let w = World::new();
    w.write_token(format!("\"{TOKEN_A}\"\n"));
    let c = w
        .home
        .join(".cache/huggingface/hub/models--acme--llm/blobs");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::write(c.join(format!("{:064x}.1a2b3c4d.incomplete", 7)), b"part").unwrap();
    let before = snapshot(&w.home);
    let mut args = vec![
        "--only",
        "token-file,hf-cache",
        "--offline",
        "--fix",
        "--dry-run",
    ];
    let j = w.json(&args).json();
    assert_eq!(j["fix"]["consent"], "dry-run");
    let states: Vec<_> = j["fix"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["finding"].clone(), c["state"].clone()))
        .collect();
    assert_eq!(states.len(), 2, "{}", j["fix"]);
    assert!(states.iter().all(|(_, s)| s == "planned"), "{states:?}");
    let text = w.run(&args).stdout;
    assert!(
        text.contains("--dry-run: each change is shown, none is made."),
        "{text}"
    );
    assert_eq!(snapshot(&w.home), before, "--dry-run wrote something");
    // No terminal and no --yes: the plan, and nothing applied.
    args.pop();
    let j = w.json(&args).json();
    assert_eq!(j["fix"]["consent"], "no-terminal");
    assert!(j["fix"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["state"] == "skipped" && c["reason"] == "fix-skip-no-terminal"));
    let text = w.run(&args).stdout;
    assert!(
        text.contains("No terminal to ask on: nothing is changed."),
        "{text}"
    );
    assert_eq!(
        snapshot(&w.home),
        before,
        "a run without a terminal wrote something"
    );
    // --yes and --dry-run do not go together, and neither goes without --fix.
    assert_eq!(w.run(&["--dry-run"]).code, 2);
    assert_eq!(w.run(&["--fix", "--yes", "--dry-run"]).code, 2);
}

#[test]
fn the_start_up_line_that_shadows_the_token_file_is_commented_out() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    let rc = w.home.join(".bashrc");
    let original = format!("alias ll='ls -l'\nexport HF_TOKEN={TOKEN_B}\n# end\n");
    std::fs::write(&rc, &original).unwrap();
    w.set("HF_TOKEN", TOKEN_B);
    let r = w.json(&["--only", "env-conflicts", "--offline", "--fix", "--yes"]);
    let j = r.json();
    let c = change(&j, "env-conflicts/env-shadows-file");
    assert_eq!(c["state"], "applied", "{c}");
    let shown = c["shown"].as_str().unwrap();
    assert!(shown.contains("@@ -2 +2 @@\n-export HF_TOKEN=hf_…Wxyz\n+# export HF_TOKEN=hf_…Wxyz  # commented out by hfdoctor --fix\n"), "{shown}");
    assert!(
        !r.stdout.contains(TOKEN_B),
        "the token is masked everywhere"
    );
    assert_eq!(
        std::fs::read_to_string(&rc).unwrap(),
        format!("alias ll='ls -l'\n# export HF_TOKEN={TOKEN_B}  # commented out by hfdoctor --fix\n# end\n")
    );
    // This shell still has it: the unset line is the user's to run; checked again as a new
    // shell sees it, the shadowing is gone.
    assert_eq!(c["then"], serde_json::json!(["unset HF_TOKEN"]));
    assert_eq!(c["recheck"]["gone"], true, "{c}");
    undo(&w, c["undo"].as_array().unwrap());
    assert_eq!(std::fs::read_to_string(&rc).unwrap(), original);
    assert_eq!(mode_of(&rc), 0o644);
}

#[test]
fn the_caches_leftovers_move_to_a_trash_folder_and_back() {
    let mut w = World::new();
    let hub = w.home.join("hfcache");
    w.set("HF_HUB_CACHE", hub.to_str().unwrap());
    let repo = hub.join("models--acme--llm");
    let sha = "0123456789abcdef0123456789abcdef01234567";
    std::fs::create_dir_all(repo.join("blobs")).unwrap();
    std::fs::create_dir_all(repo.join("snapshots").join(sha)).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), sha).unwrap();
    let part = repo.join(format!("blobs/{:064x}.1a2b3c4d.incomplete", 9));
    std::fs::write(&part, vec![1u8; 4096]).unwrap();
    // Its lock, held by nobody (a killed job's), goes with it.
    let lock = hub.join(format!(".locks/models--acme--llm/{:064x}.lock", 9));
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, b"").unwrap();
    let link = repo.join("snapshots").join(sha).join("model.safetensors");
    std::os::unix::fs::symlink("../../blobs/gone", &link).unwrap();
    // A download that is still running: its lock is held, so its unfinished blob stays.
    let live = repo.join(format!("blobs/{:064x}.5e6f7a8b.incomplete", 3));
    std::fs::write(&live, vec![2u8; 1024]).unwrap();
    let live_lock = hub.join(format!(".locks/models--acme--llm/{:064x}.lock", 3));
    std::fs::create_dir_all(live_lock.parent().unwrap()).unwrap();
    std::fs::write(&live_lock, b"").unwrap();
    let holder = LockHolder::new(&live_lock);
    let kept = repo.join("blobs").join(format!("{:064x}", 5));
    std::fs::write(&kept, b"{}").unwrap();
    std::os::unix::fs::symlink(
        format!("../../blobs/{:064x}", 5),
        repo.join("snapshots").join(sha).join("config.json"),
    )
    .unwrap();
    let before = snapshot(&w.home);
    let j = w
        .json(&["--only", "hf-cache", "--offline", "--fix", "--yes"])
        .json();
    let c = change(&j, "hf-cache/leftovers");
    assert_eq!(c["state"], "applied", "{c}");
    assert!(!part.exists() && std::fs::symlink_metadata(&link).is_err());
    assert!(
        !lock.exists(),
        "the unheld lock of the unfinished blob moves with it"
    );
    assert!(
        live.exists() && live_lock.exists(),
        "a live download is left alone"
    );
    drop(holder);
    assert!(kept.exists(), "a blob a snapshot links to is never touched");
    let trash = c["backup"].as_str().unwrap();
    assert!(trash.starts_with("~/hfcache/.hfdoctor-trash-"), "{trash}");
    // Checked again, the live download's unfinished blob is still reported, as it should be.
    assert_eq!(c["recheck"]["gone"], false, "{c}");
    assert_eq!(c["cleanup"], format!("rm -rf {trash}"));
    // Once that download has ended (killed, its lock gone with it), the next --fix takes its
    // leftover too, and the check passes. (Same second, same trash: a stamp per second.)
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let j2 = w
        .json(&["--only", "hf-cache", "--offline", "--fix", "--yes"])
        .json();
    let c2 = change(&j2, "hf-cache/leftovers");
    assert_eq!(c2["state"], "applied", "{c2}");
    assert_eq!(c2["recheck"]["gone"], true, "{c2}");
    assert!(!live.exists());
    undo(&w, c2["undo"].as_array().unwrap());
    undo(&w, c["undo"].as_array().unwrap());
    let mut after = snapshot(&w.home);
    // What is left of the trash is its empty folders.
    after.retain(|p, _| !p.to_string_lossy().contains(".hfdoctor-trash-"));
    assert_eq!(after, before);
}

/// On a terminal (a pty from script(1)) the change waits for its answer; the file changes
/// meanwhile, so it is skipped; a "n" declines.
#[test]
fn a_file_that_changes_before_the_answer_is_left_alone() {
    use std::io::{BufRead, Write};
    let w = World::new();
    w.write_token(format!("\"{TOKEN_A}\"\n"));
    let path = w.home.join(".cache/huggingface/token");
    let ask = |answer: &str, meanwhile: &dyn Fn()| -> String {
        let bin = env!("CARGO_BIN_EXE_hfdoctor");
        let cmd = format!("{bin} --only token-file --offline --fix --color never");
        let mut script = std::process::Command::new("script");
        script
            .args(["-qec", &cmd, "/dev/null"])
            .env_clear()
            .env("HOME", &w.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(&w.cwd)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        for (k, v) in &w.env {
            script.env(k, v);
        }
        let mut child = script.spawn().expect("script(1)");
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut seen = String::new();
        // Up to the prompt, which ends without a newline: read byte runs.
        while !seen.contains("[y/N]") {
            let buf = out.fill_buf().unwrap();
            assert!(!buf.is_empty(), "no prompt:\n{seen}");
            seen.push_str(&String::from_utf8_lossy(buf));
            let n = buf.len();
            out.consume(n);
        }
        meanwhile();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
        child.wait().unwrap();
        seen + &rest
    };
    let out = ask("n", &|| {});
    assert!(out.contains("Skipped, as you answered."), "{out}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        format!("\"{TOKEN_A}\"\n").as_bytes()
    );
    let out = ask("y", &|| {
        std::fs::write(&path, format!("'{TOKEN_A}'\n")).unwrap()
    });
    assert!(
        out.contains("Skipped: it changed after hfdoctor read it"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        format!("'{TOKEN_A}'\n").as_bytes()
    );
    let backups = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".hfdoctor-"))
        .count();
    assert_eq!(backups, 0, "nothing was written");
}

/// A Space cloned without /spaces/: the remote's URL set to the one git-remote tested, with
/// `.git/config` backed up; checked again, the finding is gone; undone, the config is as it was.
#[test]
fn a_remote_without_its_type_gets_the_url_the_hub_has() {
    use support::hub::{HubServer, HubWorld, Repo};
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[("acme", "write")])
            .token(TOKEN_A, "alice", "write")
            .repo(Repo::space("acme/demo")),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(TOKEN_A);
    w.git_repo(Some(&format!("{}/acme/demo", hub.url)));
    let config = w.cwd.join(".git/config");
    let original = std::fs::read(&config).unwrap();
    let j = w.json(&["--only", "git-remote", "--fix", "--yes"]).json();
    let c = change(&j, "git-remote/wrong-repo-type");
    assert_eq!(c["state"], "applied", "{c}");
    let want = format!("{}/spaces/acme/demo", hub.url);
    assert!(c["shown"]
        .as_str()
        .unwrap()
        .contains(&format!("$ git remote set-url origin {want}")));
    assert_eq!(w.git(&["remote", "get-url", "origin"]).trim(), want);
    assert_eq!(c["recheck"]["gone"], true, "{c}");
    let backup = c["backup"].as_str().unwrap();
    assert!(backup.contains(".git/config.hfdoctor-"), "{backup}");
    undo(&w, c["undo"].as_array().unwrap());
    assert_eq!(std::fs::read(&config).unwrap(), original);
}

/// git-lfs installed but its filters not set up, in a repo that pushes to the Hub:
/// `git lfs install --skip-repo` writes the global config only (not the repo's hooks).
#[test]
fn git_lfs_filters_are_set_up_in_the_global_config_only() {
    if !have_git_lfs() {
        return;
    }
    let w = World::new();
    w.git_repo(Some("https://huggingface.co/acme/model"));
    let global = w.home.join(".gitconfig");
    let before_global = std::fs::read(&global).ok();
    let hooks = snapshot(&w.cwd.join(".git/hooks"));
    let j = w
        .json(&["--only", "git-lfs", "--offline", "--fix", "--yes"])
        .json();
    let c = change(&j, "git-lfs/not-initialised");
    assert_eq!(c["state"], "applied", "{c}");
    assert_eq!(c["recheck"]["gone"], true, "{c}");
    if before_global.is_none() {
        assert_eq!(c["backup"], serde_json::Value::Null, "nothing to back up");
    }
    let now = std::fs::read_to_string(&global).unwrap();
    assert!(now.contains("[filter \"lfs\"]"), "{now}");
    assert_eq!(
        snapshot(&w.cwd.join(".git/hooks")),
        hooks,
        "the repo's hooks are untouched"
    );
    undo(&w, c["undo"].as_array().unwrap());
    assert_eq!(std::fs::read(&global).ok(), before_global);
}

/// git's helper holds a revoked token: replaced, through git's own helper, by the token in
/// effect (valid, role write); checked again, git's credential passes; undone, the helper's
/// file is as it was, byte for byte; no token in full anywhere in the output.
#[test]
fn a_revoked_token_in_gits_helper_is_replaced_by_the_one_in_effect() {
    use support::hub::{HubServer, HubWorld, Repo};
    const REVOKED: &str = "hf_revokedaaaaaaaaaaaaaaaaaaaaaaaRevk";
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[("acme", "write")])
            .token(TOKEN_A, "alice", "write")
            .revoked(REVOKED, "alice")
            .repo(Repo::model("acme/public")),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.git_repo(Some(&format!("{}/acme/public", hub.url)));
    w.write_token(TOKEN_A);
    w.git_credential_store(&hub.url, "hf_user", REVOKED);
    let store = w.home.join(".git-credentials");
    let original = std::fs::read(&store).unwrap();
    let r = w.json(&["--only", "git-credential,token-valid", "--fix", "--yes"]);
    let j = r.json();
    let c = change(&j, "git-credential/invalid");
    assert_eq!(c["state"], "applied", "{c}");
    for t in [TOKEN_A, REVOKED] {
        assert!(
            !r.stdout.contains(t) && !r.stderr.contains(t),
            "a token in the output"
        );
    }
    let now = std::fs::read_to_string(&store).unwrap();
    assert!(now.contains(TOKEN_A) && !now.contains(REVOKED), "{now}");
    assert_eq!(c["recheck"]["gone"], true, "{c}");
    assert_eq!(c["recheck"]["after"], "pass", "{c}");
    let backup = c["backup"].as_str().unwrap();
    assert!(backup.starts_with("~/.hfdoctor-git-credential-") && !backup.contains("hf_"));
    assert_eq!(
        mode_of(&w.home.join(backup.trim_start_matches("~/"))),
        0o600
    );
    undo(&w, c["undo"].as_array().unwrap());
    assert_eq!(std::fs::read(&store).unwrap(), original);
}

/// The same for fish (`set -gx`) and a project's `.env`: `#` comments the line out in both.
#[test]
fn fish_and_dotenv_lines_are_commented_out_too() {
    for (file, line) in [
        (
            ".config/fish/config.fish",
            format!("set -gx HF_TOKEN {TOKEN_B}\n"),
        ),
        ("work/.env", format!("HF_TOKEN={TOKEN_B}\n")),
    ] {
        let mut w = World::new();
        w.write_token(TOKEN_A);
        let rc = w.home.join(file);
        std::fs::create_dir_all(rc.parent().unwrap()).unwrap();
        std::fs::write(&rc, &line).unwrap();
        w.set("HF_TOKEN", TOKEN_B);
        let j = w
            .json(&["--only", "env-conflicts", "--offline", "--fix", "--yes"])
            .json();
        let c = change(&j, "env-conflicts/env-shadows-file");
        assert_eq!(c["state"], "applied", "{file}: {c}");
        let now = std::fs::read_to_string(&rc).unwrap();
        assert_eq!(
            now,
            format!("# {}  # commented out by hfdoctor --fix\n", line.trim_end()),
            "{file}"
        );
        undo(&w, c["undo"].as_array().unwrap());
        assert_eq!(std::fs::read_to_string(&rc).unwrap(), line, "{file}");
    }
}
