//! gated-access: for a gated target, whether this user may download its files: terms accepted,
//! request pending, no token sent, or a fine-grained token without the "public gated repos"
//! permission. Where the server's answer and the token's scopes say different things (the
//! order of the Hub's gate checks is not documented, docs/notes/hub-answers.md "Uncertain" 3), both are reported.

use std::sync::Arc;

use crate::checks::common::WithSaid;
use crate::checks::common::{call_failed, server_error, Request};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::hub::{info_path, repo_url, RepoInfo, GateState, Kind, WhoamiResult};
use crate::engine::runner::{CheckFuture, Outcome as Runner};

crate::outcomes! {
    pub enum Outcome {
        NotGated = "not-gated",
        NotVisible = "not-visible",
        Granted = "granted",
        NotLoggedIn = "not-logged-in",
        NotRequested = "not-requested",
        Pending = "pending",
        FineGrained = "fine-grained",
        TokenInvalid = "token-invalid",
        Unsure = "unsure",
    }
}

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Context) -> Vec<Found> {
    let Some(target) = ctx.target().cloned() else {
        return vec![Found::new(Runner::SkippedNoTarget)];
    };
    let hub = ctx.hub();
    let token = ctx.token_sent();
    let path = info_path(target.repo_type, &target.repo_id);
    let check_path = format!("{path}/auth-check");
    let (info, access, who) = tokio::join!(
        hub.get_shared(&path, token),
        hub.get(&check_path, token),
        ctx.whoami_in_effect()
    );
    let base = |outcome: Outcome| {
        Found::new(outcome)
            .with("repo", target.repo_id.clone())
            .with("type", target.repo_type.as_str())
    };
    let info = match info {
        Ok(a) => a,
        Err(e) => return vec![call_failed(ctx, &e)],
    };
    if info.kind() != Kind::Ok {
        return vec![base(Outcome::NotVisible)];
    }
    let repo: RepoInfo = info.json().unwrap_or_default();
    let Some(mode) = repo.gate().map(str::to_string) else {
        return vec![base(Outcome::NotGated)];
    };
    let url = repo_url(&ctx.endpoint().url, target.repo_type, &target.repo_id);
    let gated = |outcome: Outcome| {
        base(outcome)
            .with("mode", mode.clone())
            .with("url", url.clone())
    };
    let fine_no_gated = match &who {
        Some(WhoamiResult::Valid(w, _)) => w
            .fine_grained()
            .is_some_and(|f| f.can_read_gated_repos == Some(false)),
        _ => false,
    };
    let token_invalid =
        matches!(&who, Some(WhoamiResult::Refused(a)) if a.kind() == Kind::InvalidToken);
    let access = match access {
        Ok(a) => a,
        Err(e) => return vec![call_failed(ctx, &e)],
    };
    let mut out = Vec::new();
    match access.kind() {
        Kind::Ok => out.push(gated(Outcome::Granted)),
        Kind::Gated(GateState::NotLoggedIn) if access.authorized => {
            // docs/notes/hub-answers.md "Uncertain" 4: an invalid token on a gated route may look like "not logged in".
            out.push(if token_invalid {
                gated(Outcome::TokenInvalid)
            } else {
                gated(Outcome::Unsure)
                    .with("status", access.status.to_string())
                    .with_said("message", &access)
            })
        }
        Kind::Gated(GateState::NotLoggedIn) | Kind::AnonymousNotFound => {
            let why = ctx.anonymous_reason();
            out.push(gated(Outcome::NotLoggedIn).with_msg("reason", why));
        }
        Kind::Gated(GateState::NotRequested) => out.push(gated(Outcome::NotRequested)),
        Kind::Gated(GateState::Pending) => out.push(gated(Outcome::Pending)),
        Kind::FineGrainedGated => out.push(gated(Outcome::FineGrained)),
        Kind::InvalidToken => out.push(gated(Outcome::TokenInvalid)),
        Kind::ServerError => out.push(server_error(ctx, Request::AccessCheck(&target.repo_id), &access)),
        _ => out.push(
            gated(Outcome::Unsure)
                .with("status", access.status.to_string())
                .with_said("message", &access),
        ),
    }
    // Both facts when both are known: the scope will bite even once the gate opens.
    if fine_no_gated && access.kind() != Kind::FineGrainedGated {
        out.push(gated(Outcome::FineGrained));
    }
    out
}
