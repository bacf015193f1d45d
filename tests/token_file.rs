//! Every outcome of the token-file check, in text and JSON.

mod support;

use support::*;

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
fn ok_names_the_stored_token() {
    let w = World::new();
    w.write_token(TOKEN_A);
    w.write_stored(&[("work-write", TOKEN_A), ("other", TOKEN_B)]);
    let (f, _) = w.outcome("token-file/ok");
    assert_eq!(f["details"]["stored_name"], "work-write");
}

#[test]
fn short_lived_oauth_token() {
    let w = World::new();
    w.write_token("hf_oauth_0123456789abcdefghijklmnopqrstuv");
    let (f, text) = w.outcome("token-file/short-lived");
    assert_eq!(f["status"], "pass");
    assert_eq!(f["details"]["kind"], "hf_oauth_");
    assert!(text.contains("hf_oauth_…stuv"), "{text}");
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
fn missing_with_env_token_passes() {
    let mut w = World::new();
    w.set("HF_TOKEN", TOKEN_A);
    let (f, _) = w.outcome("token-file/missing-env-in-effect");
    assert_eq!(f["status"], "pass");
    assert_eq!(f["details"]["source"], "env:HF_TOKEN");
    assert!(
        f["summary"]
            .as_str()
            .unwrap()
            .ends_with("comes from HF_TOKEN."),
        "{f}"
    );
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
fn directory_shadowed_by_env_is_only_a_warning() {
    let mut w = World::new();
    std::fs::create_dir_all(w.default_token_path()).unwrap();
    w.set("HF_TOKEN", TOKEN_A);
    let (f, text) = w.outcome("token-file/shadowed-broken");
    assert_eq!(f["status"], "warn");
    assert!(text.contains("(it is a directory)"), "{text}");
    assert_eq!(f["details"]["source"], "env:HF_TOKEN");
    assert!(
        f["summary"]
            .as_str()
            .unwrap()
            .contains("but HF_TOKEN is in effect"),
        "{f}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    w.write_token(TOKEN_A);
    let p = w.default_token_path();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        eprintln!("SKIPPED unreadable_file: running as root, every file is readable");
        return;
    }
    let (f, _) = w.outcome("token-file/unreadable");
    assert_eq!(f["status"], "fail");
    assert!(f["details"]["reason"]
        .as_str()
        .unwrap()
        .contains("ermission"));
}

#[cfg(unix)]
#[test]
fn fifo_is_not_read_and_does_not_hang() {
    let w = World::new();
    let p = w.default_token_path();
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo").arg(&p).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED fifo test: mkfifo not available");
        return;
    }
    let (f, _) = w.outcome("token-file/unreadable");
    assert_eq!(f["details"]["reason"], "not a regular file");
}

#[test]
fn not_utf8() {
    let w = World::new();
    w.write_token(b"\xff\xfeh\x00f\x00_\x00");
    let (f, text) = w.outcome("token-file/not-utf8");
    assert_eq!(f["status"], "fail");
    assert_eq!(f["cause"], "invalid-token");
    assert!(text.contains("UTF-16"), "{text}");
}

#[test]
fn empty_and_whitespace_only() {
    for content in ["", "  \n\r\n"] {
        let w = World::new();
        w.write_token(content);
        let (f, text) = w.outcome("token-file/empty");
        assert_eq!(f["status"], "warn");
        assert_eq!(f["cause"], "no-token");
        assert!(text.contains("token in effect: none"), "{text}");
    }
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
fn non_ascii_character() {
    let w = World::new();
    w.write_token("hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé");
    let (f, text) = w.outcome("token-file/non-ascii");
    assert_eq!(f["details"]["char"], "U+00E9");
    assert_eq!(f["details"]["position"], "37");
    assert!(text.contains("U+00E9"), "{text}");
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

#[test]
fn several_lines_are_joined() {
    let w = World::new();
    w.write_token(format!("{TOKEN_A}\n{TOKEN_B}\n"));
    let (f, _) = w.outcome("token-file/several-lines");
    assert_eq!(f["details"]["lines"], "2");
    assert_eq!(f["cause"], "invalid-token");
}

#[test]
fn inner_whitespace() {
    let w = World::new();
    w.write_token("hf_aaaaaaaaaaaaaaa aaaaaaaaaaaaaaaaAbcd\n");
    let (f, _) = w.outcome("token-file/inner-whitespace");
    assert_eq!(f["status"], "fail");
}

#[test]
fn organization_token() {
    let w = World::new();
    w.write_token("api_org_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    let (f, text) = w.outcome("token-file/org-token");
    assert_eq!(f["status"], "fail");
    assert!(text.contains("api_org_…aaaa"), "{text}");
}

#[test]
fn not_a_hugging_face_token() {
    let w = World::new();
    w.write_token("correct-horse-battery-staple");
    let (f, text) = w.outcome("token-file/not-hf-token");
    assert_eq!(f["status"], "fail");
    assert!(!text.contains("correct-horse"), "{text}");
}

#[test]
fn unusual_shape_is_a_warning() {
    let w = World::new();
    w.write_token("hf_aaaaaaaaaaaaaaaaaaaaaAbcd");
    let (f, _) = w.outcome("token-file/unusual-shape");
    assert_eq!(f["status"], "warn");
    assert_eq!(f["details"]["length"], "28");
}

#[test]
fn huge_file_is_read_only_in_part() {
    let w = World::new();
    w.write_token(vec![b'a'; 200 * 1024]);
    let (f, text) = w.outcome("token-file/huge");
    assert_eq!(f["details"]["size"], "204800");
    assert_eq!(f["details"]["limit"], "65536");
    assert!(text.contains("is 204800 bytes"), "{text}");
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

#[test]
fn path_with_spaces_is_quoted_in_commands() {
    let mut w = World::new();
    let p = w.home.join("My Tokens/tok");
    w.write(&p, vec![b'a'; 70 * 1024]);
    w.set("HF_TOKEN_PATH", p.to_str().unwrap());
    let (f, _) = w.outcome("token-file/huge");
    assert_eq!(
        fix_commands(&f)[0],
        "mv ~/'My Tokens/tok' ~/'My Tokens/tok'.bak"
    );
}
