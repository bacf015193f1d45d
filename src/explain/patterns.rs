//! explain: from the error text people paste to ranked causes, with the lines that decided,
//! what could be extracted (repo, URL, status, error code, server message, request id, client),
//! and the checks that confirm it on this machine.
//!
//! The patterns live in the catalog beside the check that confirms each cause (`[[explain]]`
//! in checks/<id>.toml). They are compiled once into one `RegexSet` and run over the input as
//! bytes, so any input (binary, invalid UTF-8, 50 MB of log) is read once, linearly.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet, RegexSetBuilder};

use crate::engine::catalog::ExplainPattern;
use crate::engine::finding::Cause;
use crate::hub::repo::RepoType;

pub struct Compiled {
    pub set: RegexSet,
    /// Per pattern: the regex alone (to find its line), the check that owns it ("" for a
    /// family), its id, its causes.
    pub patterns: Vec<(Regex, String, String, BTreeMap<Cause, u32>)>,
}

pub fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let mut sources = Vec::new();
        let mut patterns = Vec::new();
        for (owner, p) in all_patterns() {
            let (src, Ok(re)) = build(&p.regex) else {
                continue;
            };
            sources.push(src);
            patterns.push((re, owner.to_string(), p.id.clone(), p.causes.clone()));
        }
        let set = RegexSetBuilder::new(&sources)
            .unicode(false)
            .size_limit(1 << 24)
            .dfa_size_limit(1 << 24)
            .build()
            .unwrap_or_else(|_| RegexSet::empty());
        Compiled { set, patterns }
    })
}

/// Every pattern explain runs, with the check that owns it: each check's `[[explain]]`, then
/// the families of `checks/_explain.toml`, which belong to no check ("": the checks that decide
/// their causes are the ones whose outcomes name them, `decide::checks_for`).
pub fn all_patterns() -> impl Iterator<Item = (&'static str, &'static ExplainPattern)> {
    let catalog = crate::checks::catalog();
    catalog
        .checks
        .iter()
        .flat_map(|c| c.explain.iter().map(move |p| (c.id.as_str(), p)))
        .chain(catalog.families.iter().map(|p| ("", p)))
}

/// A catalog regex as explain runs it: case-insensitive, ASCII classes and word boundaries
/// (the words it looks for are machine words; Chinese literals still match as UTF-8). Unicode
/// mode on bytes that are not UTF-8 throws the engine off its DFA: a megabyte of random bytes
/// took 14 s (docs/notes/explain.md "Speed"). `tests` make sure every pattern builds.
pub fn build(regex: &str) -> (String, Result<Regex, regex::Error>) {
    let src = format!("(?i){regex}");
    let re = regex::bytes::RegexBuilder::new(&src)
        .unicode(false)
        .size_limit(1 << 22)
        .build();
    (src, re)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Evidence {
    pub pattern: String,
    pub line: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    pub cause: Cause,
    pub score: u32,
    pub confidence: &'static str,
    pub evidence: Vec<Evidence>,
    /// The checks that decide it on this machine.
    pub checks: Vec<String>,
}

/// Tokens, Bearer values and URL passwords in pasted text, masked before anything is shown.
pub fn redact(line: &str) -> String {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?x)
            (?P<tok>(?:hf_oauth_|hf_jwt_|api_org_|hf_|api_)[A-Za-z0-9_\-]{6,})
            | (?i:bearer)\s+(?P<bearer>[A-Za-z0-9._~+/=\-]{8,})
            | (?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pass>[^@/\s]+)@",
        )
        .expect("valid regex")
    });
    re.replace_all(line, |c: &regex::Captures| {
        if let Some(t) = c.name("tok") {
            crate::secret::mask(t.as_str())
        } else if let Some(b) = c.name("bearer") {
            format!("Bearer {}", crate::secret::mask(b.as_str()))
        } else {
            format!("{}{}:****@", &c["scheme"], &c["user"])
        }
    })
    .into_owned()
}

