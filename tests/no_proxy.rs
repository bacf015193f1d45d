//! Which proxy the client uses for a URL, from the proxy variables: a table of cases that
//! hfdoctor must get right, and that the real httpx2 (huggingface_hub 2.x's HTTP stack, in
//! target/hf-venv) must agree with where it is installed.

mod support;

use hfdoctor::context::Env;
use hfdoctor::net::proxy::{ProxySettings, Route};

const P: &str = "http://proxy:3128";

/// (variables, url, expected: "direct" or the proxy URL)
/// Variables, the URL asked, and the route: "direct" or the proxy URL.
type Case = (
    Vec<(&'static str, &'static str)>,
    &'static str,
    &'static str,
);

fn cases() -> Vec<Case> {
    let hp = ("HTTPS_PROXY", P);
    let both = [("HTTPS_PROXY", P), ("HTTP_PROXY", P)];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        let mut v = both.to_vec();
        v.extend_from_slice(extra);
        v
    };
    vec![
        (vec![hp], "https://huggingface.co/api/whoami-v2", P),
        (
            with(&[("NO_PROXY", "huggingface.co")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", ".huggingface.co")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            with(&[("NO_PROXY", ".huggingface.co")]),
            "https://cdn-lfs.huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "*.huggingface.co")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            with(&[("NO_PROXY", "*.huggingface.co")]),
            "https://cas-bridge.xethub.hf.co/x",
            P,
        ),
        (
            with(&[("NO_PROXY", "hf.co")]),
            "https://cas-bridge.xethub.hf.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "gingface.co")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            with(&[("NO_PROXY", "*")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "example.com,*")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", " huggingface.co , example.com")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "huggingface.co;hf.co")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            with(&[("NO_PROXY", "HuggingFace.CO")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "huggingface.co:443")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            with(&[("NO_PROXY", "huggingface.co:8443")]),
            "https://huggingface.co:8443/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "127.0.0.1")]),
            "http://127.0.0.1:8080/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "127.0.0.0/8")]),
            "http://127.0.0.1:8080/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "10.0.0.0/8")]),
            "http://127.0.0.1:8080/x",
            P,
        ),
        (
            with(&[("NO_PROXY", "localhost")]),
            "http://localhost:8080/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "::1")]),
            "http://[::1]:8080/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "[::1]")]),
            "http://[::1]:8080/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "https://huggingface.co")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "http://huggingface.co")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            vec![("HTTP_PROXY", P)],
            "https://huggingface.co/x",
            "direct",
        ),
        (vec![("ALL_PROXY", P)], "https://huggingface.co/x", P),
        (
            vec![("HTTPS_PROXY", P), ("https_proxy", "http://lower:8080")],
            "https://huggingface.co/x",
            "http://lower:8080",
        ),
        (
            vec![("HTTPS_PROXY", P), ("https_proxy", "")],
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "example.com"), ("no_proxy", "huggingface.co")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            vec![("HTTPS_PROXY", "proxy:3128")],
            "https://huggingface.co/x",
            P,
        ),
        (
            vec![("HTTP_PROXY", P), ("REQUEST_METHOD", "GET")],
            "http://example.com/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "huggingface.co/api")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            with(&[("NO_PROXY", "192.168.0.0/33")]),
            "http://192.168.0.1/x",
            P,
        ),
        (
            with(&[("NO_PROXY", ".co")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "co")]),
            "https://huggingface.co/x",
            "direct",
        ),
        (
            with(&[("NO_PROXY", "huggingface.co:abc")]),
            "https://huggingface.co/x",
            P,
        ),
        (
            with(&[("no_proxy", "hf.co,huggingface.co")]),
            "https://hf.co/x",
            "direct",
        ),
    ]
}

fn ours(vars: &[(&str, &str)], url: &str) -> String {
    let settings = ProxySettings::from_env(&Env::from_pairs(vars.iter().copied()));
    match settings.route(&url::Url::parse(url).unwrap()) {
        Route::Proxy { url, .. } => {
            if url.contains("://") {
                url
            } else {
                format!("http://{url}")
            }
        }
        _ => "direct".into(),
    }
}

#[test]
fn the_table() {
    let cases = cases();
    assert!(cases.len() >= 30);
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(vars, url, expected)| ours(vars, url) != *expected)
        .map(|(vars, url, expected)| {
            format!(
                "{vars:?} {url}: expected {expected}, got {}",
                ours(vars, url)
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn httpx2_agrees_with_the_table() {
    let Some(py) = support::hf_python("NO_PROXY differential test") else {
        return;
    };
    let cases = cases();
    let input: Vec<serde_json::Value> = cases
        .iter()
        .map(|(vars, url, _)| {
            serde_json::json!({
                "env": vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<std::collections::BTreeMap<_, _>>(),
                "url": url,
            })
        })
        .collect();
    let script = r#"
import json, os, sys
import httpx2
from httpx2._utils import get_environment_proxies, URLPattern
out = []
for case in json.loads(sys.stdin.read()):
    os.environ.clear()
    os.environ.update(case["env"])
    mounts = sorted(((URLPattern(k), v) for k, v in get_environment_proxies().items()), key=lambda kv: kv[0])
    url = httpx2.URL(case["url"])
    route = "direct"
    for pattern, proxy in mounts:
        if pattern.matches(url):
            route = proxy or "direct"
            break
    out.append(route)
print(json.dumps(out))
"#;
    let mut child = std::process::Command::new(&py)
        .args(["-c", script])
        .env_clear()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&input).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let truth: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    let wrong: Vec<String> = cases
        .iter()
        .zip(&truth)
        .filter(|((_, _, expected), t)| *expected != t.as_str())
        .map(|((vars, url, expected), t)| {
            format!("{vars:?} {url}: table says {expected}, httpx2 says {t}")
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
