//! inference-access against the Hub stand-in: the token's permission (fine-grained or
//! classic), the model's provider mapping, a retired endpoint in the environment; every outcome
//! in text and JSON, only when asked; and `explain` confirming the router's refusals with it.

mod support;

use support::hub::{Fine, HubServer, HubWorld, Repo};
use support::*;

const WITH: &str = "hf_alicefineinferaaaaaaaaaaaaaaaaInfr";
const WITHOUT: &str = "hf_alicefinenoinferaaaaaaaaaaaaaaNoin";
const READ: &str = "hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead";
const REVOKED: &str = "hf_revokedaaaaaaaaaaaaaaaaaaaaaaaRevk";
const MODEL: &str = "meta/llama";

fn fine(perms: &[&str]) -> Fine {
    Fine {
        can_read_gated: true,
        scoped: vec![(
            "user".into(),
            "alice".into(),
            perms.iter().map(|p| p.to_string()).collect(),
        )],
        global: vec!["discussion.write".into()],
    }
}

/// alice pays (a payment method on file), so that only the finding a test is about is new.
fn world() -> HubWorld {
    HubWorld::new()
        .user("alice", &[])
        .pays("alice")
        .fine_grained(
            WITH,
            "alice",
            fine(&["repo.content.read", "inference.serverless.write"]),
        )
        .fine_grained(WITHOUT, "alice", fine(&["repo.content.read", "repo.write"]))
        .token(READ, "alice", "read")
        .revoked(REVOKED, "alice")
        .repo(
            Repo::model(MODEL)
                .provider("together", "live", "conversational")
                .provider("groq", "staging", "conversational"),
        )
        .repo(Repo::model("lonely/model"))
        .repo(Repo::model("test/model").provider("fal-ai", "staging", "text-to-image"))
        .repo(Repo::model("bob/private").private())
}

fn world_with(hub: &HubServer, token: Option<&str>) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    if let Some(t) = token {
        w.write_token(t);
    }
    w
}

fn args(model: &str) -> Vec<&str> {
    vec!["--only", "inference-access", "--repo", model]
}

#[test]
fn fine_grained_with_the_permission_and_live_providers() {
    let hub = HubServer::start(world());
    let w = world_with(&hub, Some(WITH));
    let (f, text) = w.outcome_with("inference-access/token-ok", &args(MODEL));
    assert_eq!(f["status"], "pass");
    assert_eq!(f["details"]["how"], "inference.serverless.write");
    assert!(
        text.contains(
            "The token of alice may call Inference Providers (inference.serverless.write)."
        ),
        "{text}"
    );
    let (f, text) = w.outcome_with("inference-access/served", &args(MODEL));
    // Only live providers serve; the whole mapping is a detail.
    assert_eq!(f["details"]["providers"], "together (conversational)");
    assert_eq!(f["details"]["mapping"], "groq (staging), together (live)");
    assert!(
        text.contains("meta/llama is served live by together (conversational)."),
        "{text}"
    );
    // The mapping is asked as model_info(expand=["inferenceProviderMapping"]) asks it.
    assert!(hub
        .log()
        .iter()
        .any(|r| r.path == format!("/api/models/{MODEL}?expand=inferenceProviderMapping")));
    assert_eq!(w.json(&args(MODEL)).code, 0);
}

#[test]
fn fine_grained_without_the_permission_gets_the_preselected_link() {
    let hub = HubServer::start(world());
    let w = world_with(&hub, Some(WITHOUT));
    let (f, text) = w.outcome_with("inference-access/no-permission", &args(MODEL));
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "fine-grained-scope");
    let url = f["fixes"][0]["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!(
            "{}/settings/tokens/new?ownUserPermissions=inference.serverless.write&tokenType=fineGrained",
            hub.url
        )
    );
    assert!(
        text.contains("sufficient permissions to call Inference Providers on behalf of user alice"),
        "{text}"
    );
    assert_eq!(w.json(&args(MODEL)).code, 1);
    let tw = w
        .run(&[args(MODEL), vec!["--lang", "zh-TW", "--color", "never"]].concat())
        .stdout;
    assert!(tw.contains("alice 的這個細粒度 token 缺少 `inference.serverless.write` 權限（「Make calls to Inference Providers」）。"), "{tw}");
    let cn = w
        .run(&[args(MODEL), vec!["--lang", "zh-CN", "--color", "never"]].concat())
        .stdout;
    assert!(
        cn.contains("alice 的这个细粒度 token 缺少 `inference.serverless.write` 权限"),
        "{cn}"
    );
}

