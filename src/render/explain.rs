//! What `hfdoctor explain` and `hfdoctor -- CMD` say: the recognised causes with their
//! evidence, the checks that decide between them and the cause they confirm, as text or JSON.
//! The logic (classify, confirm) stays in `diagnose` and `explain`; only words are made here.

use serde_json::{json, Value};

use crate::context::Context;
use crate::engine::catalog::fill;
use crate::explain::confirm::Diagnosis;
use crate::render::{json as render_json, RenderedFix, Words};

pub fn cause_fixes(words: &Words, cause: crate::engine::finding::Cause) -> Vec<RenderedFix> {
    let Some(entry) = crate::checks::catalog().causes.get(&cause) else {
        return Vec::new();
    };
    entry
        .fix
        .iter()
        .filter_map(|f| words.fix(f, &|_| None))
        .collect()
}

pub fn cause_title(words: &Words, cause: crate::engine::finding::Cause) -> String {
    crate::checks::catalog()
        .causes
        .get(&cause)
        .map(|c| c.title.get(words.lang).to_string())
        .unwrap_or_else(|| cause.as_str())
}

pub fn to_json(ctx: &Context, words: &Words, d: &Diagnosis, exit_code: i32) -> Value {
    let extracted = serde_json::to_value(&d.extracted).unwrap_or(Value::Null);
    let matches: Vec<Value> = d
        .candidates
        .iter()
        .map(|c| {
            json!({
                "cause": c.cause.as_str(),
                "title": cause_title(words, c.cause),
                "confidence": c.confidence,
                "score": c.score,
                "evidence": c.evidence.iter().map(|e| e.line.clone()).collect::<Vec<_>>(),
                "patterns": c.evidence.iter().map(|e| e.pattern.clone()).collect::<Vec<_>>(),
                "extracted": extracted,
                "fixes": cause_fixes(words, c.cause),
                "checks": c.checks,
            })
        })
        .collect();
    json!({
        "schema_version": 1,
        "hfdoctor_version": env!("CARGO_PKG_VERSION"),
        "matches": matches,
        "extracted": extracted,
        "checks": d.findings.iter().map(|f| render_json::finding(words, f)).collect::<Vec<_>>(),
        "confirmed_cause": d.confirmed.as_ref().map(|(c, _)| c.as_str()),
        "diagnosis": crate::render::diagnosis::to_json(crate::render::diagnosis::entries(
            words,
            &d.findings,
            &d.diagnosis,
        )),
        "confirmation": d.confirmed.as_ref().map(|(_, f)| words.summary(f)),
        "target": ctx.target().map(|t| json!({"repo_id": t.repo_id, "repo_type": t.repo_type.as_str(), "from": t.from})),
        "exit_code": exit_code,
    })
}

pub fn to_text(
    words: &Words,
    d: &Diagnosis,
    renderer: &crate::render::text::TextRenderer,
) -> String {
    let mut out = String::new();
    if d.candidates.is_empty() {
        out.push_str(&words.msg("explain-none"));
        out.push('\n');
        return out;
    }
    let x = &d.extracted;
    let mut facts = Vec::new();
    if let (Some(id), Some(t)) = (&x.repo_id, &x.repo_type) {
        facts.push(format!("repo {id} ({t})"));
    }
    if let Some(s) = x.status {
        facts.push(format!("HTTP {s}"));
    }
    if let Some(c) = &x.error_code {
        facts.push(format!("X-Error-Code {c}"));
    }
    if let Some(c) = &x.client {
        facts.push(c.clone());
    }
    if let Some(r) = &x.request_id {
        facts.push(format!("request id {r}"));
    }
    out.push_str(&fill(&words.msg("explain-recognised"), &|n| {
        (n == "count").then(|| d.candidates.len().to_string())
    }));
    if !facts.is_empty() {
        let (open, close) = (words.punct(" (", "（"), words.punct(")", "）"));
        out.push_str(&format!("{open}{}{close}", facts.join(" · ")));
    }
    out.push_str("\n\n");
    for (i, c) in d.candidates.iter().enumerate().take(5) {
        out.push_str(&format!(
            "{}. {} {} {}\n",
            i + 1,
            c.cause.as_str(),
            words.msg(&format!("confidence-{}", c.confidence)),
            cause_title(words, c.cause)
        ));
        for e in &c.evidence {
            out.push_str(&format!(
                "   {}{}{}\n",
                words.msg("explain-evidence"),
                words.colon(),
                e.line
            ));
        }
        if i == 0 {
            for fix in cause_fixes(words, c.cause) {
                out.push_str(&format!(
                    "   {}{}{}\n",
                    words.msg("fix"),
                    words.colon(),
                    fix.text
                ));
                for cmd in &fix.commands {
                    out.push_str(&format!("     $ {cmd}\n"));
                }
            }
        }
        if c.checks.is_empty() {
            out.push_str(&format!("   {}\n", words.msg("explain-no-check")));
            continue;
        }
        out.push_str(&format!(
            "   {}{}{}\n",
            words.msg("explain-decided-by"),
            words.colon(),
            c.checks
                .iter()
                // English names the ids `--only` takes; Chinese prose names the checks.
                .map(|id| match words.lang {
                    crate::lang::Lang::En => id.clone(),
                    _ => words.title(id),
                })
                .collect::<Vec<_>>()
                .join(words.punct(", ", "、"))
        ));
    }
    if d.ran_checks {
        out.push('\n');
        out.push_str(&words.msg("explain-checking"));
        out.push('\n');
        for f in &d.findings {
            out.push_str(&renderer.finding(f));
        }
        out.push('\n');
        match &d.confirmed {
            Some((cause, f)) => out.push_str(&format!(
                "{}{}{}{}{}\n",
                words.msg("explain-confirmed"),
                words.colon(),
                cause.as_str(),
                words.punct(" — ", "，"),
                words.summary(f)
            )),
            None => out.push_str(&format!("{}\n", words.msg("explain-not-confirmed"))),
        }
        let entries = crate::render::diagnosis::entries(words, &d.findings, &d.diagnosis);
        out.push_str(&renderer.what_to_do(&entries));
    }
    out
}
