//! `hfdoctor --fix`: the checks, then for each diagnosis entry with a local fix the change
//! shown, applied with consent (`Apply? [y/N]` on a terminal, `--yes` for scripts, never with
//! `--dry-run` or without a terminal), the checks behind it run again, and at the end what was
//! changed, where the backups are and how to undo each (docs/notes/fix.md, docs/json.md "fix").

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use serde_json::json;

use crate::cli::{self, Cli, Format};
use crate::context::Context;
use crate::engine::finding::{Finding, Status};
use crate::fix::{self, Change, Done};
use crate::render::{exit_code, json, redact, Words};

/// How consent is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Consent {
    DryRun,
    Yes,
    Ask,
    /// No terminal to ask on and no `--yes`: the plan is printed, nothing is applied.
    NoTerminal,
}

impl Consent {
    fn id(self) -> &'static str {
        match self {
            Consent::DryRun => "dry-run",
            Consent::Yes => "yes",
            Consent::Ask => "ask",
            Consent::NoTerminal => "no-terminal",
        }
    }
}

/// One change and what became of it.
struct Outcome {
    change: Change,
    done: Option<Done>,
    /// The finding's status before, and the worst status of its check after, with whether the
    /// finding is gone.
    recheck: Option<(Status, Status, bool)>,
    before: Status,
}

pub fn run(cli: &Cli) -> i32 {
    let (ctx, words, selected, runtime) = match cli::prepare_run(cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let consent = if cli.dry_run {
        Consent::DryRun
    } else if cli.yes {
        Consent::Yes
    } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        Consent::Ask
    } else {
        Consent::NoTerminal
    };
    runtime.block_on(async move {
        let findings = crate::checks::run(ctx.clone(), &selected, |_, _| {}).await;
        cli::learn_findings(&findings);
        let ordered = in_diagnosis_order(&ctx, &findings);
        // What the Hub said of the token in effect (asked once already by the checks).
        let who = if ctx.options.offline {
            None
        } else {
            match ctx.whoami_in_effect().await {
                Some(crate::hub::WhoamiResult::Valid(w, _)) => Some(w),
                _ => None,
            }
        };
        let plan = {
            let c = ctx.clone();
            let ordered: Vec<Finding> = ordered.into_iter().cloned().collect();
            tokio::task::spawn_blocking(move || {
                let refs: Vec<&Finding> = ordered.iter().collect();
                fix::plan(&c, &refs, who.as_deref())
            })
            .await
            .unwrap_or_default()
        };
        let text = cli.format != Format::Json;
        let mut outcomes = Vec::new();
        if text {
            redact::println(&header(&words, plan.len(), consent));
        }
        for (i, change) in plan.into_iter().enumerate() {
            let before = findings
                .iter()
                .find(|f| {
                    change.answers.contains(&f.code())
                        || f.check == change.check && f.status != Status::Pass
                })
                .map_or(Status::Fail, |f| f.status);
            if text {
                redact::println(&show_change(&words, i + 1, &change));
            }
            let done = match consent {
                Consent::DryRun => None,
                Consent::NoTerminal => Some(Done::Skipped("fix-skip-no-terminal")),
                Consent::Yes => Some(apply(&ctx, &change).await),
                Consent::Ask => {
                    if ask(&words) {
                        Some(apply(&ctx, &change).await)
                    } else {
                        Some(Done::Skipped("fix-skip-declined"))
                    }
                }
            };
            if text {
                if let Some(d) = &done {
                    redact::println(&show_done(&words, d));
                }
            }
            outcomes.push(Outcome {
                change,
                done,
                recheck: None,
                before,
            });
        }
        // The checks behind each applied change, run again on a fresh look at the machine.
        let applied: Vec<&'static str> = outcomes
            .iter()
            .filter(|o| matches!(o.done, Some(Done::Applied { .. })))
            .map(|o| o.change.check)
            .collect();
        let mut after = findings.clone();
        if !applied.is_empty() {
            // A new shell: the process's environment, less the variables a fix took out of
            // the start-up files (this shell keeps them until `unset`).
            let unset: Vec<&str> = outcomes
                .iter()
                .filter_map(|o| match &o.done {
                    Some(Done::Applied { unset, .. }) => Some(unset.iter().map(String::as_str)),
                    _ => None,
                })
                .flatten()
                .collect();
            let fresh = Context::new(
                ctx.env.without(&unset),
                ctx.cwd.clone(),
                ctx.options.clone(),
            );
            let again: Vec<_> = selected
                .iter()
                .filter(|c| applied.contains(&c.id))
                .cloned()
                .collect();
            let rerun = crate::checks::run(fresh, &again, |_, _| {}).await;
            after.retain(|f| !applied.contains(&f.check));
            after.extend(rerun.iter().cloned());
            for o in outcomes.iter_mut() {
                if !matches!(o.done, Some(Done::Applied { .. })) {
                    continue;
                }
                let mine: Vec<&Finding> =
                    rerun.iter().filter(|f| f.check == o.change.check).collect();
                let worst = mine
                    .iter()
                    .map(|f| f.status)
                    .filter(|s| *s != Status::Skip)
                    .max()
                    .unwrap_or(Status::Pass);
                let gone = !mine.iter().any(|f| o.change.answers.contains(&f.code()));
                o.recheck = Some((o.before, worst, gone));
            }
        }
        let code = exit_code(&after, cli.strict);
        if text {
            redact::println(&summary(&words, &outcomes));
        } else {
            let mut value = json::report(&ctx, &words, &after, code);
            value["fix"] = fix_json(&words, consent, &outcomes);
            redact::println(&serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        code
    })
}

/// The findings behind each diagnosis entry, entries in order, each entry's lead first.
fn in_diagnosis_order<'a>(ctx: &Context, findings: &'a [Finding]) -> Vec<&'a Finding> {
    let ds = crate::diagnose::diagnose(findings, &crate::diagnose::Intent::of(ctx));
    ds.iter()
        .flat_map(|d| d.findings.iter().map(|i| &findings[*i]))
        .collect()
}