/// The line around a byte offset, trimmed, bounded and redacted, as evidence.
pub fn line_at(text: &[u8], at: usize) -> String {
    let start = text[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let end = text[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |i| at + i);
    let line = redact(&String::from_utf8_lossy(&text[start..end]));
    let line = line.trim();
    if line.chars().count() > 300 {
        line.chars().take(300).collect::<String>() + "…"
    } else {
        line.to_string()
    }
}

/// `https://huggingface.co/spaces/acme/x/resolve/main/a` → ("acme/x", Space).
pub fn repo_from_url(url: &str) -> Option<(String, RepoType)> {
    let rest = url.split_once("://")?.1;
    let path = rest.split_once('/')?.1;
    // An API URL must name the repo type.
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    if segs.next() == Some("api") && !matches!(segs.next(), Some("models" | "datasets" | "spaces"))
    {
        return None;
    }
    let parsed = crate::hub::repo::split_repo_path(path);
    // Pages of the site, not repos.
    const NOT_REPOS: &[&str] = &[
        "docs",
        "settings",
        "blog",
        "login",
        "join",
        "pricing",
        "organizations",
        "posts",
        "papers",
        "learn",
        "tasks",
        "collections",
        "new",
        "welcome",
        "oauth",
        "enterprise",
        "spaces",
        "datasets",
        "models",
        "api",
    ];
    let id = parsed.id.filter(|id| id.contains('/'))?;
    if NOT_REPOS.contains(&id.split('/').next().unwrap_or("")) {
        return None;
    }
    crate::hub::repo::validate_repo_id(&id)
        .is_none()
        .then_some((id, parsed.repo_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_and_family_builds() {
        let mut n = 0;
        for (owner, p) in all_patterns() {
            if let Err(e) = build(&p.regex).1 {
                let owner = if owner.is_empty() { "_explain" } else { owner };
                panic!("{owner}/{}: {e}", p.id);
            }
            n += 1;
        }
        assert_eq!(
            compiled().patterns.len(),
            n,
            "a pattern was left out of the set"
        );
    }

    #[test]
    fn pasted_secrets_are_masked() {
        assert_eq!(
            redact("ValueError: Invalid header value b'Bearer hf_abcdefghijklmnopqrstuvwxyzABCDEFGH\\n'"),
            "ValueError: Invalid header value b'Bearer hf_…EFGH\\n'"
        );
        assert_eq!(
            redact("Authorization: Bearer sk-abcdefghijklmnopqrstuv"),
            "Authorization: Bearer …stuv"
        );
        assert_eq!(
            redact("fatal: https://bob:hunter2@huggingface.co/acme/x"),
            "fatal: https://bob:****@huggingface.co/acme/x"
        );
        assert_eq!(redact("no secrets here"), "no secrets here");
    }

    #[test]
    fn repo_urls() {
        assert_eq!(
            repo_from_url("https://huggingface.co/spaces/acme/x/resolve/main/a.py"),
            Some(("acme/x".into(), RepoType::Space))
        );
        assert_eq!(
            repo_from_url("https://huggingface.co/api/datasets/acme/d/auth-check"),
            Some(("acme/d".into(), RepoType::Dataset))
        );
        assert_eq!(
            repo_from_url("https://hf.co/acme/m.git"),
            Some(("acme/m".into(), RepoType::Model))
        );
        assert_eq!(
            repo_from_url("https://huggingface.co/settings/tokens"),
            None
        );
        assert_eq!(
            repo_from_url("https://huggingface.co/docs/huggingface_hub/authentication"),
            None
        );
    }

    #[test]
    fn extraction() {
        let t = b"RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-abc-def)\n\nRepository Not Found for url: https://huggingface.co/acme/private/resolve/main/config.json.\nInvalid username or password.";
        let x = crate::explain::evidence::extract(t);
        assert_eq!(x.repo_id.as_deref(), Some("acme/private"));
        assert_eq!(x.repo_type.as_deref(), Some("model"));
        assert_eq!(x.status, Some(401));
        // The class says what was raised; X-Error-Code is only what the text shows.
        assert_eq!(x.error_code, None);
        assert_eq!(x.exception.as_deref(), Some("RepositoryNotFoundError"));
        assert_eq!(x.request_id.as_deref(), Some("Root=1-abc-def"));
        assert_eq!(
            x.server_message.as_deref(),
            Some("Invalid username or password.")
        );
    }
}
