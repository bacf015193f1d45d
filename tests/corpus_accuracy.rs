//! explain against real error texts from public threads (tests/corpus/): top-1 accuracy of
//! at least 95 %, every miss reported.

use hfdoctor::explain::patterns::classify;

struct Sample {
    name: String,
    cause: String,
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
        let bytes = std::fs::read(e.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let (head, body) = text.split_once("\n---\n").expect("header, then ---");
        let cause = head
            .lines()
            .find_map(|l| l.strip_prefix("# cause:"))
            .expect("a # cause: line")
            .trim()
            .to_string();
        assert!(
            head.lines().any(|l| l.starts_with("# source: http")),
            "{:?} has no source URL",
            e.file_name()
        );
        out.push(Sample {
            name: e.file_name().to_string_lossy().into_owned(),
            cause,
            decidable: !head.lines().any(|l| l.starts_with("# decidable: no")),
            text: body.as_bytes().to_vec(),
        });
    }
    out
}

#[test]
fn top1_accuracy_is_at_least_95_percent() {
    let samples = corpus();
    let causes: std::collections::BTreeSet<&str> =
        samples.iter().map(|s| s.cause.as_str()).collect();
    assert!(samples.len() >= 60, "only {} samples", samples.len());
    assert!(causes.len() >= 15, "only {} causes", causes.len());
    let mut misses = Vec::new();
    let mut all_hits = 0;
    let (mut undecidable, mut among) = (0, 0);
    let decidable = samples.iter().filter(|s| s.decidable).count();
    for s in &samples {
        let ranked = classify(&s.text);
        let top = ranked
            .first()
            .map(|c| c.cause.as_str())
            .unwrap_or_else(|| "(none)".into());
        if top == s.cause {
            all_hits += 1;
        }
        if !s.decidable {
            undecidable += 1;
            if ranked.iter().any(|c| c.cause.as_str() == s.cause) {
                among += 1;
            }
            // Never a confident wrong answer where the text cannot decide.
            if let Some(first) = ranked.first() {
                assert!(
                    first.confidence != "high" || top == s.cause,
                    "{}: confident ({}) in {} but the thread found {}",
                    s.name,
                    first.confidence,
                    top,
                    s.cause
                );
            }
            continue;
        }
        if top != s.cause {
            let others: Vec<String> = ranked
                .iter()
                .take(3)
                .map(|c| format!("{}={}", c.cause.as_str(), c.score))
                .collect();
            misses.push(format!(
                "{}: expected {}, got {} [{}]",
                s.name,
                s.cause,
                top,
                others.join(", ")
            ));
        }
    }
    let accuracy = 1.0 - misses.len() as f64 / decidable as f64;
    eprintln!(
        "corpus: {} samples, {} causes; top-1 on the {} decidable from the text: {:.1} %; on all: {:.1} %; \
         of {} not decidable from the text, the thread's cause is among the candidates in {}\n{}",
        samples.len(),
        causes.len(),
        decidable,
        accuracy * 100.0,
        all_hits as f64 * 100.0 / samples.len() as f64,
        undecidable,
        among,
        misses.join("\n")
    );
    assert!(decidable >= 60, "only {decidable} decidable samples");
    assert!(
        accuracy >= 0.95,
        "accuracy {:.1} %:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}
