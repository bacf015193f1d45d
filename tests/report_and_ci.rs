//! The support report (snapshots), GitHub annotations, the --require preflight, completions
//! and the man page, and every outcome in every language.

mod support;

use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";
const READ: &str = "hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead";

/// Parts of a report that differ from machine to machine or run to run.
fn stable(report: &str) -> String {
    let rules: &[(&str, &str)] = &[
        (r"(?m)^- OS: .*$", "- OS: [os]"),
        (r"(?m)^- git: .*$", "- git: [git]"),
        (r"(?m)^- git-lfs: .*$", "- git-lfs: [git-lfs]"),
        (r"(?m)^- Python: .*$", "- Python: [python]"),
        // The machine's own environments, one line each: as many as it has.
        (r"(?m)^  - [^\n]* → [^\n]*\n", ""),
        (r"(?m)^- hfdoctor: .*$", "- hfdoctor: [version]"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (r"\| (\d+) \|", "| [ms] |"),
        (r"Root=1-[0-9a-f]+-[0-9a-f]+", "[request-id]"),
        (r"\d+ ms", "[n] ms"),
        (r"(?m)^\| `(CI|GITHUB_ACTIONS)` .*\n", ""),
    ];
    let mut out = report.to_string();
    for (re, with) in rules {
        out = regex::Regex::new(re)
            .unwrap()
            .replace_all(&out, *with)
            .into_owned();
    }
    out
}

#[test]
fn report_offline_with_a_shadowed_token_and_a_proxy_password() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    let hf_home = w
        .home
        .join(".cache/huggingface")
        .to_string_lossy()
        .into_owned();
    w.set("HF_TOKEN", TOKEN_B)
        .set("HTTPS_PROXY", "http://bob:s3cret@proxy.corp:3128")
        .set("HF_HOME", &hf_home);
    // git-lfs and python-env are left out: what is installed differs from machine to machine.
    let r = w.run(&["report", "--offline", "--skip", "git-lfs,python-env"]);
    assert!(!r.stdout.contains("s3cret"));
    assert!(!r.stdout.contains(&TOKEN_B[3..20]));
    assert!(
        !r.stdout.contains(w.home.to_str().unwrap()),
        "home not shown as ~"
    );
    assert!(
        r.stdout
            .trim_end()
            .ends_with("unless you ran with --anonymize."),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("report_offline_shadowed", stable(&r.stdout));
}

#[test]
fn report_online_anonymized_is_stable() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[("acme", "write")])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("acme/secret-project").private()),
    );
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", &hub.url);
    let args = [
        "--format",
        "markdown",
        "--anonymize",
        "--repo",
        "acme/secret-project",
        "--write",
        "--skip",
        "git-lfs,python-env",
    ];
    let first = stable(&w.run(&args).stdout);
    let second = stable(&w.run(&args).stdout);
    assert_eq!(first, second, "placeholders are stable");
    for name in ["alice", "acme", "secret-project", "alice-write"] {
        assert!(!first.contains(name), "{name} left in:\n{first}");
    }
    assert!(first.contains("name-space/repo-1"), "{first}");
    insta::assert_snapshot!("report_online_anonymized", first);
}

#[test]
fn report_of_a_broken_machine_in_chinese() {
    let mut w = World::new();
    w.write_token(format!("\"{TOKEN_A}\"\n"));
    w.set("HF_ENDPOINT", "").set("HF_HUB_OFFLINE", "1");
    let r = w.run(&[
        "report",
        "--offline",
        "--lang",
        "zh-TW",
        "--skip",
        "git-lfs,python-env",
    ]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("report_broken_zh_tw", stable(&r.stdout));
}

#[test]
fn github_annotations() {
    let mut w = World::new();
    w.write_token("'quoted'");
    w.set("GITHUB_ACTIONS", "true");
    // An empty variable, for a warning beside the failure.
    w.set("HUGGING_FACE_HUB_TOKEN", "");
    let out = w.run(&["--offline"]).stdout;
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error ")).collect();
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("::error title=hfdoctor token-file/quoted::")),
        "{out}"
    );
    assert!(
        errors[0].contains("%0Afix: "),
        "fixes ride along, escaped: {}",
        errors[0]
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("::warning title=hfdoctor ")),
        "{out}"
    );
    // Forced without GitHub Actions; never in JSON.
    let mut w2 = World::new();
    w2.write_token("'quoted'");
    assert!(!w2.run(&["--offline"]).stdout.contains("::error"));
    assert!(w2
        .run(&["--offline", "--format", "github"])
        .stdout
        .contains("::error title=hfdoctor"));
    w2.set("GITHUB_ACTIONS", "true");
    assert!(!w2
        .run(&["--offline", "--format", "json"])
        .stdout
        .contains("::error"));
}

