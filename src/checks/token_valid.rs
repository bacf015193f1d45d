//! token-valid: asks whoami-v2 (once) whether the token in effect is valid, for which account,
//! with which role, orgs and fine-grained scopes, and whether that role is enough for what the
//! user means to do. When the token is refused, it judges the shadowed sources too, so the fix
//! can point at the one that works.

use std::sync::Arc;

use futures_util::future::join_all;

use crate::checks::common::WithSaid;
use crate::checks::common::{call_failed, rate_limited, server_error, Request};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::hub::{Kind, Whoami, WhoamiResult};
use crate::engine::runner::CheckFuture;
use crate::secret::Secret;
use crate::auth::token::Source;

crate::outcomes! {
    pub enum Outcome {
        Valid = "valid",
        ValidFineGrained = "valid-fine-grained",
        ReadOnly = "read-only",
        FineGrainedNoWrite = "fine-grained-no-write",
        Invalid = "invalid",
        InvalidOtherValid = "invalid-other-valid",
        InvalidRepairedValid = "invalid-repaired-valid",
        NoToken = "no-token",
        NoTokenNeeded = "no-token-needed",
        Oidc = "oidc",
        NotSent = "not-sent",
        NotSentProxy = "not-sent-proxy",
        RateLimited = "rate-limited",
        Unexpected = "unexpected",
    }
}

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Context) -> Vec<Found> {
    let disc = ctx.token();
    let home = ctx.home.as_deref();
    let Some(effect) = &disc.in_effect else {
        return vec![if ctx.needs_write() {
            Found::new(Outcome::NoTokenNeeded)
        } else {
            Found::new(Outcome::NoToken)
        }];
    };
    let Some(token) = &effect.token else {
        return vec![Found::new(Outcome::Oidc)];
    };
    let hub = ctx.hub();
    let source = effect.source.label(home);
    let with_source = |f: Found| {
        f.param("source", source.clone())
            .detail("source", effect.source.id(home))
            .with("masked", token.masked())
    };
    if !hub.may_send_token() {
        // Plain http to another machine, or to this one through a proxy on another machine:
        // either way the token would cross the network in the clear (docs/notes/secrets.md).
        return vec![match hub.proxy_for_endpoint() {
            Some(proxy) if hub.endpoint.is_loopback() => {
                with_source(Found::new(Outcome::NotSentProxy))
                    .with("endpoint", hub.endpoint.url.clone())
                    .with("proxy", proxy)
            }
            _ => with_source(Found::new(Outcome::NotSent))
                .with("endpoint", hub.endpoint.url.clone()),
        }];
    }
    match hub.whoami(token).await {
        WhoamiResult::Valid(who, answer) => {
            let mut out = vec![with_source(valid(&who))
                .detail("request_id", answer.request_id.unwrap_or_default())];
            if ctx.needs_write() {
                if let Some(f) = write_role(&who) {
                    out.push(with_source(f));
                }
            }
            out
        }
        WhoamiResult::Refused(answer) => match answer.kind() {
            Kind::InvalidToken => vec![invalid(ctx, &effect.source, token).await],
            Kind::RateLimited => vec![rate_limited(Found::new(Outcome::RateLimited), &answer)],
            Kind::ServerError => vec![server_error(ctx, Request::Whoami, &answer)],
            // Whatever else came back, `hf auth whoami` fails on it: say what it was.
            _ => vec![Found::new(Outcome::Unexpected)
                .with("status", answer.status.to_string())
                .with_said("message", &answer)
                .with("endpoint", hub.endpoint.url.clone())
                .with("request_id", answer.request_id.unwrap_or_else(|| "-".into()))],
        },
        WhoamiResult::Failed(err) => vec![call_failed(ctx, &err)],
    }
}

