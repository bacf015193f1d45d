//! The catalog and the code agree: every outcome the code can reach has words in every
//! language, every catalog outcome is reachable from its check's code, and docs/ is current.

use std::collections::BTreeSet;
use std::path::Path;

use hfdoctor::catalog::{placeholders, Catalog, Text, CHECK_SOURCES};
use hfdoctor::checks::REGISTRY;
use hfdoctor::lang::Lang;

fn catalog() -> Catalog {
    Catalog::parse().expect("catalog parses")
}

fn texts_of(c: &Catalog) -> Vec<(String, &Text)> {
    let mut all = Vec::new();
    for check in &c.checks {
        all.push((format!("{}.title", check.id), &check.title));
        all.push((format!("{}.about", check.id), &check.about));
        for (key, o) in &check.outcome {
            all.push((format!("{}/{key}.summary", check.id), &o.summary));
            if let Some(w) = &o.why {
                all.push((format!("{}/{key}.why", check.id), w));
            }
            for (i, f) in o.fix.iter().enumerate() {
                all.push((format!("{}/{key}.fix[{i}]", check.id), &f.text));
            }
        }
    }
    for (key, o) in &c.runner {
        all.push((format!("runner/{key}.summary"), &o.summary));
        if let Some(w) = &o.why {
            all.push((format!("runner/{key}.why"), w));
        }
        for (i, f) in o.fix.iter().enumerate() {
            all.push((format!("runner/{key}.fix[{i}]"), &f.text));
        }
    }
    for (key, t) in &c.messages {
        all.push((format!("msg.{key}"), t));
    }
    all
}

#[test]
fn every_text_exists_in_every_language_with_the_same_placeholders() {
    let c = catalog();
    let mut missing = Vec::new();
    for (name, text) in texts_of(&c) {
        let en: BTreeSet<String> = placeholders(text.get(Lang::En)).into_iter().collect();
        for lang in Lang::ALL {
            if !text.has(lang) {
                missing.push(format!("{name} [{}]", lang.code()));
                continue;
            }
            let got: BTreeSet<String> = placeholders(text.get(lang)).into_iter().collect();
            assert_eq!(got, en, "{name} [{}] placeholders differ", lang.code());
        }
    }
    assert!(
        missing.is_empty(),
        "texts without words:\n{}",
        missing.join("\n")
    );
}

#[test]
fn chinese_texts_are_chinese() {
    // A zh text identical to the English one is an untranslated copy.
    let c = catalog();
    for (name, text) in texts_of(&c) {
        for lang in [Lang::ZhTw, Lang::ZhCn] {
            let s = text.get(lang);
            if s.chars().any(|ch| ch.is_alphabetic()) && text.has(lang) {
                assert!(
                    s != text.get(Lang::En) || name.ends_with(".title") && s.is_ascii(),
                    "{name} [{}] is the English text",
                    lang.code()
                );
            }
        }
    }
}

#[test]
fn registry_and_catalog_agree() {
    let c = catalog();
    let registry: Vec<&str> = REGISTRY.iter().map(|d| d.id).collect();
    let catalog_ids: Vec<&str> = c.checks.iter().map(|e| e.id.as_str()).collect();
    let sources: Vec<&str> = CHECK_SOURCES.iter().map(|(id, _)| *id).collect();
    assert_eq!(registry, catalog_ids);
    assert_eq!(registry, sources);
    let unique: BTreeSet<&str> = registry.iter().copied().collect();
    assert_eq!(unique.len(), registry.len(), "duplicate ids");
    for id in registry {
        assert!(
            id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
            "{id} is not kebab-case"
        );
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/checks")
            .join(format!("{}.rs", id.replace('-', "_")));
        assert!(file.exists(), "{id}: no {}", file.display());
        let toml = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("checks")
            .join(format!("{id}.toml"));
        assert!(toml.exists(), "{id}: no {}", toml.display());
    }
}

/// The outcomes a check's source names as string literals.
fn literals(source: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r#""([a-z][a-z0-9-]*)""#).unwrap();
    re.captures_iter(source).map(|c| c[1].to_string()).collect()
}

