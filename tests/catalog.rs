//! The catalog and the code agree: every outcome variant has words in every language, every
//! catalog outcome is a variant that its check's code reaches, the registry and the `checks/`
//! folder name the same checks, no check's file redefines a shared outcome, every explain
//! pattern compiles, and docs/ is current.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hfdoctor::checks::REGISTRY;
use hfdoctor::engine::catalog::{placeholders, Catalog, Outcome, Text};
use hfdoctor::engine::finding::{Outcomes, Status};
use hfdoctor::lang::Lang;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn names<O: Outcomes>() -> Vec<(&'static str, &'static str)> {
    O::ALL.iter().map(|o| (o.name(), o.variant())).collect()
}

/// Every outcome enum with the catalog table that holds its words and the source that must
/// reach each variant: each registered check, then the common and the runner namespaces.
fn namespaces(c: &Catalog) -> Vec<NamespaceCase<'_>> {
    let mut all: Vec<NamespaceCase<'_>> = REGISTRY
        .iter()
        .map(|def| NamespaceCase {
            name: def.id.to_string(),
            variants: (def.outcomes)(),
            table: &c
                .check(def.id)
                .expect("registered check in the catalog")
                .outcome,
            source: format!("src/checks/{}.rs", def.id.replace('-', "_")),
        })
        .collect();
    all.push(NamespaceCase {
        name: "common".into(),
        variants: names::<hfdoctor::checks::common::Outcome>(),
        table: &c.common,
        source: "src/checks/common.rs".into(),
    });
    all.push(NamespaceCase {
        name: "runner".into(),
        variants: names::<hfdoctor::engine::runner::Outcome>(),
        table: &c.runner,
        source: "src/engine/runner.rs".into(),
    });
    all
}

struct NamespaceCase<'a> {
    name: String,
    variants: Vec<(&'static str, &'static str)>,
    table: &'a BTreeMap<String, Outcome>,
    source: String,
}

fn catalog() -> Catalog {
    Catalog::parse(hfdoctor::checks::REGISTRY).expect("catalog parses")
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
    for (ns, table) in [("runner", &c.runner), ("common", &c.common)] {
        for (key, o) in table {
            all.push((format!("{ns}/{key}.summary"), &o.summary));
            if let Some(w) = &o.why {
                all.push((format!("{ns}/{key}.why"), w));
            }
            for (i, f) in o.fix.iter().enumerate() {
                all.push((format!("{ns}/{key}.fix[{i}]"), &f.text));
            }
        }
    }
    for (key, t) in &c.messages {
        all.push((format!("msg.{key}"), t));
    }
    for (cause, e) in &c.causes {
        all.push((format!("cause.{}.title", cause.as_str()), &e.title));
        for (i, f) in e.fix.iter().enumerate() {
            all.push((format!("cause.{}.fix[{i}]", cause.as_str()), &f.text));
        }
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

/// The `.toml` files of a folder without the leading-underscore shared ones, as ids.
fn ids_in(dir: &str, ext: &str, except: &[&str]) -> BTreeSet<String> {
    std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|f| f.strip_suffix(ext).map(str::to_string))
        .filter(|f| !f.starts_with('_') && !except.contains(&f.as_str()))
        .collect()
}

#[test]
fn registry_and_catalog_agree() {
    let c = catalog();
    let registry: Vec<&str> = REGISTRY.iter().map(|d| d.id).collect();
    let catalog_ids: Vec<&str> = c.checks.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        registry, catalog_ids,
        "a catalog file's `id` differs from its name"
    );
    let unique: BTreeSet<&str> = registry.iter().copied().collect();
    assert_eq!(unique.len(), registry.len(), "duplicate ids");
    for id in &registry {
        assert!(
            id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
            "{id} is not kebab-case"
        );
    }
    // Both ways: a catalog file nobody registered, a registered check without its files.
    let registered: BTreeSet<String> = registry.iter().map(|s| s.to_string()).collect();
    let tomls = ids_in("checks", ".toml", &[]);
    assert_eq!(
        tomls, registered,
        "checks/*.toml and the registry in src/checks/mod.rs disagree"
    );
    let sources: BTreeSet<String> = ids_in("src/checks", ".rs", &["mod", "common"])
        .into_iter()
        .map(|m| m.replace('_', "-"))
        .collect();
    assert_eq!(
        sources, registered,
        "src/checks/*.rs and the registry in src/checks/mod.rs disagree"
    );
}