#[test]
fn a_classic_token_may_and_a_missing_or_revoked_one_may_not() {
    let hub = HubServer::start(world());
    let (f, _) =
        world_with(&hub, Some(READ)).outcome_with("inference-access/token-ok", &args(MODEL));
    assert_eq!(f["details"]["how"], "role read");
    let (f, text) = world_with(&hub, None).outcome_with("inference-access/no-token", &args(MODEL));
    assert_eq!(f["cause"], "no-token");
    assert!(
        text.contains("ownUserPermissions=inference.serverless.write"),
        "{text}"
    );
    let (f, _) = world_with(&hub, Some(REVOKED))
        .outcome_with("inference-access/token-invalid", &args(MODEL));
    assert_eq!(f["cause"], "invalid-token");
}

#[test]
fn models_no_provider_serves() {
    let hub = HubServer::start(world());
    let w = world_with(&hub, Some(WITH));
    let (f, _) = w.outcome_with("inference-access/no-provider", &args("lonely/model"));
    assert_eq!(f["cause"], "no-provider");
    let (f, text) = w.outcome_with("inference-access/not-live", &args("test/model"));
    assert_eq!(f["details"]["providers"], "fal-ai (staging)");
    assert!(
        text.contains("No provider serves test/model live: fal-ai (staging)."),
        "{text}"
    );
    let (f, _) = w.outcome_with("inference-access/model-not-visible", &args("bob/private"));
    assert_eq!(f["status"], "skip");
}

#[test]
fn a_retired_endpoint_in_the_environment() {
    let hub = HubServer::start(world());
    let mut w = world_with(&hub, Some(WITH));
    w.set(
        "HF_INFERENCE_ENDPOINT",
        "https://api-inference.huggingface.co",
    );
    w.set(
        "OPENAI_BASE_URL",
        "https://api-inference.huggingface.co/v1/",
    );
    let (f, _) = w.outcome_with("inference-access/legacy-endpoint", &args(MODEL));
    assert_eq!(fix_commands(&f), ["unset HF_INFERENCE_ENDPOINT"]);
    let (f, text) = w.outcome_with("inference-access/legacy-base-url", &args(MODEL));
    assert_eq!(f["cause"], "no-provider");
    assert_eq!(
        fix_commands(&f),
        ["export OPENAI_BASE_URL=https://router.huggingface.co/v1"]
    );
    assert!(
        text.contains(
            "the router's OpenAI-compatible base URL is https://router.huggingface.co/v1"
        ),
        "{text}"
    );
}

#[test]
fn only_when_asked() {
    let hub = HubServer::start(world());
    let w = world_with(&hub, Some(WITH));
    let j = w.json(&["--repo", MODEL]).json();
    assert!(
        !codes(&j).iter().any(|c| c.starts_with("inference-access/")),
        "{j}"
    );
    let j = w.json(&["--repo", MODEL, "--inference"]).json();
    assert!(
        codes(&j).iter().any(|c| c == "inference-access/served"),
        "{j}"
    );
    // Without a model target: the token, and who pays past the included credits.
    let j = w.json(&["--only", "inference-access"]).json();
    assert_eq!(
        codes(&j),
        ["inference-access/token-ok", "inference-access/pays"]
    );
    let (f, _) = w.outcome_with(
        "inference-access/skipped-offline",
        &["--only", "inference-access", "--offline"],
    );
    assert_eq!(f["status"], "skip");
}

#[test]
fn rate_limits_and_answers_it_cannot_read() {
    let hub = HubServer::start(world().rate_limited("/api/whoami-v2"));
    let (f, _) =
        world_with(&hub, Some(WITH)).outcome_with("inference-access/rate-limited", &args(MODEL));
    assert_eq!(f["details"]["reset"], "55");
    let hub = HubServer::start(world().broken(
        &format!("/api/models/{MODEL}"),
        200,
        "{\"id\": \"meta/llama\"}",
    ));
    let (f, text) =
        world_with(&hub, Some(WITH)).outcome_with("inference-access/mapping-unsure", &args(MODEL));
    assert_eq!(f["details"]["message"], "inference-no-mapping");
    assert!(
        text.contains("an answer without a provider mapping"),
        "{text}"
    );
}

#[test]
fn an_oauth_token_is_not_guessed_at() {
    let hub =
        HubServer::start(world().token("hf_oauthaaaaaaaaaaaaaaaaaaaaaaaaaOaut", "alice", "oauth"));
    let w = world_with(&hub, Some("hf_oauthaaaaaaaaaaaaaaaaaaaaaaaaaOaut"));
    let (f, _) = w.outcome_with("inference-access/token-unsure", &args(MODEL));
    assert_eq!(f["status"], "warn");
    assert!(f["cause"].is_null());
}

