//! token-valid, repo-access and gated-access against the Hub stand-in: every outcome, in text
//! and JSON, and which requests were sent.

mod support;

use support::hub::{Fine, HubServer, HubWorld, Repo};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";
const READ: &str = "hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead";
const FINE: &str = "hf_alicefineaaaaaaaaaaaaaaaaaaaaaFine";
const REVOKED: &str = "hf_revokedaaaaaaaaaaaaaaaaaaaaaaaRevk";
const BOB: &str = "hf_bobwriteaaaaaaaaaaaaaaaaaaaaaaaBobw";
const CAROL: &str = "hf_carolwriteaaaaaaaaaaaaaaaaaaaaCarl";

fn base_world() -> HubWorld {
    HubWorld::new()
        .user("alice", &[("acme", "write"), ("bigco", "read")])
        .user("bob", &[("acme", "contributor")])
        .user("carol", &[])
        .token(WRITE, "alice", "write")
        .token(READ, "alice", "read")
        .token(BOB, "bob", "write")
        .token(CAROL, "carol", "write")
        .revoked(REVOKED, "alice")
        .repo(Repo::model("acme/public"))
        .repo(Repo::model("acme/secret").private())
        .repo(Repo::model("alice/model"))
        .repo(Repo::model("bigco/model"))
        .repo(Repo::space("acme/demo"))
        .repo(Repo::model("acme/gone").disabled())
        .repo(
            Repo::model("meta/gated")
                .gated("manual")
                .access("alice", "pending"),
        )
        .repo(
            Repo::model("open/gated")
                .gated("auto")
                .access("alice", "granted"),
        )
        .repo(Repo::model("other/gated").gated("auto"))
}

// ---------------------------------------------------------------------------------------------
// In process, against the loopback stand-in: typed outcomes of each namespace.

#[test]
fn in_process_valid_token_and_write_refusal() {
    use hfdoctor::checks::{repo_access, token_valid};
    use hfdoctor::hub::repo::RepoType;
    let hub = HubServer::start(base_world());
    let h = Harness::new().token(READ).hub(&hub.url);
    let f = h.find(token_valid::Outcome::Valid);
    assert_eq!(f.detail("account"), "alice");
    assert_eq!(f.detail("role"), "read");
    let h = h.repo("acme/public", RepoType::Model, true);
    let checked = h.run::<repo_access::Outcome>();
    assert!(
        checked.has(repo_access::Outcome::Ok),
        "{:?}",
        checked.codes()
    );
    let f = checked.find(repo_access::Outcome::WriteReadToken);
    assert_eq!(f.detail("account"), "alice");
}

#[test]
fn in_process_unreachable_is_the_common_outcome() {
    use hfdoctor::checks::{common, token_valid};
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let h = Harness::new()
        .token(WRITE)
        .hub(&format!("http://127.0.0.1:{port}"));
    let checked = h.run::<token_valid::Outcome>();
    let f = checked.find(common::Outcome::Unreachable);
    // Same code as ever in JSON; the words are the common namespace's.
    assert_eq!(f.code(), "token-valid/unreachable");
    assert_eq!(
        f.cause,
        Some(hfdoctor::engine::finding::Cause::NetworkUnreachable)
    );
    assert!(
        f.summary().contains("could not be reached"),
        "{}",
        f.summary()
    );
}

