//! Every outcome of the env-conflicts check: most in process (a `Harness`: the check alone,
//! its typed outcome), the rest end to end through the binary, in text and JSON (the token
//! block, the endpoint, fixes as printed).

mod support;

use hfdoctor::checks::{env_conflicts::Outcome, token_file};
use hfdoctor::engine::finding::{Cause, Status};
use support::*;

// ---------------------------------------------------------------------------------------------
// In process

#[test]
fn ok_when_nothing_interferes() {
    let f = Harness::new().token(TOKEN_A).find(Outcome::Ok);
    f.assert_status(Status::Pass);
    assert_eq!(f.detail("source"), "file:~/.cache/huggingface/token");
}

#[test]
fn hf_token_and_legacy_differ() {
    let f = Harness::new()
        .env("HF_TOKEN", TOKEN_A)
        .env("HUGGING_FACE_HUB_TOKEN", TOKEN_B)
        .file(
            ".zshrc",
            format!("export HUGGING_FACE_HUB_TOKEN={TOKEN_B}\n"),
        )
        .find(Outcome::LegacyDiffers);
    assert_eq!(f.cause, Some(Cause::EnvConflict));
    assert_eq!(f.detail("masked"), "hf_…Abcd");
    assert_eq!(f.detail("legacy_masked"), "hf_…Wxyz");
    assert_eq!(f.detail("where"), "~/.zshrc:1");
}

/// A start-up line that sets another value is not where the value in effect comes from.
#[test]
fn a_line_with_another_value_is_not_where_it_is_set() {
    let f = Harness::new()
        .env("HF_TOKEN", TOKEN_A)
        .env("HUGGING_FACE_HUB_TOKEN", TOKEN_B)
        .file(".zshrc", "export HUGGING_FACE_HUB_TOKEN=x\n")
        .find(Outcome::LegacyDiffers);
    assert_eq!(f.detail("where"), "where-unknown");
}

#[test]
fn empty_hf_token_falls_through() {
    let f = Harness::new().env("HF_TOKEN", "").find(Outcome::EnvEmpty);
    f.assert_status(Status::Warn);
    assert_eq!(f.detail("var"), "HF_TOKEN");
    assert!(
        f.summary().contains("HF_TOKEN is set but empty"),
        "{}",
        f.summary()
    );
}

#[test]
fn whitespace_hf_token_alone() {
    let f = Harness::new()
        .env("HF_TOKEN", " \t ")
        .find(Outcome::EnvEmpty);
    assert!(
        f.summary().contains("holds only whitespace"),
        "{}",
        f.summary()
    );
}

#[test]
fn malformed_env_values() {
    for (value, needle) in [
        (format!("\"{TOKEN_A}\""), "wrapped in quotes"),
        (
            "hf_aaaa aaaaaaaaaaaaaaaaaaaaaaaaaaaaAbcd".to_string(),
            "spaces inside",
        ),
        (format!("{TOKEN_A}\n{TOKEN_B}"), "several lines"),
        ("password123".to_string(), "not a Hugging Face token"),
    ] {
        let f = Harness::new()
            .env("HF_TOKEN", &value)
            .find(Outcome::EnvMalformed);
        f.assert_status(Status::Fail);
        assert_eq!(f.cause, Some(Cause::InvalidToken));
        assert!(f.summary().contains(needle), "{needle}: {}", f.summary());
    }
}

#[test]
fn unusual_env_token_is_a_warning() {
    Harness::new()
        .env("HF_TOKEN", "hf_tooshort12345678")
        .find(Outcome::EnvUnusualShape)
        .assert_status(Status::Warn);
}

#[test]
fn padded_env_value_works_for_python_but_not_for_others() {
    let f = Harness::new()
        .env("HF_TOKEN", &format!(" {TOKEN_A}\r\n"))
        .find(Outcome::EnvNeedsCleaning);
    f.assert_status(Status::Warn);
    assert_eq!(f.detail("var"), "HF_TOKEN");
    assert!(f.why().contains("git-xet"), "{}", f.why());
}

