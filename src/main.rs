//! Thin: parse the command line, build the context, run the checks, render, exit.

use std::io::{IsTerminal, Write};

use clap::Parser;

use hfdoctor::catalog::Catalog;
use hfdoctor::checks::{self, REGISTRY};
use hfdoctor::cli::{Cli, ColorChoice, Command, Format};
use hfdoctor::context::{Context, Options, Target};
use hfdoctor::diagnose;
use hfdoctor::lang::{lang_from_env, utf8_from_env};
use hfdoctor::render::text::{Spinner, Style, TextRenderer};
use hfdoctor::render::{exit_code, json, Words};
use hfdoctor::repo::parse_repo_arg;
use hfdoctor::runner::{self, CheckDef};

const EXIT_USAGE: i32 = 2;
const EXIT_INTERNAL: i32 = 3;

fn main() {
    // First, before any thread: SIGTERM, SIGHUP and SIGINT kill what hfdoctor started, then
    // hfdoctor (docs/notes/processes.md).
    hfdoctor::world::signals::install();
    // A panic inside a check becomes a `crash` finding; nothing should print a Rust backtrace
    // at people. Set HFDOCTOR_DEBUG=1 to see panics as Rust prints them.
    if std::env::var_os("HFDOCTOR_DEBUG").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let code = match std::panic::catch_unwind(real_main) {
        Ok(code) => code,
        Err(_) => {
            eprintln!("hfdoctor: internal error; run again with HFDOCTOR_DEBUG=1 and report it");
            EXIT_INTERNAL
        }
    };
    let _ = std::io::stdout().flush();
    // A check abandoned at its deadline may still wait on a subprocess: its process group
    // goes with us (docs/notes/processes.md).
    hfdoctor::world::proc::kill_all_live();
    // Exit without waiting for checks abandoned at their deadline.
    std::process::exit(code);
}

fn real_main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { 0 };
        }
    };
    let mut target = match &cli.repo {
        None => None,
        Some(arg) => match parse_repo_arg(arg, cli.repo_type) {
            Ok((repo_id, repo_type)) => Some(Target {
                repo_id,
                repo_type,
                from: "--repo".into(),
            }),
            Err(message) => {
                eprintln!("hfdoctor: --repo: {message}");
                return EXIT_USAGE;
            }
        },
    };
    // explain, or a wrapped command that failed: the text to diagnose.
    let mut to_explain: Option<(Vec<u8>, bool, Option<i32>)> = None;
    match &cli.command {
        Some(Command::Explain {
            text,
            file,
            no_check,
        }) => {
            if file.is_none() && text.len() == 1 {
                let words = Words::new(
                    cli.lang
                        .unwrap_or_else(|| lang_from_env(&hfdoctor::context::Env::from_process())),
                );
                if let Some(page) = diagnose::page(text[0].trim(), &words) {
                    print!("{page}");
                    return 0;
                }
            }
            match diagnose::read_input(text, file.as_deref()) {
                Ok(bytes) => to_explain = Some((bytes, *no_check, None)),
                Err(message) => {
                    eprintln!("hfdoctor explain: {message}");
                    return EXIT_USAGE;
                }
            }
        }
        None if !cli.command_line.is_empty() => match diagnose::run_wrapped(&cli.command_line) {
            Ok((0, _)) => return 0,
            Ok((code, captured)) => to_explain = Some((captured, false, Some(code))),
            Err(message) => {
                eprintln!("hfdoctor: {message}");
                return 127;
            }
        },
        _ => {}
    }
    if let (Some((text, _, _)), None) = (&to_explain, &target) {
        let x = hfdoctor::explain::extract(text);
        if let (Some(id), Some(t)) = (
            x.repo_id,
            x.repo_type
                .as_deref()
                .and_then(hfdoctor::repo::RepoType::parse),
        ) {
            target = Some(Target {
                repo_id: id,
                repo_type: t,
                from: "explain".into(),
            });
        }
    }
    let options = Options {
        offline: cli.offline,
        timeout: cli.timeout,
        target,
        write: cli.write || cli.require == Some(hfdoctor::cli::Access::Write),
    };
    let ctx = Context::from_process(options);
    // The target (--repo, else a Hub remote of this repository) is decided once, at first use:
    // the runner asks before any check starts, and git's config is read in the meantime.
    if matches!(
        cli.command,
        None | Some(Command::Explain { .. }) | Some(Command::Report)
    ) {
        ctx.prefetch_git_config();
    }
    let lang = cli.lang.unwrap_or_else(|| lang_from_env(&ctx.env));
    let words = Words::new(lang);

    match &cli.command {
        Some(Command::List) => return list(&cli, &words),
        Some(Command::GenerateDocs { check, dir }) => return generate_docs(*check, dir),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "hfdoctor",
                &mut std::io::stdout(),
            );
            return 0;
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            let man = clap_mangen::Man::new(Cli::command());
            return match man.render(&mut std::io::stdout()) {
                Ok(()) => 0,
                Err(_) => EXIT_INTERNAL,
            };
        }
        _ => {}
    }
    if cli.require.is_some() && ctx.options.target.is_none() {
        eprintln!("hfdoctor: --require needs --repo ID (and --repo-type if it is not a model)");
        return EXIT_USAGE;
    }

    let selected = match select(&cli) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("hfdoctor: {message}");
            return EXIT_USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hfdoctor: cannot start: {e}");
            return EXIT_INTERNAL;
        }
    };
    if let Some((text, no_check, wrapped)) = to_explain {
        return runtime.block_on(explain(cli, ctx, words, text, !no_check, wrapped));
    }
    if let Some(access) = cli.require {
        return runtime.block_on(require(ctx, words, access));
    }
    runtime.block_on(run(cli, ctx, words, selected))
}

