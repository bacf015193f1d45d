//! `--anonymize` (docs/redaction.md): account, org, namespace and repo names replaced by
//! placeholders that are stable for the same input (`name-space/repo-1`, `name-1`, numbered in
//! sorted order), wherever they appear. A name is replaced only as a whole word: next to
//! punctuation (`acme/model.`, `'alice'`, `(acme)`) it is one, inside `acme-corp` it is not.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::context::Context;
use crate::engine::finding::Finding;

#[derive(Debug, Clone, Default)]
pub struct Anonymizer {
    /// (name as written, placeholder), longest first, so `acme/x-large` is not cut by `acme/x`.
    pairs: Vec<(String, String)>,
}

/// Characters that continue a name: a match next to one of them is part of a longer word.
fn continues(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl Anonymizer {
    pub fn new(repos: &BTreeSet<String>, names: &BTreeSet<String>) -> Self {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (i, r) in repos.iter().enumerate() {
            // A repo's name alone is not replaced: `model` or `x` are ordinary words too.
            pairs.push((r.clone(), format!("name-space/repo-{}", i + 1)));
        }
        for (i, n) in names.iter().enumerate() {
            pairs.push((n.clone(), format!("name-{}", i + 1)));
        }
        pairs.retain(|(k, _)| !k.is_empty());
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Anonymizer { pairs }
    }

    /// The names of this run: the target, the Hub remotes, the repo a pasted text names, and
    /// the accounts, orgs, namespaces, repos and token names the findings name.
    pub fn for_run(ctx: &Context, findings: &[Finding], extra_repos: &[String]) -> Self {
        let (mut repos, mut names) = sensitive_names(ctx, findings);
        for id in extra_repos {
            if let Some((ns, _)) = id.split_once('/') {
                repos.insert(id.clone());
                names.insert(ns.to_string());
            }
        }
        Anonymizer::new(&repos, &names)
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// One pass over the text: at each place, the longest name that stands there as a whole
    /// word is replaced; what a placeholder says is never looked at again.
    pub fn apply(&self, text: &str) -> String {
        if self.pairs.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut prev: Option<char> = None;
        'outer: while i < text.len() {
            let rest = &text[i..];
            if prev.is_none_or(|p| !continues(p)) {
                for (name, with) in &self.pairs {
                    if !rest.starts_with(name.as_str()) {
                        continue;
                    }
                    let after = &rest[name.len()..];
                    let mut chars = after.chars();
                    let ends = match chars.next() {
                        None => true,
                        Some(c) if continues(c) => false,
                        // `acme/model.` ends at the dot; `acme.corp` does not.
                        Some('.') => chars.next().is_none_or(|c| !continues(c)),
                        Some(_) => true,
                    };
                    if ends {
                        out.push_str(with);
                        i += name.len();
                        prev = name.chars().last();
                        continue 'outer;
                    }
                }
            }
            let c = rest.chars().next().expect("not at the end");
            out.push(c);
            prev = Some(c);
            i += c.len_utf8();
        }
        out
    }

    /// JSON: the values are anonymized, the keys (the contract) never.
    pub fn apply_json(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.apply(s),
            Value::Array(a) => a.iter_mut().for_each(|v| self.apply_json(v)),
            Value::Object(o) => {
                let map: serde_json::Map<String, Value> = std::mem::take(o)
                    .into_iter()
                    .map(|(k, mut v)| {
                        self.apply_json(&mut v);
                        (k, v)
                    })
                    .collect();
                *o = map;
            }
            _ => {}
        }
    }

    /// The placeholders in order, for tests and `-v` (name → placeholder).
    pub fn table(&self) -> BTreeMap<String, String> {
        self.pairs.iter().cloned().collect()
    }
}

/// Names of accounts, orgs and repos that appear in a run: from the target, the git remotes,
/// and the findings' details.
pub fn sensitive_names(
    ctx: &Context,
    findings: &[Finding],
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut repos = BTreeSet::new();
    let mut names = BTreeSet::new();
    let add_repo = |id: &str, repos: &mut BTreeSet<String>, names: &mut BTreeSet<String>| {
        if let Some((ns, _)) = id.split_once('/') {
            repos.insert(id.to_string());
            names.insert(ns.to_string());
        }
    };
    if let Some(t) = ctx.target() {
        add_repo(&t.repo_id, &mut repos, &mut names);
    }
    for r in ctx.hub_remotes() {
        if let Some(id) = r.parsed.as_ref().and_then(|p| p.repo_id.clone()) {
            add_repo(&id, &mut repos, &mut names);
        }
    }
    for f in findings {
        for (k, v) in &f.details {
            match k.as_str() {
                "repo" => add_repo(v, &mut repos, &mut names),
                "account" | "git_account" | "token_account" | "namespace" | "token_name"
                | "env_name" | "file_name" | "stored_name"
                    if v != "?" && v != "-" =>
                {
                    names.insert(v.clone());
                }
                "orgs" | "writable" | "write_ns" | "read_ns" => {
                    for part in v.split(", ") {
                        let name = part.split(" (").next().unwrap_or("").trim();
                        if !name.is_empty() && name != "-" {
                            names.insert(name.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    (repos, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a() -> Anonymizer {
        let repos: BTreeSet<String> = ["acme/model".to_string()].into();
        let names: BTreeSet<String> = ["acme".to_string(), "alice".to_string()].into();
        Anonymizer::new(&repos, &names)
    }

    #[test]
    fn whole_words_next_to_punctuation() {
        let out = a().apply("see acme/model. 'alice' (acme) acme-corp acme.corp alice_x model");
        assert_eq!(
            out,
            "see name-space/repo-1. 'name-2' (name-1) acme-corp acme.corp alice_x model"
        );
    }

    #[test]
    fn urls_and_other_repos() {
        let out = a().apply("https://huggingface.co/acme/other and https://hf.co/acme/model/");
        assert_eq!(
            out,
            "https://huggingface.co/name-1/other and https://hf.co/name-space/repo-1/"
        );
    }

    #[test]
    fn json_keys_stay() {
        let names: BTreeSet<String> = ["status".to_string()].into();
        let a = Anonymizer::new(&BTreeSet::new(), &names);
        let mut v = serde_json::json!({"status": "status of status"});
        a.apply_json(&mut v);
        assert_eq!(v, serde_json::json!({"status": "name-1 of name-1"}));
    }
}