fn fine(scoped: &[(&str, &str, &[&str])], can_read_gated: bool) -> Fine {
    Fine {
        can_read_gated,
        scoped: scoped
            .iter()
            .map(|(t, n, p)| {
                (
                    t.to_string(),
                    n.to_string(),
                    p.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect(),
        global: vec!["discussion.write".into()],
    }
}

fn world_with(hub: &HubServer, token: Option<&str>) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    if let Some(t) = token {
        w.write_token(t);
    }
    w
}

// ---------------------------------------------------------------------------------- token-valid

#[test]
fn valid_token_names_account_role_orgs_and_whoami_is_asked_once() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with(
        "token-valid/valid",
        &[
            "--repo",
            "acme/public",
            "--only",
            "token-valid,repo-access,gated-access",
        ],
    );
    assert_eq!(f["status"], "pass");
    assert_eq!(f["details"]["account"], "alice");
    assert_eq!(f["details"]["role"], "write");
    assert_eq!(f["details"]["token_name"], "alice-write");
    assert_eq!(f["details"]["orgs"], "acme (write), bigco (read)");
    assert_eq!(f["details"]["created"], "2025-03-14");
    assert!(
        text.contains("is valid: token \"alice-write\" of alice"),
        "{text}"
    );
    // Two runs (json and text), each asking whoami exactly once for three checks.
    assert_eq!(hub.count("/api/whoami-v2"), 2, "{:?}", hub.log());
    assert!(
        hub.log().iter().all(|r| r.authorized),
        "the token goes with every request"
    );
}

#[test]
fn fine_grained_scopes_in_words() {
    let world = base_world().fine_grained(
        FINE,
        "alice",
        fine(
            &[
                ("user", "alice", &["repo.content.read", "repo.write"]),
                ("org", "acme", &["repo.content.read"]),
            ],
            false,
        ),
    );
    let hub = HubServer::start(world);
    let w = world_with(&hub, Some(FINE));
    let (f, text) = w.outcome_with("token-valid/valid-fine-grained", &[]);
    assert_eq!(f["details"]["write_ns"], "alice");
    assert_eq!(f["details"]["read_ns"], "alice, acme");
    assert_eq!(f["details"]["gated"], "no");
    assert!(text.contains("read public gated repos: no"), "{text}");
}

#[test]
fn read_token_cannot_write() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(READ));
    let (f, _) = w.outcome_with(
        "token-valid/read-only",
        &["--write", "--only", "token-valid"],
    );
    assert_eq!(f["cause"], "read-only-token");
    assert!(f["fixes"][0]["url"]
        .as_str()
        .unwrap()
        .contains("settings/tokens"));
    // Without --write a read token is fine.
    let j = w.json(&["--only", "token-valid"]).json();
    assert_eq!(codes(&j), vec!["token-valid/valid"]);
}

#[test]
fn fine_grained_without_any_write() {
    let world = base_world().fine_grained(
        FINE,
        "alice",
        fine(&[("user", "alice", &["repo.content.read"])], true),
    );
    let hub = HubServer::start(world);
    let w = world_with(&hub, Some(FINE));
    let (f, _) = w.outcome_with(
        "token-valid/fine-grained-no-write",
        &["--write", "--only", "token-valid"],
    );
    assert_eq!(f["cause"], "fine-grained-scope");
}

#[test]
fn revoked_env_token_while_the_file_holds_a_valid_one() {
    let hub = HubServer::start(base_world());
    let mut w = world_with(&hub, Some(WRITE));
    w.set("HF_TOKEN", REVOKED);
    let (f, text) = w.outcome_with(
        "token-valid/invalid-other-valid",
        &["--only", "token-valid"],
    );
    assert_eq!(f["status"], "fail");
    // A valid token is there, shadowed: the root is the conflict (docs/diagnosis.md).
    assert_eq!(f["cause"], "env-conflict");
    assert_eq!(f["details"]["verified"], "yes");
    assert_eq!(f["details"]["source"], "env:HF_TOKEN");
    assert_eq!(f["details"]["other"], "file:~/.cache/huggingface/token");
    assert_eq!(f["details"]["account"], "alice");
    assert_eq!(fix_commands(&f), vec!["unset HF_TOKEN"]);
    assert!(
        text.contains("HF_TOKEN holds a token the Hub refuses (hf_…Revk), but ~/.cache/huggingface/token holds a valid one (account alice, role write)"),
        "{text}"
    );
    // One whoami per token source, per run.
    assert_eq!(hub.count("/api/whoami-v2"), 4);
}

#[test]
fn revoked_file_token_with_a_valid_stored_one() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(REVOKED));
    w.write_stored(&[("old", REVOKED), ("work", WRITE)]);
    let (f, _) = w.outcome_with(
        "token-valid/invalid-other-valid",
        &["--only", "token-valid"],
    );
    assert_eq!(fix_commands(&f), vec!["hf auth switch --token-name work"]);
}

