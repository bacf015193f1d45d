//! Smaller truths, end to end: what the masked token shows, when the no-token fix names
//! HF_HUB_DISABLE_IMPLICIT_TOKEN, how a refused connection reads, offline mode with a target.

mod support;

use serde_json::Value;
use support::*;

const TOKEN: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";

/// The client strips whitespace, not quotes: a quoted HF_TOKEN is sent with its quotes, and
/// the masked form shows them.
#[test]
fn a_quoted_token_shows_its_quotes() {
    let mut w = World::new();
    w.set("HF_TOKEN", &format!("\"{TOKEN}\"\n"));
    let json = w.json(&["--offline"]).json();
    assert_eq!(json["token"]["in_effect"]["masked"], "\"hf_…Writ\"");
    let text = w.run(&["--offline", "--color", "never"]).stdout;
    assert!(
        text.contains("token in effect: \"hf_…Writ\" from HF_TOKEN"),
        "{text}"
    );
}

fn no_token_fixes(w: &World) -> Vec<Value> {
    let r = w.explain(
        "fatal: could not read Username for 'https://huggingface.co': terminal prompts disabled\n",
        &["--no-check", "--format", "json"],
    );
    let json = r.json();
    let m = json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["cause"] == "no-token")
        .unwrap_or_else(|| panic!("no no-token match: {json}"))
        .clone();
    m["fixes"].as_array().unwrap().clone()
}

#[test]
fn the_no_token_fix_names_the_implicit_token_switch_only_when_it_is_on() {
    let mut w = World::new();
    for value in [None, Some("0")] {
        if let Some(v) = value {
            w.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", v);
        }
        let fixes = no_token_fixes(&w);
        assert!(!fixes.is_empty());
        let all = serde_json::to_string(&fixes).unwrap();
        assert!(
            !all.contains("HF_HUB_DISABLE_IMPLICIT_TOKEN"),
            "{value:?}: {all}"
        );
    }
    w.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1");
    let fixes = no_token_fixes(&w);
    assert_eq!(
        fixes[0]["commands"][0], "unset HF_HUB_DISABLE_IMPLICIT_TOKEN",
        "{fixes:?}"
    );
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn a_refused_connection_reads_as_refused() {
    let mut w = World::new();
    w.write_token(TOKEN);
    w.set(
        "HF_ENDPOINT",
        &format!("http://127.0.0.1:{}", closed_port()),
    );
    let (f, text) = w.outcome_with(
        "token-valid/unreachable",
        &["--only", "token-valid", "--timeout", "5"],
    );
    let why = f["why"].as_str().unwrap();
    assert!(why.contains("refused"), "{why}");
    for wrong in ["opened", "no answer", "Nothing answered"] {
        assert!(!why.contains(wrong), "{why}");
        assert!(!text.contains(wrong), "{text}");
    }
}

#[test]
fn offline_mode_with_a_target_fails() {
    let mut w = World::new();
    w.write_token(TOKEN);
    w.set("HF_HUB_OFFLINE", "1");
    let r = w.json(&["--offline", "--repo", "acme/model"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let json = r.json();
    let f = find(&json, "env-conflicts/offline-blocks-target").expect("offline finding");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "offline-mode");
    assert!(f["summary"]
        .as_str()
        .unwrap()
        .contains("every download that is not in the cache fails"));
    assert_eq!(fix_commands(&f), vec!["unset HF_HUB_OFFLINE"]);
    let failing: Vec<&Value> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    // One cause: what offline mode blocks, and (hf-cache) that the cache cannot stand in.
    assert!(
        failing.iter().all(|f| f["cause"] == "offline-mode"),
        "{failing:?}"
    );
    assert!(find(&json, "hf-cache/offline-no-snapshot").is_some());
    assert_eq!(
        json["diagnosis"].as_array().map(|d| d.len()),
        Some(1),
        "{json}"
    );
    // In the user's shell.
    w.set("SHELL", "/usr/bin/fish");
    let f = find(
        &w.json(&["--offline", "--repo", "acme/model"]).json(),
        "env-conflicts/offline-blocks-target",
    )
    .unwrap();
    assert_eq!(fix_commands(&f), vec!["set -e HF_HUB_OFFLINE"]);
    // Without a target it is a choice: a warning.
    let json = w.json(&["--offline"]).json();
    let f = find(&json, "env-conflicts/offline-mode").expect("offline-mode warning");
    assert_eq!(f["status"], "warn");
    assert!(find(&json, "env-conflicts/offline-blocks-target").is_none());
}
