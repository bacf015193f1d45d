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

use crate::engine::finding::Cause;
use crate::hub::repo::RepoType;

pub struct Compiled {
    set: RegexSet,
    /// Per pattern: the regex alone (to find its line), the check that owns it, its causes.
    patterns: Vec<(Regex, String, String, BTreeMap<Cause, u32>)>,
}

pub fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let catalog = crate::checks::catalog();
        let mut sources = Vec::new();
        let mut patterns = Vec::new();
        for check in &catalog.checks {
            for p in &check.explain {
                let src = format!("(?i){}", p.regex);
                let Ok(re) = regex::bytes::RegexBuilder::new(&src)
                    .size_limit(1 << 22)
                    .build()
                else {
                    continue;
                };
                sources.push(src);
                patterns.push((re, check.id.clone(), p.id.clone(), p.causes.clone()));
            }
        }
        let set = RegexSetBuilder::new(&sources)
            .size_limit(1 << 24)
            .build()
            .unwrap_or_else(|_| RegexSet::empty());
        Compiled { set, patterns }
    })
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

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Extracted {
    pub repo_id: Option<String>,
    pub repo_type: Option<String>,
    pub url: Option<String>,
    pub status: Option<u16>,
    pub error_code: Option<String>,
    pub server_message: Option<String>,
    pub request_id: Option<String>,
    pub client: Option<String>,
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
fn line_at(text: &[u8], at: usize) -> String {
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

/// Ranked causes for a text. Empty when nothing is recognised.
pub fn classify(text: &[u8]) -> Vec<Candidate> {
    let c = compiled();
    let mut by_cause: BTreeMap<Cause, Candidate> = BTreeMap::new();
    for i in c.set.matches(text).into_iter() {
        let (re, check, id, causes) = &c.patterns[i];
        let line = re
            .find(text)
            .map(|m| line_at(text, m.start()))
            .unwrap_or_default();
        for (cause, weight) in causes {
            let entry = by_cause.entry(*cause).or_insert_with(|| Candidate {
                cause: *cause,
                score: 0,
                confidence: "low",
                evidence: Vec::new(),
                checks: Vec::new(),
            });
            entry.score += weight;
            if !entry.evidence.iter().any(|e| e.line == line) && entry.evidence.len() < 5 {
                entry.evidence.push(Evidence {
                    pattern: format!("{check}/{id}"),
                    line: line.clone(),
                });
            }
            if !entry.checks.contains(check) {
                entry.checks.push(check.clone());
            }
        }
    }
    let mut ranked: Vec<Candidate> = by_cause.into_values().collect();
    ranked.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.cause.as_str().cmp(&b.cause.as_str()))
    });
    let top = ranked.first().map_or(0, |c| c.score);
    let second = ranked.get(1).map_or(0, |c| c.score);
    for (i, c) in ranked.iter_mut().enumerate() {
        c.confidence = if i == 0 && top >= 10 && top >= second * 2 {
            "high"
        } else if i == 0 && top >= 5 && top > second {
            "medium"
        } else {
            "low"
        };
    }
    ranked
}

fn first_capture(re: &str, text: &[u8], group: usize) -> Option<String> {
    static CACHE: OnceLock<std::sync::Mutex<BTreeMap<String, Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let re = {
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(re.to_string())
            .or_insert_with(|| Regex::new(re).expect("valid extraction regex"))
            .clone()
    };
    re.captures(text)
        .and_then(|c| c.get(group))
        .map(|m| String::from_utf8_lossy(m.as_bytes()).trim().to_string())
}

