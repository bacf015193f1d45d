//! The network check, step by step, on loopback only: a TLS stand-in with its own CA, with and
//! without SSL_CERT_FILE; a closed port; a name under .invalid; black holes; a server that is
//! not the Hub; and the CA variables of each client generation.

mod support;

use support::hub::{HubServer, HubWorld, TestTls};
use support::*;

fn with_endpoint(url: &str) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", url);
    w
}

#[test]
fn tls_stand_in_trusted_through_ssl_cert_file() {
    let tls = TestTls::new();
    let hub = HubServer::start_tls(HubWorld::new(), &tls);
    let url = hub.url.replace("127.0.0.1", "localhost");
    let mut w = with_endpoint(&url);
    let ca = w.home.join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).unwrap();
    w.set("SSL_CERT_FILE", ca.to_str().unwrap());
    let (f, text) = w.outcome_with("network/ok", &["--only", "network"]);
    let hosts = f["details"]["hosts"].as_str().unwrap();
    assert!(hosts.starts_with("localhost (DNS "), "{hosts}");
    assert!(
        hosts.contains("TCP ") && hosts.contains("TLS ") && hosts.contains("HTTP 401"),
        "{hosts}"
    );
    assert!(text.contains("Every Hub host answers"), "{text}");
}

#[test]
fn tls_interception_names_the_issuer() {
    let tls = TestTls::new();
    let hub = HubServer::start_tls(HubWorld::new(), &tls);
    let url = hub.url.replace("127.0.0.1", "localhost");
    let w = with_endpoint(&url);
    let (f, text) = w.outcome_with("network/tls-untrusted", &["--only", "network"]);
    assert_eq!(f["cause"], "tls");
    assert_eq!(f["details"]["issuer"], "hfdoctor test CA");
    assert!(
        text.contains("The certificate for localhost was issued by 'hfdoctor test CA', which this machine does not trust"),
        "{text}"
    );
    let cmds = fix_commands(&f);
    assert!(cmds.contains(&"export SSL_CERT_FILE=/path/to/company-ca.pem".to_string()));
    assert!(cmds.contains(&"export REQUESTS_CA_BUNDLE=/path/to/company-ca.pem".to_string()));
}

/// The company CA sits in REQUESTS_CA_BUNDLE, which only huggingface_hub 0.x reads: hfdoctor
/// connects again trusting that file alone (as SSL_CERT_FILE would make 1.x and 2.x do), and
/// says which installed client trusts the host today.
#[test]
fn the_ca_only_an_old_client_reads() {
    let tls = TestTls::new();
    let hub = HubServer::start_tls(HubWorld::new(), &tls);
    let url = hub.url.replace("127.0.0.1", "localhost");
    let mut w = with_endpoint(&url);
    let Some(old) = support::venv::venv(&w.home, "old", &[("huggingface_hub", "0.36.2", &[])])
    else {
        eprintln!("SKIPPED the_ca_only_an_old_client_reads: no python3 venv");
        return;
    };
    let new = support::venv::venv(
        &w.home,
        "new",
        &[("huggingface_hub", "2.4.0", &[]), ("hf_xet", "1.8.0", &[])],
    )
    .unwrap();
    // `python3` runs the old client, `hf` the new one.
    let hf = w.home.join("hf-bin");
    support::venv::script(&hf, "hf", &new.join("python"));
    let path = std::env::join_paths([old.as_path(), hf.as_path()]).unwrap();
    w.set("PATH", path.to_str().unwrap());
    let ca = w.home.join("corp-ca.pem");
    std::fs::write(&ca, &tls.ca_pem).unwrap();
    w.set("REQUESTS_CA_BUNDLE", ca.to_str().unwrap());
    let (f, text) = w.outcome_with("network/tls-ca-in-old-var", &["--only", "network"]);
    assert_eq!(f["cause"], "tls");
    assert_eq!(f["details"]["var"], "REQUESTS_CA_BUNDLE");
    assert_eq!(f["details"]["path"], "~/corp-ca.pem");
    let clients = f["details"]["clients"].as_str().unwrap();
    assert!(
        clients.contains("huggingface_hub 0.36.2 (~/old/bin/python"),
        "{clients}"
    );
    assert!(clients.contains(": REQUESTS_CA_BUNDLE ✓"), "{clients}");
    assert!(
        clients.contains("huggingface_hub 2.4.0 (~/new/bin/python): OS store ✗"),
        "{clients}"
    );
    assert!(
        clients.contains("hf_xet 1.8.0 (~/new/bin/python): OS store ✗"),
        "{clients}"
    );
    assert_eq!(
        fix_commands(&f),
        vec![format!("export SSL_CERT_FILE={}", ca.display())]
    );
    let j = w.json(&["--only", "network"]).json();
    assert_eq!(j["diagnosis"][0]["verified"], true, "{j}");
    assert!(text.contains("whose CA is in REQUESTS_CA_BUNDLE (~/corp-ca.pem), a variable only huggingface_hub 0.x reads"), "{text}");
    // A file that does not hold the issuer is no fix: the plain verdict, with the clients.
    std::fs::write(&ca, TestTls::new().ca_pem).unwrap();
    let (f, _) = w.outcome_with("network/tls-untrusted", &["--only", "network"]);
    let clients = f["details"]["clients"].as_str().unwrap();
    assert!(clients.contains(": REQUESTS_CA_BUNDLE ✗"), "{clients}");
    let mut zh = World::new();
    zh.env = w.env.clone();
    zh.set("LANG", "zh_CN.UTF-8");
    std::fs::write(&ca, &tls.ca_pem).unwrap();
    let (_, text) = zh.outcome_with("network/tls-ca-in-old-var", &["--only", "network"]);
    assert!(
        text.contains("但只有 huggingface_hub 0.x 会读取这个变量"),
        "{text}"
    );
}

