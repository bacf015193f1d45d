//! repo-access: the target repository exists as named, this token (as the client sends it) can
//! see it, it is the right type, and, when writing, the account and token may push to it. A
//! refusal is explained by its reason: token role, fine-grained scope, org role, org policy.

use std::sync::Arc;

use futures_util::future::join_all;

use crate::checks::common::WithSaid;
use crate::checks::common::{
    call_failed, other_source_that_can, rate_limited, server_error, with_other_source, Request,
};
use crate::context::{Context, Target};
use crate::engine::finding::Found;
use crate::hub::{info_path, repo_url, RepoInfo, Answer, CallError, Kind, Whoami, WhoamiResult};
use crate::hub::repo::RepoType;
use crate::engine::runner::{CheckFuture, Outcome as Runner};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        WriteOk = "write-ok",
        Disabled = "disabled",
        TokenInvalid = "token-invalid",
        WrongRepoType = "wrong-repo-type",
        NotFoundAnonymous = "not-found-anonymous",
        FineGrainedScope = "fine-grained-scope",
        MissingCanCreate = "missing-can-create",
        RepoNotFound = "repo-not-found",
        OrgPolicy = "org-policy",
        RateLimited = "rate-limited",
        Unsure = "unsure",
        Contributor = "contributor",
        WriteNoToken = "write-no-token",
        WriteReadToken = "write-read-token",
        WriteFineGrained = "write-fine-grained",
        WriteOrgRole = "write-org-role",
        WriteNotMember = "write-not-member",
        WriteUnsure = "write-unsure",
        VisibleWithOther = "visible-with-other",
        WritableWithOther = "writable-with-other",
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
    let info_path = info_path(target.repo_type, &target.repo_id);
    let write_path = format!("{info_path}/auth-check/write");
    // Independent requests go out together: info, the write check, whoami for explanations.
    let (info, write, who) = tokio::join!(
        hub.get_shared(&info_path, token),
        async {
            if ctx.needs_write() {
                Some(hub.get_shared(&write_path, token).await)
            } else {
                None
            }
        },
        ctx.whoami_in_effect()
    );
    let who = match who {
        Some(WhoamiResult::Valid(w, _)) => Some(*w),
        _ => None,
    };
    let base = |outcome: Outcome| {
        Found::new(outcome)
            .with("repo", target.repo_id.clone())
            .with("type", target.repo_type.as_str())
    };
    let info = match info {
        Ok(a) => a,
        Err(e) => return vec![call_failed(ctx, &e)],
    };
    let mut out = Vec::new();
    match info.kind() {
        Kind::Ok => {
            let repo: RepoInfo = info.json().unwrap_or_default();
            if repo.disabled {
                return vec![base(Outcome::Disabled)];
            }
            let visibility = if repo.private { "private" } else { "public" };
            out.push(
                base(Outcome::Ok)
                    .with_msg("visibility", visibility)
                    .with_msg(
                        "seen_with",
                        if info.authorized {
                            "seen-with-token"
                        } else {
                            "seen-anonymous"
                        },
                    )
                    .detail("request_id", info.request_id.clone().unwrap_or_default()),
            );
            if let Some(write) = write {
                let judged = judge_write(ctx, &target, write, who.as_ref(), &base);
                // Refused: another token source may push, and then that is the fix.
                let refused = judged.is(Outcome::WriteReadToken)
                    || judged.is(Outcome::WriteFineGrained)
                    || judged.is(Outcome::WriteOrgRole)
                    || judged.is(Outcome::WriteNotMember)
                    || judged.is(Outcome::Contributor)
                    || judged.is(Outcome::WriteUnsure);
                let other = if refused {
                    other_source_that_can(ctx, &write_path).await
                } else {
                    None
                };
                out.push(match other {
                    Some((source, account)) => with_other_source(
                        ctx,
                        base(Outcome::WritableWithOther)
                            .with("account", who.as_ref().map_or("?".into(), |w| w.name.clone())),
                        &source,
                        account,
                    ),
                    None => judged,
                });
            }
        }
        Kind::InvalidToken => out.push(base(Outcome::TokenInvalid)),
        Kind::AnonymousNotFound | Kind::NotFound => {
            out.push(not_found(ctx, &target, &info, who.as_ref(), &base).await)
        }
        Kind::Disabled => out.push(base(Outcome::Disabled)),
        Kind::OrgPolicy => {
            out.push(base(Outcome::OrgPolicy).with_said("message", &info))
        }
        Kind::RateLimited => out.push(rate_limited(base(Outcome::RateLimited), &info)),
        Kind::ServerError => out.push(server_error(ctx, Request::RepoInfo(&target.repo_id), &info)),
        _ => out.push(unsure(base(Outcome::Unsure), &info)),
    }
    out
}

fn unsure(f: Found, a: &Answer) -> Found {
    f.with("status", a.status.to_string())
        .with_said("message", a)
        .with("request_id", a.request_id.clone().unwrap_or_else(|| "-".into()))
}

