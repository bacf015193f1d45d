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
    /// Families of error wordings explain recognises across clients (`checks/_explain.toml`).
    pub families: Vec<ExplainPattern>,
}

const RUNNER_SOURCE: &str = include_str!("../../checks/_runner.toml");
const COMMON_SOURCE: &str = include_str!("../../checks/_common.toml");
const MESSAGES_SOURCE: &str = include_str!("../../checks/_messages.toml");
const CAUSES_SOURCE: &str = include_str!("../../checks/_causes.toml");
const FAMILIES_SOURCE: &str = include_str!("../../checks/_explain.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FamiliesFile {
    family: Vec<ExplainPattern>,
}

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
        let families: FamiliesFile =
            toml::from_str(FAMILIES_SOURCE).map_err(|e| format!("checks/_explain.toml: {e}"))?;
        Ok(Catalog {
            checks,
            runner: runner.outcome,
            common: common.outcome,
            messages: messages.msg,
            causes: causes.cause,
            families: families.family,
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
///
/// English plurals: `{name|one|other}` is the form `one` when the value is 1, else `other`,
/// with `#` in it standing for the value (`{count|# remote|# remotes}` gives "1 remote",
/// "2 remotes"). Chinese has no plural and writes `{name}`.
pub fn fill(template: &str, params: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let inside = after.find('}').map(|end| &after[..end]);
        let (name, forms) = match inside {
            Some(i) => i.split_once('|').map_or((i, None), |(n, f)| (n, Some(f))),
            None => ("", None),
        };
        let forms = forms.and_then(|f| f.split_once('|'));
        let plain = inside.is_some_and(|i| !i.contains('|'));
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && (plain || forms.is_some_and(|(_, other)| !other.contains('|')))
        {
            let end = inside.map_or(0, str::len);
            match (params(name), forms) {
                (Some(v), None) => out.push_str(&v),
                (Some(v), Some((one, other))) => {
                    let form = if v.trim() == "1" { one } else { other };
                    out.push_str(&form.replace('#', &v));
                }
                (None, _) => out.push_str(&rest[start..start + end + 2]),
            }
            rest = &after[end + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A template as the docs show it: each plural `{name|one|other}` as its `other` form, the
/// value as `{name}` ("none of its {count} remotes").
pub fn plural_as_placeholder(template: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"\{([A-Za-z0-9_]+)\|[^{}|]*\|([^{}|]*)\}").expect("valid regex")
    });
    re.replace_all(template, |c: &regex::Captures| {
        c[2].replace('#', &format!("{{{}}}", &c[1]))
    })
    .into_owned()
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
    fn plural_forms() {
        let n = |v: &'static str| move |name: &str| (name == "count").then(|| v.to_string());
        let t = "{count|# remote|# remotes} and {count|its one|all # of them}";
        assert_eq!(fill(t, &n("1")), "1 remote and its one");
        assert_eq!(fill(t, &n("2")), "2 remotes and all 2 of them");
        assert_eq!(fill(t, &n("0")), "0 remotes and all 0 of them");
        assert_eq!(fill(t, &|_| None), t, "unknown: left as written");
        assert_eq!(placeholders(t), vec!["count", "count"]);
        // Not a plural: a brace in prose, three forms.
        assert_eq!(fill("{a|b} {count|x|y|z}", &n("1")), "{a|b} {count|x|y|z}");
        assert_eq!(
            plural_as_placeholder("none of its {count|# remote|# remotes}, {path}"),
            "none of its {count} remotes, {path}"
        );
    }

    #[test]
    fn catalog_parses() {
        Catalog::parse(crate::checks::REGISTRY).unwrap();
    }
}