#[test]
fn registry_is_in_the_documented_order() {
    // src/checks/mod.rs: local, then the way out, then the Hub, then git.
    use hfdoctor::engine::catalog::Need;
    let phase = |c: &hfdoctor::engine::catalog::CheckEntry| match c.category.as_str() {
        "git" => (3, "git"),
        "network" => (1, "the way out"),
        _ if hfdoctor::checks::def(&c.id).is_some_and(|d| d.needs.contains(&Need::Network)) => {
            (2, "the Hub")
        }
        _ => (0, "local"),
    };
    let c = catalog();
    for pair in c.checks.windows(2) {
        let (a, b) = (phase(&pair[0]), phase(&pair[1]));
        assert!(
            a.0 <= b.0,
            "{} ({}) is registered after {} ({}); see the order in src/checks/mod.rs",
            pair[1].id,
            b.1,
            pair[0].id,
            a.1
        );
    }
}

/// A text present in every language.
fn in_every_language(t: &Text) -> bool {
    Lang::ALL.into_iter().all(|l| t.has(l))
}

#[test]
fn every_outcome_variant_has_words_and_every_catalog_outcome_a_variant() {
    let c = catalog();
    let mut problems = Vec::new();
    for ns in namespaces(&c) {
        let variants: BTreeSet<&str> = ns.variants.iter().map(|(n, _)| *n).collect();
        if variants.len() != ns.variants.len() {
            problems.push(format!("{}: two variants share a name", ns.name));
        }
        for name in &variants {
            let kebab = name.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            });
            if !kebab {
                problems.push(format!("{}/{name}: not kebab-case", ns.name));
            }
        }
        for key in ns.table.keys() {
            if !variants.contains(key.as_str()) {
                problems.push(format!("{}/{key}: in the catalog, but no variant", ns.name));
            }
        }
        for name in &variants {
            let Some(o) = ns.table.get(*name) else {
                problems.push(format!(
                    "{}/{name}: a variant without catalog words",
                    ns.name
                ));
                continue;
            };
            if !in_every_language(&o.summary) {
                problems.push(format!("{}/{name}: summary missing a language", ns.name));
            }
            // What a failure or a warning needs: why it happens and how to fix it.
            if matches!(o.status, Status::Fail | Status::Warn) {
                if !o.why.as_ref().is_some_and(in_every_language) {
                    problems.push(format!("{}/{name}: why missing a language", ns.name));
                }
                if o.fix.is_empty() || !o.fix.iter().all(|f| in_every_language(&f.text)) {
                    problems.push(format!("{}/{name}: fix missing a language", ns.name));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_outcome_variant_is_reached_in_its_source() {
    let c = catalog();
    for ns in namespaces(&c) {
        let source = std::fs::read_to_string(root().join(&ns.source)).unwrap();
        for (name, variant) in &ns.variants {
            // `Outcome::X` (the declaration is `X = "x"`, so it does not count).
            let used = regex::Regex::new(&format!(r"\bOutcome::{variant}\b")).unwrap();
            assert!(
                used.is_match(&source),
                "{}/{name} ({variant}) is never reached in {}",
                ns.name,
                ns.source
            );
        }
    }
}

/// Check outcomes named like a common outcome before the namespaces were split; their codes
/// are part of the JSON contract (docs/json.md), so they keep their names. Each is allowed
/// only while its check never reaches the common namespace, so the code stays unambiguous.
const OWN_NAMES_OF_BEFORE: &[(&str, &str)] = &[
    ("proxy", "unreachable"),
    ("proxy", "no-answer"),
    ("network", "tls-failed"),
    ("git-ssh", "unreachable"),
];

#[test]
fn no_check_defines_a_runner_or_common_outcome() {
    let c = catalog();
    let mut clashes = Vec::new();
    for check in &c.checks {
        let source = root().join(format!("src/checks/{}.rs", check.id.replace('-', "_")));
        // What reaches a common outcome: `call_failed` or the enum itself.
        let text = std::fs::read_to_string(source).unwrap();
        let uses_common = text.contains("call_failed") || text.contains("common::Outcome");
        for key in check.outcome.keys() {
            if c.runner.contains_key(key) {
                clashes.push(format!("{}/{key} redefines a runner outcome", check.id));
            }
            let allowed = OWN_NAMES_OF_BEFORE.contains(&(check.id.as_str(), key.as_str()));
            if c.common.contains_key(key) && (!allowed || uses_common) {
                clashes.push(format!("{}/{key} redefines a common outcome", check.id));
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

#[test]
fn no_check_imports_another_check() {
    // Shared helpers live in src/checks/common.rs, Hub API types in src/hub/.
    let import = regex::Regex::new(r"(?:crate::checks|super)::([a-z_]+)").unwrap();
    for def in REGISTRY {
        let module = def.id.replace('-', "_");
        let path = root().join(format!("src/checks/{module}.rs"));
        let source = std::fs::read_to_string(&path).unwrap();
        for cap in import.captures_iter(&source) {
            assert!(
                &cap[1] == "common",
                "{} imports the check {}",
                path.display(),
                &cap[1]
            );
        }
    }
}

#[test]
fn every_explain_pattern_compiles_alone() {
    // explain.rs skips a pattern that does not compile; this names it instead. The same flags
    // and size limit as there.
    let mut broken = Vec::new();
    for check in &catalog().checks {
        let mut ids = BTreeSet::new();
        for p in &check.explain {
            if !ids.insert(p.id.as_str()) {
                broken.push(format!("{}/{}: duplicate pattern id", check.id, p.id));
            }
            let src = format!("(?i){}", p.regex);
            if let Err(e) = regex::bytes::RegexBuilder::new(&src)
                .size_limit(1 << 22)
                .build()
            {
                broken.push(format!("{}/{}: {e}", check.id, p.id));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "explain patterns that do not compile:\n{}",
        broken.join("\n")
    );
}

#[test]
fn failing_outcomes_name_a_cause_and_a_fix() {
    let c = catalog();
    for check in &c.checks {
        for (key, o) in &check.outcome {
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
    let stale = hfdoctor::render::docs::generate(&dir, &catalog().checks, true).unwrap();
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
    static COMPILED: std::sync::OnceLock<Vec<regex::Regex>> = std::sync::OnceLock::new();
    let compiled = COMPILED.get_or_init(|| {
        rules
            .iter()
            .map(|r| regex::Regex::new(r).unwrap())
            .collect()
    });
    let mut out = s.to_string();
    for r in compiled {
        out = r.replace_all(&out, " ").into_owned();
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
    use hfdoctor::engine::catalog::fill;
    let c = catalog();
    let unfilled = regex::Regex::new(r"\{[a-z_]+\}").unwrap();
    for check in &c.checks {
        for (key, o) in check.outcome.iter().chain(&c.runner).chain(&c.common) {
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

// ---------------------------------------------------------------------------------------------
// Chinese as a native technical writer writes it (docs/notes/chinese-style.md).

/// The style sheet's rules, compiled once: (pattern, what it finds).
struct ZhRules {
    code: regex::Regex,
    quoted_english: regex::Regex,
    single_quoted: regex::Regex,
    punctuation: Vec<(regex::Regex, &'static str)>,
    banned_tw: Vec<(regex::Regex, &'static str)>,
    banned_cn: Vec<(regex::Regex, &'static str)>,
}

fn zh_rules() -> &'static ZhRules {
    static RULES: std::sync::OnceLock<ZhRules> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let han = r"[\p{Han}」”）]";
        let punctuation = [
            (
                format!(r"{han}[:,;!?]"),
                "half-width punctuation after Chinese (use ：，；！？)",
            ),
            (
                format!(r"{han}\.(?:\s|$)"),
                "half-width full stop after Chinese (use 。)",
            ),
            (
                format!(r"{han}\s*\("),
                "half-width ( after Chinese (use （）)",
            ),
            (
                r"\(\s*\p{Han}".into(),
                "half-width ( around Chinese (use （）)",
            ),
            (
                format!(r"{han}\s*\)"),
                "half-width ) after Chinese (use （）)",
            ),
            (
                r#"""#.into(),
                "straight \" quotes (use 「」 in zh-TW, “” in zh-CN)",
            ),
            (
                r"—".into(),
                "an em-dash separator (use ：，or a new sentence)",
            ),
            (
                r"以\s*[A-Za-z0-9「“][^，。；：]*?(?:失敗|失败|結束|结束)".into(),
                "calque \"以 X 失敗\" (say 失敗並顯示「X」 / 失败并显示“X”)",
            ),
        ];
        let compile = |v: &[(&'static str, &'static str)]| {
            v.iter()
                .map(|(r, w)| (regex::Regex::new(r).unwrap(), *w))
                .collect()
        };
        ZhRules {
            code: regex::Regex::new(r"`[^`]*`|https?://[^\s，。；：（）「」“”]+|\{[a-z_]+\}")
                .unwrap(),
            single_quoted: regex::Regex::new(r"(?:^|[\s\p{Han}，。：；（])'[^'\s][^']*'").unwrap(),
            quoted_english: regex::Regex::new(r"[「“][^」”\p{Han}]*[」”]").unwrap(),
            punctuation: punctuation
                .into_iter()
                .map(|(r, w)| (regex::Regex::new(&r).unwrap(), w))
                .collect(),
            banned_tw: compile(banned_terms(Lang::ZhTw)),
            banned_cn: compile(banned_terms(Lang::ZhCn)),
        }
    })
}

/// A zh text with what keeps its own spelling taken out: `code`, URLs, {placeholders}.
fn zh_prose(s: &str) -> String {
    zh_rules().code.replace_all(s, " ").into_owned()
}

/// Every way a zh text breaks the style sheet; empty when it keeps it.
fn zh_style_faults(s: &str, lang: Lang) -> Vec<String> {
    let rules = zh_rules();
    let prose = zh_prose(s);
    let mut faults = Vec::new();
    let banned = match lang {
        Lang::ZhTw => &rules.banned_tw,
        _ => &rules.banned_cn,
    };
    for (re, what) in &rules.punctuation {
        if let Some(m) = re.find(&prose) {
            faults.push(format!("{what}: …{}…", m.as_str()));
        }
    }
    // The other locale's quotes.
    let foreign_quotes: &[char] = match lang {
        Lang::ZhTw => &['“', '”'],
        _ => &['「', '」', '『', '』'],
    };
    if let Some(q) = prose.chars().find(|c| foreign_quotes.contains(c)) {
        faults.push(format!("quote {q} of the other locale"));
    }
    // A message quoted in English keeps its words (「Request URL is missing…」).
    let words = rules.quoted_english.replace_all(&prose, " ");
    for (re, what) in banned {
        if let Some(m) = re.find(&words) {
            faults.push(format!(
                "'{}' is not the glossary's word ({what})",
                m.as_str()
            ));
        }
    }
    if let Some(m) = rules.single_quoted.find(&words) {
        faults.push(format!(
            "straight ' quotes around a term (use 「」 or “”): …{}…",
            m.as_str()
        ));
    }
    faults
}

/// Terms of the other locale, or variants the glossary does not use (docs/notes/chinese-style.md).
fn banned_terms(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::ZhTw => &[
            (
                r"(?:^|[^明])文件",
                "file is 檔案; documentation is 說明文件",
            ),
            (r"配置|設置|设置", "settings are 設定"),
            (r"服務器|服务器|伺服端", "server is 伺服器"),
            (r"倉庫|存放庫|仓库", "repository is 儲存庫"),
            (r"私人", "private is 私有"),
            (r"用戶(?:[^端]|$)", "user is 使用者 (client is 用戶端)"),
            (r"客戶端", "client is 用戶端"),
            (r"網絡|網絡", "network is 網路"),
            (r"信息", "message is 訊息"),
            (r"默認|默认", "default is 預設"),
            (r"登錄", "log in is 登入"),
            (r"帳戶|賬號|賬戶", "account is 帳號"),
            (r"字符", "character is 字元"),
            (r"文本", "text is 文字"),
            (r"運行", "run is 執行"),
            (r"創建", "create is 建立"),
            (r"訪問", "access is 存取"),
            (r"命令", "command is 指令"),
            (r"進程", "process is 行程"),
            (r"權杖|令牌", "token stays token"),
            (r"(?:^|[^A-Za-z_])URL(?:$|[^A-Za-z_])", "URL is 網址"),
            (
                r"[这个们会为与说设没请时后从网证译点总仓务录复应还带产实写读检错误终该对过页数]",
                "a Simplified character",
            ),
        ],
        _ => &[
            (r"档案|檔案", "file is 文件"),
            (r"设定|設定|配置", "settings are 设置"),
            (r"伺服器|服务端", "server is 服务器"),
            (r"储存库|存储库|存放库", "repository is 仓库"),
            (r"私人", "private is 私有"),
            (r"用户端|用戶端", "client is 客户端"),
            (r"网路", "network is 网络"),
            (r"讯息", "message is 消息 or 信息"),
            (r"预设", "default is 默认"),
            (r"登入", "log in is 登录"),
            (r"帐号|帐户|账户", "account is 账号"),
            (r"字元", "character is 字符"),
            (r"网址", "URL stays URL"),
            (r"行程", "process is 进程"),
            (r"令牌", "token stays token"),
            (
                r"[這個們會為與說設沒請時後從網證譯點總倉務錄復應還帶產實寫讀檢錯誤終該對過頁數]",
                "a Traditional character",
            ),
        ],
    }
}

#[test]
fn the_style_rules_catch_what_they_name() {
    // Each rule fails on a string that breaks it, and passes the same string fixed.
    let tw = |s: &str| zh_style_faults(s, Lang::ZhTw);
    let cn = |s: &str| zh_style_faults(s, Lang::ZhCn);
    for bad in [
        "原因: token 無效",
        "token 無效,請重新登入",
        "環境變數 (HF_TOKEN)",
        "請重新登入.",
        "推送以 \"could not read Username\" 失敗",
        "推送以「could not read Username」失敗",
        "請求會以 ConnectError 失敗",
        "token 無效 — 請重新登入",
        "“token”無效",
        "設置檔案",
        "HF_ENDPOINT 不是 URL",
        "token 路徑是 './token'",
        "寫入文件",
        "這個服務器",
        "私人儲存庫",
        "远端仓库",
    ] {
        assert!(!tw(bad).is_empty(), "zh-TW rule missed: {bad}");
    }
    for bad in [
        "原因: token 无效",
        "「token」无效",
        "档案",
        "这個",
        "储存库",
        "用户端",
        "设定",
    ] {
        assert!(!cn(bad).is_empty(), "zh-CN rule missed: {bad}");
    }
    for good in [
        "原因：token 無效，請重新登入（HF_TOKEN）。",
        "推送失敗並顯示「could not read Username」。",
        "執行 `git config --get remote.origin.url`（或 `hf auth login`）",
        "見 https://huggingface.co/settings/tokens。",
        "用戶端讀取 {path}",
    ] {
        assert_eq!(tw(good), Vec::<String>::new(), "{good}");
    }
    assert_eq!(
        cn("推送失败并显示“could not read Username”。"),
        Vec::<String>::new()
    );
}

#[test]
fn chinese_texts_keep_the_style_sheet() {
    let c = catalog();
    let mut faults = Vec::new();
    for (name, text) in texts_of(&c) {
        for lang in [Lang::ZhTw, Lang::ZhCn] {
            for f in zh_style_faults(text.get(lang), lang) {
                faults.push(format!(
                    "{name} [{}]: {f}\n    {}",
                    lang.code(),
                    text.get(lang)
                ));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "{} Chinese texts break docs/notes/chinese-style.md:\n{}",
        faults.len(),
        faults.join("\n")
    );
}

#[test]
fn chinese_prose_names_checks_by_title_not_id() {
    // `--only token-valid` in a command stays; in a sentence the reader sees the title.
    let c = catalog();
    // git-lfs is also the program's name.
    let ids: Vec<&str> = c
        .checks
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| *id != "git-lfs")
        .collect();
    let res: Vec<(&str, regex::Regex)> = ids
        .iter()
        .map(|id| {
            let re = format!(r"(?:^|[^A-Za-z0-9_\-/.]){id}(?:$|[^A-Za-z0-9_\-/])");
            (*id, regex::Regex::new(&re).unwrap())
        })
        .collect();
    let mut faults = Vec::new();
    for (name, text) in texts_of(&c) {
        for lang in [Lang::ZhTw, Lang::ZhCn] {
            let prose = zh_prose(text.get(lang));
            for (id, re) in &res {
                if re.is_match(&prose) {
                    faults.push(format!(
                        "{name} [{}]: {id} in {}",
                        lang.code(),
                        text.get(lang)
                    ));
                }
            }
        }
    }
    assert!(
        faults.is_empty(),
        "check ids in Chinese prose:\n{}",
        faults.join("\n")
    );
}

#[test]
fn no_chinese_text_is_the_english_one() {
    // All-ASCII texts that read the same in every language (names, ids, protocols).
    let same: &[&str] = &["OIDC ({resource})", "Git LFS"];
    let c = catalog();
    let mut copies = Vec::new();
    for (name, text) in texts_of(&c) {
        let en = text.get(Lang::En);
        for lang in [Lang::ZhTw, Lang::ZhCn] {
            if text.get(lang) == en && !(en.is_ascii() && same.contains(&en)) {
                copies.push(format!("{name} [{}]: {en}", lang.code()));
            }
        }
    }
    assert!(copies.is_empty(), "untranslated:\n{}", copies.join("\n"));
}

/// Every fix of every catalog file (the checks', the runner's, the common ones and the
/// causes'), with where it is.
fn all_fixes(c: &Catalog) -> Vec<(String, &hfdoctor::engine::catalog::FixEntry)> {
    let mut all = Vec::new();
    for check in &c.checks {
        for (key, o) in &check.outcome {
            all.extend(o.fix.iter().map(|f| (format!("{}/{key}", check.id), f)));
        }
    }
    for (ns, table) in [("runner", &c.runner), ("common", &c.common)] {
        for (key, o) in table {
            all.extend(o.fix.iter().map(|f| (format!("{ns}/{key}"), f)));
        }
    }
    for (cause, entry) in &c.causes {
        all.extend(
            entry
                .fix
                .iter()
                .map(|f| (format!("cause {}", cause.as_str()), f)),
        );
    }
    all
}

/// No fix is "run hfdoctor again": a fix names what the user can do.
#[test]
fn no_fix_command_runs_hfdoctor() {
    let c = catalog();
    let fixes = all_fixes(&c);
    assert!(fixes.iter().any(|(name, _)| name.starts_with("cause ")));
    let bad: Vec<String> = fixes
        .iter()
        .flat_map(|(name, f)| f.commands.iter().map(move |cmd| (name, cmd)))
        .filter(|(_, cmd)| cmd.trim_start().starts_with("hfdoctor"))
        .map(|(name, cmd)| format!("{name}: {cmd}"))
        .collect();
    assert!(
        bad.is_empty(),
        "fixes that run hfdoctor:\n{}",
        bad.join("\n")
    );
}

/// Hub pages in fixes go through `{endpoint}`; only documentation (docs/, blog/) stays on
/// huggingface.co, which serves it whatever the endpoint. A text may name the default
/// endpoint itself ("unset it to use https://huggingface.co"), a command or URL may not.
#[test]
fn fix_urls_and_commands_use_the_endpoint() {
    let c = catalog();
    let hub = regex::Regex::new(r"https?://(?:www\.)?huggingface\.co(/[a-z-]*)?").unwrap();
    let mut bad = Vec::new();
    for (name, f) in all_fixes(&c) {
        let texts = [
            f.text.get(Lang::En),
            f.text.get(Lang::ZhTw),
            f.text.get(Lang::ZhCn),
        ];
        let strict = f
            .commands
            .iter()
            .map(String::as_str)
            .chain(f.url.as_deref());
        let all = strict
            .clone()
            .map(|s| (s, true))
            .chain(texts.map(|s| (s, false)));
        for (s, strict) in all {
            for m in hub.captures_iter(s) {
                match m.get(1).map(|p| p.as_str()) {
                    Some("/docs" | "/blog") => {}
                    None | Some("/") if !strict => {}
                    _ => bad.push(format!("{name}: {s}")),
                }
            }
            if s.contains("host=huggingface.co") || s.contains("host=hf.co") {
                bad.push(format!("{name}: {s}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "hard-coded Hub addresses in fixes:\n{}",
        bad.join("\n")
    );
}
