//! `--output FILE` in every mode: the file holds what stdout would have, through the
//! redaction boundary (a canary token never appears in it), with no colour; stdout is left
//! empty, or to the wrapped command's own output.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const CANARY: &str = "hf_OutputCanaryTokenZZZZZZZZZZZZZZZZZZZZQwer";

fn world() -> World {
    let mut w = World::new();
    w.set("HF_TOKEN", CANARY);
    w.write_token(TOKEN_A);
    w
}

fn out_path(w: &World) -> PathBuf {
    w.dir.path().join("out.txt")
}

/// Run with `--output FILE` (its path last on the line): the file's text and the run.
fn run_to_file(w: &World, args: &[&str]) -> (String, Run) {
    let path = out_path(w);
    let _ = std::fs::remove_file(&path);
    let mut all: Vec<&str> = args.to_vec();
    let p = path.to_string_lossy().into_owned();
    let at = all.iter().position(|a| *a == "--").unwrap_or(all.len());
    all.insert(at, &p);
    all.insert(at, "--output");
    let run = w.run(&all);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no {}: {e}\n{}", path.display(), run.stderr));
    (text, run)
}

fn assert_clean(text: &str) {
    assert!(
        !text.contains(CANARY),
        "the canary token is in the file:\n{text}"
    );
    assert!(
        !text.contains(&CANARY[3..20]),
        "part of the canary:\n{text}"
    );
    assert!(!text.contains('\x1b'), "colour in the file:\n{text:?}");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn checks_as_text_go_to_the_file_without_colour() {
    let w = world();
    let (text, run) = run_to_file(&w, &["--offline", "--color", "always"]);
    assert_eq!(run.stdout, "", "stdout is left empty");
    assert!(text.contains(" pass · "), "{text}");
    assert!(
        text.contains("hf_…Qwer"),
        "the token in effect, masked: {text}"
    );
    assert_clean(&text);
    #[cfg(unix)]
    assert_eq!(mode(&out_path(&w)), 0o600);
    // The exit code is the run's, as without --output.
    let plain = w.run(&["--offline", "--color", "never"]);
    assert_eq!(run.code, plain.code);
    assert_eq!(text, plain.stdout);
}

#[test]
fn checks_as_json_go_to_the_file() {
    let w = world();
    let (text, run) = run_to_file(&w, &["--offline", "--format", "json"]);
    assert_eq!(run.stdout, "");
    let j: serde_json::Value = serde_json::from_str(&text).expect("JSON in the file");
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["exit_code"], run.code);
    assert_eq!(j["token"]["in_effect"]["masked"], "hf_…Qwer");
    assert_clean(&text);
}

#[test]
fn markdown_github_and_report_go_to_the_file() {
    let w = world();
    for args in [
        &["--offline", "--format", "markdown"][..],
        &["--offline", "report"][..],
    ] {
        let (text, run) = run_to_file(&w, args);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(text.starts_with('#'), "{args:?}: {text}");
        assert!(text.contains("hf_…Qwer"), "{args:?}: {text}");
        assert_clean(&text);
    }
    let mut w = world();
    w.set("HF_ENDPOINT", "");
    let (text, run) = run_to_file(&w, &["--offline", "--format", "github"]);
    assert_eq!(run.stdout, "");
    assert!(
        text.contains("::warning") || text.contains("::error"),
        "{text}"
    );
    assert_clean(&text);
}

#[test]
fn explain_and_its_pages_go_to_the_file() {
    let w = world();
    let (text, run) = run_to_file(
        &w,
        &[
            "explain",
            "--no-check",
            &format!("401 Client Error: Unauthorized. Authorization: Bearer {CANARY}"),
        ],
    );
    assert_eq!(run.stdout, "");
    assert!(text.contains("1. "), "{text}");
    assert_clean(&text);
    let (text, run) = run_to_file(&w, &["explain", "token-file"]);
    assert_eq!((run.stdout.as_str(), run.code), ("", 0));
    assert!(text.contains("token-file"), "{text}");
}

#[test]
fn require_writes_its_line_to_the_file() {
    let w = world();
    let (text, run) = run_to_file(
        &w,
        &["--offline", "--require", "read", "--repo", "acme/demo"],
    );
    assert_eq!(run.stdout, "");
    assert_eq!(run.code, 1, "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("acme/demo"), "{text}");
    assert_clean(&text);
}

#[test]
fn list_goes_to_the_file() {
    let w = world();
    let (text, run) = run_to_file(&w, &["list"]);
    assert_eq!((run.stdout.as_str(), run.code), ("", 0));
    assert!(text.contains("token-file"), "{text}");
}

#[test]
fn a_wrapped_command_keeps_its_output_and_the_diagnosis_goes_to_the_file() {
    let w = world();
    let script = format!(
        "echo on-stdout; echo 'remote: Password authentication in git is no longer supported.' >&2; echo 'token {CANARY}' >&2; exit 128"
    );
    let (text, run) = run_to_file(&w, &["--offline", "--", "sh", "-c", &script]);
    assert_eq!(run.code, 128);
    // The command's own bytes, untouched, and nothing of hfdoctor's on either stream.
    assert_eq!(run.stdout, "on-stdout\n");
    assert_eq!(
        run.stderr,
        format!("remote: Password authentication in git is no longer supported.\ntoken {CANARY}\n")
    );
    assert!(text.contains("the command exited with 128"), "{text}");
    assert!(text.contains("1. git-password-auth"), "{text}");
    assert_clean(&text);
}

#[test]
fn a_directory_is_a_usage_error_and_an_uncreatable_file_exit_3() {
    let w = world();
    let dir = w.dir.path().to_string_lossy().into_owned();
    let run = w.run(&["--offline", "--output", &dir]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
    assert_eq!(run.stdout, "");

    let missing = w.dir.path().join("no/such/dir/out.txt");
    let run = w.run(&["--offline", "--output", &missing.to_string_lossy()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("hfdoctor: cannot create "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}
