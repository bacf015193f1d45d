//! The catalog: one TOML file per check under `checks/`, compiled into the binary. Code decides
//! which outcome a check reaches; the catalog holds what it means, its status and cause, and how
//! to fix it, in English, Traditional Chinese and Simplified Chinese.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::engine::finding::{Cause, Namespace, OutcomeId, Status};
use crate::engine::runner::CheckDef;
use crate::lang::Lang;

/// Words in every language. Fields are optional so a missing translation falls back to English
/// at run time; a test makes sure none is missing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Text {
    pub en: Option<String>,
    #[serde(rename = "zh-TW")]
    pub zh_tw: Option<String>,
    #[serde(rename = "zh-CN")]
    pub zh_cn: Option<String>,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        let chosen = match lang {
            Lang::En => &self.en,
            Lang::ZhTw => &self.zh_tw,
            Lang::ZhCn => &self.zh_cn,
        };
        chosen.as_deref().or(self.en.as_deref()).unwrap_or_default()
    }

    pub fn has(&self, lang: Lang) -> bool {
        let v = match lang {
            Lang::En => &self.en,
            Lang::ZhTw => &self.zh_tw,
            Lang::ZhCn => &self.zh_cn,
        };
        v.as_deref().is_some_and(|s| !s.trim().is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixEntry {
    pub text: Text,
    #[serde(default)]
    pub commands: Vec<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub status: Status,
    pub cause: Option<Cause>,
    pub summary: Text,
    /// The cause in plain words: why this happens and what it breaks.
    pub why: Option<Text>,
    #[serde(default)]
    pub fix: Vec<FixEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    Network,
    Git,
    Target,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckEntry {
    pub id: String,
    pub category: String,
    pub title: Text,
    /// What the check looks at, for `hfdoctor explain <id>` and docs/.
    pub about: Text,
    pub outcome: BTreeMap<String, Outcome>,
    /// Error-text patterns `explain` recognises, whose causes this check confirms.
    #[serde(default)]
    pub explain: Vec<ExplainPattern>,
}

/// A symptom in pasted error text and the causes it points at, with weights.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplainPattern {
    pub id: String,
    /// A regex (Rust syntax), matched case-insensitively.
    pub regex: String,
    pub causes: BTreeMap<Cause, u32>,
}

/// The words for a root cause, shared by explain and reports.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseEntry {
    pub title: Text,
    #[serde(default)]
    pub fix: Vec<FixEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessagesFile {
    msg: BTreeMap<String, Text>,
}

pub struct Catalog {
    pub checks: Vec<CheckEntry>,
    /// Outcomes the runner gives any check: timeout, crash, the skips.
    pub runner: BTreeMap<String, Outcome>,
    /// Outcomes any network check can reach: the request got no answer.
    pub common: BTreeMap<String, Outcome>,
    /// The CLI's own words and shared phrases.
    pub messages: BTreeMap<String, Text>,
    pub causes: BTreeMap<Cause, CauseEntry>,
}

const RUNNER_SOURCE: &str = include_str!("../../checks/_runner.toml");
const COMMON_SOURCE: &str = include_str!("../../checks/_common.toml");
const MESSAGES_SOURCE: &str = include_str!("../../checks/_messages.toml");
const CAUSES_SOURCE: &str = include_str!("../../checks/_causes.toml");

#[derive(Debug, Deserialize)]
struct CausesFile {
    cause: BTreeMap<Cause, CauseEntry>,
}

#[derive(Debug, Deserialize)]
struct OutcomesFile {
    outcome: BTreeMap<String, Outcome>,
}

impl Catalog {
    /// The catalog of these checks (each `CheckDef` carries its TOML), in their order, with
    /// the runner's, the common, the messages and the causes files. The registry that lists
    /// the checks is a layer above (src/checks/mod.rs), which keeps the one parsed catalog of
    /// the run: `crate::checks::catalog()`.
    pub fn parse(defs: &[CheckDef]) -> Result<Catalog, String> {
        let checks = defs
            .iter()
            .map(|def| {
                toml::from_str::<CheckEntry>(def.catalog)
                    .map_err(|e| format!("checks/{}.toml: {e}", def.id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let runner: OutcomesFile =
            toml::from_str(RUNNER_SOURCE).map_err(|e| format!("checks/_runner.toml: {e}"))?;
        let common: OutcomesFile =
            toml::from_str(COMMON_SOURCE).map_err(|e| format!("checks/_common.toml: {e}"))?;
        let messages: MessagesFile =
            toml::from_str(MESSAGES_SOURCE).map_err(|e| format!("checks/_messages.toml: {e}"))?;
        let causes: CausesFile =
            toml::from_str(CAUSES_SOURCE).map_err(|e| format!("checks/_causes.toml: {e}"))?;
        Ok(Catalog {
            checks,
            runner: runner.outcome,
            common: common.outcome,
            messages: messages.msg,
            causes: causes.cause,
        })
    }

    pub fn check(&self, id: &str) -> Option<&CheckEntry> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The words of an outcome a finding of `check` reached, from its namespace's table only:
    /// a check's own outcomes from its own file (never another check's), the common and the
    /// runner outcomes from theirs. There is no fallback from one table to another, so a
    /// check's file cannot override a shared outcome.
    pub fn outcome(&self, check: &str, outcome: OutcomeId) -> Option<&Outcome> {
        let table = match outcome.namespace() {
            Namespace::Check(id) if id == check => &self.check(id)?.outcome,
            Namespace::Check(_) => return None,
            Namespace::Common => &self.common,
            Namespace::Runner => &self.runner,
        };
        table.get(outcome.name())
    }

    /// A shared message; the key itself when it is missing, so the gap is visible.
    pub fn msg(&self, key: &str, lang: Lang) -> String {
        self.messages
            .get(key)
            .map(|t| t.get(lang).to_string())
            .unwrap_or_else(|| key.to_string())
    }
}

/// Fill `{name}` placeholders. An unknown placeholder stays as written, so a missing value is
/// visible instead of silently dropped.
pub fn fill(template: &str, params: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end)
                if after[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && end > 0 =>
            {
                let name = &after[..end];
                match params(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every `{name}` a template uses.
pub fn placeholders(template: &str) -> Vec<String> {
    let names = std::cell::RefCell::new(Vec::new());
    fill(template, &|name| {
        names.borrow_mut().push(name.to_string());
        None
    });
    names.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_and_keeps_unknown() {
        let p = |n: &str| (n == "path").then(|| "~/x".to_string());
        assert_eq!(fill("at {path} and {nope}", &p), "at ~/x and {nope}");
        assert_eq!(fill("json {\"a\": 1} {", &p), "json {\"a\": 1} {");
        assert_eq!(placeholders("{a} b {c_d}"), vec!["a", "c_d"]);
    }

    #[test]
    fn catalog_parses() {
        Catalog::parse(crate::checks::REGISTRY).unwrap();
    }
}
