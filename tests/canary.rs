//! Canary tokens in every source, in good and broken forms: none may appear in full in any
//! output, format, language or error.

mod support;

use support::hub::{HubServer, HubWorld};
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

// ---------------------------------------------------------------------------------------------
// Every secret shape of issue 10, each in every output (docs/redaction.md). Each shape has its
// own token, so a failure names the shape that leaked.

/// A token pasted as the *value* of HF_TOKEN_PATH (people paste into the wrong variable).
const IN_TOKEN_PATH: &str = "hf_CanaryInTokenPathGGGGGGGGGGGGGGGGGGG";
/// … and of HF_HOME.
const IN_HF_HOME: &str = "hf_CanaryInHfHomeHHHHHHHHHHHHHHHHHHHHHH";
/// `user:token@` and `token@` in HF_ENDPOINT.
const ENDPOINT_USER: &str = "hf_CanaryEndpointUserIIIIIIIIIIIIIIIIII";
const ENDPOINT_ALONE: &str = "hf_CanaryEndpointAloneJJJJJJJJJJJJJJJJJ";
/// `user:token@` and `token@` in git remotes.
const REMOTE_USER: &str = "hf_CanaryRemoteUserKKKKKKKKKKKKKKKKKKKK";
const REMOTE_ALONE: &str = "hf_CanaryRemoteAloneLLLLLLLLLLLLLLLLLLL";
/// `user:token@` and `token@` in proxy URLs.
const PROXY_USER: &str = "hf_CanaryProxyUserMMMMMMMMMMMMMMMMMMMMM";
const PROXY_ALONE: &str = "hf_CanaryProxyAloneNNNNNNNNNNNNNNNNNNNN";
/// The text of an inline credential helper.
const HELPER: &str = "hf_CanaryHelperTextOOOOOOOOOOOOOOOOOOOO";
/// A token the server echoes in its error message.
const ECHOED: &str = "hf_CanaryEchoedPPPPPPPPPPPPPPPPPPPPPPPP";
/// Pasted to explain percent-encoded, and inside a Basic header.
const PASTED_PERCENT: &str = "hf_CanaryPastedPercentQQQQQQQQQQQQQQQQQ";
const PASTED_BASIC: &str = "hf_CanaryPastedBasicRRRRRRRRRRRRRRRRRRR";
/// The password of a malformed proxy URL (not token-shaped: shown as `****`).
const MALFORMED_PASSWORD: &str = "CanaryMalformedPassw0rd";

const SHAPES: [&str; 12] = [
    IN_TOKEN_PATH,
    IN_HF_HOME,
    ENDPOINT_USER,
    ENDPOINT_ALONE,
    REMOTE_USER,
    REMOTE_ALONE,
    PROXY_USER,
    PROXY_ALONE,
    HELPER,
    ECHOED,
    PASTED_PERCENT,
    PASTED_BASIC,
];

