//! Canary tokens in every source, in good and broken forms: none may appear in full in any
//! output, format, language or error.

mod support;

use support::*;

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
        .set("HF_OIDC_ID_TOKEN", CANARIES[5]);
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
fn the_canaries_were_really_seen() {
    // The test above means something only if hfdoctor read these tokens: their masks appear.
    let w = &worlds()[0];
    let out = w.run(&["--offline", "--format", "json"]).stdout;
    for c in &CANARIES[..5] {
        let masked = format!("hf_…{}", &c[c.len() - 4..]);
        assert!(out.contains(&masked), "{masked} not in:\n{out}");
    }
}
