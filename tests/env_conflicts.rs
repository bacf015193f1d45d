//! Every outcome of the env-conflicts check, in text and JSON.

mod support;

use support::*;

#[test]
fn ok_when_nothing_interferes() {
    let w = World::new();
    w.write_token(TOKEN_A);
    let (f, _) = w.outcome("env-conflicts/ok");
    assert_eq!(f["status"], "pass");
    assert_eq!(f["details"]["source"], "file:~/.cache/huggingface/token");
}

#[test]
fn env_token_shadows_a_different_file_token() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.write_stored(&[("personal", TOKEN_A), ("ci", TOKEN_B)]);
    w.set("HF_TOKEN", TOKEN_B);
    w.write(
        &w.home.join(".bashrc"),
        "alias ll='ls -l'\nexport HF_TOKEN=hf_xx\n",
    );
    w.write(
        &w.home.join(".config/fish/config.fish"),
        "set -gx HF_TOKEN hf_xx\n",
    );
    w.write(&w.cwd.join(".env"), "# HF_TOKEN=old\nHF_TOKEN=hf_xx\n");
    let (f, text) = w.outcome("env-conflicts/env-shadows-file");
    assert_eq!(f["status"], "warn");
    assert_eq!(f["cause"], "env-conflict");
    assert_eq!(f["details"]["masked"], "hf_…Wxyz");
    assert_eq!(f["details"]["file_masked"], "hf_…Abcd");
    assert_eq!(f["details"]["env_name"], "ci");
    assert_eq!(f["details"]["file_name"], "personal");
    assert_eq!(
        f["details"]["where"],
        "~/.bashrc:2, ~/.config/fish/config.fish:1, ~/work/.env:2"
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
fn hf_token_and_legacy_differ() {
    let mut w = World::new();
    w.set("HF_TOKEN", TOKEN_A)
        .set("HUGGING_FACE_HUB_TOKEN", TOKEN_B);
    w.write(&w.home.join(".zshrc"), "export HUGGING_FACE_HUB_TOKEN=x\n");
    let (f, _) = w.outcome("env-conflicts/legacy-differs");
    assert_eq!(f["cause"], "env-conflict");
    assert_eq!(f["details"]["masked"], "hf_…Abcd");
    assert_eq!(f["details"]["legacy_masked"], "hf_…Wxyz");
    assert_eq!(f["details"]["where"], "~/.zshrc:1");
}

#[test]
fn empty_hf_token_falls_through() {
    let mut w = World::new();
    w.set("HF_TOKEN", "");
    let (f, text) = w.outcome("env-conflicts/env-empty");
    assert_eq!(f["status"], "warn");
    assert_eq!(f["details"]["var"], "HF_TOKEN");
    assert!(text.contains("HF_TOKEN is set but empty"), "{text}");
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
fn whitespace_hf_token_alone() {
    let mut w = World::new();
    w.set("HF_TOKEN", " \t ");
    let (_, text) = w.outcome("env-conflicts/env-empty");
    assert!(text.contains("holds only whitespace"), "{text}");
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
        let mut w = World::new();
        w.set("HF_TOKEN", &value);
        let (f, text) = w.outcome("env-conflicts/env-malformed");
        assert_eq!(f["status"], "fail");
        assert_eq!(f["cause"], "invalid-token");
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[test]
fn unusual_env_token_is_a_warning() {
    let mut w = World::new();
    w.set("HF_TOKEN", "hf_tooshort12345678");
    let (f, _) = w.outcome("env-conflicts/env-unusual-shape");
    assert_eq!(f["status"], "warn");
}

#[test]
fn padded_env_value_works_for_python_but_not_for_others() {
    let mut w = World::new();
    w.set("HF_TOKEN", &format!(" {TOKEN_A}\r\n"));
    let (f, text) = w.outcome("env-conflicts/env-needs-cleaning");
    assert_eq!(f["status"], "warn");
    assert!(text.contains("git-xet"), "{text}");
}

#[test]
fn token_path_pointing_nowhere_or_at_a_directory() {
    let mut w = World::new();
    w.set("HF_TOKEN_PATH", "/nonexistent/hf/token");
    let (f, text) = w.outcome("env-conflicts/token-path-unusable");
    assert!(text.contains("names a file that does not exist"), "{text}");
    assert_eq!(f["details"]["value"], "/nonexistent/hf/token");

    let mut w = World::new();
    let d = w.home.join("tokdir");
    std::fs::create_dir_all(&d).unwrap();
    w.set("HF_TOKEN_PATH", d.to_str().unwrap());
    let (_, text) = w.outcome("env-conflicts/token-path-unusable");
    assert!(text.contains("names a directory"), "{text}");

    let mut w = World::new();
    w.set("HF_TOKEN_PATH", "");
    let (_, text) = w.outcome("env-conflicts/token-path-unusable");
    assert!(text.contains("IsADirectoryError"), "{text}");
    // And the file check agrees: the client would read `.`, a directory.
    let json = w.json(&["--offline"]).json();
    assert!(find(&json, "token-file/is-directory").is_some());
}

#[test]
fn empty_hf_home_makes_the_path_relative() {
    let mut w = World::new();
    w.set("HF_HOME", "");
    // A token in the current directory is found, as the client finds it.
    w.write(&w.cwd.join("token"), TOKEN_A);
    let (f, text) = w.outcome("env-conflicts/relative-token-path");
    assert_eq!(f["details"]["var"], "HF_HOME");
    assert_eq!(f["details"]["path"], "token");
    assert_eq!(f["details"]["cwd"], "~/work");
    assert!(text.contains("hf_…Abcd"), "{text}");
}

#[test]
fn empty_xdg_cache_home_makes_the_path_relative() {
    let mut w = World::new();
    w.set("XDG_CACHE_HOME", "");
    let (f, _) = w.outcome("env-conflicts/relative-token-path");
    assert_eq!(f["details"]["path"], "huggingface/token");
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
fn offline_mode_with_the_clients_truthiness() {
    type Vars = &'static [(&'static str, &'static str)];
    let cases: &[(Vars, Option<(&str, &str)>)] = &[
        (
            &[("HF_HUB_OFFLINE", "1")],
            Some(("offline-mode", "HF_HUB_OFFLINE")),
        ),
        (
            &[("HF_HUB_OFFLINE", "YES")],
            Some(("offline-mode", "HF_HUB_OFFLINE")),
        ),
        (
            &[("TRANSFORMERS_OFFLINE", "1")],
            Some(("offline-mode", "TRANSFORMERS_OFFLINE")),
        ),
        // Empty HF_HUB_OFFLINE lets TRANSFORMERS_OFFLINE decide.
        (
            &[("HF_HUB_OFFLINE", ""), ("TRANSFORMERS_OFFLINE", "on")],
            Some(("offline-mode", "TRANSFORMERS_OFFLINE")),
        ),
        // HF_HUB_OFFLINE=0 wins over TRANSFORMERS_OFFLINE=1.
        (
            &[("HF_HUB_OFFLINE", "0"), ("TRANSFORMERS_OFFLINE", "1")],
            Some(("offline-value-ignored", "TRANSFORMERS_OFFLINE")),
        ),
        // "y" is not true to the client.
        (
            &[("HF_HUB_OFFLINE", "y")],
            Some(("offline-value-ignored", "HF_HUB_OFFLINE")),
        ),
        (&[("HF_HUB_OFFLINE", "0")], None),
    ];
    for (vars, expected) in cases {
        let mut w = World::new();
        for (k, v) in vars.iter() {
            w.set(k, v);
        }
        let json = w.json(&["--offline"]).json();
        let got: Vec<String> = codes(&json)
            .into_iter()
            .filter(|c| c.starts_with("env-conflicts/") && c.contains("offline"))
            .collect();
        match expected {
            Some((outcome, var)) => {
                let code = format!("env-conflicts/{outcome}");
                assert_eq!(got, vec![code.clone()], "{vars:?}");
                let (f, _) = w.outcome(&code);
                assert_eq!(f["details"]["var"], *var, "{vars:?}");
                if *outcome == "offline-mode" {
                    assert_eq!(f["cause"], "offline-mode");
                }
            }
            None => assert!(got.is_empty(), "{vars:?}: {got:?}"),
        }
    }
}

#[test]
fn endpoint_problems() {
    let cases = [
        ("", "endpoint-empty", "fail"),
        ("huggingface.co", "endpoint-no-scheme", "fail"),
        ("https://hf-mirror.com", "endpoint-mirror", "warn"),
        ("https://hub.corp.example", "endpoint-custom", "warn"),
    ];
    for (value, outcome, status) in cases {
        let mut w = World::new();
        w.set("HF_ENDPOINT", value);
        let (f, _) = w.outcome(&format!("env-conflicts/{outcome}"));
        assert_eq!(f["status"], status, "{value}");
        assert_eq!(f["cause"], "mirror-endpoint", "{value}");
    }
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
fn stored_tokens_without_the_active_one() {
    let w = World::new();
    w.write_token(TOKEN_C);
    w.write_stored(&[("work", TOKEN_A), ("home", TOKEN_B)]);
    let (f, _) = w.outcome("env-conflicts/stored-no-active");
    assert_eq!(f["details"]["names"], "home, work");
    assert_eq!(fix_commands(&f)[0], "hf auth switch --token-name home");
}

#[test]
fn stored_tokens_that_do_not_parse() {
    let w = World::new();
    w.write_token(TOKEN_A);
    w.write(
        &w.home.join(".cache/huggingface/stored_tokens"),
        "hf_token = outside any section\n",
    );
    let (f, _) = w.outcome("env-conflicts/stored-unreadable");
    assert_eq!(f["status"], "warn");
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
