//! `hfdoctor report` / `--format markdown`: a report for a support ticket or a forum post.
//! Tokens and proxy passwords masked, home as `~`, optionally names replaced by placeholders
//! (all three at the boundary, `render::redact`);
//! long parts folded in `<details>` so it reads well on GitHub.

use std::fmt::Write;

use crate::context::Context;
use crate::engine::finding::{Finding, Status};
use crate::local::facts::Facts;
use crate::render::{counts_line, Words};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn symbol(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Warn => "⚠️ warn",
        Status::Fail => "❌ fail",
        Status::Skip => "➖ skip",
        Status::Timeout => "⏱️ timeout",
        Status::Crash => "💥 crash",
    }
}

/// The report leads with the verdict: the root causes in order, each with its fixes once.
fn diagnosis(s: &mut String, ctx: &Context, words: &Words, findings: &[Finding]) {
    let entries = crate::render::diagnosis::of_run(ctx, words, findings);
    let _ = writeln!(s, "## {}\n", words.msg("what-to-do"));
    if entries.is_empty() {
        let _ = writeln!(s, "{}\n", words.msg("nothing-to-do"));
        return;
    }
    for (n, e) in entries.iter().enumerate() {
        let cause = e
            .cause
            .as_deref()
            .map(|c| format!(" (`{c}`)"))
            .unwrap_or_default();
        let tested = if e.verified {
            format!(" {}", words.msg("verified-tag"))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{}. {} **{}**{cause}{tested}\n",
            n + 1,
            symbol(e.status),
            e.title
        );
        let _ = writeln!(s, "   {}\n", e.summary);
        if let Some(why) = &e.why {
            let _ = writeln!(s, "   {why}\n");
        }
        for fix in &e.fixes {
            let _ = writeln!(s, "   - {}", fix.text);
            if !fix.commands.is_empty() {
                let _ = writeln!(
                    s,
                    "\n     ```sh\n     {}\n     ```",
                    fix.commands.join("\n     ")
                );
            }
            if let Some(u) = &fix.url {
                let _ = writeln!(s, "     <{u}>");
            }
        }
        let _ = writeln!(
            s,
            "\n   {}{}{}\n",
            words.msg("findings"),
            words.colon(),
            e.findings
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// `cache ~/.cache/huggingface/hub（預設）`: the label and words in the report's language,
/// values and variables as they are.
fn setting_text(words: &Words, st: &crate::local::facts::Setting) -> String {
    use crate::local::facts::Label;
    let mut out = match st.label {
        Label::Msg(key) => words.msg(key).to_string(),
        Label::Var(name) => name.to_string(),
    };
    if let Some(v) = &st.value {
        out.push(' ');
        out.push_str(v);
    }
    let note: Vec<String> = st
        .word
        .map(|k| words.msg(k).to_string())
        .into_iter()
        .chain(st.because.clone())
        .collect();
    match (st.value.is_some(), note.len()) {
        (_, 0) => {}
        // A value is followed by what decided it in brackets; a bare switch by its word.
        (true, _) => out.push_str(&words.parenthesized(&note.join(", "))),
        (false, _) => {
            // No space between two Chinese words (離線模式開啟), one after a Latin one.
            let cjk = |c: Option<char>| c.is_some_and(|c| c >= '\u{2e80}');
            if !(cjk(out.chars().last()) && cjk(note[0].chars().next())) {
                out.push(' ');
            }
            out.push_str(&note[0]);
            if let Some(var) = note.get(1) {
                out.push_str(&words.parenthesized(var));
            }
        }
    }
    out
}

/// `hf, python3 → Python 3.12.1 (~/venv/bin/python3): huggingface_hub 2.4.0, …, installed by pip`.
fn python_line(words: &Words, p: &crate::local::facts::PyLine) -> String {
    let Some(python) = &p.python else {
        return format!(
            "{} → {}{}",
            p.names,
            p.at,
            words.parenthesized(&words.msg("python-no-answer"))
        );
    };
    let install = p
        .install
        .map(|how| format!("{}{}", words.msg("python-installed-by"), how))
        .unwrap_or_default();
    let packages: Vec<String> = p.packages.iter().map(|(k, v)| format!("{k} {v}")).collect();
    format!(
        "{} → Python {python}{}{}{}{install}",
        p.names,
        words.parenthesized(&p.at),
        words.colon(),
        packages.join(words.punct(", ", "、"))
    )
}

pub fn report(ctx: &Context, words: &Words, facts: &Facts, findings: &[Finding]) -> String {
    let mut s = String::new();
    let w = |s: &mut String, line: String| {
        let _ = writeln!(s, "{line}");
    };
    w(
        &mut s,
        format!("# hfdoctor {}\n", words.msg("report-title")),
    );
    diagnosis(&mut s, ctx, words, findings);
    w(&mut s, format!("- hfdoctor: {}", env!("CARGO_PKG_VERSION")));
    w(&mut s, format!("- OS: {} ({})", facts.os, facts.arch));
    w(
        &mut s,
        format!("- git: {}", facts.git.clone().unwrap_or_else(|| "-".into())),
    );
    w(
        &mut s,
        format!(
            "- git-lfs: {}",
            facts.git_lfs.clone().unwrap_or_else(|| "-".into())
        ),
    );
    let packages: Vec<String> = facts
        .packages
        .iter()
        .map(|(p, v)| format!("{p} {}", v.as_deref().unwrap_or("-")))
        .collect();
    w(
        &mut s,
        format!(
            "- Python: {}{}",
            facts.python.clone().unwrap_or_else(|| "-".into()),
            if packages.is_empty() {
                String::new()
            } else {
                format!(" · {}", packages.join(" · "))
            }
        ),
    );
    for p in &facts.pythons {
        w(&mut s, format!("  - {}", python_line(words, p)));
    }
    w(
        &mut s,
        format!(
            "- {}{}{}",
            words.msg("endpoint"),
            words.colon(),
            ctx.endpoint().url
        ),
    );
    w(&mut s, format!("- {}", words.token_line(ctx, ctx.token())));
    let settings: Vec<String> =
        crate::local::facts::hub_settings(&ctx.env, ctx.home.as_deref(), &ctx.cwd)
            .iter()
            .map(|st| setting_text(words, st))
            .collect();
    w(
        &mut s,
        format!(
            "- {}{}{}",
            words.msg("report-settings"),
            words.colon(),
            settings.join(" · ")
        ),
    );
    if let Some(t) = ctx.target() {
        w(
            &mut s,
            format!(
                "- target: {} ({}, {})",
                t.repo_id,
                t.repo_type.as_str(),
                t.from
            ),
        );
    }
    w(
        &mut s,
        format!(
            "\n## {}\n\n{}\n",
            words.msg("report-results"),
            counts_line(words, findings)
        ),
    );
    w(
        &mut s,
        format!(
            "| | {} | {} | {} |\n|---|---|---|---|",
            words.msg("col-check"),
            words.msg("col-result"),
            words.msg("col-cause")
        ),
    );
    for f in findings {
        w(
            &mut s,
            format!(
                "| {} | {} | {} | {} |",
                symbol(f.status),
                cell(&words.title(f.check)),
                cell(&words.summary(f)),
                f.cause
                    .map(|c| format!("`{}`", c.as_str()))
                    .unwrap_or_default()
            ),
        );
    }
    w(
        &mut s,
        format!(
            "\n<details><summary>{} ({})</summary>\n",
            words.msg("report-variables"),
            facts.variables.len()
        ),
    );
    if facts.variables.is_empty() {
        w(&mut s, "-\n".into());
    } else {
        w(
            &mut s,
            format!(
                "| {} | {} |\n|---|---|",
                words.msg("col-variable"),
                words.msg("col-value")
            ),
        );
        for (k, v) in &facts.variables {
            w(&mut s, format!("| `{k}` | `{}` |", cell(v)));
        }
    }
    w(&mut s, "\n</details>\n".into());
    w(
        &mut s,
        format!(
            "<details><summary>{}</summary>\n",
            words.msg("report-details")
        ),
    );
    w(&mut s, "| code | ms | details |\n|---|---|---|".into());
    for f in findings {
        let details: Vec<String> = f.details.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        w(
            &mut s,
            format!(
                "| `{}` | {} | {} |",
                f.code(),
                f.duration_ms,
                cell(&details.join("; "))
            ),
        );
    }
    let ids = ctx.request_ids();
    w(
        &mut s,
        format!(
            "\n{}: {}\n\n</details>\n",
            words.msg("report-request-ids"),
            if ids.is_empty() {
                "-".to_string()
            } else {
                ids.join(", ")
            }
        ),
    );
    w(&mut s, format!("> {}", words.msg("report-review")));
    s
}