#[test]
fn every_catalog_outcome_is_reached_by_code_and_the_reverse() {
    let c = catalog();
    let producer = regex::Regex::new(r#"(?:Found::new|at)\("([a-z][a-z0-9-]*)"\)"#).unwrap();
    for check in &c.checks {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/checks")
            .join(format!("{}.rs", check.id.replace('-', "_")));
        let source = std::fs::read_to_string(&file).unwrap();
        let named = literals(&source);
        for key in check.outcome.keys() {
            assert!(
                named.contains(key),
                "{}/{key} is in the catalog but no code in {} names it",
                check.id,
                file.display()
            );
        }
        for cap in producer.captures_iter(&source) {
            let key = &cap[1];
            assert!(
                check.outcome.contains_key(key) || c.runner.contains_key(key),
                "{} produces {key}, which has no catalog words",
                check.id
            );
        }
    }
}

#[test]
fn failing_outcomes_name_a_cause_and_a_fix() {
    let c = catalog();
    for check in &c.checks {
        for (key, o) in &check.outcome {
            use hfdoctor::finding::Status;
            if o.status == Status::Fail {
                assert!(
                    o.cause.is_some(),
                    "{}/{key} fails without a cause",
                    check.id
                );
            }
            if matches!(o.status, Status::Fail | Status::Warn) {
                assert!(!o.fix.is_empty(), "{}/{key} has no fix", check.id);
                assert!(o.why.is_some(), "{}/{key} has no why", check.id);
            }
        }
    }
}

#[test]
fn docs_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks");
    let stale = hfdoctor::docs::generate(&dir, &catalog().checks, true).unwrap();
    assert!(
        stale.is_empty(),
        "docs/checks out of date: {stale:?}; run `cargo run -- generate-docs`"
    );
}

/// What may stay in Latin letters inside a Chinese text: `code`, {placeholders}, URLs,
/// "quoted messages the user sees verbatim", and names (variables, products, statuses).
fn strip_allowed(s: &str) -> String {
    let rules = [
        // Quoted verbatim messages first, so nothing inside them is cut apart.
        r#""[^"]*""#,
        r"“[^”]*”",
        r"「[^」]*」",
        r"\bX-[A-Za-z-]+",
        // Command lines and flags, up to the end of the clause.
        r"(?:export|git|hf|pip|unset|curl|ssh|ssh-keygen|ssh-keyscan|sudo|brew|printf)\s[^，。；：（）]*",
        r"--[a-z][a-z-]*",
        // Verbatim messages in parentheses, statuses, exception and class names.
        r"（[A-Za-z0-9 ,.'/_\\-]+）",
        r"\b[1-5]\d\d(?: [A-Za-z]+)+",
        r"\b[A-Z][a-z]+(?:[A-Z][a-zA-Z]*)+\b",
        r"\b[A-Z][a-z]+(?: (?:[A-Z][a-z]+|over|not|of|to))+\b",
        r"`[^`]*`",
        r"\{[a-z_]+\}",
        r#""[^"]*""#,
        r"“[^”]*”",
        r"「[^」]*」",
        r"'[^']*'",
        r"https?://\S+",
        r"\b[A-Z][A-Z0-9_]{1,}\b",
        r"[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-/]+",
        r"\b[a-z0-9]+(?:[-_.][a-z0-9]+)+\b",
    ];
    let mut out = s.to_string();
    for r in rules {
        out = regex::Regex::new(r)
            .unwrap()
            .replace_all(&out, " ")
            .into_owned();
    }
    out
}

