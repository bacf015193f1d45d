//! git-remote and git-credential with real git in temporary repositories (HOME,
//! XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL and GIT_CONFIG_NOSYSTEM point into the temp dir), and the
//! Hub stand-in for what needs the network.

mod support;

use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";
const CAROL: &str = "hf_carolwriteaaaaaaaaaaaaaaaaaaaaCarl";
const REVOKED: &str = "hf_revokedaaaaaaaaaaaaaaaaaaaaaaaRevk";

fn hub() -> HubServer {
    HubServer::start(
        HubWorld::new()
            .user("alice", &[("acme", "write")])
            .user("carol", &[])
            .token(WRITE, "alice", "write")
            .token(CAROL, "carol", "write")
            .revoked(REVOKED, "alice")
            .repo(Repo::model("acme/public"))
            .repo(Repo::model("acme/gone").disabled())
            .repo(Repo::space("acme/demo")),
    )
}

/// A world whose endpoint is the stand-in, with a repo whose origin is `path` on it.
fn online(hub: &HubServer, path: &str) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.git_repo(Some(&format!("{}/{path}", hub.url)));
    w
}

fn store(w: &World, protocol: &str, host: &str, user: &str, password: &str) {
    w.git(&["config", "--global", "credential.helper", "store"]);
    w.git_with_input(
        &["credential", "approve"],
        Some(&format!(
            "protocol={protocol}\nhost={host}\nusername={user}\npassword={password}\n\n"
        )),
    );
}

fn host_of(hub: &HubServer) -> String {
    hub.url.trim_start_matches("http://").to_string()
}

// ----------------------------------------------------------------------------------- git-remote

#[test]
fn hub_remote_is_the_target_and_means_write() {
    let w = World::new();
    w.git_repo(Some("https://huggingface.co/spaces/acme/demo"));
    let (f, text) = w.outcome("git-remote/ok");
    assert_eq!(f["details"]["repo"], "acme/demo");
    assert_eq!(f["details"]["type"], "space");
    assert!(
        text.contains("origin is https://huggingface.co/spaces/acme/demo"),
        "{text}"
    );
    let j = w.json(&["--offline"]).json();
    assert_eq!(j["target"]["repo_id"], "acme/demo");
    assert_eq!(j["target"]["repo_type"], "space");
    assert_eq!(j["target"]["from"], "git-remote:origin");
}

#[test]
fn the_remote_target_gets_a_write_check() {
    let hub = hub();
    let w = online(&hub, "acme/public");
    w.write_token(WRITE);
    let j = w.json(&[]).json();
    assert!(find(&j, "repo-access/write-ok").is_some(), "{j}");
    assert!(find(&j, "git-remote/ok").is_some(), "{j}");
}

#[test]
fn no_hub_remote_and_no_repository() {
    let w = World::new();
    w.git_repo(Some("https://github.com/acme/x.git"));
    let (f, _) = w.outcome("git-remote/no-hub-remote");
    assert_eq!(f["status"], "skip");
    let w = World::new();
    let (f, text) = w.outcome("git-remote/skipped-no-git");
    assert_eq!(f["status"], "skip");
    assert!(text.contains("not inside a git repository"), "{text}");
}

#[test]
fn host_typo() {
    let w = World::new();
    w.git_repo(Some("https://huggingface.com/acme/model"));
    let (f, _) = w.outcome("git-remote/host-typo");
    assert_eq!(
        fix_commands(&f),
        vec!["git remote set-url origin https://huggingface.co/acme/model"]
    );
}

#[test]
fn url_from_the_browser() {
    let w = World::new();
    w.git_repo(Some("https://huggingface.co/spaces/acme/demo/tree/main"));
    let (f, _) = w.outcome("git-remote/browser-url");
    assert_eq!(f["details"]["suffix"], "/tree/main");
    assert_eq!(
        fix_commands(&f),
        vec!["git remote set-url origin https://huggingface.co/spaces/acme/demo"]
    );
}

#[test]
fn plain_http() {
    let w = World::new();
    w.git_repo(Some("http://huggingface.co/acme/model"));
    let (f, _) = w.outcome("git-remote/plain-http");
    assert_eq!(
        fix_commands(&f),
        vec!["git remote set-url origin https://huggingface.co/acme/model"]
    );
}

#[test]
fn no_namespace() {
    let w = World::new();
    w.git_repo(Some("https://huggingface.co/spaces/demo"));
    let (f, _) = w.outcome("git-remote/no-namespace");
    assert_eq!(f["details"]["repo"], "demo");
}