#[test]
fn token_path_pointing_nowhere_or_at_a_directory() {
    let f = Harness::new()
        .env("HF_TOKEN_PATH", "/nonexistent/hf/token")
        .find(Outcome::TokenPathUnusable);
    assert!(
        f.summary().contains("names a file that does not exist"),
        "{}",
        f.summary()
    );
    assert_eq!(f.detail("value"), "/nonexistent/hf/token");

    let h = Harness::new().dir("tokdir");
    let dir = h.path("tokdir");
    let f = h
        .env("HF_TOKEN_PATH", dir.to_str().unwrap())
        .find(Outcome::TokenPathUnusable);
    assert!(f.summary().contains("names a directory"), "{}", f.summary());

    let h = Harness::new().env("HF_TOKEN_PATH", "");
    h.find(Outcome::TokenPathUnusable);
    // And the file check agrees: the client would read `.`, a directory.
    h.find(token_file::Outcome::IsDirectory);
}

#[test]
fn empty_hf_home_makes_the_path_relative() {
    // A token in the current directory is found, as the client finds it.
    let h = Harness::new()
        .env("HF_HOME", "")
        .file("work/token", TOKEN_A);
    let f = h.find(Outcome::RelativeTokenPath);
    assert_eq!(f.detail("var"), "HF_HOME");
    assert_eq!(f.detail("path"), "token");
    assert_eq!(f.detail("cwd"), "~/work");
    assert_eq!(h.find(token_file::Outcome::Ok).detail("masked"), "hf_…Abcd");
}

#[test]
fn empty_xdg_cache_home_makes_the_path_relative() {
    let f = Harness::new()
        .env("XDG_CACHE_HOME", "")
        .find(Outcome::RelativeTokenPath);
    assert_eq!(f.detail("path"), "huggingface/token");
}

#[test]
fn offline_mode_with_the_clients_truthiness() {
    type Vars = &'static [(&'static str, &'static str)];
    let cases: &[(Vars, Option<(Outcome, &str)>)] = &[
        (
            &[("HF_HUB_OFFLINE", "1")],
            Some((Outcome::OfflineMode, "HF_HUB_OFFLINE")),
        ),
        (
            &[("HF_HUB_OFFLINE", "YES")],
            Some((Outcome::OfflineMode, "HF_HUB_OFFLINE")),
        ),
        (
            &[("TRANSFORMERS_OFFLINE", "1")],
            Some((Outcome::OfflineMode, "TRANSFORMERS_OFFLINE")),
        ),
        // Empty HF_HUB_OFFLINE lets TRANSFORMERS_OFFLINE decide.
        (
            &[("HF_HUB_OFFLINE", ""), ("TRANSFORMERS_OFFLINE", "on")],
            Some((Outcome::OfflineMode, "TRANSFORMERS_OFFLINE")),
        ),
        // HF_HUB_OFFLINE=0 wins over TRANSFORMERS_OFFLINE=1.
        (
            &[("HF_HUB_OFFLINE", "0"), ("TRANSFORMERS_OFFLINE", "1")],
            Some((Outcome::OfflineValueIgnored, "TRANSFORMERS_OFFLINE")),
        ),
        // "y" is not true to the client.
        (
            &[("HF_HUB_OFFLINE", "y")],
            Some((Outcome::OfflineValueIgnored, "HF_HUB_OFFLINE")),
        ),
        (&[("HF_HUB_OFFLINE", "0")], None),
    ];
    let offline_outcomes = [Outcome::OfflineMode, Outcome::OfflineValueIgnored];
    for (vars, expected) in cases {
        let h = vars.iter().fold(Harness::new(), |h, (k, v)| h.env(k, v));
        let checked = h.run::<Outcome>();
        let got: Vec<&hfdoctor::engine::finding::Finding> = checked
            .findings
            .iter()
            .filter(|f| offline_outcomes.iter().any(|o| f.is(*o)))
            .collect();
        match expected {
            Some((outcome, var)) => {
                assert_eq!(got.len(), 1, "{vars:?}: {:?}", checked.codes());
                assert!(got[0].is(*outcome), "{vars:?}: {:?}", checked.codes());
                assert_eq!(got[0].detail("var"), *var, "{vars:?}");
                if *outcome == Outcome::OfflineMode {
                    assert_eq!(got[0].cause, Some(Cause::OfflineMode));
                }
            }
            None => assert!(got.is_empty(), "{vars:?}: {:?}", checked.codes()),
        }
    }
}

