//! The command line: flags, exit codes, formats, languages, the JSON contract.

mod support;

use serde_json::Value;
use support::*;

#[test]
fn json_contract_every_field_in_every_state() {
    // Three states: nothing at all; a healthy token; conflicts and failures.
    let empty = World::new();
    let healthy = World::new();
    healthy.write_token(TOKEN_A);
    let mut broken = World::new();
    broken.write_token(format!("\"{TOKEN_A}\""));
    broken.set("HF_TOKEN", TOKEN_B).set("HF_ENDPOINT", "");

    for w in [&empty, &healthy, &broken] {
        let run = w.json(&["--offline"]);
        let j = run.json();
        let obj = j.as_object().unwrap();
        for key in [
            "schema_version",
            "hfdoctor_version",
            "endpoint",
            "target",
            "token",
            "checks",
            "counts",
            "exit_code",
            "request_ids",
        ] {
            assert!(obj.contains_key(key), "missing {key}: {j}");
        }
        assert_eq!(j["schema_version"], 1);
        assert_eq!(j["hfdoctor_version"], env!("CARGO_PKG_VERSION"));
        assert!(j["endpoint"].is_string());
        assert_eq!(j["target"], Value::Null);
        let token = j["token"].as_object().unwrap();
        assert!(token.contains_key("in_effect"));
        assert!(token["others"].is_array());
        if let Some(e) = token["in_effect"].as_object() {
            assert!(e["source"].is_string());
            assert!(e.contains_key("masked"));
        }
        for other in token["others"].as_array().unwrap() {
            assert!(other["source"].is_string());
            assert!(other["masked"].is_string());
            assert!(other["same_as_in_effect"].is_boolean());
        }
        let checks = j["checks"].as_array().unwrap();
        assert!(!checks.is_empty());
        for c in checks {
            let c = c.as_object().unwrap();
            for key in [
                "id",
                "status",
                "code",
                "cause",
                "summary",
                "details",
                "fixes",
                "duration_ms",
            ] {
                assert!(c.contains_key(key), "check lacks {key}: {c:?}");
            }
            let known: Vec<String> = hfdoctor::checks::ids().map(str::to_string).collect();
            assert!(known.contains(&c["id"].as_str().unwrap().to_string()));
            assert!(["pass", "warn", "fail", "skip", "timeout", "crash"]
                .contains(&c["status"].as_str().unwrap()));
            assert!(c["code"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}/", c["id"].as_str().unwrap())));
            assert!(c["cause"].is_null() || c["cause"].is_string());
            assert!(!c["summary"].as_str().unwrap().is_empty());
            assert!(c["details"].is_object());
            assert!(c["duration_ms"].is_u64());
            for fix in c["fixes"].as_array().unwrap() {
                assert!(fix["text"].is_string());
                assert!(fix["commands"].is_array());
                assert!(fix.as_object().unwrap().contains_key("url"));
            }
        }
        let counts = j["counts"].as_object().unwrap();
        let mut total = 0;
        for s in ["pass", "warn", "fail", "skip", "timeout", "crash"] {
            total += counts[s].as_u64().unwrap();
        }
        assert_eq!(total as usize, checks.len());
        assert_eq!(j["exit_code"], run.code);
    }
    // The broken world fails and says why.
    let j = broken.json(&["--offline"]).json();
    assert_eq!(j["exit_code"], 1);
    assert!(find(&j, "env-conflicts/endpoint-empty").is_some());
}

#[test]
fn exit_codes() {
    let healthy = World::new();
    healthy.write_token(TOKEN_A);
    assert_eq!(healthy.run(&["--offline"]).code, 0);

    // A warning passes, unless --strict.
    let warn = World::new();
    assert_eq!(warn.run(&["--offline"]).code, 0);
    assert_eq!(warn.run(&["--offline", "--strict"]).code, 1);

    let fail = World::new();
    fail.write_token("'quoted'");
    assert_eq!(fail.run(&["--offline"]).code, 1);
}

#[test]
fn usage_errors_exit_2_with_one_clear_line() {
    let w = World::new();
    for args in [
        &["--no-such-flag"][..],
        &["--timeout", "0"],
        &["--timeout", "abc"],
        &["--timeout", "-3"],
        &["--format", "yaml"],
        &["--lang", "fr"],
        &["--color", "sometimes"],
    ] {
        let r = w.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("backtrace"), "{}", r.stderr);
    }
    let r = w.run(&["--only", "token-fil"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("unknown check id 'token-fil'; did you mean 'token-file'?"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_misspelt_check_id_gets_the_nearest_suggested() {
    let w = World::new();
    for (args, wrong, near) in [
        (&["--only", "token-vaild"][..], "token-vaild", "token-valid"),
        (&["--skip", "gitlfs"], "gitlfs", "git-lfs"),
        (&["--skip", "token-file,proxyy"], "proxyy", "proxy"),
        (
            &["report", "--only", "repo-acess"],
            "repo-acess",
            "repo-access",
        ),
    ] {
        let r = w.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "unknown check id '{wrong}'; did you mean '{near}'? known ids: token-file, "
            )),
            "{args:?}: {}",
            r.stderr
        );
    }
    // Nothing close: no guess, only the list.
    let r = w.run(&["--only", "kubernetes"]);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("did you mean"), "{}", r.stderr);
    assert!(r.stderr.contains("known ids: token-file, "), "{}", r.stderr);

    // A page asked for under a misspelt name (a check id or a cause).
    for (wrong, near) in [
        ("token-vaild", "token-valid"),
        ("git-pasword-auth", "git-password-auth"),
    ] {
        let r = w.run(&["explain", wrong]);
        assert_eq!(r.code, 2, "{wrong}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!("did you mean '{near}'?")),
            "{wrong}: {}",
            r.stderr
        );
    }
    // Real error text of one word is still explained.
    let r = w.run(&["explain", "--no-check", "401"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
}

#[test]
fn help_documents_exit_codes() {
    let r = World::new().run(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Exit codes:"), "{}", r.stdout);
    assert!(r.stdout.contains("3  hfdoctor itself could not run"));
}

#[test]
fn only_and_skip_select_checks() {
    let w = World::new();
    let j = w.json(&["--offline", "--only", "token-file"]).json();
    let ids: Vec<&str> = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["token-file"]);
    let j = w
        .json(&["--offline", "--skip", "token-file,token-valid"])
        .json();
    let ids: Vec<&str> = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // inference-access runs only when asked (--inference).
    let expected: Vec<&str> = hfdoctor::checks::ids()
        .filter(|id| !["token-file", "token-valid", "inference-access"].contains(id))
        .collect();
    assert_eq!(ids, expected);
}

#[test]
fn results_print_in_registry_order_with_a_count_line() {
    let w = World::new();
    let out = w
        .run(&[
            "--offline",
            "--color",
            "never",
            "--only",
            "token-file,env-conflicts,token-valid",
        ])
        .stdout;
    let a = out.find("Token file").unwrap();
    let b = out.find("Environment").unwrap();
    assert!(a < b, "{out}");
    let last = out.trim_end().lines().last().unwrap();
    assert_eq!(
        last,
        "1 pass · 1 warn · 0 fail · 1 skip · 0 timeout · 0 crash"
    );
}

#[test]
fn list_prints_the_registry() {
    let w = World::new();
    let r = w.run(&["list"]);
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["ID", "CATEGORY", "NEEDS", "TITLE"], "{}", r.stdout);
    assert!(lines[1].starts_with("token-file"), "{}", r.stdout);
    assert!(lines[1].contains("auth") && lines[1].contains("Token file"));
    assert!(lines[2].starts_with("env-conflicts"));
    // The columns line up under the header, in the reader's language too (CJK counts two).
    let title_at = lines[0].find("TITLE").unwrap();
    assert_eq!(lines[1].find("Token file"), Some(title_at), "{}", r.stdout);
    for (lang, title, category) in [("zh-TW", "名稱", "類別"), ("zh-CN", "名称", "类别")] {
        let out = w.run(&["list", "--lang", lang]).stdout;
        let first = out.lines().next().unwrap();
        assert!(first.contains(title) && first.contains(category), "{out}");
        let columns = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let at = columns(&first[..first.find(title).unwrap()]);
        let row = out.lines().nth(1).unwrap();
        let token = row.find("Token").unwrap();
        assert_eq!(columns(&row[..token]), at, "{out}");
    }
    let j: Value = serde_json::from_str(&w.run(&["list", "--format", "json"]).stdout).unwrap();
    assert_eq!(j[0]["id"], "token-file");
    assert_eq!(j[0]["needs"], serde_json::json!([]));
    assert_eq!(j[1]["category"], "auth");
}

#[test]
fn verbose_shows_details_and_timings() {
    let w = World::new();
    w.write_token(TOKEN_A);
    let out = w.run(&["--offline", "-v", "--color", "never"]).stdout;
    assert!(out.contains(" ms)"), "{out}");
    assert!(out.contains("path: ~/.cache/huggingface/token"), "{out}");
}

#[test]
fn language_from_flag_and_locale() {
    let mut w = World::new();
    let out = w.run(&["--offline", "--lang", "zh-TW"]).stdout;
    assert!(out.contains("檔案"), "{out}");
    w.set("LANG", "zh_CN.UTF-8");
    let out = w.run(&["--offline"]).stdout;
    assert!(out.contains("文件"), "{out}");
    assert!(!out.contains("檔案"), "{out}");
    w.set("LC_ALL", "zh_HK.UTF-8");
    let out = w.run(&["--offline"]).stdout;
    assert!(out.contains("檔案"), "{out}");
    let j = w.json(&["--offline"]).json();
    assert_eq!(j["lang"], "zh-TW");
}

#[test]
fn ascii_symbols_outside_utf8_locales() {
    let mut w = World::new();
    w.write_token(TOKEN_A);
    w.set("LANG", "C");
    let out = w.run(&["--offline"]).stdout;
    assert!(out.contains("PASS Token file"), "{out}");
    assert!(out.is_ascii(), "{out}");
    assert!(out.contains("hf_...Abcd"), "{out}");
}

#[test]
fn colour_follows_flags_and_no_color() {
    let mut w = World::new();
    let esc = "\u{1b}[";
    assert!(
        !w.run(&["--offline"]).stdout.contains(esc),
        "not a tty: no colour"
    );
    assert!(w
        .run(&["--offline", "--color", "always"])
        .stdout
        .contains(esc));
    w.set("NO_COLOR", "1");
    assert!(!w
        .run(&["--offline", "--color", "auto"])
        .stdout
        .contains(esc));
    assert!(!w
        .run(&["--offline", "--color", "never"])
        .stdout
        .contains(esc));
}

#[cfg(unix)]
#[test]
fn odd_environment_values_do_not_crash() {
    use std::os::unix::ffi::OsStrExt;
    let w = World::new();
    let mut cmd = w.command(&["--offline", "--format", "json"]);
    cmd.env(
        "HF_TOKEN",
        std::ffi::OsStr::from_bytes(b"hf_\xff\xfe\x00"[..5].as_ref()),
    )
    .env("HF_HOME", std::ffi::OsStr::from_bytes(b"/tmp/\xff"))
    .env("HF_ENDPOINT", "https://[::1");
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(find(&j, "env-conflicts/env-malformed").is_some(), "{j}");
    assert!(
        find(&j, "env-conflicts/endpoint-no-scheme").is_some(),
        "{j}"
    );
}

/// Run with stdout a stream whose reader is already gone: every write fails with EPIPE, as
/// after `| head -1` (a socket pair, since `std::io::pipe` is newer than the MSRV).
fn run_into_closed_pipe(w: &World, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::os::unix::net::UnixStream::pair().expect("socket pair");
    drop(reader);
    let mut cmd = w.command(args);
    cmd.stdout(std::process::Stdio::from(std::os::fd::OwnedFd::from(
        writer,
    )))
    .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().expect("start hfdoctor");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_broken_pipe_exits_0_quietly() {
    // `hfdoctor man | head -1`, `hfdoctor --format json | head -1`: like ripgrep, a reader
    // that went away is no error (docs/redaction.md).
    let mut w = World::new();
    w.set("HF_TOKEN", TOKEN_A);
    for args in [
        &["man"][..],
        &["--offline", "--format", "json"],
        &["--offline"],
        &["--offline", "-v", "--format", "github"],
        &["report", "--offline"],
        &["list"],
        &["completions", "bash"],
        &["explain", "token-file"],
        &["explain", "--no-check", "401 Client Error: Unauthorized"],
        &["--help"],
    ] {
        let (code, stderr) = run_into_closed_pipe(&w, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stderr.contains("internal error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_format_the_mode_cannot_write_is_a_usage_error() {
    // Never silently ignored (docs/redaction.md): one line, exit 2.
    let w = World::new();
    for args in [
        &["list", "--format", "markdown"][..],
        &["list", "--format", "github"],
        &["man", "--format", "json"],
        &["completions", "bash", "--format", "json"],
        &["explain", "--no-check", "--format", "markdown", "401"],
        &["explain", "token-file", "--format", "json"],
        &["--format", "github", "--", "true"],
    ] {
        let r = w.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("--format"), "{args:?}: {}", r.stderr);
    }
    // What they can write still works.
    assert_eq!(w.run(&["list", "--format", "json"]).code, 0);
    assert_eq!(w.run(&["man", "--format", "text"]).code, 0);
}

#[test]
fn lang_accepts_locale_spellings_in_any_case() {
    let w = World::new();
    for (value, expect) in [
        ("zh-tw", "zh-TW"),
        ("zh_TW", "zh-TW"),
        ("zh-Hant", "zh-TW"),
        ("ZH_HANT", "zh-TW"),
        ("zh-HK", "zh-TW"),
        ("zh-cn", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh_Hans", "zh-CN"),
        ("zh-SG", "zh-CN"),
        ("zh", "zh-CN"),
        ("EN", "en"),
    ] {
        let r = w.json(&["--offline", "--lang", value]);
        assert_eq!(r.code, 0, "{value}: {}", r.stderr);
        assert_eq!(r.json()["lang"], expect, "{value}");
    }
    let out = w.run(&["--offline", "--lang", "zh_Hant"]).stdout;
    assert!(out.contains("通過"), "{out}");
    let r = w.run(&["--offline", "--lang", "fr"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("'fr'") && r.stderr.contains("en, zh-TW or zh-CN"),
        "{}",
        r.stderr
    );
    let help = w.run(&["--help"]).stdout;
    assert!(
        help.contains("[possible values: en, zh-TW, zh-CN]"),
        "{help}"
    );
}

/// The bytes hfdoctor writes on stdout (the text a Big5 terminal shows is not UTF-8).
fn raw_stdout(w: &World, args: &[&str]) -> Vec<u8> {
    output_or_hang(w.command(args)).stdout
}

#[test]
fn a_big5_or_gbk_locale_gets_its_own_charset() {
    let mut w = World::new();
    w.write_token("'quoted'");
    w.set("LANG", "zh_TW.Big5");
    let bytes = raw_stdout(&w, &["--offline"]);
    assert!(std::str::from_utf8(&bytes).is_err(), "UTF-8, not Big5");
    let (text, _, malformed) = encoding_rs::BIG5.decode(&bytes);
    assert!(!malformed, "{text}");
    for words in [
        "Token 檔案",
        "生效中的 token",
        "處理步驟",
        "通過",
        "內部錯誤 0 項",
    ] {
        assert!(text.contains(words), "{words} in {text}");
    }
    // Symbols fall back to ASCII, as in any terminal that is not UTF-8.
    assert!(text.contains("FAIL Token 檔案"), "{text}");
    assert!(!text.contains('…') && !text.contains('✓'), "{text}");

    for (locale, encoding, words) in [
        ("zh_CN.GBK", encoding_rs::GBK, "内部错误 0 项"),
        ("zh_CN.GB2312", encoding_rs::GBK, "内部错误 0 项"),
        ("zh_CN.GB18030", encoding_rs::GB18030, "内部错误 0 项"),
        ("zh_TW.BIG5-HKSCS", encoding_rs::BIG5, "內部錯誤 0 項"),
    ] {
        w.set("LANG", locale);
        let bytes = raw_stdout(&w, &["--offline"]);
        assert!(std::str::from_utf8(&bytes).is_err(), "{locale}: UTF-8");
        let (text, _, malformed) = encoding.decode(&bytes);
        assert!(!malformed && text.contains(words), "{locale}: {text}");
    }

    // JSON is UTF-8 whatever the locale (RFC 8259).
    w.set("LANG", "zh_TW.Big5");
    let bytes = raw_stdout(&w, &["--offline", "--format", "json"]);
    let json: Value = serde_json::from_slice(&bytes).expect("UTF-8 JSON");
    let summary = json["checks"][0]["summary"].as_str().unwrap();
    assert!(
        summary.contains("被引號包住") && summary.contains('…'),
        "{summary}"
    );
}

#[test]
fn chinese_in_a_charset_without_it_falls_back_to_english_with_a_note() {
    let mut w = World::new();
    w.set("LANG", "en_US.ISO-8859-1");
    let r = w.run(&["--offline", "--lang", "zh-TW"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Token file") && r.stdout.is_ascii(),
        "{}",
        r.stdout
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("LANG=zh_TW.UTF-8"), "{}", r.stderr);
    // JSON can carry Chinese: it keeps the language asked for.
    let j = w.json(&["--offline", "--lang", "zh-TW"]).json();
    assert_eq!(j["lang"], "zh-TW");
}

/// Pasted text and a wrapped command's output keep the colours of the program that printed
/// them; what hfdoctor shows of them (evidence, JSON) has no escape byte left.
#[test]
fn explain_shows_no_terminal_escapes() {
    use std::io::Write;
    let w = World::new();
    let pasted = "huggingface_hub.errors.HfHubHTTPError: \x1b[31m401 Client Error\x1b[0m: Unauthorized for url: https://huggingface.co/api/whoami-v2\x1b]0;title\x07\r\n";
    for format in ["text", "json"] {
        let mut cmd = w.command(&["explain", "--no-check", "--format", format]);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(pasted.as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("401 Client Error"), "{format}: {stdout}");
        assert!(
            !stdout.contains('\x1b') && !stdout.contains('\x07') && !stdout.contains('\r'),
            "{format}: {stdout:?}"
        );
    }

    let file = w.dir.path().join("diagnosis.txt");
    let script = r"printf '\033[31mremote: Password authentication in git is no longer supported.\033[0m\n' >&2; exit 1";
    let out = w
        .command(&[
            "--offline",
            "--output",
            &file.to_string_lossy(),
            "--",
            "sh",
            "-c",
            script,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The command's own bytes pass through as they were.
    assert!(
        out.stderr.starts_with(b"\x1b[31mremote: Password"),
        "{out:?}"
    );
    let diagnosis = std::fs::read_to_string(&file).unwrap();
    assert!(diagnosis.contains("git-password-auth"), "{diagnosis}");
    assert!(!diagnosis.contains('\x1b'), "{diagnosis:?}");
}

/// English counts read right for one and for more ("1 remote", "2 remotes"); Chinese has no
/// plural and says the number.
#[test]
fn plurals_read_right_in_english() {
    let summary = |w: &World, code: &str, args: &[&str]| {
        let mut all = vec!["--offline"];
        all.extend_from_slice(args);
        let j = w.json(&all).json();
        find(&j, code).unwrap_or_else(|| panic!("no {code}: {j}"))["summary"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let w = World::new();
    w.git_repo(Some("https://github.com/acme/model"));
    let one = summary(&w, "git-remote/no-hub-remote", &["--only", "git-remote"]);
    assert!(one.ends_with("(it has 1 remote)."), "{one}");
    w.git(&["remote", "add", "upstream", "https://gitlab.com/acme/model"]);
    let two = summary(&w, "git-remote/no-hub-remote", &["--only", "git-remote"]);
    assert!(two.ends_with("(it has 2 remotes)."), "{two}");
    let zh = summary(
        &w,
        "git-remote/no-hub-remote",
        &["--only", "git-remote", "--lang", "zh-TW"],
    );
    assert!(zh.contains("的 2 個遠端"), "{zh}");

    // explain: one cause recognised, then several.
    let first_line = |args: &[&str]| {
        let mut all = vec!["explain", "--no-check"];
        all.extend_from_slice(args);
        let out = World::new().run(&all).stdout;
        out.lines().next().unwrap_or_default().to_string()
    };
    assert_eq!(
        first_line(&["remote: Password authentication in git is no longer supported."]),
        "Recognised 1 possible cause, most likely first (git)"
    );
    let several = first_line(&["401 Client Error. Repository Not Found for url: https://huggingface.co/acme/demo/resolve/main/config.json. Invalid username or password."]);
    assert!(
        regex::Regex::new(r"^Recognised [2-9] possible causes, most likely first")
            .unwrap()
            .is_match(&several),
        "{several}"
    );

    // git-lfs: the objects a push sends (one empty commit on top of the remote's: 1 object).
    if which::which("git-lfs").is_err() {
        eprintln!("SKIPPED the git-lfs plural: git-lfs is not installed");
        return;
    }
    let w = World::new();
    w.git(&["lfs", "install", "--skip-repo"]);
    w.git_repo(Some("https://huggingface.co/acme/model"));
    w.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    w.git(&["commit", "-q", "--allow-empty", "-m", "second"]);
    let one = summary(&w, "git-lfs/ok", &["--only", "git-lfs"]);
    assert!(one.contains(", 1 object)"), "{one}");
    w.git(&["commit", "-q", "--allow-empty", "-m", "third"]);
    let two = summary(&w, "git-lfs/ok", &["--only", "git-lfs"]);
    assert!(two.contains(", 2 objects)"), "{two}");
}
