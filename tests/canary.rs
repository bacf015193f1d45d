//! Canary tokens in every source, in good and broken forms: none may appear in full in any
//! output, format, language or error.

mod support;

use support::*;

const PROXY_PASSWORD: &str = "CanaryProxyPassw0rd";

const CANARIES: [&str; 6] = [
    "hf_CanaryEnvTokenAAAAAAAAAAAAAAAAAAAAAA",
    "hf_CanaryLegacyTokenBBBBBBBBBBBBBBBBBBB",
    "hf_CanaryFileTokenCCCCCCCCCCCCCCCCCCCCC",
    "hf_CanaryStoredTokenDDDDDDDDDDDDDDDDDDD",
    "hf_CanaryStoredTokenEEEEEEEEEEEEEEEEEEE",
    "hf_CanaryOidcIdTokenFFFFFFFFFFFFFFFFFFF",
];

/// The part of a canary that must never be seen: all of it but what masking may show.
fn secret_core(canary: &str) -> &str {
    &canary[3..canary.len() - 4]
}

fn assert_clean(label: &str, output: &str) {
    assert!(
        !output.contains(PROXY_PASSWORD),
        "{label}: the proxy password leaked:\n{output}"
    );
    for c in CANARIES {
        assert!(
            !output.contains(secret_core(c)),
            "{label}: canary {c} leaked:\n{output}"
        );
    }
}

fn worlds() -> Vec<World> {
    let mut out = Vec::new();
    // 1: every source at once, all well-formed.
    let mut w = World::new();
    w.set("HF_TOKEN", CANARIES[0])
        .set("HUGGING_FACE_HUB_TOKEN", CANARIES[1])
        .set("HF_OIDC_ID_TOKEN", CANARIES[5])
        .set(
            "HTTPS_PROXY",
            &format!("http://bob:{PROXY_PASSWORD}@127.0.0.1:9"),
        )
        .set(
            "all_proxy",
            &format!("http://bob:{PROXY_PASSWORD}@proxy.invalid:3128"),
        );
    w.write_token(CANARIES[2]);
    w.write_stored(&[("a", CANARIES[3]), ("b", CANARIES[4])]);
    out.push(w);
    // 2: broken forms, so the problem-reporting paths run with secrets in them.
    let mut w = World::new();
    w.set("HF_TOKEN", &format!("\"{}\"", CANARIES[0]))
        .set("HUGGING_FACE_HUB_TOKEN", &format!(" {} ", CANARIES[1]));
    w.write_token(format!("\u{feff}{}\n{}\n", CANARIES[2], CANARIES[3]));
    w.write(
        &w.home.join(".cache/huggingface/stored_tokens"),
        format!("hf_token = {}\n", CANARIES[4]),
    );
    out.push(w);
    // 3: secrets where only a path or a variable name was expected.
    let mut w = World::new();
    w.set("HF_TOKEN", &format!("{} {}", CANARIES[0], CANARIES[1]))
        .set("HF_OIDC_RESOURCE", "acme/x")
        .set("HF_OIDC_ID_TOKEN", CANARIES[5]);
    w.write_token(format!("'{}'", CANARIES[2]));
    w.write(
        &w.home.join(".bashrc"),
        format!("export HF_TOKEN={}\n", CANARIES[0]),
    );
    out.push(w);
    out
}

#[test]
fn no_canary_in_any_output() {
    for (i, w) in worlds().iter().enumerate() {
        for args in [
            &["--offline"][..],
            &["--offline", "-v"],
            &["--offline", "--format", "json"],
            &["--offline", "-v", "--lang", "zh-TW"],
            &["--offline", "--lang", "zh-CN", "--format", "json"],
            &["--offline", "--strict", "--color", "always"],
            &["--offline", "--format", "markdown"],
            &["--offline", "--format", "github"],
            &["report", "--offline"],
            &["report", "--offline", "--anonymize", "--lang", "zh-CN"],
            &["--offline", "--require", "read", "--repo", "acme/x"],
            &["list"],
            &["--bogus-flag"],
            &["--only", "nope"],
        ] {
            let r = w.run(args);
            assert_clean(&format!("world {i} {args:?} stdout"), &r.stdout);
            assert_clean(&format!("world {i} {args:?} stderr"), &r.stderr);
        }
    }
}

#[test]
fn pasted_tokens_are_not_echoed_by_explain() {
    let w = World::new();
    let text = format!(
        "ValueError: Invalid header value b'Bearer {}\\n'\nfatal: Authentication failed for 'https://alice:{}@huggingface.co/acme/x/'\n401 Client Error: Unauthorized for url: https://huggingface.co/api/whoami-v2 Authorization: Bearer {}\n",
        CANARIES[0], CANARIES[1], CANARIES[2]
    );
    let f = w.home.join("pasted.txt");
    std::fs::write(&f, &text).unwrap();
    for args in [
        &["explain", "--no-check", "--file"][..],
        &["explain", "--no-check", "--format", "json", "--file"],
        &["explain", "--offline", "--file"],
    ] {
        let mut all = args.to_vec();
        all.push(f.to_str().unwrap());
        let r = w.run(&all);
        assert_clean(&format!("{args:?}"), &r.stdout);
        assert_clean(&format!("{args:?}"), &r.stderr);
        assert!(
            r.stdout.contains("hf_…AAAA") || r.stdout.contains("…"),
            "{}",
            r.stdout
        );
    }
    // And through `hfdoctor -- CMD`: the diagnosis does not repeat it (the command's own
    // output is passed through as it is: that is the user's).
    let script = format!("echo 'Authorization: Bearer {}' >&2; exit 1", CANARIES[3]);
    let out = w
        .command(&["--offline", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let diagnosis = stderr.split("the command exited with").nth(1).unwrap_or("");
    assert_clean("wrapped diagnosis", diagnosis);
}

#[test]
fn the_canaries_were_really_seen() {
    // The test above means something only if hfdoctor read these tokens: their masks appear.
    let w = &worlds()[0];
    let out = w.run(&["--offline", "--format", "json"]).stdout;
    for c in &CANARIES[..5] {
        let masked = format!("hf_…{}", &c[c.len() - 4..]);
        assert!(out.contains(&masked), "{masked} not in:\n{out}");
    }
}