#[test]
fn token_in_the_url_is_masked_and_judged() {
    let url = format!("https://alice:{WRITE}@huggingface.co/acme/model");
    let w = World::new();
    w.git_repo(Some(&url));
    let (f, text) = w.outcome("git-remote/credentials-in-url");
    assert_eq!(f["details"]["masked"], "hf_…Writ");
    assert_eq!(
        f["details"]["url"],
        "https://alice:hf_…Writ@huggingface.co/acme/model"
    );
    assert!(!text.contains(&WRITE[3..20]), "{text}");
    assert_eq!(
        fix_commands(&f)[0],
        "git remote set-url origin https://huggingface.co/acme/model"
    );

    let hub = hub();
    for (token, outcome, account) in [
        (WRITE, "git-remote/credentials-in-url", "alice"),
        (REVOKED, "git-remote/credentials-in-url-invalid", "-"),
    ] {
        let mut w = World::new();
        w.set("HF_ENDPOINT", &hub.url);
        w.git_repo(Some(&format!(
            "http://alice:{token}@{}/acme/public",
            host_of(&hub)
        )));
        let (f, text) = w.outcome_with(outcome, &["--only", "git-remote"]);
        assert_eq!(f["details"]["account"], account);
        assert!(!text.contains(&token[3..20]), "{text}");
    }
}

#[test]
fn a_space_named_as_a_model() {
    let hub = hub();
    let w = online(&hub, "acme/demo");
    let (f, _) = w.outcome_with("git-remote/wrong-repo-type", &["--only", "git-remote"]);
    assert_eq!(f["details"]["actual"], "space");
    assert_eq!(
        fix_commands(&f),
        vec![format!(
            "git remote set-url origin {}/spaces/acme/demo",
            hub.url
        )]
    );
}

// ------------------------------------------------------------------------------- git-credential

#[test]
fn no_helper_configured() {
    let w = World::new();
    // A Hub remote: a push is what the repository is for.
    w.git_repo(Some("https://huggingface.co/acme/model"));
    let (f, _) = w.outcome_with("git-credential/no-helper", &["--offline"]);
    assert_eq!(f["cause"], "no-token");
    assert_eq!(f["details"]["host"], "huggingface.co");
}

