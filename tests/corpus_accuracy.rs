//! explain measured on real error texts from public threads (tests/corpus/, README there).
//!
//! The corpus is split once, by a hash of each text's source URL, into a part the families and
//! weights were written from (70 %) and a test part (30 %) nobody reads while tuning: this test
//! prints the misses of the first part by name and only counts for the test part (its confusion
//! table says which causes, never which texts). It fails when top-1 on the test part's texts
//! that are decidable from the text alone is under its floor (the goal is 90 %:
//! `TEST_PART_TOP1_FLOOR`), when a `high` answer there is right
//! less than 97 % of the time, or when explain is confident in a wrong cause where the text
//! cannot decide.

use std::collections::{BTreeMap, BTreeSet};

use hfdoctor::engine::finding::Cause;
use hfdoctor::explain::classify;

struct Sample {
    name: String,
    source: String,
    cause: String,
    client: String,
    /// The thread needed facts the text does not hold (`# decidable: no — why`): explain can
    /// only list candidates and leave the decision to the checks.
    decidable: bool,
    text: Vec<u8>,
}

fn corpus() -> Vec<Sample> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(e.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let (head, body) = text
            .split_once("\n---\n")
            .unwrap_or_else(|| panic!("{name}: header, then ---"));
        let field = |key: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim().to_string())
                .unwrap_or_else(|| panic!("{name} has no `{key}` line"))
        };
        let source = field("# source:");
        assert!(source.starts_with("http"), "{name}: source {source:?}");
        let cause = field("# cause:");
        assert!(
            Cause::parse(&cause).is_some(),
            "{name}: `{cause}` is not a cause of DESIGN.md"
        );
        let client = field("# client:");
        assert!(!client.is_empty(), "{name}: empty client");
        assert!(!body.trim().is_empty(), "{name}: no text");
        out.push(Sample {
            name,
            source,
            cause,
            client,
            decidable: !head.lines().any(|l| l.starts_with("# decidable: no")),
            text: body.as_bytes().to_vec(),
        });
    }
    out
}

/// FNV-1a of the source URL: stable across platforms and Rust versions, so a text stays in
/// its part for good, and texts of one thread share a part.
fn in_test_part(source: &str) -> bool {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in source.trim_end_matches('/').bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h % 10 < 3
}

#[derive(Default, Clone, Copy)]
struct Tally {
    n: usize,
    top1: usize,
    top3: usize,
}

impl Tally {
    fn add(&mut self, top1: bool, top3: bool) {
        self.n += 1;
        self.top1 += top1 as usize;
        self.top3 += top3 as usize;
    }

    fn pct(part: usize, of: usize) -> f64 {
        if of == 0 {
            100.0
        } else {
            part as f64 * 100.0 / of as f64
        }
    }

    fn show(&self) -> String {
        format!(
            "{:>3} texts  top-1 {:5.1} %  top-3 {:5.1} %",
            self.n,
            Self::pct(self.top1, self.n),
            Self::pct(self.top3, self.n)
        )
    }
}

#[derive(Default)]
struct Part {
    decidable: Tally,
    undecidable: usize,
    /// Not decidable from the text: the thread's cause is among the candidates.
    among: usize,
    per_cause: BTreeMap<String, Tally>,
    per_client: BTreeMap<String, Tally>,
    /// expected → got, for decidable misses.
    confusion: BTreeMap<(String, String), usize>,
    high: usize,
    high_right: usize,
    confident_wrong_undecidable: Vec<String>,
    high_wrong: Vec<String>,
    misses: Vec<String>,
}