/// What the text says about the request: repo, URL, status, code, message, request id, client.
pub fn extract(text: &[u8]) -> Extracted {
    let mut x = Extracted::default();
    // A Hub URL naming a repo: a resolve or API URL first, else a git or web URL.
    let url_re =
        Regex::new(r#"https?://[A-Za-z0-9.\-]+(?::\d+)?/[^\s'"`)<>\]]+"#).expect("valid regex");
    let mut best: Option<(u8, String, String, RepoType)> = None;
    for m in url_re.find_iter(text).take(200) {
        let url = String::from_utf8_lossy(m.as_bytes())
            .trim_end_matches(['.', ',', ':', ';'])
            .to_string();
        // Only the Hub (or a mirror), or a URL shaped like the Hub's API: not GitHub links.
        let host = url
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['/', ':']).next())
            .unwrap_or("");
        let hub_like = crate::hub::endpoint::HUB_HOSTS.contains(&host)
            || crate::hub::endpoint::KNOWN_MIRRORS.contains(&host)
            || url.contains("/resolve/")
            || url.contains("/api/models/")
            || url.contains("/api/datasets/")
            || url.contains("/api/spaces/");
        if !hub_like {
            continue;
        }
        let Some((id, kind)) = repo_from_url(&url) else {
            continue;
        };
        let rank = if url.contains("/resolve/") || url.contains("/api/") {
            2
        } else {
            1
        };
        if best.as_ref().is_none_or(|b| rank > b.0) {
            best = Some((rank, url, id, kind));
        }
    }
    if let Some((_, url, id, kind)) = best {
        x.repo_id = Some(id);
        x.repo_type = Some(kind.as_str().to_string());
        x.url = Some(redact(&url));
    }
    if x.repo_id.is_none() {
        // transformers: "acme/x is not a local folder and is not a valid model identifier"
        x.repo_id = first_capture(
            r"([A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+) is not a local folder and is not a valid model identifier",
            text,
            1,
        );
        // huggingface_hub: "Access to model acme/x is restricted"
        if x.repo_id.is_none() {
            if let Some(kind) = first_capture(
                r"Access to (model|dataset|space) [A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+",
                text,
                1,
            ) {
                x.repo_type = Some(kind.to_lowercase());
                x.repo_id = first_capture(
                    r"Access to (?:model|dataset|space) ([A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+)",
                    text,
                    1,
                );
            }
        }
    }
    x.status = first_capture(r"\b([45]\d\d) (?:Client|Server) Error", text, 1)
        .or_else(|| first_capture(r"'([45]\d\d) [A-Z][A-Za-z ]+'", text, 1))
        .or_else(|| {
            first_capture(
                r"HTTP (?:status|Error) (?:client error )?\(?([45]\d\d)",
                text,
                1,
            )
        })
        .or_else(|| first_capture(r"\b(?:error|status)[: ]+([45]\d\d)\b", text, 1))
        .and_then(|s| s.parse().ok());
    x.error_code = first_capture(r"X-Error-Code:\s*([A-Za-z]+)", text, 1).or_else(|| {
        for (class, code) in [
            ("GatedRepoError", "GatedRepo"),
            ("RevisionNotFoundError", "RevisionNotFound"),
            ("EntryNotFoundError", "EntryNotFound"),
            ("RepositoryNotFoundError", "RepoNotFound"),
        ] {
            if memchr_contains(text, class.as_bytes()) {
                return Some(code.to_string());
            }
        }
        None
    });
    x.request_id = first_capture(
        r"\((?:Request ID|Amzn Trace ID|Amz CF ID): ([^)\s]+)\)",
        text,
        1,
    );
    x.server_message = [
        r"(Invalid credentials in Authorization header)",
        r"(Invalid username or password\.)",
        r"(Access to (?:model|dataset|space) [^\n]*?(?:Please log in\.|to ask for access\.|restricted\.))",
        r"(Your request to access [^\n]*? is awaiting a review from the repo authors\.)",
        r"(Please enable access to public gated repositories in your fine-grained token settings to view this repository\.)",
        r"(You have read access but not the required permissions for this operation)",
        r"(Password authentication in git is no longer supported\.[^\n]*)",
        r"(Your push was rejected because it contains [^\n]*)",
        r"(Access to this resource is disabled\.)",
    ]
    .iter()
    .find_map(|re| first_capture(re, text, 1))
    .map(|m| redact(&m));
    x.client = first_capture(
        r"(huggingface_hub|transformers|diffusers|datasets|hf_hub)[/ ]v?(\d+\.\d+(?:\.\d+)?)",
        text,
        0,
    )
    .or_else(|| {
        [
            "huggingface_hub",
            "transformers",
            "diffusers",
            "datasets",
            "git-lfs",
            "git push",
            "git clone",
        ]
        .iter()
        .find(|c| memchr_contains(text, c.as_bytes()))
        .map(|c| c.to_string())
    });
    x
}

/// A substring search that skips ahead (SIMD, memchr's memmem), not a window compare per byte:
/// it runs over up to 256 MiB of log, once per name it looks for.
fn memchr_contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
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
        let x = extract(t);
        assert_eq!(x.repo_id.as_deref(), Some("acme/private"));
        assert_eq!(x.repo_type.as_deref(), Some("model"));
        assert_eq!(x.status, Some(401));
        assert_eq!(x.error_code.as_deref(), Some("RepoNotFound"));
        assert_eq!(x.request_id.as_deref(), Some("Root=1-abc-def"));
        assert_eq!(
            x.server_message.as_deref(),
            Some("Invalid username or password.")
        );
    }
}