#[test]
fn revoked_token_alone() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(REVOKED));
    let (f, _) = w.outcome_with("token-valid/invalid", &["--only", "token-valid"]);
    assert_eq!(f["details"]["source"], "file:~/.cache/huggingface/token");
    assert_eq!(fix_commands(&f), vec!["hf auth login --force"]);
}

#[test]
fn no_token() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, None);
    let (f, _) = w.outcome_with("token-valid/no-token", &["--only", "token-valid"]);
    assert_eq!(f["status"], "skip");
    let (f, _) = w.outcome_with(
        "token-valid/no-token-needed",
        &["--only", "token-valid", "--write"],
    );
    assert_eq!(f["cause"], "no-token");
    assert_eq!(hub.count("/api/whoami-v2"), 0);
}

#[test]
fn whoami_rate_limited_is_not_invalid() {
    let hub = HubServer::start(base_world().rate_limited("/api/whoami-v2"));
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with("token-valid/rate-limited", &["--only", "token-valid"]);
    assert_eq!(f["status"], "warn");
    assert_eq!(f["cause"], "rate-limited");
    assert_eq!(f["details"]["reset"], "55");
    assert!(!text.contains("invalid"), "{text}");
}

#[test]
fn something_else_answers_whoami() {
    let hub =
        HubServer::start(base_world().broken("/api/whoami-v2", 502, "<html>Bad Gateway</html>"));
    let w = world_with(&hub, Some(WRITE));
    // A gateway's 502 is a server error, and a failure: `hf auth whoami` fails on it too.
    let (f, _) = w.outcome_with("token-valid/server-error", &["--only", "token-valid"]);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["details"]["status"], "502");
    assert_eq!(f["details"]["message"], "said-html-page", "{f}");
}

#[test]
fn unreachable_endpoint() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", &format!("http://127.0.0.1:{port}"));
    let (f, text) = w.outcome_with("token-valid/unreachable", &["--only", "token-valid"]);
    assert_eq!(f["cause"], "network-unreachable");
    assert!(text.contains("could not be reached"), "{text}");
}

#[test]
fn offline_skips_network_checks() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let j = w.json(&["--offline", "--repo", "acme/public"]).json();
    for id in ["token-valid", "repo-access", "gated-access"] {
        let f = find(&j, &format!("{id}/skipped-offline")).unwrap();
        assert_eq!(f["status"], "skip");
    }
    assert!(hub.log().is_empty(), "{:?}", hub.log());
}

#[test]
fn no_target_skips_repo_checks() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with("repo-access/skipped-no-target", &[]);
    assert_eq!(f["status"], "skip");
    assert!(text.contains("--repo"), "{text}");
    assert!(find(&w.json(&[]).json(), "gated-access/skipped-no-target").is_some());
}

#[test]
fn oidc_is_not_exchanged() {
    let hub = HubServer::start(base_world());
    let mut w = world_with(&hub, Some(WRITE));
    w.set("HF_OIDC_RESOURCE", "acme/public")
        .set("HF_OIDC_ID_TOKEN", "eyJ.a.b");
    let (f, _) = w.outcome_with("token-valid/oidc", &["--only", "token-valid"]);
    assert_eq!(f["status"], "skip");
    assert_eq!(hub.count("/"), 0);
}

#[test]
fn no_token_over_plain_http_to_another_host() {
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", "http://hub.invalid");
    let (f, _) = w.outcome_with(
        "token-valid/not-sent",
        &["--only", "token-valid", "--timeout", "2"],
    );
    assert_eq!(f["status"], "skip");
}

#[test]
fn bad_endpoint() {
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", "");
    let j = w.json(&["--only", "token-valid"]).json();
    // An empty endpoint is a scheme-less one: the token is not sent, nothing is asked.
    assert!(
        find(&j, "token-valid/not-sent").is_some()
            || find(&j, "token-valid/bad-endpoint").is_some(),
        "{j}"
    );
}

// ---------------------------------------------------------------------------------- repo-access

#[test]
fn repo_visible_public_and_private() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with("repo-access/ok", &["--repo", "acme/secret"]);
    assert!(
        text.contains("acme/secret (model, private) is visible"),
        "{text}"
    );
    assert_eq!(f["details"]["visibility"], "private");
    let j = w.json(&["--repo", "acme/public"]).json();
    assert_eq!(j["target"]["repo_id"], "acme/public");
    assert_eq!(j["target"]["repo_type"], "model");
    assert_eq!(j["target"]["from"], "--repo");
    assert!(!j["request_ids"].as_array().unwrap().is_empty());
}

