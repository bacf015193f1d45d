//! The proxy check against CONNECT proxies started by the test, and the Hub client going
//! through a proxy as the Python client would.

mod support;

use support::hub::{HubServer, HubWorld, Repo};
use support::proxy::{Mode, TestProxy};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";

#[test]
fn no_proxy_at_all() {
    let w = World::new();
    let (f, _) = w.outcome("proxy/none");
    assert_eq!(f["status"], "pass");
}

#[test]
fn offline_it_shows_the_routes() {
    let mut w = World::new();
    w.set("HTTPS_PROXY", "http://bob:s3cret@proxy.corp:3128")
        .set("NO_PROXY", "us.aws.cdn.hf.co");
    let (f, text) = w.outcome("proxy/configured");
    let routes = f["details"]["routes"].as_str().unwrap();
    assert!(
        routes.contains("huggingface.co: http://bob:****@proxy.corp:3128 (HTTPS_PROXY)"),
        "{routes}"
    );
    assert!(
        routes.contains("us.aws.cdn.hf.co: direct (NO_PROXY us.aws.cdn.hf.co)"),
        "{routes}"
    );
    assert!(!text.contains("s3cret"), "{text}");
}

#[test]
fn open_proxy_lets_every_hub_host_through() {
    let proxy = TestProxy::start(Mode::Open);
    let mut w = World::new();
    w.set("HTTPS_PROXY", &proxy.url);
    let (f, _) = w.outcome_with("proxy/ok", &["--only", "proxy"]);
    assert!(f["details"]["routes"]
        .as_str()
        .unwrap()
        .contains("huggingface.co"));
    let log = proxy.log();
    assert!(
        log.iter().any(|(l, _)| l == "CONNECT huggingface.co:443"),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|(l, _)| l == "CONNECT cas-bridge.xethub.hf.co:443"),
        "{log:?}"
    );
}

#[test]
fn proxy_that_needs_credentials() {
    let proxy = TestProxy::start(Mode::Auth("bob", "s3cret"));
    let mut w = World::new();
    w.set("HTTPS_PROXY", &proxy.url);
    let (f, text) = w.outcome_with("proxy/auth-required", &["--only", "proxy"]);
    assert_eq!(f["cause"], "proxy");
    assert!(text.contains("no credentials are set"), "{text}");
    w.set(
        "HTTPS_PROXY",
        &format!("http://bob:wrong@127.0.0.1:{}", proxy.port),
    );
    let (_, text) = w.outcome_with("proxy/auth-required", &["--only", "proxy"]);
    assert!(text.contains("are refused"), "{text}");
    assert!(!text.contains("wrong@"), "{text}");
    // With the right ones the tunnel opens.
    w.set(
        "HTTPS_PROXY",
        &format!("http://bob:s3cret@127.0.0.1:{}", proxy.port),
    );
    let (_, text) = w.outcome_with("proxy/ok", &["--only", "proxy"]);
    assert!(!text.contains("s3cret"), "{text}");
    assert!(proxy.log().iter().any(|(_, auth)| *auth));
}

#[test]
fn proxy_that_refuses() {
    let proxy = TestProxy::start(Mode::Refuse);
    let mut w = World::new();
    w.set("HTTPS_PROXY", &proxy.url);
    let (f, _) = w.outcome_with("proxy/forbidden", &["--only", "proxy"]);
    assert_eq!(f["details"]["host"], "huggingface.co");
}

#[test]
fn proxy_that_never_answers() {
    let proxy = TestProxy::start(Mode::BlackHole);
    let mut w = World::new();
    w.set("HTTPS_PROXY", &proxy.url);
    let (f, _) = w.outcome_with("proxy/no-answer", &["--only", "proxy", "--timeout", "1"]);
    assert_eq!(f["status"], "timeout");
}

#[test]
fn proxy_port_closed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut w = World::new();
    w.set("https_proxy", &format!("http://127.0.0.1:{port}"));
    let (f, _) = w.outcome_with("proxy/unreachable", &["--only", "proxy"]);
    assert_eq!(f["details"]["var"], "https_proxy");
}

#[test]
fn odd_values() {
    for (value, outcome) in [
        ("proxy.corp:3128", "proxy/no-scheme"),
        ("http://proxy.corp", "proxy/no-port"),
        ("socks5://proxy.corp:1080", "proxy/bad-scheme"),
        ("http://:3128", "proxy/not-a-url"),
    ] {
        let mut w = World::new();
        w.set("HTTPS_PROXY", value);
        let (f, _) = w.outcome(outcome);
        assert_eq!(f["details"]["var"], "HTTPS_PROXY", "{value}");
    }
}

#[test]
fn upper_and_lower_case_disagree() {
    let mut w = World::new();
    w.set("HTTPS_PROXY", "http://a.corp:3128")
        .set("https_proxy", "http://b.corp:3128");
    let (f, _) = w.outcome("proxy/case-disagree");
    assert_eq!(f["details"]["lower"], "https_proxy");
    // The route says which one the client takes.
    let j = w.json(&["--offline"]).json();
    let routes = find(&j, "proxy/configured").unwrap()["details"]["routes"].clone();
    assert!(routes.as_str().unwrap().contains("b.corp"), "{routes}");
}

