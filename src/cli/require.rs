//! `--require read|write`: the checks that decide, then one line and an exit code.

use std::sync::Arc;

use crate::checks::REGISTRY;
use crate::cli::{self, Access, Cli};
use crate::context::Context;
use crate::engine::runner::CheckDef;
use crate::render::redact;
use crate::render::Words;

pub fn run(cli: &Cli) -> i32 {
    let target = match cli::target(cli) {
        Ok(t) => t,
        Err(message) => return cli::usage(&message),
    };
    let (ctx, words) = cli::context(cli, target);
    if ctx.options.target.is_none() {
        return cli::usage("--require needs --repo ID (and --repo-type if it is not a model)");
    }
    if let Err(message) = cli::select(cli) {
        return cli::usage(&message);
    }
    let access = cli.require.expect("dispatched on --require");
    match cli::runtime() {
        Ok(rt) => rt.block_on(require(cli, ctx, words, access)),
        Err(code) => code,
    }
}

async fn require(cli: &Cli, ctx: Arc<Context>, words: Words, access: Access) -> i32 {
    // The checks that decide, named through their types: a renamed check does not compile.
    use crate::checks::{
        env_conflicts, gated_access, id, proxy, repo_access, token_file, token_valid,
    };
    let ids = [
        id::<token_file::Outcome>(),
        id::<env_conflicts::Outcome>(),
        id::<proxy::Outcome>(),
        id::<token_valid::Outcome>(),
        id::<repo_access::Outcome>(),
        id::<gated_access::Outcome>(),
    ];
    let checks: Vec<CheckDef> = REGISTRY
        .iter()
        .filter(|c| ids.contains(&c.id))
        .copied()
        .collect();
    let findings = crate::checks::run(ctx.clone(), &checks, |_, _| {}).await;
    cli::learn_findings(&findings);
    cli::anonymize(cli, &ctx, &findings, &[]);
    let has = |o: crate::engine::finding::OutcomeId| findings.iter().any(|f| f.is(o));
    let gate_ok =
        has(gated_access::Outcome::NotGated.into()) || has(gated_access::Outcome::Granted.into());
    let ok = has(repo_access::Outcome::Ok.into())
        && (access == Access::Write && has(repo_access::Outcome::WriteOk.into())
            || access == Access::Read && gate_ok);
    let target = ctx.target().cloned().expect("checked before");
    let action = words.msg(match access {
        Access::Read => "action-read",
        Access::Write => "action-write",
    });
    let source = ctx
        .token()
        .in_effect
        .as_ref()
        .map(|e| words.source_label(&ctx, &e.source))
        .unwrap_or_else(|| words.msg("no-token-source"));
    if ok {
        redact::println(&words.msg_with(
            "require-ok",
            &[
                ("source", &source),
                ("action", &action),
                ("repo", &target.repo_id),
                ("type", target.repo_type.as_str()),
            ],
        ));
        return 0;
    }
    // The primary cause of the diagnosis, the one that stands in the way (docs/diagnosis.md),
    // with its cause id and the first command that fixes it.
    let entries = crate::render::diagnosis::of_run(&ctx, &words, &findings);
    let why = entries
        .first()
        .map(|e| {
            // The cause, and the finding that speaks for it (`[gated-not-accepted:
            // gated-access/not-requested]`), for a CI log that is read once.
            let cause = match &e.cause {
                Some(c) => format!("{c}: {}", e.findings[0]),
                None => e.findings[0].clone(),
            };
            match e.fixes.iter().flat_map(|f| f.commands.first()).next() {
                Some(cmd) => format!("{} [{cause}] $ {cmd}", e.summary),
                None => format!("{} [{cause}]", e.summary),
            }
        })
        .unwrap_or_else(|| "-".into());
    redact::println(&words.msg_with(
        "require-no",
        &[
            ("action", &action),
            ("repo", &target.repo_id),
            ("type", target.repo_type.as_str()),
            ("why", &why),
        ],
    ));
    1
}