fn measure(samples: &[&Sample]) -> Part {
    let mut p = Part::default();
    for s in samples {
        let ranked = classify(&s.text);
        let causes: Vec<String> = ranked.iter().map(|c| c.cause.as_str()).collect();
        let top = causes.first().cloned().unwrap_or_else(|| "(none)".into());
        let top1 = top == s.cause;
        let top3 = causes.iter().take(3).any(|c| *c == s.cause);
        if ranked.first().is_some_and(|c| c.confidence == "high") {
            p.high += 1;
            p.high_right += top1 as usize;
            if !top1 {
                p.high_wrong
                    .push(format!("{}: high in {top}, thread: {}", s.name, s.cause));
            }
        }
        if !s.decidable {
            p.undecidable += 1;
            p.among += causes.contains(&s.cause) as usize;
            if ranked.first().is_some_and(|c| c.confidence == "high") && !top1 {
                p.confident_wrong_undecidable
                    .push(format!("{}: high in {top}, thread: {}", s.name, s.cause));
            }
            continue;
        }
        p.decidable.add(top1, top3);
        p.per_cause
            .entry(s.cause.clone())
            .or_default()
            .add(top1, top3);
        p.per_client
            .entry(s.client.clone())
            .or_default()
            .add(top1, top3);
        if !top1 {
            *p.confusion
                .entry((s.cause.clone(), top.clone()))
                .or_default() += 1;
            let shown: Vec<String> = ranked
                .iter()
                .take(3)
                .map(|c| format!("{}={}", c.cause.as_str(), c.score))
                .collect();
            p.misses.push(format!(
                "{}: expected {}, got {} [{}]",
                s.name,
                s.cause,
                top,
                shown.join(", ")
            ));
        }
    }
    p
}

fn report(title: &str, p: &Part, name_misses: bool) -> String {
    let mut out = format!(
        "== {title}: decidable {}; not decidable {} (thread's cause among the candidates in {}); \
         `high` answers {} ({} right)\n",
        p.decidable.show(),
        p.undecidable,
        p.among,
        p.high,
        p.high_right
    );
    out.push_str("   per cause (decidable):\n");
    for (c, t) in &p.per_cause {
        out.push_str(&format!("     {c:<22} {}\n", t.show()));
    }
    out.push_str("   per client (decidable):\n");
    for (c, t) in &p.per_client {
        out.push_str(&format!("     {c:<22} {}\n", t.show()));
    }
    if !p.confusion.is_empty() {
        out.push_str("   confusion (expected -> got: count):\n");
        for ((e, g), n) in &p.confusion {
            out.push_str(&format!("     {e} -> {g}: {n}\n"));
        }
    }
    if name_misses && !p.misses.is_empty() {
        out.push_str("   misses:\n");
        for m in &p.misses {
            out.push_str(&format!("     {m}\n"));
        }
    }
    if name_misses && !p.high_wrong.is_empty() {
        out.push_str("   `high` and wrong:\n");
        for m in &p.high_wrong {
            out.push_str(&format!("     {m}\n"));
        }
    }
    out
}

/// Causes with fewer than the 8 texts asked for, and how many the corpus has: eleven
/// searches of the public threads reachable here (December 2026) found no more confirmed real
/// texts of them (docs/notes/explain.md "Corpus"). Each floor is what is there, so none can
/// shrink; a cause leaves this list when it reaches 8.
const SHORT_OF_TEXTS: &[(&str, usize)] = &[
    ("env-conflict", 3),
    ("git-password-auth", 7),
    ("inference-credits", 1),
    ("read-only-token", 7),
    ("stale-git-credential", 2),
    ("wrong-repo-type", 6),
];

/// Top-1 on the test part's decidable texts may not fall below this: the 90 %
/// (measured 90.8 %, 79 of 87: docs/notes/explain.md "Measured").
const TEST_PART_TOP1_FLOOR: f64 = 90.0;

