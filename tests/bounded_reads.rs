//! Paths the user controls never hang a run: a FIFO or a device named by HF_TOKEN_PATH,
//! stored_tokens, SSL_CERT_FILE, SSL_CERT_DIR or `explain --file` is refused with a reason,
//! never opened for a blocking read (docs/notes/bounded-reads.md). Without the bounded reader
//! each of these runs blocks forever, which the watchdog in support turns into a failure.

mod support;

use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";

fn mkfifo(path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn a_fifo_at_stored_tokens_is_named_not_read() {
    let w = World::new();
    w.write_token(TOKEN_A);
    mkfifo(&w.home.join(".cache/huggingface/stored_tokens"));
    let (f, text) = w.outcome("env-conflicts/stored-unreadable");
    assert!(
        f["details"]["error"]
            .as_str()
            .unwrap()
            .contains("named pipe"),
        "{f}"
    );
    assert!(text.contains("stored_tokens"), "{text}");
}

#[test]
fn a_fifo_or_a_device_as_the_token_file_is_unreadable() {
    let mut w = World::new();
    let fifo = w.home.join("tokfifo");
    mkfifo(&fifo);
    w.set("HF_TOKEN_PATH", fifo.to_str().unwrap());
    let (f, _) = w.outcome("token-file/unreadable");
    assert!(f["details"]["reason"]
        .as_str()
        .unwrap()
        .contains("named pipe"));
    w.set("HF_TOKEN_PATH", "/dev/zero");
    let (f, _) = w.outcome("token-file/unreadable");
    assert!(f["details"]["reason"].as_str().unwrap().contains("device"));
}

#[test]
fn a_fifo_as_ssl_cert_file_is_a_bad_ca_file_and_the_hub_checks_still_answer() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("alice/model")),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(WRITE);
    let fifo = w.home.join("ca.pem");
    mkfifo(&fifo);
    w.set("SSL_CERT_FILE", fifo.to_str().unwrap());
    // A directory of certificates that holds a FIFO too: it is skipped, not opened.
    let dir = w.home.join("certs");
    mkfifo(&dir.join("hang.pem"));
    w.set("SSL_CERT_DIR", dir.to_str().unwrap());
    let j = w
        .json(&["--repo", "alice/model", "--only", "network,token-valid"])
        .json();
    let f = find(&j, "network/ca-file-bad").expect("ca-file-bad");
    assert_eq!(f["details"]["var"], "SSL_CERT_FILE");
    assert_eq!(f["details"]["problem"], "ca-not-regular");
    assert!(
        find(&j, "token-valid/valid").is_some(),
        "{}",
        serde_json::to_string_pretty(&j["checks"]).unwrap()
    );
}

#[test]
fn explain_refuses_a_fifo_for_file_and_says_to_pipe_it() {
    let w = World::new();
    let fifo = w.home.join("log.fifo");
    mkfifo(&fifo);
    let r = w.run(&["explain", "--no-check", "--file", fifo.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("named pipe"), "{}", r.stderr);
    assert!(r.stderr.contains("| hfdoctor explain"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}
