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
        if let Some(near) = misspelt_page(text[0].trim()) {
            return cli::usage(&format!(
                "no check or cause is named '{}'; did you mean '{near}'? (`hfdoctor explain {near}`, `hfdoctor list`)",
                text[0].trim()
            ));
        }
    }
    // Colours and cursor moves of the program that printed it are no part of the error.
    let bytes = match confirm::read_input(text, file.as_deref()) {
        Ok(bytes) => crate::render::wrap::strip_ansi_bytes(bytes),
        Err(message) => {
            redact::eprintln(&format!("hfdoctor explain: {message}"));
            return cli::EXIT_USAGE;
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        redact::eprintln(
            "hfdoctor explain: nothing to explain: the input is empty (pass the error text as arguments, with --file FILE, or on standard input)",
        );
        return cli::EXIT_USAGE;
    }
    // One pass over the text: the causes, and the repo it names as the target.
    let analysis = crate::explain::analyse(&bytes);
    if target.is_none() {
        target = target_from(&analysis.1);
    }
    let (ctx, words) = cli::context(cli, target);
    if let Err(message) = cli::select(cli) {
        return cli::usage(&message);
    }
    match cli::runtime() {
        Ok(rt) => rt.block_on(diagnose(cli, ctx, words, &bytes, analysis, !no_check, None)),
        Err(code) => code,
    }
}

/// One kebab-case word close to a check id or a cause (`token-vaild`) asks for a page, not
/// for an explanation of that word: the name it is closest to.
fn misspelt_page(word: &str) -> Option<String> {
    let kebab = word.contains('-') && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !kebab {
        return None;
    }
    let causes: Vec<String> = crate::engine::finding::Cause::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let names = crate::checks::ids()
        .map(str::to_string)
        .chain(causes)
        .collect::<Vec<_>>();
    cli::nearest(word, names.iter().map(String::as_str)).map(str::to_string)
}

/// The repo the pasted text names, as the target (when --repo is not given).
pub fn target_from(x: &crate::explain::evidence::Extracted) -> Option<crate::context::Target> {
    let t = x
        .repo_type
        .as_deref()
        .and_then(crate::hub::repo::RepoType::parse)?;
    Some(crate::context::Target {
        repo_id: x.repo_id.clone()?,
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
    text: &[u8],
    analysis: (
        Vec<crate::explain::patterns::Candidate>,
        crate::explain::evidence::Extracted,
    ),
    run_checks: bool,
    wrapped: Option<i32>,
) -> i32 {
    // What the text holds (a Bearer value, a Basic header, a token percent-encoded) is a
    // secret the boundary must know, whatever the evidence lines show.
    redact::learn(|r| r.learn_text(&String::from_utf8_lossy(text)));
    let (candidates, extracted) = analysis;
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
                    width: crate::render::wrap::terminal_width(&ctx.env),
                },
                &ids,
            );
            crate::render::explain::to_text(&words, &d, &renderer)
        }
    };
    match wrapped {
        // The wrapped command's stdout stays its own: the diagnosis goes to stderr, or to
        // the --output file.
        Some(c) => {
            // JSON says the exit code in its own field: a heading would break it.
            let head = if cli.format == Format::Json {
                String::new()
            } else {
                words
                    .msg("explain-command-failed")
                    .replace("{code}", &c.to_string())
                    + "\n"
            };
            if redact::output_is_file() {
                redact::print(&format!("{head}{out}"));
            } else {
                redact::eprint(&format!("\n{head}{out}"));
            }
        }
        None => redact::print(&out),
    }
    code
}