#[test]
fn explain_generalises_to_texts_it_was_not_written_from() {
    let samples = corpus();
    let (test, train): (Vec<&Sample>, Vec<&Sample>) =
        samples.iter().partition(|s| in_test_part(&s.source));
    let tuned = measure(&train);
    let held = measure(&test);
    let per_cause: BTreeMap<&str, usize> = samples.iter().fold(BTreeMap::new(), |mut m, s| {
        *m.entry(s.cause.as_str()).or_default() += 1;
        m
    });
    let clients: BTreeSet<&str> = samples
        .iter()
        .map(|s| s.client.as_str())
        .filter(|c| *c != "other")
        .collect();
    eprintln!(
        "corpus: {} texts ({} in the tuning part, {} in the test part), {} causes, {} clients\n{}{}",
        samples.len(),
        train.len(),
        test.len(),
        per_cause.len(),
        clients.len(),
        report("tuning part (70 %)", &tuned, true),
        report("test part (30 %, not read while tuning)", &held, false),
    );
    // What the issue asks of the corpus itself.
    assert!(samples.len() >= 300, "only {} texts", samples.len());
    for cause in Cause::ALL
        .iter()
        .filter(|c| **c != Cause::ServerError)
        .map(|c| c.as_str())
    {
        let n = per_cause.get(cause.as_str()).copied().unwrap_or(0);
        let floor = SHORT_OF_TEXTS
            .iter()
            .find(|(c, _)| *c == cause)
            .map_or(8, |(_, n)| *n);
        assert!(n >= floor, "only {n} texts of {cause} (at least {floor})");
    }
    for (cause, floor) in SHORT_OF_TEXTS {
        let n = per_cause.get(cause).copied().unwrap_or(0);
        assert!(
            n < 8,
            "{cause} has {n} texts now: take it off SHORT_OF_TEXTS"
        );
        assert!(n >= *floor);
    }
    assert!(
        clients.len() >= 15,
        "only {} clients: {clients:?}",
        clients.len()
    );
    let sources: BTreeSet<&str> = samples.iter().map(|s| s.source.as_str()).collect();
    for s in &sources {
        let n = samples.iter().filter(|x| x.source == *s).count();
        assert!(n <= 2, "{n} texts from {s}: at most 2 a thread");
    }
    // Never a confident wrong answer where the text cannot decide.
    // The test part's texts are counted, never named.
    assert!(
        tuned.confident_wrong_undecidable.is_empty() && held.confident_wrong_undecidable.is_empty(),
        "confident where the text cannot decide: {:?} in the tuning part, {} in the test part",
        tuned.confident_wrong_undecidable,
        held.confident_wrong_undecidable.len()
    );
    let top1 = Tally::pct(held.decidable.top1, held.decidable.n);
    assert!(
        top1 >= TEST_PART_TOP1_FLOOR,
        "top-1 on the test part's decidable texts is {top1:.1} % (under {TEST_PART_TOP1_FLOOR} %)"
    );
    let high = Tally::pct(held.high_right, held.high);
    assert!(
        high >= 97.0,
        "`high` is right {high:.1} % of the time on the test part (under 97 %)"
    );
}

/// The examples of the issue that asked for this (each a real text), recognised.
#[test]
fn texts_from_clients_the_patterns_never_saw() {
    for (text, want) in [
        (
            "Error: Invalid certificate(UnknownIssuer) from the Xet client on cas-server.xethub.hf.co",
            "tls",
        ),
        (
            "batch response: We had to rate limit you, you hit the quota of 1000 api requests per 5 minutes",
            "rate-limited",
        ),
        (
            "DatasetNotFoundError: Dataset 'org/name' doesn't exist on the Hub or cannot be accessed.",
            "repo-not-found",
        ),
        (
            "HTTP 403 … This authentication method does not have sufficient permissions to call Inference Providers on behalf of user alice",
            "fine-grained-scope",
        ),
        (
            "Bad Header: invalid header 'Authorization: Bearer hf_abcdefghijklmnopqrstuvwxyzABCD\\n'",
            "invalid-token",
        ),
        (
            "Could not get file \"tokenizer.json\" from API: RequestError(Status(403, Response { url: https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/main/tokenizer.json }))",
            "gated-not-accepted",
        ),
    ] {
        let ranked = classify(text.as_bytes());
        let got = ranked.first().map(|c| c.cause.as_str());
        assert_eq!(got.as_deref(), Some(want), "{text}");
    }
}

/// The split is by source, once: the same URL always lands in the same part.
#[test]
fn the_split_is_stable() {
    assert_eq!(
        in_test_part("https://github.com/huggingface/huggingface_hub/issues/2002"),
        in_test_part("https://github.com/huggingface/huggingface_hub/issues/2002/")
    );
    let samples = corpus();
    let test = samples.iter().filter(|s| in_test_part(&s.source)).count();
    let share = test as f64 / samples.len() as f64;
    assert!(
        (0.2..=0.4).contains(&share),
        "test part is {share:.2} of the corpus"
    );
}