#[test]
fn write_allowed() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with(
        "repo-access/write-ok",
        &["--repo", "acme/public", "--write"],
    );
    assert_eq!(f["status"], "pass");
    assert!(hub.count("/api/models/acme/public/auth-check/write") >= 1);
}

#[test]
fn disabled_repo() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with("repo-access/disabled", &["--repo", "acme/gone"]);
    assert_eq!(f["cause"], "repo-not-found");
}

#[test]
fn invalid_token_before_the_repo() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(REVOKED));
    let (f, _) = w.outcome_with("repo-access/token-invalid", &["--repo", "acme/public"]);
    assert_eq!(f["cause"], "invalid-token");
}

#[test]
fn space_asked_as_a_model() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with("repo-access/wrong-repo-type", &["--repo", "acme/demo"]);
    assert_eq!(f["cause"], "wrong-repo-type");
    assert_eq!(f["details"]["actual"], "space");
    assert_eq!(f["details"]["url"], format!("{}/spaces/acme/demo", hub.url));
    assert!(text.contains("--repo-type space"), "{text}");
    // A browser URL names the type itself.
    let url = format!("{}/spaces/acme/demo/tree/main", "https://huggingface.co");
    let j = w.json(&["--repo", &url]).json();
    assert!(find(&j, "repo-access/ok").is_some(), "{j}");
}

#[test]
fn private_or_missing_without_a_token() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, None);
    let (f, text) = w.outcome_with(
        "repo-access/not-found-anonymous",
        &["--repo", "acme/secret"],
    );
    assert_eq!(f["cause"], "no-token");
    assert!(text.contains("no token is configured"), "{text}");
    assert!(hub.log().iter().all(|r| !r.authorized));

    let mut w = world_with(&hub, Some(WRITE));
    w.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1");
    let (_, text) = w.outcome_with(
        "repo-access/not-found-anonymous",
        &["--repo", "acme/secret"],
    );
    assert!(
        text.contains("HF_HUB_DISABLE_IMPLICIT_TOKEN keeps the token out"),
        "{text}"
    );
}

#[test]
fn fine_grained_scope_misses_the_org() {
    let world = base_world().fine_grained(
        FINE,
        "alice",
        fine(
            &[("user", "alice", &["repo.content.read", "repo.write"])],
            true,
        ),
    );
    let hub = HubServer::start(world);
    let w = world_with(&hub, Some(FINE));
    let (f, _) = w.outcome_with("repo-access/fine-grained-scope", &["--repo", "acme/secret"]);
    assert_eq!(f["details"]["namespace"], "acme");
    assert_eq!(f["details"]["permission"], "repo.content.read");
}

#[test]
fn missing_repo_the_account_may_create() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with(
        "repo-access/missing-can-create",
        &["--repo", "alice/new", "--write"],
    );
    assert_eq!(
        fix_commands(&f),
        vec!["hf repos create alice/new --repo-type model"]
    );
}

#[test]
fn missing_or_invisible_repo_with_a_valid_token() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with("repo-access/repo-not-found", &["--repo", "acme/nope"]);
    assert_eq!(f["details"]["account"], "alice");
    assert_eq!(f["details"]["writable"], "alice, acme");
}

#[test]
fn org_token_policy() {
    let world = base_world()
        .fine_grained(
            FINE,
            "alice",
            fine(
                &[("org", "acme", &["repo.content.read", "repo.write"])],
                true,
            ),
        )
        .pending_in_org("acme");
    let hub = HubServer::start(world);
    let w = world_with(&hub, Some(FINE));
    let (f, _) = w.outcome_with("repo-access/org-policy", &["--repo", "acme/secret"]);
    assert!(f["details"]["message"]
        .as_str()
        .unwrap()
        .contains("organization token policy"));
}

#[test]
fn repo_info_rate_limited() {
    let hub = HubServer::start(base_world().rate_limited("/api/models/acme"));
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with("repo-access/rate-limited", &["--repo", "acme/public"]);
    assert_eq!(f["details"]["reset"], "55");
}