/// 401 to an anonymous caller or 404 `RepoNotFound`: tell apart a wrong type, no token, an
/// account without access, a fine-grained scope that misses it, and a repo that does not exist.
async fn not_found(
    ctx: &Context,
    target: &Target,
    info: &Answer,
    who: Option<&Whoami>,
    base: &(dyn Fn(Outcome) -> Found + Sync),
) -> Found {
    let hub = ctx.hub();
    let token = ctx.token_sent();
    let others: Vec<RepoType> = RepoType::ALL
        .into_iter()
        .filter(|t| *t != target.repo_type)
        .collect();
    let paths: Vec<String> = others
        .iter()
        .map(|t| format!("{}/{}", t.api(), target.repo_id))
        .collect();
    let answers = join_all(paths.iter().map(|p| hub.get_shared(p, token))).await;
    if let Some((t, _)) = others
        .iter()
        .zip(&answers)
        .find(|(_, a)| matches!(a, Ok(a) if a.kind() == Kind::Ok))
    {
        return base(Outcome::WrongRepoType)
            .with("actual", t.as_str())
            .with("url", repo_url(&ctx.endpoint().url, *t, &target.repo_id))
            .param("flag", format!("--repo-type {}", t.as_str()));
    }
    if !info.authorized {
        let why = ctx.anonymous_reason();
        return base(Outcome::NotFoundAnonymous).with_msg("reason", why);
    }
    // The token in effect cannot see it: one of the others may, and then that is the fix
    // (the Hub was asked with it, so the fix is tested).
    let path = info_path(target.repo_type, &target.repo_id);
    if let Some((source, other_account)) = other_source_that_can(ctx, &path).await {
        let account = who.map_or("?".into(), |w| w.name.clone());
        return with_other_source(
            ctx,
            base(Outcome::VisibleWithOther).with("account", account),
            &source,
            other_account,
        );
    }
    let namespace = target.repo_id.split_once('/').map(|(ns, _)| ns);
    let writable = who
        .map(|w| w.writable_namespaces().join(", "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "-".into());
    let account = who.map(|w| w.name.clone()).unwrap_or_else(|| "?".into());
    // A fine-grained token whose account belongs to the namespace but whose scopes do not
    // cover it: the account could see it, the token cannot.
    if let (Some(w), Some(ns)) = (who, namespace) {
        let member = w.name == ns || w.org_role(ns).is_some();
        if let Some(perms) = w.scoped_permissions(&target.repo_id, target.repo_type.as_str()) {
            if member
                && !perms
                    .iter()
                    .any(|p| p == "repo.content.read" || p == "repo.write")
            {
                return base(Outcome::FineGrainedScope)
                    .with("account", account)
                    .with("namespace", ns.to_string())
                    .with("permission", "repo.content.read");
            }
        }
        if ctx.needs_write() {
            let can_write = w.writable_namespaces().iter().any(|n| n == ns);
            if can_write {
                return base(Outcome::MissingCanCreate).with("account", account);
            }
        }
    }
    base(Outcome::RepoNotFound)
        .with("account", account)
        .with("writable", writable)
        .detail("request_id", info.request_id.clone().unwrap_or_default())
}

/// Why a write check was refused, from the server's words and the token's role and scopes.
fn judge_write(
    ctx: &Context,
    target: &Target,
    write: Result<Answer, CallError>,
    who: Option<&Whoami>,
    base: &(dyn Fn(Outcome) -> Found + Sync),
) -> Found {
    let answer = match write {
        Ok(a) => a,
        Err(e) => return call_failed(ctx, &e),
    };
    let namespace = target
        .repo_id
        .split_once('/')
        .map(|(ns, _)| ns.to_string())
        .unwrap_or_default();
    let account = who.map(|w| w.name.clone()).unwrap_or_else(|| "?".into());
    match answer.kind() {
        Kind::Ok => base(Outcome::WriteOk),
        Kind::ContributorOnly => base(Outcome::Contributor)
            .with("account", account)
            .with("namespace", namespace),
        Kind::OrgPolicy => base(Outcome::OrgPolicy).with_said("message", &answer),
        Kind::InvalidToken => base(Outcome::TokenInvalid),
        Kind::AnonymousNotFound if !answer.authorized => base(Outcome::WriteNoToken),
        Kind::RateLimited => rate_limited(base(Outcome::RateLimited), &answer),
        Kind::ReadOnly | Kind::NotFound | Kind::AnonymousNotFound => {
            // The server says "read access only" (W1, docs/notes/hub-answers.md "Uncertain" 2); the role and scopes say why.
            let Some(w) = who else {
                return unsure(base(Outcome::WriteUnsure), &answer);
            };
            if w.role() == Some("read") {
                return base(Outcome::WriteReadToken).with("account", account);
            }
            if let Some(perms) = w.scoped_permissions(&target.repo_id, target.repo_type.as_str()) {
                if !perms.iter().any(|p| p == "repo.write") {
                    return base(Outcome::WriteFineGrained)
                        .with("account", account)
                        .with("namespace", namespace);
                }
            }
            match w.org_role(&namespace) {
                Some(role) => base(Outcome::WriteOrgRole)
                    .with("account", account)
                    .with("namespace", namespace)
                    .with("org_role", role.to_string()),
                None if w.name != namespace => base(Outcome::WriteNotMember)
                    .with("account", account)
                    .with("namespace", namespace),
                None => unsure(base(Outcome::WriteUnsure), &answer),
            }
        }
        Kind::ServerError => server_error(ctx, Request::WriteCheck(&target.repo_id), &answer),
        _ => unsure(base(Outcome::WriteUnsure), &answer),
    }
}
