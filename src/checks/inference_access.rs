//! inference-access (only when asked: `--inference`, or named in `--only`): whether the token
//! in effect may call Inference Providers (a fine-grained token needs
//! `inference.serverless.write`; a classic token's role is enough), which providers serve the
//! target model (its provider mapping, `model_info(expand=["inferenceProviderMapping"])`; no
//! paid call is made), and whether a variable sends calls to the retired
//! api-inference.huggingface.co where the router is needed. docs/notes/inference-access.md

use std::sync::Arc;

use crate::checks::common::{call_failed, rate_limited, WithSaid};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::engine::runner::CheckFuture;
use crate::hub::repo::RepoType;
use crate::hub::space::{legacy_inference_vars, providers};
use crate::hub::{Kind, WhoamiResult};

crate::outcomes! {
    pub enum Outcome {
        TokenOk = "token-ok",
        NoPermission = "no-permission",
        NoToken = "no-token",
        TokenInvalid = "token-invalid",
        TokenUnsure = "token-unsure",
        RateLimited = "rate-limited",
        Served = "served",
        NoProvider = "no-provider",
        NotLive = "not-live",
        ModelNotVisible = "model-not-visible",
        MappingUnsure = "mapping-unsure",
        LegacyEndpoint = "legacy-endpoint",
        LegacyBaseUrl = "legacy-base-url",
        Pays = "pays",
        OrgPays = "org-pays",
        NoPayment = "no-payment",
    }
}

/// The fine-grained permission "Make calls to Inference Providers" (data-plane.md §6).
pub const PERMISSION: &str = "inference.serverless.write";

/// The OpenAI-compatible base URL of the router (data-plane.md §6).
const ROUTER_V1: &str = "https://router.huggingface.co/v1";

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Context) -> Vec<Found> {
    let mut out = Vec::new();
    out.push(token_finding(ctx).await);
    if let Some(WhoamiResult::Valid(who, _)) = ctx.whoami_in_effect().await {
        out.extend(billing_finding(&who));
    }
    // The provider mapping of a model target.
    if let Some(t) = ctx.target().filter(|t| t.repo_type == RepoType::Model) {
        out.push(mapping_finding(ctx, &t.repo_id).await);
    }
    for var in legacy_inference_vars(&ctx.env) {
        let outcome = if var == "HF_INFERENCE_ENDPOINT" {
            Outcome::LegacyEndpoint
        } else {
            Outcome::LegacyBaseUrl
        };
        out.push(
            Found::new(outcome)
                .with("var", var)
                .with("router", ROUTER_V1),
        );
    }
    out
}

/// May the token in effect call Inference Providers: `InferenceClient` sends it explicitly
/// (`get_token()`), so HF_HUB_DISABLE_IMPLICIT_TOKEN does not stop it.
async fn token_finding(ctx: &Context) -> Found {
    let link = format!(
        "{}/settings/tokens/new?ownUserPermissions={PERMISSION}&tokenType=fineGrained",
        ctx.endpoint().url
    );
    let with_link = |f: Found| f.param("token_link", link.clone());
    let Some(result) = ctx.whoami_in_effect().await else {
        return with_link(Found::new(Outcome::NoToken));
    };
    let (who, _) = match result {
        WhoamiResult::Valid(w, a) => (w, a),
        WhoamiResult::Refused(a) if a.kind() == Kind::RateLimited => {
            return rate_limited(Found::new(Outcome::RateLimited), &a)
        }
        WhoamiResult::Refused(a) if a.kind() == Kind::InvalidToken => {
            return with_link(Found::new(Outcome::TokenInvalid))
        }
        WhoamiResult::Refused(a) => {
            return Found::new(Outcome::TokenUnsure)
                .with("account", "-")
                .with("role", format!("whoami-v2 {}", a.status))
        }
        WhoamiResult::Failed(e) => return call_failed(ctx, &e),
    };
    let account = who.name.clone();
    let role = who.role().unwrap_or("-").to_string();
    let found = |o: Outcome| {
        with_link(Found::new(o))
            .with("account", account.clone())
            .with("role", role.clone())
    };
    match (role.as_str(), who.fine_grained()) {
        ("fineGrained", Some(fine)) => {
            let own = fine
                .scoped
                .iter()
                .filter(|s| s.entity.kind == "user" && s.entity.name == account)
                .flat_map(|s| s.permissions.iter());
            if fine.global.iter().chain(own).any(|p| p == PERMISSION) {
                found(Outcome::TokenOk).with("how", PERMISSION)
            } else {
                found(Outcome::NoPermission)
            }
        }
        ("read" | "write" | "admin", _) => {
            found(Outcome::TokenOk).with("how", format!("role {role}"))
        }
        // An OAuth or app token, or a role the Hub added: not guessed at.
        _ => found(Outcome::TokenUnsure),
    }
}