#[test]
fn unknown_answer_is_unsure_not_a_guess() {
    // Not a Hub answer: no guess about the token or the repo, but a failure all the same,
    // since the client fails on it; the answer is shown as it came.
    let hub = HubServer::start(base_world().broken("/api/models/acme/public", 418, "oops"));
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with("repo-access/unsure", &["--repo", "acme/public"]);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "server-error");
    assert_eq!(f["details"]["message"], "oops");
}

#[test]
fn org_contributor_can_only_open_pull_requests() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(BOB));
    let (f, _) = w.outcome_with(
        "repo-access/contributor",
        &["--repo", "acme/public", "--write"],
    );
    assert_eq!(f["cause"], "no-namespace-rights");
    assert!(fix_commands(&f)[0].contains("--create-pr"));
}

#[test]
fn write_without_a_token() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, None);
    let (f, _) = w.outcome_with(
        "repo-access/write-no-token",
        &["--repo", "acme/public", "--write"],
    );
    assert_eq!(f["cause"], "no-token");
}

#[test]
fn write_with_a_read_token() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(READ));
    let (f, _) = w.outcome_with(
        "repo-access/write-read-token",
        &["--repo", "alice/model", "--write"],
    );
    assert_eq!(f["cause"], "read-only-token");
}

#[test]
fn write_with_a_fine_grained_token_lacking_repo_write() {
    let world = base_world().fine_grained(
        FINE,
        "alice",
        fine(&[("user", "alice", &["repo.content.read"])], true),
    );
    let hub = HubServer::start(world);
    let w = world_with(&hub, Some(FINE));
    let (f, _) = w.outcome_with(
        "repo-access/write-fine-grained",
        &["--repo", "alice/model", "--write"],
    );
    assert_eq!(f["details"]["namespace"], "alice");
}

#[test]
fn write_with_the_read_role_in_the_org() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with(
        "repo-access/write-org-role",
        &["--repo", "bigco/model", "--write"],
    );
    assert_eq!(f["details"]["org_role"], "read");
}

#[test]
fn write_to_another_namespace() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(CAROL));
    let (f, _) = w.outcome_with(
        "repo-access/write-not-member",
        &["--repo", "acme/public", "--write"],
    );
    assert_eq!(f["details"]["account"], "carol");
}

#[test]
fn write_check_answer_unknown() {
    let hub =
        HubServer::start(base_world().broken("/api/models/acme/public/auth-check/write", 418, "x"));
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with(
        "repo-access/write-unsure",
        &["--repo", "acme/public", "--write"],
    );
    assert_eq!(f["details"]["status"], "418");
}

// --------------------------------------------------------------------------------- gated-access

#[test]
fn not_gated_and_not_visible() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    w.outcome_with("gated-access/not-gated", &["--repo", "acme/public"]);
    let w = world_with(&hub, None);
    let (f, _) = w.outcome_with("gated-access/not-visible", &["--repo", "acme/secret"]);
    assert_eq!(f["status"], "skip");
}

#[test]
fn gate_granted() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with("gated-access/granted", &["--repo", "open/gated"]);
    assert_eq!(f["details"]["mode"], "auto");
}

#[test]
fn gate_without_a_token() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, None);
    let (f, _) = w.outcome_with("gated-access/not-logged-in", &["--repo", "open/gated"]);
    assert_eq!(f["cause"], "no-token");
    let mut w = world_with(&hub, Some(WRITE));
    w.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "yes");
    let (_, text) = w.outcome_with("gated-access/not-logged-in", &["--repo", "open/gated"]);
    assert!(text.contains("HF_HUB_DISABLE_IMPLICIT_TOKEN"), "{text}");
}

#[test]
fn gate_never_requested() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with("gated-access/not-requested", &["--repo", "other/gated"]);
    assert_eq!(f["cause"], "gated-not-accepted");
    assert_eq!(f["fixes"][0]["url"], format!("{}/other/gated", hub.url));
    assert!(text.contains("per user"), "{text}");
}

#[test]
fn gate_pending() {
    let hub = HubServer::start(base_world());
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with("gated-access/pending", &["--repo", "meta/gated"]);
    assert_eq!(f["details"]["mode"], "manual");
}

