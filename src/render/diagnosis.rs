//! The words of a diagnosis: each root cause with its title, the lead finding's summary and the
//! fixes to run, each fix once across the whole list (docs/diagnosis.md). The order and the
//! merging are `diagnose`'s; only words are made here.

use serde_json::{json, Value};

use crate::context::Context;
use crate::diagnose::Diagnosis;
use crate::engine::finding::{Finding, Status};
use crate::render::explain::{cause_fixes, cause_title};
use crate::render::{RenderedFix, Words};

/// One entry as people and scripts read it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub cause: Option<String>,
    pub status: Status,
    pub title: String,
    pub summary: String,
    /// Why the lead's finding matters, when its catalog says.
    pub why: Option<String>,
    pub fixes: Vec<RenderedFix>,
    pub findings: Vec<String>,
    pub verified: bool,
}

/// The entries in order. A fix whose commands an earlier entry already gave is not repeated
/// (two causes fixed by the same `hf auth login`); a fix without commands is kept once by its
/// text.
pub fn entries(words: &Words, findings: &[Finding], ds: &[Diagnosis]) -> Vec<Entry> {
    let mut shown_commands: Vec<String> = Vec::new();
    let mut shown_texts: Vec<String> = Vec::new();
    ds.iter()
        .map(|d| {
            let lead = &findings[d.lead()];
            let own = words.fixes(lead);
            let fixes = if own.is_empty() {
                d.cause.map(|c| cause_fixes(words, c)).unwrap_or_default()
            } else {
                own
            };
            let fixes: Vec<RenderedFix> = fixes
                .into_iter()
                .filter(|f| {
                    let new = if f.commands.is_empty() {
                        !shown_texts.contains(&f.text)
                    } else {
                        f.commands.iter().any(|c| !shown_commands.contains(c))
                    };
                    if new {
                        shown_texts.push(f.text.clone());
                        shown_commands.extend(f.commands.iter().cloned());
                    }
                    new
                })
                .collect();
            Entry {
                cause: d.cause.map(|c| c.as_str()),
                status: d.status,
                title: match d.cause {
                    Some(c) => cause_title(words, c),
                    None => words.title(lead.check),
                },
                summary: words.summary(lead),
                why: words.why(lead),
                fixes,
                findings: d.findings.iter().map(|&i| findings[i].code()).collect(),
                verified: d.verified,
            }
        })
        .collect()
}

/// The entries of a run of the checks: its findings diagnosed for what the run's options and
/// the repository around it say the user is doing.
pub fn of_run(ctx: &Context, words: &Words, findings: &[Finding]) -> Vec<Entry> {
    let ds = crate::diagnose::diagnose(findings, &crate::diagnose::Intent::of(ctx));
    entries(words, findings, &ds)
}

/// The JSON `diagnosis` list (docs/json.md): always present, `[]` when nothing is wrong.
pub fn to_json(entries: Vec<Entry>) -> Value {
    Value::Array(
        entries
            .into_iter()
            .map(|e| {
                json!({
                    "cause": e.cause,
                    "status": e.status.as_str(),
                    "title": e.title,
                    "summary": e.summary,
                    "why": e.why,
                    "fixes": e.fixes,
                    "findings": e.findings,
                    "verified": e.verified,
                })
            })
            .collect(),
    )
}
