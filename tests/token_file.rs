//! Every outcome of the token-file check: most in process (a `Harness`: the check alone, its
//! typed outcome), a few end to end through the binary, in text and JSON.

mod support;

use hfdoctor::checks::token_file::Outcome;
use hfdoctor::engine::finding::{Cause, Status};
use support::*;

// ---------------------------------------------------------------------------------------------
// In process

#[test]
fn ok_names_the_stored_token() {
    let f = Harness::new()
        .token(TOKEN_A)
        .stored(&[("work-write", TOKEN_A), ("other", TOKEN_B)])
        .find(Outcome::Ok);
    assert_eq!(f.detail("stored_name"), "work-write");
}

#[test]
fn short_lived_oauth_token() {
    let f = Harness::new()
        .token("hf_oauth_0123456789abcdefghijklmnopqrstuv")
        .find(Outcome::ShortLived);
    f.assert_status(Status::Pass);
    assert_eq!(f.detail("kind"), "hf_oauth_");
    assert!(f.summary().contains("hf_oauth_…stuv"), "{}", f.summary());
}

#[test]
fn missing_with_env_token_passes() {
    let f = Harness::new()
        .env("HF_TOKEN", TOKEN_A)
        .find(Outcome::MissingEnvInEffect);
    f.assert_status(Status::Pass);
    assert_eq!(f.detail("source"), "env:HF_TOKEN");
    assert!(
        f.summary().ends_with("comes from HF_TOKEN."),
        "{}",
        f.summary()
    );
}

#[test]
fn directory_shadowed_by_env_is_only_a_warning() {
    let f = Harness::new()
        .dir(".cache/huggingface/token")
        .env("HF_TOKEN", TOKEN_A)
        .find(Outcome::ShadowedBroken);
    f.assert_status(Status::Warn);
    assert_eq!(f.detail("source"), "env:HF_TOKEN");
    let summary = f.summary();
    assert!(summary.contains("(it is a directory)"), "{summary}");
    assert!(summary.contains("but HF_TOKEN is in effect"), "{summary}");
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    let h = Harness::new().file_mode(".cache/huggingface/token", TOKEN_A, 0o000);
    if std::fs::read(h.path(".cache/huggingface/token")).is_ok() {
        eprintln!("SKIPPED unreadable_file: running as root, every file is readable");
        return;
    }
    let f = h.find(Outcome::Unreadable);
    f.assert_status(Status::Fail);
    assert!(f.detail("reason").contains("ermission"));
}

#[cfg(unix)]
#[test]
fn fifo_is_not_read_and_does_not_hang() {
    let h = Harness::new().dir(".cache/huggingface");
    let status = std::process::Command::new("mkfifo")
        .arg(h.path(".cache/huggingface/token"))
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED fifo test: mkfifo not available");
        return;
    }
    let f = h.find(Outcome::Unreadable);
    assert_eq!(
        f.detail("reason"),
        "is a named pipe (FIFO), not a regular file"
    );
}

#[test]
fn not_utf8() {
    let f = Harness::new()
        .token(b"\xff\xfeh\x00f\x00_\x00")
        .find(Outcome::NotUtf8);
    f.assert_status(Status::Fail);
    assert_eq!(f.cause, Some(Cause::InvalidToken));
}

#[test]
fn empty_and_whitespace_only() {
    for content in ["", "  \n\r\n"] {
        let f = Harness::new().token(content).find(Outcome::Empty);
        f.assert_status(Status::Warn);
        assert_eq!(f.cause, Some(Cause::NoToken));
    }
}

#[test]
fn non_ascii_character() {
    let f = Harness::new()
        .token("hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé")
        .find(Outcome::NonAscii);
    assert_eq!(f.detail("char"), "U+00E9");
    assert_eq!(f.detail("position"), "37");
    assert!(f.summary().contains("U+00E9"), "{}", f.summary());
}

#[test]
fn several_lines_are_joined() {
    let f = Harness::new()
        .token(format!("{TOKEN_A}\n{TOKEN_B}\n"))
        .find(Outcome::SeveralLines);
    assert_eq!(f.detail("lines"), "2");
    assert_eq!(f.cause, Some(Cause::InvalidToken));
}

#[test]
fn inner_whitespace() {
    Harness::new()
        .token("hf_aaaaaaaaaaaaaaa aaaaaaaaaaaaaaaaAbcd\n")
        .find(Outcome::InnerWhitespace)
        .assert_status(Status::Fail);
}