#[test]
fn no_proxy_mistakes() {
    let mut w = World::new();
    w.set("HTTPS_PROXY", "http://proxy.corp:3128")
        .set("NO_PROXY", "localhost;huggingface.co,huggingface.co/api");
    let j = w.json(&["--offline"]).json();
    let ignored: Vec<&serde_json::Value> = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["code"] == "proxy/no-proxy-ignored")
        .collect();
    assert_eq!(ignored.len(), 2, "{j}");
    let (_, text) = w.outcome("proxy/no-proxy-ignored");
    assert!(
        text.contains("separated by commas, not semicolons"),
        "{text}"
    );
    assert!(text.contains("a path cannot be part of an entry"), "{text}");
}

#[test]
fn https_proxy_is_not_tested() {
    let mut w = World::new();
    w.set("HTTPS_PROXY", "https://proxy.corp:3129");
    let (f, _) = w.outcome_with("proxy/not-tested", &["--only", "proxy"]);
    assert_eq!(f["status"], "skip");
}

#[test]
fn other_status() {
    // The Hub stand-in is no proxy: it answers CONNECT with 404, an odd status.
    let hub = HubServer::start(HubWorld::new());
    let mut w = World::new();
    w.set("HTTPS_PROXY", &hub.url);
    let (f, _) = w.outcome_with("proxy/other-status", &["--only", "proxy"]);
    assert_eq!(f["details"]["status"], "404");
}

#[test]
fn the_hub_client_goes_through_the_proxy_like_python_does() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("alice/m")),
    );
    let proxy = TestProxy::start(Mode::Open);
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", &hub.url).set("HTTP_PROXY", &proxy.url);
    let j = w.json(&["--only", "token-valid"]).json();
    assert!(find(&j, "token-valid/valid").is_some(), "{j}");
    assert!(
        proxy
            .log()
            .iter()
            .any(|(l, _)| l.starts_with("GET http://127.0.0.1:") && l.ends_with("/api/whoami-v2")),
        "{:?}",
        proxy.log()
    );
    // NO_PROXY for the stand-in: straight there.
    let direct = TestProxy::start(Mode::Open);
    w.set("HTTP_PROXY", &direct.url)
        .set("NO_PROXY", "127.0.0.1");
    let j = w.json(&["--only", "token-valid"]).json();
    assert!(find(&j, "token-valid/valid").is_some(), "{j}");
    assert!(direct.log().is_empty(), "{:?}", direct.log());
}

#[test]
fn a_dead_proxy_with_a_password_never_shows_it_in_errors() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write"),
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://bob:CanaryPw123@127.0.0.1:{port}");
    let mut w = World::new();
    w.write_token(WRITE);
    w.set("HF_ENDPOINT", &hub.url)
        .set("HTTP_PROXY", &dead)
        .set("HTTPS_PROXY", &dead);
    for args in [
        &["--repo", "alice/m", "-v"][..],
        &["--repo", "alice/m", "--format", "json"],
        &["report", "--repo", "alice/m"],
        &["--format", "github", "--repo", "alice/m"],
    ] {
        let r = w.run(args);
        assert!(
            !r.stdout.contains("CanaryPw123") && !r.stderr.contains("CanaryPw123"),
            "{args:?}:\n{}",
            r.stdout
        );
    }
    // The requests really went to the dead proxy and failed there.
    let j = w.json(&["--only", "token-valid"]).json();
    assert!(find(&j, "token-valid/unreachable").is_some(), "{j}");
}

#[test]
fn a_plus_in_a_proxy_password_stays_a_plus() {
    // Percent-decoding, not form decoding: `p+w` is the password, not `p w`.
    let proxy = TestProxy::start(Mode::Auth("bob", "p+w"));
    let mut w = World::new();
    for userinfo in ["bob:p+w", "bob:p%2Bw"] {
        w.set(
            "HTTPS_PROXY",
            &format!("http://{userinfo}@127.0.0.1:{}", proxy.port),
        );
        let (f, text) = w.outcome_with("proxy/ok", &["--only", "proxy"]);
        assert_eq!(f["status"], "pass", "{userinfo}: {text}");
    }
    // The Hub client sends the same credentials: whoami goes through the proxy.
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("alice/model")),
    );
    w.set(
        "HTTP_PROXY",
        &format!("http://bob:p+w@127.0.0.1:{}", proxy.port),
    );
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(WRITE);
    w.outcome_with("token-valid/valid", &["--only", "token-valid"]);
    assert!(proxy
        .log()
        .iter()
        .any(|(line, auth)| line.starts_with("GET") && *auth));
}

#[test]
fn the_token_never_crosses_a_plain_http_proxy_off_this_machine() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write"),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(WRITE);
    // A loopback endpoint, but the request would travel in the clear to another host's proxy.
    // (`.invalid` never resolves: should hfdoctor send anything, it goes nowhere.)
    w.set("HTTP_PROXY", "http://proxy.invalid:3128");
    let (f, text) = w.outcome_with("token-valid/not-sent-proxy", &["--only", "token-valid"]);
    assert!(text.contains("proxy.invalid:3128"), "{text}");
    assert_eq!(f["status"], "skip");
    assert!(hub.log().is_empty(), "{:?}", hub.log().len());
    // Through a proxy on this machine the token may go: the request reaches the Hub.
    let proxy = TestProxy::start(Mode::Open);
    w.set("HTTP_PROXY", &proxy.url);
    w.outcome_with("token-valid/valid", &["--only", "token-valid"]);
    assert!(hub.log().iter().any(|l| l.authorized));
}