#[test]
fn endpoint_problems() {
    let cases = [
        ("", Outcome::EndpointEmpty, Status::Fail),
        ("huggingface.co", Outcome::EndpointNoScheme, Status::Fail),
        (
            "https://hf-mirror.com",
            Outcome::EndpointMirror,
            Status::Warn,
        ),
        (
            "https://hub.corp.example",
            Outcome::EndpointCustom,
            Status::Warn,
        ),
    ];
    for (value, outcome, status) in cases {
        let f = Harness::new().env("HF_ENDPOINT", value).find(outcome);
        assert_eq!(f.status, status, "{value}");
        assert_eq!(f.cause, Some(Cause::MirrorEndpoint), "{value}");
    }
}

#[test]
fn stored_tokens_without_the_active_one() {
    let f = Harness::new()
        .token(TOKEN_C)
        .stored(&[("work", TOKEN_A), ("home", TOKEN_B)])
        .find(Outcome::StoredNoActive);
    assert_eq!(f.detail("names"), "home, work");
    assert_eq!(f.fix_commands()[0], "hf auth switch --token-name home");
}

#[test]
fn stored_tokens_that_do_not_parse() {
    Harness::new()
        .token(TOKEN_A)
        .file(
            ".cache/huggingface/stored_tokens",
            "hf_token = outside any section\n",
        )
        .find(Outcome::StoredUnreadable)
        .assert_status(Status::Warn);
}

// ---------------------------------------------------------------------------------------------
// End to end: the binary's text and JSON

#[test]
fn env_token_shadows_a_different_file_token() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.write_stored(&[("personal", TOKEN_A), ("ci", TOKEN_B)]);
    w.set("HF_TOKEN", TOKEN_B);
    // Only a line that sets the value in effect is where it is set: not one that sets
    // another value, a comment, or an unset; of several, the last.
    w.write(
        &w.home.join(".bashrc"),
        format!("alias ll='ls -l'\nexport HF_TOKEN=\"{TOKEN_B}\"\nexport HF_TOKEN=hf_xx\n"),
    );
    w.write(
        &w.home.join(".config/fish/config.fish"),
        format!("set -gx HF_TOKEN {TOKEN_B}\nset -e HF_TOKEN\n"),
    );
    w.write(
        &w.cwd.join(".env"),
        format!("# HF_TOKEN={TOKEN_B}\nHF_TOKEN=hf_xx\n"),
    );
    let (f, text) = w.outcome("env-conflicts/env-shadows-file");
    assert_eq!(f["status"], "warn");
    assert_eq!(f["cause"], "env-conflict");
    assert_eq!(f["details"]["masked"], "hf_…Wxyz");
    assert_eq!(f["details"]["file_masked"], "hf_…Abcd");
    assert_eq!(f["details"]["env_name"], "ci");
    assert_eq!(f["details"]["file_name"], "personal");
    assert_eq!(f["details"]["where"], "~/.config/fish/config.fish:1");
    assert!(
        text.contains("delete the line that sets it: ~/.config/fish/config.fish:1."),
        "{text}"
    );
    assert_eq!(fix_commands(&f)[0], "unset HF_TOKEN");
    assert!(
        text.contains("token in effect: hf_…Wxyz from HF_TOKEN (environment) — it shadows the token file ~/.cache/huggingface/token, which holds a different token (hf_…Abcd)"),
        "{text}"
    );
    // The JSON token block names both, with provenance.
    let json = w.json(&["--offline"]).json();
    assert_eq!(json["token"]["in_effect"]["source"], "env:HF_TOKEN");
    assert_eq!(json["token"]["in_effect"]["masked"], "hf_…Wxyz");
    let others = json["token"]["others"].as_array().unwrap();
    let file = others
        .iter()
        .find(|o| o["source"] == "file:~/.cache/huggingface/token")
        .unwrap();
    assert_eq!(file["same_as_in_effect"], false);
    let stored_ci = others.iter().find(|o| o["source"] == "stored:ci").unwrap();
    assert_eq!(stored_ci["same_as_in_effect"], true);
}

