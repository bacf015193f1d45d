//! `hfdoctor report` and `--format markdown`: the support report, with the home directory as
//! `~` and, under --anonymize, names replaced (docs/redaction.md).

use std::sync::Arc;

use crate::cli::{self, Cli};
use crate::context::Context;
use crate::engine::runner::CheckDef;
use crate::render::redact;
use crate::render::{exit_code, markdown, Words};

pub fn run(cli: &Cli) -> i32 {
    let (ctx, words, selected) = match cli::prepare(cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match cli::runtime() {
        Ok(rt) => rt.block_on(markdown(cli, ctx, words, selected)),
        Err(code) => code,
    }
}

pub async fn markdown(cli: &Cli, ctx: Arc<Context>, words: Words, selected: Vec<CheckDef>) -> i32 {
    // The machine's facts (subprocesses, bounded) while the checks run.
    let c = ctx.clone();
    let facts = tokio::task::spawn_blocking(move || {
        crate::local::facts::collect(&crate::local::facts::Machine {
            env: &c.env,
            cwd: &c.cwd,
            home: c.home.as_deref(),
            proc: c.proc(),
        })
    });
    let findings = crate::checks::run(ctx.clone(), &selected, |_, _| {}).await;
    let facts = facts.await.unwrap_or_default();
    cli::learn_findings(&findings);
    cli::anonymize(cli, &ctx, &findings, &[]);
    let text = markdown::report(&ctx, &words, &facts, &findings);
    redact::learn(|r| r.set_home(&ctx));
    redact::print(&text);
    exit_code(&findings, cli.strict)
}
