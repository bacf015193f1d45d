//! The storage stand-ins are faithful: the real huggingface_hub 2.x (and its hf_xet) downloads
//! through them end to end, and fails per fault where download-path says it will, with the
//! exception class named here. Skipped, with a message, where target/hf-venv is absent
//! (scripts/setup-hf-venv.sh makes it; CI requires it).

mod support;

use std::process::Command;

use serde_json::Value;
use support::hf_python;
use support::hub::{HubServer, Repo, TestTls};
use support::storage::{content, refused_url, Fault, Kind, StorageServer, FILE_SIZE};
use support::*;

const REPO: &str = "acme/llm";

/// Download `model.safetensors` with the real client; the outcome as
/// `ok <size> <matches>` or the exception's class, with the class of its cause.
fn download(py: &std::path::Path, hub: &HubServer, extra: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        r#"
import json
from huggingface_hub import hf_hub_download
expected = bytes(i % 251 for i in range({FILE_SIZE}))
try:
    p = hf_hub_download('{REPO}', 'model.safetensors')
    data = open(p, 'rb').read()
    print('ok', len(data), data == expected)
except Exception as e:
    c = e.__cause__ or e.__context__
    print(type(e).__name__ + ('<-' + type(c).__name__ if c is not None else ''), '|', str(e)[:300].replace('\n', ' '))
"#
    );
    let mut cmd = Command::new(py);
    cmd.env_clear()
        .env("HOME", dir.path())
        .env("HF_HOME", dir.path().join("hf"))
        .env("HF_ENDPOINT", &hub.url)
        .env("HF_TOKEN", TOKEN_A)
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .env("HF_HUB_ETAG_TIMEOUT", "5")
        .env("HF_HUB_DOWNLOAD_TIMEOUT", "3")
        .env("HF_XET_CLIENT_RETRY_MAX_ATTEMPTS", "1")
        .env("HF_XET_CLIENT_RETRY_BASE_DELAY", "0")
        .env("HF_XET_CLIENT_CONNECT_TIMEOUT", "3")
        .env("HF_XET_CLIENT_READ_TIMEOUT", "3")
        .env("HF_XET_TELEMETRY_ENABLED", "0")
        .env("HF_XET_LOG_DEST", "");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.args(["-c", &script]);
    let out = output_or_hang(cmd);
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !stdout.is_empty(),
        "python printed nothing: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn hub_with(repo: Repo) -> HubServer {
    hub_with_reader(repo)
}

/// What hfdoctor's download-path says for the same world.
fn doctor(hub: &HubServer, extra: &[(&str, &str)]) -> Value {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.set("HF_TOKEN", TOKEN_A);
    for (k, v) in extra {
        w.set(k, v);
    }
    let j = w.json(&["--only", "download-path", "--repo", REPO]).json();
    j["checks"][0].clone()
}