/// Every byte percent-encoded (`%68%66%5F…`), as some tools and logs write a token.
fn percent_all(s: &str, lower: bool) -> String {
    s.bytes()
        .map(|b| {
            if lower {
                format!("%{b:02x}")
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `urllib.parse.quote(s, safe="")`.
fn percent_quote(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The forms of a secret that must never be written: the secret (all of it but what masking
/// may show), its percent-encodings, base64 of it and of `user:secret` (a Basic header).
fn forbidden_forms(secret: &str) -> Vec<String> {
    let core = if secret.starts_with("hf_") {
        secret_core(secret).to_string()
    } else {
        secret.to_string()
    };
    let mut forms = vec![
        core,
        percent_quote(secret),
        percent_all(secret, false),
        percent_all(secret, true),
    ];
    for user in ["", "alice", "bob", "user", "x-access-token"] {
        let b = b64(&format!("{user}:{secret}"));
        forms.push(b.trim_end_matches('=').to_string());
    }
    forms.push(b64(secret).trim_end_matches('=').to_string());
    forms
}

fn assert_no_shape(label: &str, output: &str) {
    let leaks: Vec<String> = SHAPES
        .iter()
        .chain([&MALFORMED_PASSWORD])
        .flat_map(|s| {
            forbidden_forms(s)
                .into_iter()
                .filter(|form| output.contains(form.as_str()))
                .map(move |form| format!("{s} as {form}"))
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "{label}: leaked {}:\n{output}",
        leaks.join(", ")
    );
}

/// The error text pasted to explain: a 401 with the token percent-encoded in a URL and inside
/// a Basic header.
fn pasted_error() -> String {
    format!(
        "huggingface_hub.errors.HfHubHTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/api/models/acme/x?token={}\n\
         Request headers: Authorization: Basic {}\n\
         urlencoded: {}\n",
        percent_all(PASTED_PERCENT, false),
        b64(&format!("alice:{PASTED_BASIC}")),
        percent_quote(&format!("alice:{PASTED_PERCENT}")),
    )
}

/// Worlds that carry the shapes: offline ones (token sources, URLs, helper, malformed proxy)
/// and one with a Hub stand-in that echoes the token it gets.
fn shape_worlds(hub_url: &str) -> Vec<(World, bool)> {
    let mut out = Vec::new();
    // 1: tokens in HF_TOKEN_PATH and HF_HOME, `user:token@` everywhere, an inline helper.
    let mut w = World::new();
    w.set("HF_TOKEN_PATH", IN_TOKEN_PATH)
        .set("HF_HOME", IN_HF_HOME)
        .set(
            "HF_ENDPOINT",
            &format!("https://alice:{ENDPOINT_USER}@127.0.0.1:9"),
        )
        .set(
            "HTTPS_PROXY",
            &format!("http://alice:{PROXY_USER}@127.0.0.1:9"),
        )
        .set("http_proxy", &format!("http://{PROXY_ALONE}@127.0.0.1:9"));
    w.git_repo(Some(&format!(
        "https://alice:{REMOTE_USER}@huggingface.co/acme/x"
    )));
    w.git(&[
        "remote",
        "add",
        "mirror",
        &format!("https://{REMOTE_ALONE}@huggingface.co/acme/y"),
    ]);
    w.git(&[
        "config",
        "credential.helper",
        &format!("!f() {{ echo username=alice; echo password={HELPER}; }}; f"),
    ]);
    out.push((w, true));
    // 2: `token@` in HF_ENDPOINT, a malformed proxy URL with a password, the helper alone.
    let mut w = World::new();
    w.set(
        "HF_ENDPOINT",
        &format!("https://{ENDPOINT_ALONE}@127.0.0.1:9"),
    )
    .set(
        "HTTPS_PROXY",
        &format!("http://bob:{MALFORMED_PASSWORD}@@127.0.0.1:bad port"),
    )
    .set("HF_TOKEN_PATH", &format!("~/{IN_TOKEN_PATH}/token"));
    w.git_repo(Some(&format!(
        "https://{REMOTE_ALONE}@huggingface.co/acme/x"
    )));
    w.git(&[
        "config",
        "credential.https://huggingface.co.helper",
        &format!("!f() {{ echo password={HELPER}; }}; f"),
    ]);
    out.push((w, true));
    // 3: online, the Hub stand-in echoes the token in its messages.
    let mut w = World::new();
    w.set("HF_ENDPOINT", hub_url).set("HF_TOKEN", ECHOED);
    w.write_token(ECHOED);
    out.push((w, false));
    out
}

#[test]
fn no_secret_shape_in_any_output() {
    let hub = HubServer::start(HubWorld::new().echo_token("/api/"));
    let pasted = pasted_error();
    for (i, (w, offline)) in shape_worlds(&hub.url).iter().enumerate() {
        let f = w.home.join("pasted.txt");
        std::fs::write(&f, &pasted).unwrap();
        let f = f.to_str().unwrap();
        let runs: Vec<Vec<&str>> = vec![
            vec![],
            vec!["-v"],
            vec!["--format", "json"],
            vec!["--format", "markdown"],
            vec!["--format", "github", "-v"],
            vec!["report"],
            vec!["report", "--anonymize"],
            vec!["--require", "read", "--repo", "acme/x"],
            vec!["explain", "--file", f],
            vec!["explain", "--format", "json", "--file", f],
            vec!["explain", "--no-check", "--file", f],
        ];
        for mut args in runs {
            if *offline {
                args.push("--offline");
            }
            args.extend(["--timeout", "2"]);
            let r = w.run(&args);
            assert_no_shape(&format!("world {i} {args:?} stdout"), &r.stdout);
            assert_no_shape(&format!("world {i} {args:?} stderr"), &r.stderr);
        }
        // The `-- CMD` diagnosis (the command's own output is the user's, passed through).
        let script = "echo '401 Client Error: Unauthorized for url: https://huggingface.co/api/models/acme/x' >&2; exit 1";
        let mut args = vec!["--timeout", "2"];
        if *offline {
            args.push("--offline");
        }
        args.extend(["--", "sh", "-c", script]);
        let r = w.run(&args);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_no_shape(&format!("world {i} -- CMD stdout"), &r.stdout);
        assert_no_shape(&format!("world {i} -- CMD stderr"), &r.stderr);
    }
    assert!(hub.count("/api/") > 0, "the stand-in was asked");
}

#[test]
fn the_secret_shapes_were_really_seen() {
    // The test above means something only if hfdoctor read these values: their masks show.
    let hub = HubServer::start(HubWorld::new().echo_token("/api/"));
    let worlds = shape_worlds(&hub.url);
    let masked = |t: &str| format!("hf_…{}", &t[t.len() - 4..]);
    let out = worlds[0].0.run(&["--offline", "-v"]).stdout;
    for t in [IN_TOKEN_PATH, REMOTE_USER, HELPER] {
        assert!(out.contains(&masked(t)), "{} not in:\n{out}", masked(t));
    }
    let out = worlds[1].0.run(&["--offline", "-v"]).stdout;
    assert!(
        out.contains("****"),
        "the malformed proxy password is masked:\n{out}"
    );
    let out = worlds[2].0.run(&["-v", "--timeout", "2"]).stdout;
    assert!(out.contains(&masked(ECHOED)), "{out}");
    assert!(
        out.contains("is not valid"),
        "the server's message is shown:\n{out}"
    );
}