/// The router's 403, as huggingface_hub prints it (data-plane.md §6, agents-course#558).
const ROUTER_403: &str = "huggingface_hub.errors.HfHubHTTPError: 403 Forbidden: This authentication method does not have sufficient permissions to call Inference Providers on behalf of user alice.\nCannot access content at: https://router.huggingface.co/hf-inference/models/meta/llama.\nMake sure your token has the correct permissions.";

#[test]
fn explain_confirms_the_router_refusal_with_this_check() {
    let hub = HubServer::start(world());
    let w = world_with(&hub, Some(WITHOUT));
    let j = w.explain(ROUTER_403, &["--format", "json"]).json();
    assert_eq!(j["confirmed_cause"], "fine-grained-scope", "{j}");
    assert!(
        j["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "inference-access/no-permission"),
        "{j}"
    );
    // With a token that has the permission, it is not confirmed as that.
    let w = world_with(&hub, Some(WITH));
    let j = w.explain(ROUTER_403, &["--format", "json"]).json();
    assert_ne!(j["confirmed_cause"], "fine-grained-scope", "{j}");
    assert!(
        j["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "inference-access/token-ok"),
        "{j}"
    );
}

/// Who pays past the included monthly credits: the account, an organization of it, or nobody
/// (then the router's 402 is the next thing a heavy user sees); and explain on that 402.
#[test]
fn who_pays_past_the_included_credits() {
    let hub = HubServer::start(world());
    let w = world_with(&hub, Some(READ));
    let (f, _) = w.outcome_with("inference-access/pays", &args(MODEL));
    assert_eq!(f["status"], "pass");
    let free = HubServer::start(
        HubWorld::new()
            .user("carol", &[("acme", "write"), ("hobby", "read")])
            .pays("acme")
            .token(READ, "carol", "read")
            .repo(Repo::model(MODEL).provider("together", "live", "conversational")),
    );
    let w = world_with(&free, Some(READ));
    let (f, text) = w.outcome_with("inference-access/org-pays", &args(MODEL));
    assert_eq!(f["cause"], "inference-credits");
    assert_eq!(f["details"]["orgs"], "acme");
    assert!(text.contains("billed to acme they go on"), "{text}");
    assert!(text.contains("bill_to=\"acme\""), "{text}");
    let nobody = HubServer::start(
        HubWorld::new()
            .user("dave", &[])
            .token(READ, "dave", "read")
            .repo(Repo::model(MODEL).provider("together", "live", "conversational")),
    );
    let mut w = world_with(&nobody, Some(READ));
    let (f, text) = w.outcome_with("inference-access/no-payment", &args(MODEL));
    assert_eq!(f["status"], "warn");
    assert!(
        text.contains("Inference Providers answer 402 Payment Required until next month"),
        "{text}"
    );
    // The 402 pasted: explain names the cause and runs the check that speaks to it.
    let explain = |w: &World, text: &str| w.run(&["explain", "--format", "json", text]).json();
    w.set("LANG", "en_US.UTF-8");
    let j = explain(
        &w,
        "402 Client Error: Payment Required for url: https://router.huggingface.co/together/v1/chat/completions (Request ID: Root=1-abc)\n\nYou have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits.",
    );
    assert_eq!(j["matches"][0]["cause"], "inference-credits", "{j}");
    assert_eq!(
        j["matches"][0]["checks"],
        serde_json::json!(["inference-access"])
    );
    // The check says who pays, not that the credits are spent; with the text that says they
    // are, an account nothing pays for confirms it.
    assert_eq!(j["confirmed_cause"], "inference-credits", "{j}");
    // An account that pays does not: the 402 then has another story (a bill-to org's limit).
    let hub_pays = HubServer::start(world());
    let w2 = world_with(&hub_pays, Some(READ));
    let j = explain(
        &w2,
        "You have exceeded your monthly included credits for Inference Providers.",
    );
    assert_eq!(j["confirmed_cause"], serde_json::Value::Null, "{j}");
    let mut zh = World::new();
    zh.env = w.env.clone();
    zh.set("LANG", "zh_CN.UTF-8");
    zh.write_token(READ);
    let (_, text) = zh.outcome_with("inference-access/no-payment", &args(MODEL));
    assert!(text.contains("每月包含额度用完后"), "{text}");
}