#[test]
fn gate_and_fine_grained_token_without_gated_permission() {
    let world = base_world().fine_grained(
        FINE,
        "alice",
        fine(&[("user", "alice", &["repo.content.read"])], false),
    );
    let hub = HubServer::start(world);
    let w = world_with(&hub, Some(FINE));
    let (f, text) = w.outcome_with("gated-access/fine-grained", &["--repo", "open/gated"]);
    assert_eq!(f["cause"], "fine-grained-scope");
    assert!(
        text.contains("Read access to contents of all public gated repos you can access"),
        "{text}"
    );
}

#[test]
fn gate_answer_with_an_invalid_token_that_looks_like_no_login() {
    let hub = HubServer::start(base_world().invalid_token_on_gated_as_g1());
    let w = world_with(&hub, Some(REVOKED));
    let (f, _) = w.outcome_with("gated-access/token-invalid", &["--repo", "open/gated"]);
    assert_eq!(f["cause"], "invalid-token");
}

#[test]
fn gate_answer_unknown() {
    let hub = HubServer::start(base_world().broken("/api/models/open/gated/auth-check", 418, "x"));
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with("gated-access/unsure", &["--repo", "open/gated"]);
    assert_eq!(f["status"], "warn");
}

#[test]
fn invalid_repo_id_is_a_usage_error() {
    let w = World::new();
    let r = w.run(&["--repo", "datasets/acme/x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("Repo id must be in the form"),
        "{}",
        r.stderr
    );
}

// ------------------------------------------------------------------------------------- secrets

#[test]
fn no_token_across_a_redirect_to_another_host() {
    let elsewhere = HubServer::start(base_world());
    let other_origin = elsewhere.url.replace("127.0.0.1", "localhost");
    let hub = HubServer::start(
        base_world().redirect("/api/whoami-v2", &format!("{other_origin}/api/whoami-v2")),
    );
    let w = world_with(&hub, Some(WRITE));
    let j = w.json(&["--only", "token-valid"]).json();
    assert!(
        elsewhere.log().is_empty(),
        "followed: {:?}",
        elsewhere.log()
    );
    let f = find(&j, "token-valid/unexpected").expect("the redirect is reported, not followed");
    assert_eq!(f["details"]["status"], "307");
}

#[test]
fn canary_tokens_never_leave_in_any_output_of_the_hub_checks() {
    const CANARY_ENV: &str = "hf_CanaryHubEnvAAAAAAAAAAAAAAAAAAAAAA";
    const CANARY_FILE: &str = "hf_CanaryHubFileBBBBBBBBBBBBBBBBBBBBB";
    // The env token is revoked (so the shadowed file token is judged), the file one is valid.
    let hub = HubServer::start(base_world().revoked(CANARY_ENV, "alice").token(
        CANARY_FILE,
        "alice",
        "write",
    ));
    let mut w = world_with(&hub, Some(CANARY_FILE));
    w.set("HF_TOKEN", CANARY_ENV);
    w.write_stored(&[("a", CANARY_FILE), ("b", CANARY_ENV)]);
    for args in [
        &["--repo", "acme/secret", "--write"][..],
        &["--repo", "acme/secret", "--write", "--format", "json"],
        &["--repo", "other/gated", "-v", "--lang", "zh-CN"],
        &["--repo", "acme/demo", "-v", "--format", "json"],
    ] {
        let r = w.run(args);
        for canary in [CANARY_ENV, CANARY_FILE] {
            let core = &canary[3..canary.len() - 4];
            assert!(
                !r.stdout.contains(core),
                "{args:?} leaked {canary}:\n{}",
                r.stdout
            );
            assert!(
                !r.stderr.contains(core),
                "{args:?} leaked {canary}:\n{}",
                r.stderr
            );
        }
    }
    assert!(!hub.log().is_empty());
}

#[test]
fn a_server_that_never_answers_ends_as_no_answer_within_the_deadline() {
    let url = format!("http://{}", black_hole());
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", &url);
    let (f, _) = w.outcome_with(
        "token-valid/no-answer",
        &[
            "--only",
            "token-valid,repo-access",
            "--repo",
            "acme/x",
            "--timeout",
            "1",
        ],
    );
    assert_eq!(f["cause"], "network-unreachable");
    let r = w.run(&["--repo", "acme/x", "--timeout", "1"]);
    assert_eq!(r.code, 1);
}

#[test]
fn a_black_hole_endpoint_ends_in_timeouts_within_the_budget() {
    let url = format!("http://{}", black_hole());
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", &url);
    w.git_repo(Some(&format!("{url}/acme/model")));
    // That the run ends at all is what this asserts; how soon is measured by
    // scripts/bench-hang.sh on a release build.
    let r = w.json(&["--timeout", "2"]);
    assert_eq!(r.code, 1);
    let j = r.json();
    let timeouts: Vec<String> = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "timeout")
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    for id in ["token-valid", "repo-access", "gated-access"] {
        assert!(
            timeouts.iter().any(|c| c.starts_with(&format!("{id}/"))),
            "{id} did not time out: {timeouts:?}"
        );
    }
    // Everything else still printed.
    assert!(find(&j, "token-file/ok").is_some());
    assert!(find(&j, "git-remote/ok").is_some(), "{j}");
}