async fn apply(ctx: &Arc<Context>, change: &Change) -> Done {
    let (c, ch) = (ctx.clone(), change.clone());
    tokio::task::spawn_blocking(move || fix::apply(&c, &ch))
        .await
        .unwrap_or_else(|e| Done::Failed(e.to_string()))
}

/// `Apply? [y/N]` on stderr, the answer from stdin; anything but y/yes is no.
fn ask(words: &Words) -> bool {
    redact::eprint(&format!("{} ", words.msg("fix-prompt")));
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

fn header(words: &Words, n: usize, consent: Consent) -> String {
    if n == 0 {
        return words.msg("fix-nothing");
    }
    let mut s = words.msg_with("fix-header", &[("count", &n.to_string())]);
    match consent {
        Consent::DryRun => s.push_str(&format!("\n{}", words.msg("fix-dry-run"))),
        Consent::NoTerminal => s.push_str(&format!("\n{}", words.msg("fix-no-terminal"))),
        _ => {}
    }
    s
}

fn what(words: &Words, change: &Change) -> String {
    let params: Vec<(&str, &str)> = change
        .params
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    words.msg_with(change.what, &params)
}

fn show_change(words: &Words, n: usize, change: &Change) -> String {
    let body: String = change.shown.lines().map(|l| format!("   {l}\n")).collect();
    format!(
        "\n{n}. {}{}\n{body}",
        what(words, change),
        words.parenthesized(&change.code)
    )
}

fn show_done(words: &Words, done: &Done) -> String {
    match done {
        // A file that did not exist before has no backup: the undo removes it.
        Done::Applied { backup, .. } if backup == "-" => {
            format!("   {}", words.msg("fix-applied-new"))
        }
        Done::Applied { backup, .. } => {
            format!(
                "   {}",
                words.msg_with("fix-applied", &[("backup", backup)])
            )
        }
        Done::Skipped(why) => format!("   {}", words.msg(why)),
        Done::Failed(e) => format!("   {}", words.msg_with("fix-failed", &[("error", e)])),
    }
}

fn summary(words: &Words, outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let applied: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.done, Some(Done::Applied { .. })))
        .collect();
    for o in &applied {
        if let Some((before, after, gone)) = o.recheck {
            s.push_str(&format!(
                "\n{}: {} → {}{}",
                o.change.check,
                before.as_str(),
                after.as_str(),
                if gone {
                    String::new()
                } else {
                    format!(" ({})", words.msg("fix-still-there"))
                }
            ));
        }
    }
    if applied.is_empty() {
        return s;
    }
    // What the user still has to do, what may go once they are sure, and how to undo it all.
    let parts: Vec<(&[String], Option<&String>, &[String])> = applied
        .iter()
        .filter_map(|o| match &o.done {
            Some(Done::Applied {
                then,
                cleanup,
                undo,
                ..
            }) => Some((then.as_slice(), cleanup.as_ref(), undo.as_slice())),
            _ => None,
        })
        .collect();
    let lists: [(&str, Vec<&String>); 3] = [
        ("fix-then", parts.iter().flat_map(|p| p.0).collect()),
        ("fix-cleanup", parts.iter().filter_map(|p| p.1).collect()),
        ("fix-undo", parts.iter().flat_map(|p| p.2).collect()),
    ];
    for (key, lines) in lists {
        if lines.is_empty() {
            continue;
        }
        s.push_str(&format!("\n\n{}", words.msg(key)));
        for l in lines {
            s.push_str(&format!("\n  {l}"));
        }
    }
    s
}

fn fix_json(words: &Words, consent: Consent, outcomes: &[Outcome]) -> serde_json::Value {
    let changes: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let (state, reason, backup, undo, then) = match &o.done {
                None => ("planned", None, None, vec![], vec![]),
                Some(Done::Applied {
                    backup, undo, then, ..
                }) => (
                    "applied",
                    None,
                    Some(backup.clone()).filter(|b| b != "-"),
                    undo.clone(),
                    then.clone(),
                ),
                Some(Done::Skipped(why)) => {
                    ("skipped", Some(why.to_string()), None, vec![], vec![])
                }
                Some(Done::Failed(e)) => ("failed", Some(e.clone()), None, vec![], vec![]),
            };
            json!({
                "finding": o.change.code,
                "check": o.change.check,
                "change": o.change.what,
                "summary": what(words, &o.change),
                "shown": o.change.shown,
                "state": state,
                "reason": reason,
                "backup": backup,
                "undo": undo,
                "then": then,
                "cleanup": match &o.done {
                    Some(Done::Applied { cleanup, .. }) => cleanup.clone(),
                    _ => None,
                },
                "recheck": o.recheck.map(|(b, a, gone)| json!({
                    "before": b.as_str(), "after": a.as_str(), "gone": gone
                })),
            })
        })
        .collect();
    json!({ "consent": consent.id(), "changes": changes })
}