#[test]
fn without_a_push_a_missing_credential_is_no_warning() {
    // `--repo` outside a git repository: nothing pushes, so nothing fails --strict.
    let w = World::new();
    let (f, _) = w.outcome_with(
        "git-credential/nothing-no-push",
        &["--offline", "--repo", "acme/x"],
    );
    assert_eq!(f["status"], "pass");
    let r = w.run(&[
        "--offline",
        "--repo",
        "acme/x",
        "--strict",
        "--only",
        "git-credential,git-remote,git-ssh,git-lfs",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn helper_with_nothing_for_the_hub() {
    let w = World::new();
    // A Hub remote: a push is what the repository is for.
    w.git_repo(Some("https://huggingface.co/acme/model"));
    w.git(&["config", "--global", "credential.helper", "store"]);
    let (f, _) = w.outcome_with("git-credential/none-stored", &["--offline"]);
    assert_eq!(f["details"]["helpers"], "store (global)");
}

#[test]
fn url_scoped_helper_is_listed() {
    let w = World::new();
    // A Hub remote: a push is what the repository is for.
    w.git_repo(Some("https://huggingface.co/acme/model"));
    w.git(&[
        "config",
        "--global",
        "credential.https://huggingface.co.helper",
        "cache",
    ]);
    let (f, _) = w.outcome_with("git-credential/none-stored", &["--offline"]);
    assert_eq!(f["details"]["helpers"], "cache (for huggingface.co)");
}

#[test]
fn stored_for_the_other_alias() {
    let w = World::new();
    // A Hub remote: a push is what the repository is for.
    w.git_repo(Some("https://huggingface.co/acme/model"));
    store(&w, "https", "hf.co", "hf_user", WRITE);
    let (f, _) = w.outcome_with("git-credential/other-host", &["--offline"]);
    assert_eq!(f["details"]["other"], "hf.co");
    assert_eq!(f["details"]["host"], "huggingface.co");
}

#[test]
fn a_password_instead_of_a_token() {
    let w = World::new();
    store(&w, "https", "huggingface.co", "alice", "hunter2hunter2");
    let (f, text) = w.outcome("git-credential/password");
    assert_eq!(f["cause"], "git-password-auth");
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(
        fix_commands(&f)[0],
        "printf 'protocol=https\\nhost=huggingface.co\\nusername=alice\\n\\n' | git credential reject"
    );
}

#[test]
fn offline_the_credential_is_only_described() {
    let w = World::new();
    store(&w, "https", "huggingface.co", "hf_user", WRITE);
    let (f, _) = w.outcome("git-credential/unverified");
    assert_eq!(f["details"]["masked"], "hf_…Writ");
}

#[test]
fn the_same_valid_token_passes() {
    let hub = hub();
    let w = online(&hub, "acme/public");
    w.write_token(WRITE);
    store(&w, "http", &host_of(&hub), "hf_user", WRITE);
    let (f, _) = w.outcome_with("git-credential/ok", &["--only", "git-credential"]);
    assert_eq!(f["details"]["git_account"], "alice");
    assert_eq!(f["details"]["same"], "yes");
    // The push discovery was asked with the credential.
    assert!(hub
        .log()
        .iter()
        .any(|r| r.path.contains("info/refs?service=git-receive-pack") && r.authorized));
}

#[test]
fn a_revoked_token_in_the_helper() {
    let hub = hub();
    let w = online(&hub, "acme/public");
    w.write_token(WRITE);
    store(&w, "http", &host_of(&hub), "hf_user", REVOKED);
    let (f, _) = w.outcome_with("git-credential/invalid", &["--only", "git-credential"]);
    assert_eq!(f["cause"], "stale-git-credential");
    let j = w.json(&["--only", "git-credential"]).json();
    assert!(find(&j, "git-credential/push-refused").is_some(), "{j}");
}

#[test]
fn a_token_of_another_account_in_the_helper() {
    let hub = hub();
    let w = online(&hub, "acme/public");
    w.write_token(WRITE);
    store(&w, "http", &host_of(&hub), "hf_user", CAROL);
    let (f, text) = w.outcome_with(
        "git-credential/other-account",
        &["--only", "git-credential"],
    );
    assert_eq!(f["details"]["git_account"], "carol");
    assert_eq!(f["details"]["account"], "alice");
    assert!(text.contains("git credential reject"), "{text}");
}

#[test]
fn whoami_answer_unknown_for_the_git_credential() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write")
            .broken("/api/whoami-v2", 418, "teapot"),
    );
    let w = online(&hub, "alice/x");
    store(&w, "http", &host_of(&hub), "hf_user", WRITE);
    let (f, _) = w.outcome_with("git-credential/unsure", &["--only", "git-credential"]);
    assert_eq!(f["details"]["status"], "418");
}

#[test]
fn push_discovery_outcomes() {
    let hub = hub();
    for (path, outcome) in [
        ("acme/gone", "git-credential/push-forbidden"),
        ("acme/nope", "git-credential/push-not-found"),
    ] {
        let w = online(&hub, path);
        w.write_token(WRITE);
        store(&w, "http", &host_of(&hub), "hf_user", WRITE);
        let (f, _) = w.outcome_with(outcome, &["--only", "git-credential"]);
        assert_eq!(f["details"]["repo"], path);
    }
    let odd = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("alice/x"))
            .broken("/alice/x/info/refs", 418, "boom"),
    );
    let w = online(&odd, "alice/x");
    store(&w, "http", &host_of(&odd), "hf_user", WRITE);
    let (f, _) = w.outcome_with("git-credential/push-unsure", &["--only", "git-credential"]);
    assert_eq!(f["details"]["status"], "418");
    assert_eq!(f["details"]["message"], "boom");
}

#[test]
fn a_helper_that_hangs_is_cut_at_three_seconds() {
    let w = World::new();
    w.git(&["config", "--global", "credential.helper", "!sleep 30; echo"]);
    let j = w.json(&["--offline", "--only", "git-credential"]).json();
    let f = find(&j, "git-credential/fill-timeout").expect("fill-timeout");
    assert_eq!(f["status"], "warn");
    let text = w.run(&["--offline", "--only", "git-credential"]).stdout;
    assert!(text.contains("did not finish within 3 s"), "{text}");
}

#[test]
fn git_not_installed() {
    let mut w = World::new();
    let empty = w.home.join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    w.env
        .push(("PATH".into(), empty.to_string_lossy().into_owned()));
    let mut cmd = w.command(&["--offline", "--format", "json", "--only", "git-credential"]);
    cmd.env("PATH", &empty);
    let out = cmd.output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(find(&j, "git-credential/git-missing").is_some(), "{j}");
    let mut cmd = w.command(&["--offline", "--only", "git-credential", "--color", "never"]);
    cmd.env("PATH", &empty);
    let text = String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned();
    assert!(text.contains("git is not installed"), "{text}");
}

#[test]
fn no_host_to_look_up() {
    let mut w = World::new();
    w.set("HF_ENDPOINT", "");
    let (f, _) = w.outcome("git-credential/no-host");
    assert_eq!(f["status"], "skip");
}

#[test]
fn a_5xx_on_push_discovery_is_a_server_error() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("alice/x"))
            .broken("/alice/x/info/refs", 503, ""),
    );
    let w = online(&hub, "alice/x");
    store(&w, "http", &host_of(&hub), "hf_user", WRITE);
    let (f, _) = w.outcome_with("git-credential/server-error", &["--only", "git-credential"]);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["details"]["message"], "said-empty-body");
}
