//! Fixes fit this user's run: Hub addresses use the configured endpoint, git credential lines
//! the host and protocol git talks to, commands the user's shell.

mod support;

use serde_json::Value;
use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";
const REVOKED: &str = "hf_revokedaaaaaaaaaaaaaaaaaaaaaaaRevk";

/// Every fix of a run's JSON (findings), or of an explain's (matches): (url, commands, text).
fn fixes(json: &Value, list: &str) -> Vec<(Option<String>, Vec<String>, String)> {
    json[list]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["fixes"].as_array().cloned().unwrap_or_default())
        .map(|fix| {
            (
                fix["url"].as_str().map(str::to_string),
                fix["commands"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect(),
                fix["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A failing run against a stand-in: every URL of every fix is under that endpoint, and no
/// fix (text, command or URL) names huggingface.co.
#[test]
fn fixes_use_the_configured_endpoint() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .revoked(REVOKED, "alice")
            .repo(Repo::model("acme/model").private()),
    );
    let mut w = World::new();
    w.write_token(REVOKED);
    w.set("HF_ENDPOINT", &hub.url);
    let r = w.json(&["--repo", "acme/model", "--timeout", "10"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let json = r.json();
    let all = fixes(&json, "checks");
    let urls: Vec<&String> = all.iter().filter_map(|(u, _, _)| u.as_ref()).collect();
    assert!(
        urls.iter().any(|u| u.contains("/settings/tokens")),
        "no token page among {urls:?}"
    );
    for u in &urls {
        assert!(u.starts_with(&hub.url), "{u} is not under {}", hub.url);
    }
    for (url, commands, text) in &all {
        for s in commands.iter().chain(url).chain(std::iter::once(text)) {
            assert!(!s.contains("huggingface.co"), "{s}");
        }
    }
    // The same for the causes explain names.
    let r = w.explain(
        "401 Client Error: Unauthorized for url: x\nInvalid credentials in Authorization header\n",
        &["--no-check", "--format", "json"],
    );
    let all = fixes(&r.json(), "matches");
    assert!(!all.is_empty(), "{}", r.stdout);
    for (url, commands, text) in &all {
        if let Some(u) = url {
            assert!(u.starts_with(&hub.url), "{u}");
        }
        for s in commands.iter().chain(url).chain(std::iter::once(text)) {
            assert!(!s.contains("huggingface.co"), "{s}");
        }
    }
}

/// Without HF_ENDPOINT the pages are the Hub's own.
#[test]
fn fixes_name_the_hub_without_an_endpoint() {
    let w = World::new();
    let r = w.json(&["--offline", "--only", "token-file"]);
    let json = r.json();
    let urls: Vec<String> = fixes(&json, "checks")
        .into_iter()
        .filter_map(|(u, _, _)| u)
        .collect();
    assert_eq!(urls, vec!["https://huggingface.co/settings/tokens"]);
}

/// `git credential` lines name the protocol and host:port git talks to, here a plain-http
/// remote on a loopback port, never huggingface.co.
#[test]
fn git_credential_lines_use_the_remote_host_and_protocol() {
    let hub = HubServer::start(HubWorld::new());
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.git_repo(Some(&format!("{}/acme/model", hub.url)));
    let host = hub.url.trim_start_matches("http://").to_string();
    let r = w.explain(
        "batch response: Authorization error.\n",
        &["--no-check", "--format", "json"],
    );
    let commands: Vec<String> = fixes(&r.json(), "matches")
        .into_iter()
        .flat_map(|(_, c, _)| c)
        .filter(|c| c.contains("git credential"))
        .collect();
    assert_eq!(
        commands,
        vec![format!(
            "printf 'protocol=http\\nhost={host}\\n\\n' | git credential reject"
        )],
        "{}",
        r.stdout
    );
}

/// The same finding's fix in sh and in fish.
#[test]
fn commands_fit_the_users_shell() {
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_TOKEN", "hf_envtokenaaaaaaaaaaaaaaaaaaaaaaaEnvt");
    let mut commands = |shell: &str| -> Vec<String> {
        w.set("SHELL", shell);
        let r = w.json(&["--offline", "--only", "env-conflicts"]);
        fixes(&r.json(), "checks")
            .into_iter()
            .flat_map(|(_, c, _)| c)
            .collect()
    };
    let sh = commands("/bin/sh");
    let fish = commands("/usr/bin/fish");
    assert!(sh.contains(&"unset HF_TOKEN".to_string()), "{sh:?}");
    assert!(fish.contains(&"set -e HF_TOKEN".to_string()), "{fish:?}");
    assert!(!fish.iter().any(|c| c.starts_with("unset ")), "{fish:?}");
    // And in the text output.
    w.set("SHELL", "/usr/bin/fish");
    let text = w.run(&["--offline", "--only", "env-conflicts", "--color", "never"]);
    assert!(text.stdout.contains("$ set -e HF_TOKEN"), "{}", text.stdout);
}