#[test]
fn closed_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let w = with_endpoint(&format!("http://127.0.0.1:{port}"));
    let (f, text) = w.outcome_with("network/tcp-failed", &["--only", "network"]);
    assert_eq!(f["cause"], "network-unreachable");
    assert!(text.contains("refused"), "{text}");
}

#[test]
fn a_name_that_does_not_resolve() {
    let w = with_endpoint("https://hub.invalid");
    let j = w.json(&["--only", "network", "--timeout", "2"]).json();
    let code = j["checks"][0]["code"].as_str().unwrap().to_string();
    assert!(
        code == "network/dns-failed" || code == "network/dns-timeout",
        "{j}"
    );
    w.outcome_with(&code, &["--only", "network", "--timeout", "2"]);
}

#[test]
fn black_hole_over_tls_and_over_http() {
    let addr = black_hole();
    let w = with_endpoint(&format!(
        "https://localhost:{}",
        addr.rsplit(':').next().unwrap()
    ));
    let (f, _) = w.outcome_with(
        "network/tls-timeout",
        &["--only", "network", "--timeout", "2"],
    );
    assert_eq!(f["status"], "timeout");
    let w = with_endpoint(&format!("http://{addr}"));
    let (f, _) = w.outcome_with(
        "network/http-timeout",
        &["--only", "network", "--timeout", "2"],
    );
    assert_eq!(f["status"], "timeout");
}

#[test]
fn something_that_is_not_the_hub() {
    let portal = HubServer::start(HubWorld::new().broken(
        "/openai-community/gpt2/resolve",
        200,
        "<html>Log in to the Wi-Fi</html>",
    ));
    let w = with_endpoint(&portal.url);
    let (f, text) = w.outcome_with("network/not-hub", &["--only", "network"]);
    assert_eq!(f["details"]["status"], "200");
    assert!(text.contains("X-Repo-Commit"), "{text}");
}

#[test]
fn a_server_that_hangs_up() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            drop(s);
        }
    });
    let w = with_endpoint(&format!("http://{addr}"));
    // The error's words vary (reset, or closed before the answer): check both formats apart.
    let j = w.json(&["--only", "network"]).json();
    let f = find(&j, "network/http-failed").expect("http-failed");
    assert_eq!(f["cause"], "network-unreachable");
    let text = w.run(&["--only", "network", "--color", "never"]).stdout;
    assert!(
        text.contains("The HTTP request to 127.0.0.1 fails: "),
        "{text}"
    );
    assert_no_placeholder(&text);
}

#[test]
fn plain_http_where_tls_is_expected() {
    let hub = HubServer::start(HubWorld::new());
    let w = with_endpoint(&hub.url.replace("http://127.0.0.1", "https://localhost"));
    let (f, _) = w.outcome_with("network/tls-failed", &["--only", "network"]);
    assert_eq!(f["cause"], "tls");
}

#[test]
fn ca_variables() {
    let mut w = World::new();
    w.set("SSL_CERT_FILE", "/nonexistent/ca.pem");
    let (f, text) = w.outcome("network/ca-file-bad");
    assert!(text.contains("the file does not exist"), "{text}");
    assert_eq!(f["details"]["var"], "SSL_CERT_FILE");

    let mut w = World::new();
    let empty = w.home.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    w.set("SSL_CERT_FILE", empty.to_str().unwrap());
    let (_, text) = w.outcome("network/ca-file-bad");
    assert!(text.contains("holds no PEM certificate"), "{text}");

    let mut w = World::new();
    let home = w.home.to_string_lossy().into_owned();
    w.set("REQUESTS_CA_BUNDLE", &home);
    let j = w.json(&["--offline"]).json();
    assert!(find(&j, "network/ca-file-bad").is_some(), "{j}");
    let (f, text) = w.outcome("network/ca-for-old-client");
    assert_eq!(f["details"]["var"], "REQUESTS_CA_BUNDLE");
    assert!(
        text.contains("only huggingface_hub 0.x reads REQUESTS_CA_BUNDLE"),
        "{text}"
    );
}

#[test]
fn offline_and_no_endpoint() {
    let w = World::new();
    let (f, _) = w.outcome("network/skipped-offline");
    assert_eq!(f["status"], "skip");
    let w = with_endpoint("");
    let (f, _) = w.outcome_with("network/no-endpoint", &["--only", "network"]);
    assert_eq!(f["status"], "skip");
}