// ------------------------------------------------------------ answers the client would fail on

/// A 5xx, a 401 without a body, a message that is not ASCII: each is a failure that says what
/// came back (docs/notes/hub-answers.md), never "answered 503: ." with exit 0.
#[test]
fn a_5xx_from_whoami_is_a_server_error_that_says_what_came_back() {
    let hub = HubServer::start(base_world().broken("/api/whoami-v2", 503, ""));
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with("token-valid/server-error", &["--only", "token-valid"]);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "server-error");
    assert_eq!(f["details"]["status"], "503");
    // JSON gets the phrase's stable key; the text its words, in the reader's language.
    assert_eq!(f["details"]["message"], "said-empty-body");
    assert!(text.contains("503 Service Unavailable"), "{text}");
    assert!(text.contains("no message, an empty body"), "{text}");
    assert!(!text.contains("503: ."), "{text}");
    assert_eq!(w.run(&["--only", "token-valid"]).code, 1);
    let zh = w.run(&["--only", "token-valid", "--lang", "zh-TW"]).stdout;
    assert!(zh.contains("503 Service Unavailable"), "{zh}");
    assert!(zh.contains("沒有任何訊息，回應內容是空的"), "{zh}");
}

#[test]
fn a_5xx_html_page_on_repo_info_names_the_page() {
    let page =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let hub = HubServer::start(base_world().broken("/api/models/acme/public", 502, page));
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with(
        "repo-access/server-error",
        &["--only", "repo-access", "--repo", "acme/public"],
    );
    assert_eq!(f["details"]["message"], "said-html-titled");
    assert_eq!(f["details"]["page_title"], "502 Bad Gateway");
    let r = w.run(&["--only", "repo-access", "--repo", "acme/public"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("an HTML page titled \"502 Bad Gateway\", not the Hub's JSON"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_401_without_a_body_from_whoami_is_a_failure_not_a_warning() {
    let hub = HubServer::start(base_world().broken("/api/whoami-v2", 401, ""));
    let w = world_with(&hub, Some(WRITE));
    let (f, text) = w.outcome_with("token-valid/unexpected", &["--only", "token-valid"]);
    assert_eq!(f["status"], "fail");
    assert_eq!(f["details"]["message"], "said-empty-body");
    assert!(text.contains("401: no message, an empty body."), "{text}");
    assert_eq!(w.run(&["--only", "token-valid"]).code, 1);
}

#[test]
fn an_x_error_message_that_is_not_ascii_is_shown_not_dropped() {
    let hub = HubServer::start(base_world().header_only(
        "/api/models/acme/public",
        403,
        "Accès refusé par la politique de l’organisation",
    ));
    let w = world_with(&hub, Some(WRITE));
    let (f, _) = w.outcome_with(
        "repo-access/unsure",
        &["--only", "repo-access", "--repo", "acme/public"],
    );
    assert_eq!(f["status"], "fail");
    assert_eq!(
        f["details"]["message"],
        "Accès refusé par la politique de l’organisation"
    );
    let r = w.run(&["--only", "repo-access", "--repo", "acme/public"]);
    assert_eq!(r.code, 1);
}
