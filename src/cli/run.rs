//! `hfdoctor` (the checks): text streams as results arrive, with a spinner on a terminal;
//! `--format github` adds annotations; `--format json` is the contract of docs/json.md.

use std::io::IsTerminal;
use std::sync::Arc;

use crate::cli::{self, Cli, ColorChoice, Format};
use crate::context::Context;
use crate::engine::runner::CheckDef;
use crate::lang::utf8_from_env;
use crate::render::redact;
use crate::render::text::{Spinner, Style, TextRenderer};
use crate::render::{exit_code, github, json, Words};

pub fn run(cli: &Cli) -> i32 {
    let (ctx, words, selected, runtime) = match cli::prepare_run(cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match cli.format {
        Format::Json => runtime.block_on(as_json(cli, ctx, words, selected)),
        Format::Markdown => runtime.block_on(cli::report::markdown(cli, ctx, words, selected)),
        Format::Text | Format::Github => runtime.block_on(as_text(cli, ctx, words, selected)),
    }
}

async fn as_json(cli: &Cli, ctx: Arc<Context>, words: Words, selected: Vec<CheckDef>) -> i32 {
    let findings = crate::checks::run(ctx.clone(), &selected, |_, _| {}).await;
    cli::learn_findings(&findings);
    let code = exit_code(&findings, cli.strict);
    let mut value = json::report(&ctx, &words, &findings, code);
    if cli.anonymize {
        // Values only: the keys are the contract.
        crate::render::anonymize::Anonymizer::for_run(&ctx, &findings, &[]).apply_json(&mut value);
    }
    redact::println(&serde_json::to_string_pretty(&value).unwrap_or_default());
    code
}

async fn as_text(cli: &Cli, ctx: Arc<Context>, words: Words, selected: Vec<CheckDef>) -> i32 {
    let annotate = cli.format == Format::Github
        || ctx.env.get("GITHUB_ACTIONS").as_deref() == Some("true") && cli.format == Format::Text;
    let utf8 = utf8_from_env(&ctx.env);
    redact::learn(|r| r.set_ascii(!utf8));
    // Text written to a file (--output) has no colour and no spinner.
    let to_file = redact::output_is_file();
    let stdout_tty = std::io::stdout().is_terminal() && !to_file;
    let color = !to_file
        && match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout_tty && ctx.env.non_empty("NO_COLOR").is_none() && ctx.env.get("CI").is_none()
            }
        };
    let ids: Vec<&str> = selected.iter().map(|c| c.id).collect();
    // Made once the checks have started (it needs the catalog, parsed meanwhile on its own
    // thread), so the checks need not wait for it.
    let renderer = std::sync::OnceLock::new();
    let make_renderer = || {
        TextRenderer::new(
            words.clone(),
            Style {
                color,
                utf8,
                verbose: cli.verbose > 0,
                width: crate::render::wrap::terminal_width(&ctx.env),
            },
            &ids,
        )
    };
    // Under --anonymize the names are known only once every check is done: the text is
    // written at the end, not streamed.
    let buffered = std::sync::Mutex::new(String::new());
    let spinner = (!cli.anonymize && !to_file && Spinner::wanted(&ctx)).then(|| {
        let label = ids.first().map(|id| id.to_string()).unwrap_or_default();
        Spinner::start(label, utf8)
    });
    let print = |text: &str, next: Option<String>| {
        if cli.anonymize {
            buffered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push_str(text);
            return;
        }
        match &spinner {
            Some(s) => s.print(text, next),
            None => redact::print(text),
        }
    };
    let findings = crate::checks::run_and_then(
        ctx.clone(),
        &selected,
        || {
            let r = renderer.get_or_init(make_renderer);
            print(&r.header(&ctx), ids.first().map(|s| s.to_string()));
        },
        |i, found| {
            cli::learn_findings(&found);
            let r = renderer.get_or_init(make_renderer);
            let text = r.check(&found);
            print(&text, ids.get(i + 1).map(|s| s.to_string()));
        },
    )
    .await;
    let renderer = renderer.get_or_init(make_renderer);
    let entries = crate::render::diagnosis::of_run(&ctx, &words, &findings);
    print(&renderer.what_to_do(&entries), None);
    print(&renderer.footer(&findings), None);
    if annotate {
        print(&github::annotations(&words, &findings), None);
    }
    if cli.anonymize {
        cli::anonymize(cli, &ctx, &findings, &[]);
        redact::print(&buffered.lock().unwrap_or_else(|e| e.into_inner()));
    }
    exit_code(&findings, cli.strict)
}