#[test]
fn chinese_texts_leave_no_english_prose() {
    // Names and terms that stay as they are in Chinese technical writing.
    let names = [
        "token",
        "Token",
        "Hub",
        "git",
        "Git",
        "hf",
        "huggingface_hub",
        "Python",
        "Space",
        "Spaces",
        "LFS",
        "Xet",
        "OAuth",
        "OIDC",
        "GitHub",
        "Actions",
        "CI",
        "IDE",
        "Windows",
        "Notepad",
        "macOS",
        "Debian",
        "Ubuntu",
        "brew",
        "curl",
        "shell",
        "scheme",
        "Basic",
        "SOCKS",
        "IP",
        "IPv",
        "CIDR",
        "TLS",
        "SSH",
        "DNS",
        "TCP",
        "HTTP",
        "URL",
        "PEM",
        "CA",
        "IT",
        "VPN",
        "fetch",
        "push",
        "pull",
        "socksio",
        "hfdoctor",
        "repo",
        "model",
        "dataset",
        "space",
        "read",
        "write",
        "contributor",
        "admin",
        "fineGrained",
        "gated",
        "hub",
        "blob",
        "ASCII",
        "UTF",
        "BOM",
        "Hugging",
        "Face",
        "login",
        "logout",
        "credential",
        "helper",
        "secrets",
        "API",
        "UI",
        "Wi",
        "Fi",
        "JSON",
        "known_hosts",
        "SHA",
        "ed",
        "ssh",
        "keygen",
        "HOST",
        "PORT",
        "USER",
        "PASSWORD",
        "apt",
        "install",
        "sudo",
        "env",
        "chmod",
        "perl",
        "OS",
        "PowerShell",
        "x",
        "PR",
        "RSA",
        "ECDSA",
        "DSA",
        "ED",
        "Git-Xet",
        "git-xet",
        "xet",
        "hf_",
        "api_org_",
        "hf_oauth_",
        "hf_jwt_",
        "api_",
        "Trusted",
        "Publisher",
        "dataset",
        "commit",
        "branch",
        "JWT",
        "CLI",
        "cli",
        "HTTPS",
        "Inference",
        "https",
        "http",
        "cause",
        "fix",
        "ok",
        "s",
        "Root",
        "id",
        "MiB",
        "MB",
        "KB",
        "GB",
        "KiB",
        "UTF-8",
        "UTF-16",
        "U+FEFF",
        "ID",
        // Terms Chinese developers write in English.
        "secret",
        "secrets",
        "service",
        "host",
        "anonymous",
        "org",
        "remote",
        "offline",
        "auto",
        "manual",
        "localhost",
        "origin",
        "scp",
        "umask",
        "resolve",
        "httpx",
        "urllib",
        "certifi",
        "datasets",
        "spaces",
        "api",
        "json",
        "oauth",
        "jwt",
        "trusted",
        "publisher",
        "port",
        "username",
        "password",
        "format",
        "upload",
        "True",
        "codec",
        "gitattributes",
        "whoami",
        "Tab",
        "Authorization",
        "true",
        "bug",
        "clone",
    ];
    let c = catalog();
    let word = regex::Regex::new(r"[A-Za-z][A-Za-z']+").unwrap();
    let mut leftovers = Vec::new();
    for (name, text) in texts_of(&c) {
        for lang in [Lang::ZhTw, Lang::ZhCn] {
            let s = text.get(lang);
            let rest = strip_allowed(s);
            for w in word.find_iter(&rest) {
                if !names.contains(&w.as_str()) {
                    leftovers.push(format!("{name} [{}]: '{}' in {s}", lang.code(), w.as_str()));
                }
            }
        }
    }
    assert!(
        leftovers.is_empty(),
        "English words left in Chinese texts:\n{}",
        leftovers.join("\n")
    );
}

#[test]
fn every_outcome_renders_in_every_language() {
    use hfdoctor::catalog::fill;
    let c = catalog();
    let unfilled = regex::Regex::new(r"\{[a-z_]+\}").unwrap();
    for check in &c.checks {
        for (key, o) in check.outcome.iter().chain(c.runner.iter()) {
            for lang in Lang::ALL {
                let texts = std::iter::once(&o.summary)
                    .chain(o.why.iter())
                    .chain(o.fix.iter().map(|f| &f.text));
                for t in texts {
                    let filled = fill(t.get(lang), &|_| Some("X".into()));
                    assert!(
                        !filled.trim().is_empty(),
                        "{}/{key} [{}] empty",
                        check.id,
                        lang.code()
                    );
                    assert!(
                        !unfilled.is_match(&filled),
                        "{}/{key} [{}] unfilled: {filled}",
                        check.id,
                        lang.code()
                    );
                }
            }
        }
    }
}