fn valid(who: &Whoami) -> Found {
    let token = who.auth.access_token.clone().unwrap_or_default();
    let orgs = if who.orgs.is_empty() {
        "-".to_string()
    } else {
        who.orgs
            .iter()
            .map(|o| format!("{} ({})", o.name, o.role_in_org.as_deref().unwrap_or("?")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let created = token
        .created_at
        .as_deref()
        .map(|c| c.get(..10).unwrap_or(c).to_string())
        .unwrap_or_else(|| "?".into());
    let name = token
        .display_name
        .clone()
        .unwrap_or_else(|| "(OAuth)".into());
    let role = token.role.clone().unwrap_or_else(|| "?".into());
    let base = |outcome| {
        Found::new(outcome)
            .with("account", who.name.clone())
            .with("token_name", name.clone())
            .with("role", role.clone())
            .with("orgs", orgs.clone())
            .with("created", created.clone())
    };
    match who.fine_grained() {
        None => base(Outcome::Valid),
        Some(fine) => {
            let names_with = |perm: &str| {
                let names: Vec<String> = fine
                    .scoped
                    .iter()
                    .filter(|s| s.permissions.iter().any(|p| p == perm))
                    .map(|s| s.entity.name.clone())
                    .collect();
                if names.is_empty() {
                    "-".to_string()
                } else {
                    names.join(", ")
                }
            };
            let gated = if fine.can_read_gated_repos.unwrap_or(false) {
                "yes"
            } else {
                "no"
            };
            base(Outcome::ValidFineGrained)
                .with("write_ns", names_with("repo.write"))
                .with("read_ns", names_with("repo.content.read"))
                .with_msg("gated", gated)
        }
    }
}

/// The role is not enough to push or upload anywhere.
fn write_role(who: &Whoami) -> Option<Found> {
    match who.role() {
        Some("read") => Some(Found::new(Outcome::ReadOnly).with("account", who.name.clone())),
        Some("fineGrained") if who.writable_namespaces().is_empty() => {
            Some(Found::new(Outcome::FineGrainedNoWrite).with("account", who.name.clone()))
        }
        _ => None,
    }
}

/// The command that removes a BOM, quotes and whitespace from the token where it is kept.
fn repair_command(ctx: &Context, source: &Source) -> String {
    const STRIP: &str = r#"s/^\xEF\xBB\xBF//; s/["`\x27\s]//g"#;
    match source {
        Source::File(path) => format!(
            "perl -pi -e '{STRIP}' {}",
            crate::shell::shell_path(&ctx.display_path(path))
        ),
        Source::Env(var) => {
            format!("export {var}=\"$(printf '%s' \"${var}\" | perl -pe '{STRIP}')\"")
        }
        _ => "hf auth login --force".to_string(),
    }
}

/// The token in effect is refused: judge the other sources (one whoami each) so the fix can
/// name one that works.
async fn invalid(ctx: &Context, source: &Source, token: &Secret) -> Found {
    let home = ctx.home.as_deref();
    let mut candidates: Vec<(Source, Secret)> = crate::checks::common::other_tokens(ctx)
        .into_iter()
        .map(|o| (o.source, o.token))
        .collect();
    candidates.truncate(6);
    let hub = ctx.hub();
    // A quoted token, or one with a BOM or a space inside, is refused as sent; the token
    // inside may be good, and then only the flaw needs fixing, not the token
    // (docs/notes/token-discovery.md "Repairs").
    let repaired = crate::auth::token::repaired(token.expose()).map(Secret::new);
    let (judged, repaired_who) = tokio::join!(
        join_all(candidates.iter().map(|(_, t)| hub.whoami(t))),
        async {
            match &repaired {
                Some(r) => Some(hub.whoami(r).await),
                None => None,
            }
        }
    );
    if let Some(WhoamiResult::Valid(who, _)) = repaired_who {
        return Found::new(Outcome::InvalidRepairedValid)
            .param("source", source.label(home))
            .detail("source", source.id(home))
            .with("masked", token.masked())
            .with("account", who.name.clone())
            .with("role", who.role().unwrap_or("?").to_string())
            .param("fix_cmd", repair_command(ctx, source))
            .verified();
    }
    let base = Found::new(Outcome::Invalid)
        .param("source", source.label(home))
        .detail("source", source.id(home))
        .with("masked", token.masked());
    let valid_other = candidates
        .iter()
        .zip(judged)
        .find_map(|((s, _), r)| match r {
            WhoamiResult::Valid(w, _) => Some((s.clone(), w)),
            _ => None,
        });
    let Some((other, who)) = valid_other else {
        return match source {
            Source::Env(var) => base.param("unset", format!("unset {var}")),
            _ => base.param("unset", "hf auth login --force"),
        };
    };
    let fix = crate::checks::common::make_in_effect(source, &other);
    Found::new(Outcome::InvalidOtherValid)
        .param("source", source.label(home))
        .detail("source", source.id(home))
        .with("masked", token.masked())
        .param("other", other.label(home))
        .detail("other", other.id(home))
        .with("account", who.name.clone())
        .with("role", who.role().unwrap_or("?").to_string())
        .param("fix_cmd", fix)
        .verified()
}