#[test]
fn require_read_and_write() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write")
            .token(READ, "alice", "read")
            .repo(Repo::model("alice/m").private())
            .repo(Repo::model("other/gated").gated("manual")),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(READ);
    let r = w.run(&["--require", "read", "--repo", "alice/m"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 1);
    assert!(
        r.stdout
            .starts_with("ok: the token file ~/.cache/huggingface/token can read alice/m (model)"),
        "{}",
        r.stdout
    );

    let r = w.run(&["--require", "write", "--repo", "alice/m"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(
        r.stdout
            .starts_with("no: cannot write to alice/m (model): "),
        "{}",
        r.stdout
    );
    // The primary cause, with the command that fixes it.
    assert!(
        r.stdout.contains("[read-only-token: ") && r.stdout.contains("] $ hf auth login --force"),
        "{}",
        r.stdout
    );

    w.write_token(WRITE);
    assert_eq!(w.run(&["--require", "write", "--repo", "alice/m"]).code, 0);
    let r = w.run(&["--require", "read", "--repo", "other/gated"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("gated-access/not-requested"),
        "{}",
        r.stdout
    );

    let r = w.run(&["--require", "read"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--require needs --repo"), "{}", r.stderr);
    assert_eq!(w.run(&["--require", "admin", "--repo", "alice/m"]).code, 2);
}

#[test]
fn completions_and_man_page() {
    let w = World::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = w.run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}");
        assert!(r.stdout.contains("hfdoctor"), "{shell}");
        assert!(r.stdout.contains("offline"), "{shell}");
    }
    let r = w.run(&["man"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains(".TH hfdoctor"),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
}

#[test]
fn no_spinner_no_colour_in_ci() {
    let mut w = World::new();
    w.set("CI", "true");
    let r = w.run(&["--offline", "--color", "auto"]);
    assert!(!r.stdout.contains('\u{1b}'));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// The names of the anonymize world: the account, its org and token name, the repo.
const NAMES: [&str; 4] = ["alice", "acme", "secret-project", "alice-write"];

fn anonymize_world() -> (HubServer, World) {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[("acme", "write")])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("acme/secret-project").private()),
    );
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", &hub.url);
    // The repo also comes from a git remote, so names appear in URLs and remote checks.
    w.git_repo(Some(&format!("{}/acme/secret-project", hub.url)));
    std::fs::write(
        w.home.join("pasted.txt"),
        "huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. (Request ID: Root=1-abc)\n\
         Repository Not Found for url: https://huggingface.co/api/models/acme/secret-project.\n\
         Please make sure you specified the correct `repo_id` ('acme/secret-project') and (acme).\n",
    )
    .unwrap();
    (hub, w)
}

#[test]
fn anonymize_hides_names_in_every_format_and_is_stable() {
    let (_hub, w) = anonymize_world();
    let pasted = w.home.join("pasted.txt");
    let pasted = pasted.to_str().unwrap();
    let base = ["--anonymize", "--skip", "git-lfs,python-env", "--write"];
    let ms = regex::Regex::new(r#""duration_ms": \d+"#).unwrap();
    let modes: Vec<Vec<&str>> = vec![
        vec![],
        vec!["-v"],
        vec!["--format", "json"],
        vec!["--format", "markdown"],
        vec!["--format", "github", "-v"],
        vec!["report"],
        vec!["--require", "write", "--repo", "acme/secret-project"],
        vec!["explain", "--file", pasted],
        vec!["explain", "--format", "json", "--file", pasted],
    ];
    for mode in modes {
        let mut args = mode.clone();
        args.extend(base);
        let first = w.run(&args);
        let second = w.run(&args);
        let out = format!("{}{}", first.stdout, first.stderr);
        assert!(!first.stdout.is_empty(), "{mode:?}: {}", first.stderr);
        for name in NAMES {
            let re = regex::Regex::new(&format!(r"\b{}\b", regex::escape(name))).unwrap();
            assert!(!re.is_match(&out), "{mode:?}: {name} left in:\n{out}");
        }
        assert!(
            out.contains("name-"),
            "{mode:?}: placeholders are shown:\n{out}"
        );
        if mode.contains(&"json") {
            // Still the contract: the keys are untouched.
            let j = first.json();
            assert!(j.get("schema_version").is_some(), "{}", first.stdout);
        }
        let same = |s: &str| ms.replace_all(&stable(s), "ms").into_owned();
        assert_eq!(
            same(&first.stdout),
            same(&second.stdout),
            "{mode:?}: the same input gives the same placeholders"
        );
    }
}

#[test]
fn anonymize_where_it_cannot_be_honoured_is_a_usage_error() {
    let w = World::new();
    for args in [
        &["list", "--anonymize"][..],
        &["completions", "bash", "--anonymize"],
        &["man", "--anonymize"],
        &["generate-docs", "--check", "--anonymize"],
        &["--anonymize", "--", "true"],
    ] {
        let r = w.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("--anonymize"), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
}

/// The report shows the client's settings as this environment sets them (what `hf env` shows),
/// with the home as `~`.
#[test]
fn report_shows_the_client_settings() {
    let mut w = World::new();
    let cache = w.home.join("big/hub").to_string_lossy().into_owned();
    w.set("HF_HUB_CACHE", &cache)
        .set("HF_HUB_DOWNLOAD_TIMEOUT", "60")
        .set("HF_HUB_DISABLE_XET", "1");
    let r = w.run(&["report", "--offline", "--skip", "git-lfs,python-env"]);
    assert!(
        r.stdout.contains("- Client settings as the environment sets them: cache ~/big/hub (HF_HUB_CACHE) · Xet cache ~/.cache/huggingface/xet · HF_HUB_ETAG_TIMEOUT 10 s (default) · HF_HUB_DOWNLOAD_TIMEOUT 60 s · Xet off (HF_HUB_DISABLE_XET) · offline off"),
        "{}",
        r.stdout
    );
    // In Chinese, the words are Chinese; values and variables stay as they are.
    w.set("LANG", "zh_TW.UTF-8").set("HF_HUB_OFFLINE", "1");
    let r = w.run(&["report", "--offline", "--skip", "git-lfs,python-env"]);
    assert!(
        r.stdout.contains("- 依環境變數推得的用戶端設定：快取 ~/big/hub（HF_HUB_CACHE） · `Xet` 快取 ~/.cache/huggingface/xet · HF_HUB_ETAG_TIMEOUT 10 s（預設） · HF_HUB_DOWNLOAD_TIMEOUT 60 s · Xet 關閉（HF_HUB_DISABLE_XET） · 離線模式開啟（HF_HUB_OFFLINE）"),
        "{}",
        r.stdout
    );
}

/// The report's Python section: each environment once (its prefix), the names that run it,
/// what it holds, and how huggingface_hub came into it (`hf env`'s installation method).
#[test]
fn report_shows_each_python_environment() {
    let mut w = World::new();
    let Some(sys) = support::venv::venv(&w.home, "sys", &[("transformers", "4.57.0", &[])]) else {
        eprintln!("SKIPPED report_shows_each_python_environment: no python3 venv");
        return;
    };
    let tool = support::venv::venv(
        &w.home,
        "hf-tool",
        &[("huggingface_hub", "2.4.0", &[]), ("hf_xet", "1.8.0", &[])],
    )
    .unwrap();
    // The installer script's venv leaves a marker in its prefix.
    std::fs::write(w.home.join("hf-tool/.hf_installer_marker"), b"").unwrap();
    let bin = w.home.join("bin");
    support::venv::script(&bin, "hf", &tool.join("python"));
    let path = std::env::join_paths([sys.as_path(), bin.as_path()]).unwrap();
    w.set("PATH", path.to_str().unwrap());
    let r = w.run(&["report", "--offline", "--skip", "git-lfs"]);
    let out = &r.stdout;
    assert!(
        out.contains("- Python: hf "),
        "downloads run in hf's environment:\n{out}"
    );
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("  - ")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("  - python3, python → Python 3.")
            && lines[0]
                .contains("(~/sys/bin/python3): huggingface_hub -, hf_xet -, transformers 4.57.0"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("  - hf → Python 3.")
            && lines[1].ends_with("(~/hf-tool/bin/python): huggingface_hub 2.4.0, hf_xet 1.8.0, transformers -, installed by hf_installer"),
        "{out}"
    );
    w.set("LANG", "zh_CN.UTF-8");
    let out = w.run(&["report", "--offline", "--skip", "git-lfs"]).stdout;
    assert!(
        out.contains("（~/hf-tool/bin/python）：huggingface_hub 2.4.0、hf_xet 1.8.0、transformers -，安装方式：hf_installer"),
        "{out}"
    );
}
