//! `--format json`: the contract of DESIGN.md, schema_version 1. Every field is present in every
//! state (null where unknown); fields may be added, never removed or renamed.

use serde_json::{json, Map, Value};

use crate::context::Context;
use crate::engine::finding::Finding;
use crate::render::{counts, Words};

pub const SCHEMA_VERSION: u32 = 1;

pub fn finding(words: &Words, f: &Finding) -> Value {
    let details: Map<String, Value> = f
        .details
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "id": f.check,
        "title": words.title(f.check),
        "status": f.status.as_str(),
        "code": f.code(),
        "cause": f.cause.map(|c| c.as_str()),
        "summary": words.summary(f),
        "why": words.why(f),
        "details": details,
        "fixes": words.fixes(f),
        "duration_ms": f.duration_ms,
    })
}

pub fn report(ctx: &Context, words: &Words, findings: &[Finding], exit_code: i32) -> Value {
    let home = ctx.home.as_deref();
    let disc = ctx.token();
    let in_effect = disc.in_effect.as_ref().map(|e| {
        json!({
            "source": e.source.id(home),
            "masked": e.token.as_ref().map(|t| t.masked()),
        })
    });
    let others: Vec<Value> = disc
        .others()
        .iter()
        .map(|o| {
            json!({
                "source": o.source.id(home),
                "masked": o.token.masked(),
                "same_as_in_effect": o.same_as_in_effect,
            })
        })
        .collect();
    let target = ctx.target().map(
        |t| json!({ "repo_id": t.repo_id, "repo_type": t.repo_type.as_str(), "from": t.from }),
    );
    let counts: Map<String, Value> = counts(findings)
        .into_iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "hfdoctor_version": env!("CARGO_PKG_VERSION"),
        "lang": words.lang.code(),
        "endpoint": ctx.endpoint().url,
        "target": target,
        "token": {
            "in_effect": in_effect,
            "others": others,
            "sent_implicitly": !disc.implicit_disabled,
        },
        "diagnosis": crate::render::diagnosis::to_json(crate::render::diagnosis::of_run(
            ctx, words, findings,
        )),
        "checks": findings.iter().map(|f| finding(words, f)).collect::<Vec<_>>(),
        "counts": counts,
        "exit_code": exit_code,
        "request_ids": ctx.request_ids(),
    })
}