/// `--require read|write`: the checks that decide, then one line and an exit code.
async fn require(ctx: std::sync::Arc<Context>, words: Words, access: hfdoctor::cli::Access) -> i32 {
    let ids = [
        "token-file",
        "env-conflicts",
        "proxy",
        "token-valid",
        "repo-access",
        "gated-access",
    ];
    let checks: Vec<CheckDef> = REGISTRY
        .iter()
        .filter(|c| ids.contains(&c.id))
        .copied()
        .collect();
    let findings = runner::run(ctx.clone(), &checks, |_, _| {}).await;
    let has = |code: &str| findings.iter().any(|f| f.code() == code);
    let gate_ok = has("gated-access/not-gated") || has("gated-access/granted");
    let ok = has("repo-access/ok")
        && (access == hfdoctor::cli::Access::Write && has("repo-access/write-ok")
            || access == hfdoctor::cli::Access::Read && gate_ok);
    let target = ctx.target().cloned().expect("checked before");
    let action = words.msg(match access {
        hfdoctor::cli::Access::Read => "action-read",
        hfdoctor::cli::Access::Write => "action-write",
    });
    let source = ctx
        .token()
        .in_effect
        .as_ref()
        .map(|e| words.source_label(&ctx, &e.source))
        .unwrap_or_else(|| words.msg("no-token-source"));
    if ok {
        println!(
            "{}",
            words.msg_with(
                "require-ok",
                &[
                    ("source", &source),
                    ("action", &action),
                    ("repo", &target.repo_id),
                    ("type", target.repo_type.as_str())
                ],
            )
        );
        return 0;
    }
    // The first thing that stands in the way: a failure, else anything that is not a pass.
    let why = findings
        .iter()
        .find(|f| f.status.is_failure(false))
        .or_else(|| {
            findings
                .iter()
                .find(|f| f.status != hfdoctor::finding::Status::Pass)
        })
        .map(|f| format!("{} ({})", words.summary(f), f.code()))
        .unwrap_or_else(|| "-".into());
    println!(
        "{}",
        words.msg_with(
            "require-no",
            &[
                ("action", &action),
                ("repo", &target.repo_id),
                ("type", target.repo_type.as_str()),
                ("why", &why)
            ],
        )
    );
    1
}

async fn explain(
    cli: Cli,
    ctx: std::sync::Arc<Context>,
    words: Words,
    text: Vec<u8>,
    run_checks: bool,
    wrapped: Option<i32>,
) -> i32 {
    let (candidates, extracted) = diagnose::analyse(&text);
    let d = diagnose::confirm(ctx.clone(), candidates, extracted, run_checks).await;
    let checks_code = exit_code(&d.findings, cli.strict);
    let code = wrapped.unwrap_or(checks_code);
    let out = match cli.format {
        Format::Json => {
            serde_json::to_string_pretty(&diagnose::to_json(&ctx, &words, &d, code))
                .unwrap_or_default()
                + "\n"
        }
        Format::Text | Format::Markdown | Format::Github => {
            let ids: Vec<&str> = REGISTRY.iter().map(|c| c.id).collect();
            let renderer = TextRenderer::new(
                Words::new(words.lang),
                Style {
                    color: false,
                    utf8: utf8_from_env(&ctx.env),
                    verbose: cli.verbose > 0,
                },
                &ids,
            );
            diagnose::to_text(&words, &d, &renderer)
        }
    };
    match wrapped {
        // The wrapped command's stdout stays its own: the diagnosis goes to stderr.
        Some(c) => {
            let head = words
                .msg("explain-command-failed")
                .replace("{code}", &c.to_string());
            eprint!("\n{head}\n{out}");
        }
        None => print!("{out}"),
    }
    code
}