#[test]
fn same_token_in_env_and_file_is_no_conflict() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.set("HF_TOKEN", TOKEN_A);
    let json = w.json(&["--offline"]).json();
    assert!(find(&json, "env-conflicts/env-shadows-file").is_none());
    assert!(find(&json, "env-conflicts/ok").is_some());
    let text = w.run(&["--offline"]).stdout;
    assert!(
        text.contains("the token file ~/.cache/huggingface/token holds the same token"),
        "{text}"
    );
}

#[test]
fn whitespace_hf_token_hides_legacy() {
    let mut w = World::new();
    w.write_token(TOKEN_C);
    w.set("HF_TOKEN", "   ")
        .set("HUGGING_FACE_HUB_TOKEN", TOKEN_B);
    let (f, _) = w.outcome("env-conflicts/whitespace-hides-legacy");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "env-conflict");
    // What the client really uses: the file, not the legacy variable.
    let json = w.json(&["--offline"]).json();
    assert_eq!(
        json["token"]["in_effect"]["source"],
        "file:~/.cache/huggingface/token"
    );
    assert_eq!(json["token"]["in_effect"]["masked"], "hf_…Qrst");
}

#[test]
fn implicit_token_disabled() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "true");
    let (f, text) = w.outcome("env-conflicts/implicit-token-disabled");
    assert_eq!(f["cause"], "no-token");
    assert!(text.contains("downloads go out without it"), "{text}");
    let json = w.json(&["--offline"]).json();
    assert_eq!(json["token"]["sent_implicitly"], false);
    // The token still resolves, as get_token() returns it.
    assert_eq!(json["token"]["in_effect"]["masked"], "hf_…Abcd");
}

#[test]
fn endpoint_problems_end_to_end() {
    let mut w = World::new();
    w.set("HF_ENDPOINT", "huggingface.co");
    let (f, _) = w.outcome("env-conflicts/endpoint-no-scheme");
    assert_eq!(
        fix_commands(&f),
        vec!["export HF_ENDPOINT=https://huggingface.co"]
    );
    // The endpoint the run reports is the client's (trailing slash removed).
    let mut w = World::new();
    w.set("HF_ENDPOINT", "https://huggingface.co/");
    let json = w.json(&["--offline"]).json();
    assert_eq!(json["endpoint"], "https://huggingface.co");
    assert!(find(&json, "env-conflicts/ok").is_some());
}

#[test]
fn plain_http_endpoint_with_a_token_fails() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.set("HF_ENDPOINT", "http://hub.corp.example");
    let (f, _) = w.outcome("env-conflicts/endpoint-insecure");
    assert_eq!(f["status"], "fail");
    // Loopback is this machine: not insecure.
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.set("HF_ENDPOINT", "http://127.0.0.1:9");
    let json = w.json(&["--offline"]).json();
    assert!(find(&json, "env-conflicts/endpoint-insecure").is_none());
    assert!(find(&json, "env-conflicts/endpoint-custom").is_some());
}