/// Who pays once the account's included monthly credits are spent (whoami-v2 `canPay`, of the
/// user and of each org; hub-semantics.md §3.2): nobody means the router answers 402 Payment
/// Required until the next month (docs/notes/inference-access.md, "Credits"). How much of the
/// credits is left is not in any answer hfdoctor may ask for: it is not guessed.
fn billing_finding(who: &crate::hub::Whoami) -> Option<Found> {
    let account = who.name.clone();
    let orgs: Vec<&str> = who
        .orgs
        .iter()
        .filter(|o| o.can_pay == Some(true))
        .map(|o| o.name.as_str())
        .collect();
    let pro = if who.is_pro == Some(true) { "PRO" } else { "-" };
    match who.can_pay? {
        true => Some(Found::new(Outcome::Pays).with("account", account)),
        false if !orgs.is_empty() => Some(
            Found::new(Outcome::OrgPays)
                .with("account", account)
                .with("orgs", orgs.join(", "))
                .with("org", orgs[0].to_string())
                .with("plan", pro),
        ),
        false => Some(
            Found::new(Outcome::NoPayment)
                .with("account", account)
                .with("plan", pro),
        ),
    }
}

/// Which providers serve `model`, from its mapping; the token in effect is sent as the client
/// sends it (a private or gated model's mapping needs it).
async fn mapping_finding(ctx: &Context, model: &str) -> Found {
    let base = |o: Outcome| {
        Found::new(o)
            .with("model", model)
            .param("model_url", format!("{}/{model}", ctx.endpoint().url))
    };
    let answer = match ctx.hub().provider_mapping(model, ctx.token_sent()).await {
        Ok(a) => a,
        Err(e) => return call_failed(ctx, &e),
    };
    match answer.kind() {
        Kind::Ok => {}
        Kind::RateLimited => return rate_limited(base(Outcome::RateLimited), &answer),
        Kind::NotFound | Kind::AnonymousNotFound | Kind::Gated(_) | Kind::Disabled => {
            return base(Outcome::ModelNotVisible).with("status", answer.status.to_string())
        }
        _ => {
            return base(Outcome::MappingUnsure)
                .with("status", answer.status.to_string())
                .with_said("message", &answer)
        }
    }
    let Some(list) = providers(&answer.body) else {
        return base(Outcome::MappingUnsure)
            .with("status", answer.status.to_string())
            .with_msg("message", "inference-no-mapping");
    };
    let live: Vec<String> = list
        .iter()
        .filter(|p| p.status == "live")
        .map(|p| format!("{} ({})", p.name, p.task))
        .collect();
    let all = list
        .iter()
        .map(|p| format!("{} ({})", p.name, p.status))
        .collect::<Vec<_>>()
        .join(", ");
    if !live.is_empty() {
        base(Outcome::Served)
            .with("providers", live.join(", "))
            .detail("mapping", all)
    } else if list.is_empty() {
        base(Outcome::NoProvider)
    } else {
        base(Outcome::NotLive).with("providers", all)
    }
}