async fn run(cli: Cli, ctx: std::sync::Arc<Context>, words: Words, selected: Vec<CheckDef>) -> i32 {
    let markdown = cli.format == Format::Markdown || matches!(cli.command, Some(Command::Report));
    if markdown {
        // The machine's facts (subprocesses, bounded) while the checks run.
        let c = ctx.clone();
        let facts = tokio::task::spawn_blocking(move || hfdoctor::facts::collect(&c));
        let findings = runner::run(ctx.clone(), &selected, |_, _| {}).await;
        let facts = facts.await.unwrap_or_default();
        let mut text = hfdoctor::render::markdown::report(&ctx, &words, &facts, &findings);
        if cli.anonymize {
            let (repos, names) = hfdoctor::render::markdown::sensitive_names(&ctx, &findings);
            text = hfdoctor::render::markdown::anonymize(&text, &repos, &names);
        }
        if let Some(home) = ctx
            .home
            .as_ref()
            .and_then(|h| h.to_str())
            .filter(|h| h.len() > 1)
        {
            text = text.replace(home, "~");
        }
        print!("{text}");
        return exit_code(&findings, cli.strict);
    }
    let annotate = cli.format == Format::Github
        || ctx.env.get("GITHUB_ACTIONS").as_deref() == Some("true") && cli.format == Format::Text;
    match cli.format {
        Format::Json => {
            let findings = runner::run(ctx.clone(), &selected, |_, _| {}).await;
            let code = exit_code(&findings, cli.strict);
            let value = json::report(&ctx, &words, &findings, code);
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            println!("{text}");
            code
        }
        Format::Text | Format::Github => {
            let utf8 = utf8_from_env(&ctx.env);
            let stdout_tty = std::io::stdout().is_terminal();
            let color = match cli.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    stdout_tty
                        && ctx.env.non_empty("NO_COLOR").is_none()
                        && ctx.env.get("CI").is_none()
                }
            };
            let ids: Vec<&str> = selected.iter().map(|c| c.id).collect();
            let renderer = TextRenderer::new(
                Words::new(words.lang),
                Style {
                    color,
                    utf8,
                    verbose: cli.verbose > 0,
                },
                &ids,
            );
            let spinner = Spinner::wanted(&ctx).then(|| {
                let label = ids.first().map(|id| id.to_string()).unwrap_or_default();
                Spinner::start(label, utf8)
            });
            let print = |text: &str, next: Option<String>| match &spinner {
                Some(s) => s.print(text, next),
                None => {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(text.as_bytes());
                    let _ = out.flush();
                }
            };
            print(&renderer.header(&ctx), ids.first().map(|s| s.to_string()));
            let findings = runner::run(ctx.clone(), &selected, |i, found| {
                let text: String = found.iter().map(|f| renderer.finding(f)).collect();
                print(&text, ids.get(i + 1).map(|s| s.to_string()));
            })
            .await;
            print(&renderer.footer(&findings), None);
            if annotate {
                print(
                    &hfdoctor::render::github::annotations(&words, &findings),
                    None,
                );
            }
            exit_code(&findings, cli.strict)
        }
        Format::Markdown => unreachable!("handled above"),
    }
}

/// The checks to run after --only and --skip; an unknown id is a usage error.
fn select(cli: &Cli) -> Result<Vec<CheckDef>, String> {
    let known: Vec<&str> = checks::ids().collect();
    for id in cli.only.iter().chain(&cli.skip) {
        if !known.contains(&id.as_str()) {
            return Err(format!(
                "unknown check id '{id}'; known ids: {} (see `hfdoctor list`)",
                known.join(", ")
            ));
        }
    }
    Ok(REGISTRY
        .iter()
        .filter(|c| cli.only.is_empty() || cli.only.iter().any(|o| o == c.id))
        .filter(|c| !cli.skip.iter().any(|s| s == c.id))
        .copied()
        .collect())
}

fn list(cli: &Cli, words: &Words) -> i32 {
    let catalog = Catalog::get();
    let rows: Vec<_> = REGISTRY
        .iter()
        .filter_map(|c| catalog.check(c.id))
        .collect();
    match cli.format {
        Format::Json => {
            let value: Vec<_> = rows
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id,
                        "category": c.category,
                        "title": c.title.get(words.lang),
                        "needs": c.needs,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        Format::Text | Format::Markdown | Format::Github => {
            let width = rows.iter().map(|c| c.id.len()).max().unwrap_or(0);
            for c in rows {
                let needs = if c.needs.is_empty() {
                    "-".to_string()
                } else {
                    c.needs
                        .iter()
                        .map(|n| format!("{n:?}").to_lowercase())
                        .collect::<Vec<_>>()
                        .join(",")
                };
                println!(
                    "{:width$}  {:8}  {:16}  {}",
                    c.id,
                    c.category,
                    needs,
                    c.title.get(words.lang)
                );
            }
        }
    }
    0
}

fn generate_docs(check: bool, dir: &std::path::Path) -> i32 {
    match hfdoctor::docs::generate(dir, &Catalog::get().checks, check) {
        Ok(stale) if check && !stale.is_empty() => {
            eprintln!("out of date: {}", stale.join(", "));
            1
        }
        Ok(stale) => {
            for name in stale {
                println!("wrote {}", dir.join(name).display());
            }
            0
        }
        Err(e) => {
            eprintln!("hfdoctor: {e}");
            EXIT_INTERNAL
        }
    }
}