#[test]
fn organization_token() {
    let f = Harness::new()
        .token("api_org_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        .find(Outcome::OrgToken);
    f.assert_status(Status::Fail);
    assert_eq!(f.detail("masked"), "api_org_…aaaa");
}

#[test]
fn not_a_hugging_face_token() {
    let checked = Harness::new()
        .token("correct-horse-battery-staple")
        .run::<Outcome>();
    let f = checked.find(Outcome::NotHfToken);
    f.assert_status(Status::Fail);
    for f in &checked.findings {
        assert!(!f.summary().contains("correct-horse"), "{}", f.summary());
        assert!(f.details.iter().all(|(_, v)| !v.contains("correct-horse")));
    }
}

#[test]
fn unusual_shape_is_a_warning() {
    let f = Harness::new()
        .token("hf_aaaaaaaaaaaaaaaaaaaaaAbcd")
        .find(Outcome::UnusualShape);
    f.assert_status(Status::Warn);
    assert_eq!(f.detail("length"), "28");
}

#[test]
fn huge_file_is_read_only_in_part() {
    let f = Harness::new()
        .token(vec![b'a'; 200 * 1024])
        .find(Outcome::Huge);
    assert_eq!(f.detail("size"), "204800");
    assert_eq!(f.detail("limit"), "65536");
    assert!(f.summary().contains("is 204800 bytes"), "{}", f.summary());
}

#[test]
fn path_with_spaces_is_quoted_in_commands() {
    let h = Harness::new().file("My Tokens/tok", vec![b'a'; 70 * 1024]);
    let path = h.path("My Tokens/tok");
    let f = h
        .env("HF_TOKEN_PATH", path.to_str().unwrap())
        .find(Outcome::Huge);
    assert_eq!(
        f.fix_commands()[0],
        "mv ~/'My Tokens/tok' ~/'My Tokens/tok'.bak"
    );
}

#[test]
fn one_finding_for_a_good_file_and_a_second_for_its_mode() {
    let only_ok = Harness::new().token(TOKEN_A).run::<Outcome>();
    assert_eq!(only_ok.codes(), vec!["token-file/ok"]);
    let both = Harness::new()
        .file_mode(".cache/huggingface/token", TOKEN_A, 0o644)
        .run::<Outcome>();
    assert_eq!(
        both.outcomes::<Outcome>(),
        vec![Outcome::Ok, Outcome::Permissions]
    );
}

// ---------------------------------------------------------------------------------------------
// End to end: the binary's text and JSON

#[test]
fn ok_well_formed_token() {
    let w = World::new();
    w.write_token(format!("{TOKEN_A}\n"));
    let (f, text) = w.outcome("token-file/ok");
    assert_eq!(f["status"], "pass");
    assert_eq!(f["cause"], serde_json::Value::Null);
    assert_eq!(f["details"]["path"], "~/.cache/huggingface/token");
    assert_eq!(f["details"]["masked"], "hf_…Abcd");
    assert!(text.contains("✓ Token file"), "{text}");
    assert!(
        text.contains("token in effect: hf_…Abcd from the token file ~/.cache/huggingface/token"),
        "{text}"
    );
}

#[test]
fn missing_without_env_token_is_no_token() {
    let w = World::new();
    let (f, text) = w.outcome("token-file/missing");
    assert_eq!(f["status"], "warn");
    assert_eq!(f["cause"], "no-token");
    assert_eq!(fix_commands(&f), vec!["hf auth login"]);
    assert_eq!(
        f["fixes"][0]["url"],
        "https://huggingface.co/settings/tokens"
    );
    assert!(text.contains("$ hf auth login"), "{text}");
    assert!(text.contains("token in effect: none"), "{text}");
}

#[test]
fn directory_at_token_path() {
    let w = World::new();
    std::fs::create_dir_all(w.default_token_path()).unwrap();
    let (f, text) = w.outcome("token-file/is-directory");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "no-token");
    assert!(
        text.contains("~/.cache/huggingface/token is a directory"),
        "{text}"
    );
    assert!(text.contains("IsADirectoryError"), "{text}");
}

#[test]
fn bom_crashes_the_client() {
    let w = World::new();
    w.write_token(format!("\u{feff}{TOKEN_A}\r\n"));
    let (f, text) = w.outcome("token-file/bom");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "invalid-token");
    assert!(text.contains("UnicodeEncodeError"), "{text}");
    assert!(fix_commands(&f).iter().any(|c| c.starts_with("perl -pi")));
    assert!(fix_commands(&f).contains(&"hf auth login --force".to_string()));
}

#[test]
fn surrounding_quotes() {
    for q in ["\"", "'"] {
        let w = World::new();
        w.write_token(format!("{q}{TOKEN_A}{q}\n"));
        let (f, text) = w.outcome("token-file/quoted");
        assert_eq!(f["status"], "fail");
        assert_eq!(f["cause"], "invalid-token");
        assert!(text.contains("wrapped in quotes"), "{text}");
    }
}

#[cfg(unix)]
#[test]
fn readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    w.write_token(TOKEN_A);
    std::fs::set_permissions(
        w.default_token_path(),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let (f, text) = w.outcome("token-file/permissions");
    assert_eq!(f["status"], "warn");
    assert_eq!(f["details"]["mode"], "644");
    assert_eq!(
        fix_commands(&f),
        vec!["chmod 600 ~/.cache/huggingface/token"]
    );
    assert!(
        text.contains("$ chmod 600 ~/.cache/huggingface/token"),
        "{text}"
    );
    // The content is fine, and says so alongside.
    let json = w.json(&["--offline"]).json();
    assert!(find(&json, "token-file/ok").is_some());
}