#[test]
fn the_real_client_downloads_through_the_stand_ins_and_fails_where_hfdoctor_says() {
    let Some(py) = hf_python("download fidelity test") else {
        return;
    };
    let ok = format!("ok {FILE_SIZE} True");
    assert_eq!(content(3)[2], 2);

    // LFS through a CDN: works, and hfdoctor agrees.
    let cdn = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &cdn.url));
    assert_eq!(download(&py, &hub, &[]), ok);
    assert_eq!(doctor(&hub, &[])["code"], "download-path/ok");
    // The client sent the Hub token to no storage host either.
    assert!(
        cdn.log().iter().all(|h| h.authorization.is_none()),
        "{:?}",
        cdn.log()
    );

    // Each CDN fault: the client's exception, and hfdoctor's finding.
    let tls = TestTls::new();
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "refused",
            refused_url(),
            "ConnectError",
            "download-path/storage-refused",
        ),
        (
            "403",
            StorageServer::start(Kind::Bytes, Fault::Forbidden, None).url,
            "HfHubHTTPError",
            "download-path/storage-status",
        ),
        (
            "portal",
            StorageServer::start(Kind::Bytes, Fault::Portal, None).url,
            "OSError",
            "download-path/storage-portal",
        ),
        (
            "untrusted TLS",
            StorageServer::start_tls(Kind::Bytes, Fault::None, None, &tls).url,
            "ConnectError",
            "download-path/storage-tls-untrusted",
        ),
    ];
    // A black hole, and a host that answers and then sends nothing: the client waits for its
    // read timeout (1 s here), retries without progress, then raises.
    let hole = StorageServer::start(Kind::Bytes, Fault::BlackHole, None);
    let stall = StorageServer::start(Kind::Bytes, Fault::StallAfter(0), None);
    let cases = cases.into_iter().chain([
        (
            "black hole",
            hole.url.clone(),
            "ReadTimeout",
            "download-path/storage-no-answer",
        ),
        (
            "stall",
            stall.url.clone(),
            "ReadTimeout",
            "download-path/storage-stalled",
        ),
    ]);
    for (name, url, class, code) in cases {
        let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &url));
        let got = download(&py, &hub, &[("HF_HUB_DOWNLOAD_TIMEOUT", "1")]);
        eprintln!("{name}: {got}");
        assert!(got.starts_with(class), "{name}: the client raised {got}");
        assert_eq!(doctor(&hub, &[])["code"], code, "{name}");
    }

    // Xet through token, CAS and transfer: hf_xet reconstructs the file from the stand-in's
    // xorb; with HF_HUB_DISABLE_XET=1 the client takes the bridge instead.
    let transfer = StorageServer::start(Kind::Xorb, Fault::None, None);
    let cas = StorageServer::start(Kind::Cas, Fault::None, Some(&transfer.url));
    let bridge = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub = hub_with(Repo::model(REPO).xet_file("model.safetensors", &cas.url, &bridge.url));
    assert_eq!(download(&py, &hub, &[]), ok, "hf_xet through the stand-ins");
    assert!(
        !transfer.log().is_empty() && !cas.log().is_empty(),
        "hf_xet used CAS and transfer"
    );
    assert_eq!(doctor(&hub, &[])["code"], "download-path/ok");

    // The CAS refused: hf_xet fails, the bridge works, and hfdoctor's proven workaround
    // (HF_HUB_DISABLE_XET=1) makes the same download succeed.
    let bridge = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub =
        hub_with(Repo::model(REPO).xet_file("model.safetensors", &refused_url(), &bridge.url));
    let got = download(&py, &hub, &[]);
    eprintln!("CAS refused: {got}");
    // hf_xet 1.8.0: `RuntimeError: Task error: File reconstruction error: CAS Client Error:
    // Request middleware error: error sending request for url (…/v2/reconstructions/…)`.
    assert!(
        got.starts_with("RuntimeError") && got.contains("CAS Client Error"),
        "hf_xet with the CAS refused: {got}"
    );
    let f = doctor(&hub, &[]);
    assert_eq!(f["code"], "download-path/xet-blocked-bridge-works");
    assert_eq!(
        download(&py, &hub, &[("HF_HUB_DISABLE_XET", "1")]),
        ok,
        "the workaround hfdoctor offers"
    );

    // A mirror (an endpoint that is not the Hub) whose Xet hosts this machine cannot reach:
    // the client fails in hf_xet, and hfdoctor names the mirror as the cause.
    let hub =
        hub_with(Repo::model(REPO).xet_file("model.safetensors", &refused_url(), &refused_url()));
    let mirror = hub.url.replace("127.0.0.1", "0.0.0.0");
    let got = download(&py, &hub, &[("HF_ENDPOINT", &mirror), ("HF_TOKEN", "")]);
    assert!(got.starts_with("RuntimeError"), "through the mirror: {got}");
    let f = doctor(&hub, &[("HF_ENDPOINT", &mirror)]);
    assert_eq!(f["code"], "download-path/mirror-passes-through", "{f}");
}
