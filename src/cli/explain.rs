//! `hfdoctor explain`: a check id or a cause prints its page; other text is classified, the
//! deciding checks run, and the confirmed cause is said. `wrap` shares `explain::confirm`.

use std::sync::Arc;

use crate::checks::REGISTRY;
use crate::cli::{self, Cli, Command, Format};
use crate::context::Context;
use crate::explain::confirm;
use crate::lang::utf8_from_env;
use crate::render::redact;
use crate::render::text::{Style, TextRenderer};
use crate::render::{exit_code, Words};

pub fn run(cli: &Cli) -> i32 {
    let Some(Command::Explain {
        text,
        file,
        no_check,
    }) = &cli.command
    else {
        unreachable!("dispatched on explain");
    };
    let mut target = match cli::target(cli) {
        Ok(t) => t,
        Err(message) => return cli::usage(&message),
    };
    if file.is_none() && text.len() == 1 {
        let words = Words::new(cli::lang(cli, &crate::context::Env::from_process()));
        if let Some(page) = crate::render::page::page(text[0].trim(), &words) {
            if cli.format != Format::Text {
                return cli::usage("a catalog page is text: --format does not apply to it");
            }
            redact::print(&page);
            return 0;
        }
    }
    let bytes = match confirm::read_input(text, file.as_deref()) {
        Ok(bytes) => bytes,
        Err(message) => {
            redact::eprintln(&format!("hfdoctor explain: {message}"));
            return cli::EXIT_USAGE;
        }
    };
    if target.is_none() {
        target = target_from_text(&bytes);
    }
    let (ctx, words) = cli::context(cli, target);
    if let Err(message) = cli::select(cli) {
        return cli::usage(&message);
    }
    match cli::runtime() {
        Ok(rt) => rt.block_on(diagnose(cli, ctx, words, bytes, !no_check, None)),
        Err(code) => code,
    }
}

/// The repo the pasted text names, as the target (when --repo is not given).
pub fn target_from_text(text: &[u8]) -> Option<crate::context::Target> {
    let x = crate::explain::patterns::extract(text);
    let t = x
        .repo_type
        .as_deref()
        .and_then(crate::hub::repo::RepoType::parse)?;
    Some(crate::context::Target {
        repo_id: x.repo_id?,
        repo_type: t,
        from: "explain".into(),
    })
}

/// Classify the text, confirm with checks, write the diagnosis (on stderr after a wrapped
/// command, whose stdout stays its own).
pub async fn diagnose(
    cli: &Cli,
    ctx: Arc<Context>,
    words: Words,
    text: Vec<u8>,
    run_checks: bool,
    wrapped: Option<i32>,
) -> i32 {
    // What the text holds (a Bearer value, a Basic header, a token percent-encoded) is a
    // secret the boundary must know, whatever the evidence lines show.
    redact::learn(|r| r.learn_text(&String::from_utf8_lossy(&text)));
    let (candidates, extracted) = confirm::analyse(&text);
    let d = confirm::confirm(ctx.clone(), candidates, extracted, run_checks).await;
    cli::learn_findings(&d.findings);
    let checks_code = exit_code(&d.findings, cli.strict);
    let code = wrapped.unwrap_or(checks_code);
    let extra: Vec<String> = d.extracted.repo_id.iter().cloned().collect();
    let out = match cli.format {
        Format::Json => {
            let mut value = crate::render::explain::to_json(&ctx, &words, &d, code);
            if cli.anonymize {
                crate::render::anonymize::Anonymizer::for_run(&ctx, &d.findings, &extra)
                    .apply_json(&mut value);
            }
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        Format::Text | Format::Markdown | Format::Github => {
            cli::anonymize(cli, &ctx, &d.findings, &extra);
            redact::learn(|r| r.set_ascii(!utf8_from_env(&ctx.env)));
            let ids: Vec<&str> = REGISTRY.iter().map(|c| c.id).collect();
            let renderer = TextRenderer::new(
                words.clone(),
                Style {
                    color: false,
                    utf8: utf8_from_env(&ctx.env),
                    verbose: cli.verbose > 0,
                },
                &ids,
            );
            crate::render::explain::to_text(&words, &d, &renderer)
        }
    };
    match wrapped {
        // The wrapped command's stdout stays its own: the diagnosis goes to stderr.
        Some(c) => {
            let head = words
                .msg("explain-command-failed")
                .replace("{code}", &c.to_string());
            redact::eprint(&format!("\n{head}\n{out}"));
        }
        None => redact::print(&out),
    }
    code
}