#[test]
fn staging_mode() {
    let mut w = World::new();
    w.set("HUGGINGFACE_CO_STAGING", "1");
    let (f, _) = w.outcome("env-conflicts/staging-mode");
    assert_eq!(f["details"]["path"], "~/.cache/huggingface_staging/token");
    let json = w.json(&["--offline"]).json();
    assert_eq!(json["endpoint"], "https://hub-ci.huggingface.co");
}

#[test]
fn oidc_outcomes() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.set("HF_OIDC_RESOURCE", "acme/model");
    let (f, _) = w.outcome("env-conflicts/oidc-no-id-token");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "no-token");
    let json = w.json(&["--offline"]).json();
    assert_eq!(json["token"]["in_effect"]["source"], "oidc:acme/model");
    assert_eq!(
        json["token"]["in_effect"]["masked"],
        serde_json::Value::Null
    );

    w.set("GITHUB_ACTIONS", "true");
    let (f, _) = w.outcome("env-conflicts/oidc-github-no-permission");
    assert_eq!(f["status"], "fail");

    w.set("ACTIONS_ID_TOKEN_REQUEST_URL", "https://example.invalid/x")
        .set("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "secret-request-token");
    let (f, text) = w.outcome("env-conflicts/oidc");
    assert_eq!(f["status"], "pass");
    assert_eq!(f["details"]["id_token_from"], "GitHub Actions");
    assert!(!text.contains("secret-request-token"));

    let mut w = World::new();
    w.set("HF_OIDC_RESOURCE", "acme/model")
        .set("HF_OIDC_ID_TOKEN", "eyJ.x.y");
    let (f, _) = w.outcome("env-conflicts/oidc");
    assert_eq!(f["details"]["id_token_from"], "HF_OIDC_ID_TOKEN");
}

/// The installed huggingface_hub is older than the rules hfdoctor follows: where that changes
/// which token it sends, the check says how.
#[test]
fn an_installed_client_that_finds_the_token_otherwise() {
    let mut w = World::new();
    let Some(old) = support::venv::venv(&w.home, "old", &[("huggingface_hub", "0.22.2", &[])])
    else {
        eprintln!("SKIPPED an_installed_client_that_finds_the_token_otherwise: no python3 venv");
        return;
    };
    w.set("PATH", old.to_str().unwrap());
    w.write_token(TOKEN_A);
    let elsewhere = w.home.join("tok");
    std::fs::write(&elsewhere, TOKEN_B).unwrap();
    w.set("HF_TOKEN_PATH", elsewhere.to_str().unwrap());
    let (f, text) = w.outcome_with(
        "env-conflicts/installed-client-differs",
        &["--only", "env-conflicts", "--offline"],
    );
    assert_eq!(f["cause"], "client-outdated");
    assert_eq!(f["details"]["version"], "0.22.2");
    assert_eq!(f["details"]["how"], "resolve-no-token-path");
    assert!(
        text.contains("it does not read HF_TOKEN_PATH (0.23 and later)"),
        "{text}"
    );
    assert_eq!(
        fix_commands(&f),
        vec!["~/old/bin/python3 -m pip install -U huggingface_hub"]
    );
    let mut zh = World::new();
    zh.env = w.env.clone();
    zh.set("LANG", "zh_TW.UTF-8");
    let (_, text) = zh.outcome_with(
        "env-conflicts/installed-client-differs",
        &["--only", "env-conflicts", "--offline"],
    );
    assert!(text.contains("它不會讀取 HF_TOKEN_PATH"), "{text}");
    // 2.x reads it: nothing to say.
    let new = support::venv::venv(&w.home, "new", &[("huggingface_hub", "2.4.0", &[])]).unwrap();
    w.set("PATH", new.to_str().unwrap());
    let j = w.json(&["--only", "env-conflicts", "--offline"]).json();
    assert!(
        find(&j, "env-conflicts/installed-client-differs").is_none(),
        "{j}"
    );
}
