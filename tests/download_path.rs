//! download-path against the Hub stand-in and storage stand-ins on other loopback ports: an
//! LFS file through a CDN, a Xet file through the xet token, the CAS and the transfer host
//! (and the bridge beside them), and each fault a storage host can have. The storage logs
//! prove which host got which request and that no Hub token ever reached one.

mod support;

use support::hub::{HubServer, HubWorld, Repo, TestTls};
use support::storage::{refused_url, Fault, Kind, StorageServer, XET_TOKEN};
use support::*;

const REPO: &str = "acme/llm";

fn hub_with(repo: Repo) -> HubServer {
    hub_with_reader(repo)
}

fn world(hub: &HubServer) -> World {
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.set("HF_TOKEN", TOKEN_A);
    w
}

const ARGS: &[&str] = &["--only", "download-path", "--repo", REPO];

/// No request to a storage host carried the Hub token, in any form.
fn no_hub_token(logs: &[&StorageServer]) {
    for s in logs {
        for hit in s.log() {
            let auth = hit.authorization.clone().unwrap_or_default();
            assert!(
                !auth.contains(TOKEN_A),
                "Hub token sent to {}: {hit:?}",
                s.url
            );
            assert!(
                auth.is_empty() || auth == format!("Bearer {XET_TOKEN}"),
                "{hit:?}"
            );
        }
    }
}

#[test]
fn an_lfs_file_through_its_cdn() {
    let cdn = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &cdn.url));
    let w = world(&hub);
    let (f, text) = w.outcome_with("download-path/ok", ARGS);
    let route = f["details"]["route"].as_str().unwrap();
    let cdn_host = cdn.url.trim_start_matches("http://");
    assert!(
        route.contains(&format!("{cdn_host} [CDN, direct]: 206")),
        "{route}"
    );
    assert!(route.contains("1.0 MiB in"), "{route}");
    assert_eq!(f["details"]["storage"], "lfs");
    assert!(
        text.contains("The bytes of model.safetensors (acme/llm, lfs) come through"),
        "{text}"
    );
    // One ranged GET per run (outcome_with runs JSON, then text).
    let hits = cdn.log();
    assert_eq!(hits.len(), 2, "{hits:?}");
    for hit in &hits {
        assert_eq!(hit.range.as_deref(), Some("bytes=0-1048575"));
        assert!(hit.path.starts_with("/repos/"), "{hits:?}");
    }
    no_hub_token(&[&cdn]);
    // The HEAD went to the Hub with the token, as the client sends it.
    assert!(hub.log().iter().any(|r| r.method == "HEAD"
        && r.path.contains("/resolve/main/model.safetensors")
        && r.authorized));
}

struct Xet {
    cas: StorageServer,
    transfer: StorageServer,
    bridge: StorageServer,
    hub: HubServer,
}

fn xet(cas_fault: Fault, transfer_fault: Fault, bridge_fault: Fault) -> Xet {
    let transfer = StorageServer::start(Kind::Xorb, transfer_fault, None);
    let cas = StorageServer::start(Kind::Cas, cas_fault, Some(&transfer.url));
    let bridge = StorageServer::start(Kind::Bytes, bridge_fault, None);
    let hub = hub_with(Repo::model(REPO).xet_file("model.safetensors", &cas.url, &bridge.url));
    Xet {
        cas,
        transfer,
        bridge,
        hub,
    }
}

#[test]
fn a_xet_file_through_token_cas_and_transfer_with_the_bridge_beside() {
    let x = xet(Fault::None, Fault::None, Fault::None);
    let w = world(&x.hub);
    let (f, _) = w.outcome_with("download-path/ok", ARGS);
    let route = f["details"]["route"].as_str().unwrap();
    for (server, role) in [
        (&x.cas, "Xet CAS"),
        (&x.transfer, "Xet transfer"),
        (&x.bridge, "Xet bridge"),
    ] {
        let host = server.url.trim_start_matches("http://");
        assert!(
            route.contains(&format!("{host} [{role}, direct]")),
            "{role}: {route}"
        );
    }
    assert_eq!(f["details"]["storage"], "xet");
    // The CAS got the xet access token and nothing else; transfer and bridge got nothing.
    // One request to each host per run (outcome_with runs JSON, then text).
    let cas = x.cas.log();
    assert_eq!(cas.len(), 2, "{cas:?}");
    for hit in &cas {
        assert!(hit.path.starts_with("/v2/reconstructions/"), "{cas:?}");
        assert_eq!(
            hit.authorization.as_deref(),
            Some(&*format!("Bearer {XET_TOKEN}"))
        );
    }
    for s in [&x.transfer, &x.bridge] {
        let log = s.log();
        assert_eq!(log.len(), 2, "{log:?}");
        assert!(log.iter().all(|h| h.authorization.is_none()), "{log:?}");
    }
    assert!(x.transfer.log()[0].path.starts_with("/xorbs/default/"));
    // The range exactly as the CAS signed it.
    let xorb_len =
        support::storage::xorb(&support::storage::content(support::storage::FILE_SIZE)).len();
    assert_eq!(
        x.transfer.log()[0].range.as_deref(),
        Some(&*format!("bytes=0-{}", xorb_len - 1))
    );
    no_hub_token(&[&x.cas, &x.transfer, &x.bridge]);
    // The xet token went to the Hub with the Hub token; the access token is never shown.
    assert!(x
        .hub
        .log()
        .iter()
        .any(|r| r.path.contains("/xet-read-token/") && r.authorized));
    let all = w.json(ARGS).stdout + &w.run(ARGS).stdout;
    assert!(!all.contains(XET_TOKEN) && !all.contains(TOKEN_A), "{all}");
}

#[test]
fn xet_hosts_blocked_while_the_bridge_answers_offers_the_proven_workaround() {
    let transfer = StorageServer::start(Kind::Bytes, Fault::None, None);
    let bridge = StorageServer::start(Kind::Bytes, Fault::None, None);
    let cas = refused_url();
    let hub = hub_with(Repo::model(REPO).xet_file("model.safetensors", &cas, &bridge.url));
    let w = world(&hub);
    let (f, text) = w.outcome_with("download-path/xet-blocked-bridge-works", ARGS);
    assert_eq!(f["cause"], "storage-blocked");
    assert_eq!(f["details"]["verified"], "yes", "{f}");
    assert_eq!(
        f["details"]["bridge"],
        bridge.url.trim_start_matches("http://")
    );
    assert!(fix_commands(&f).contains(&"export HF_HUB_DISABLE_XET=1".to_string()));
    assert!(text.contains("it refuses connections"), "{text}");
    assert!(transfer.log().is_empty(), "no plan, no transfer request");
    // In Chinese too, with the same proven fix.
    let mut zh = world(&hub);
    zh.set("LANG", "zh_CN.UTF-8");
    let (_, text) = zh.outcome_with("download-path/xet-blocked-bridge-works", ARGS);
    assert!(text.contains("它拒绝连接"), "{text}");
    assert!(text.contains("HF_HUB_DISABLE_XET=1"), "{text}");
}

fn cdn_fault(fault: Fault) -> (StorageServer, World, HubServer) {
    let cdn = StorageServer::start(Kind::Bytes, fault, None);
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &cdn.url));
    let w = world(&hub);
    (cdn, w, hub)
}

#[test]
fn a_refused_cdn() {
    let cdn = refused_url();
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &cdn));
    let w = world(&hub);
    let (f, text) = w.outcome_with("download-path/storage-refused", ARGS);
    assert_eq!(f["cause"], "storage-blocked");
    assert_eq!(f["details"]["role"], "CDN");
    assert!(text.contains("refuses connections"), "{text}");
    assert!(text.contains("The API host 127.0.0.1 answers"), "{text}");
}

#[test]
fn a_black_hole_cdn() {
    let (cdn, w, _hub) = cdn_fault(Fault::BlackHole);
    let mut args = ARGS.to_vec();
    args.extend(["--timeout", "3"]);
    let (f, _) = w.outcome_with("download-path/storage-no-answer", &args);
    assert_eq!(f["cause"], "storage-blocked");
    assert!(support::storage::touch(&cdn.url));
}

#[test]
fn a_cdn_that_stalls_after_the_first_bytes() {
    let (cdn, w, _hub) = cdn_fault(Fault::StallAfter(64 << 10));
    let (f, text) = w.outcome_with("download-path/storage-stalled", ARGS);
    assert_eq!(f["cause"], "storage-blocked");
    assert_eq!(f["details"]["size"], "64 KiB");
    assert!(
        text.contains("sent 64 KiB of model.safetensors and then nothing for"),
        "{text}"
    );
    assert_eq!(cdn.log().len(), 2, "one GET per run, no retry");
}

#[test]
fn a_slow_cdn() {
    let (_cdn, w, _hub) = cdn_fault(Fault::Slow);
    let (f, _) = w.outcome_with("download-path/storage-slow", ARGS);
    assert_eq!(f["status"], "warn");
    let rate = f["details"]["rate"].as_str().unwrap();
    assert!(rate.ends_with("KiB/s"), "{rate}");
}

#[test]
fn a_portal_page_instead_of_the_file() {
    let (_cdn, w, _hub) = cdn_fault(Fault::Portal);
    let (f, text) = w.outcome_with("download-path/storage-portal", ARGS);
    assert_eq!(f["details"]["page_title"], "Access Denied - Web Filter");
    assert!(
        text.contains("answered 200 OK with a web page ('Access Denied - Web Filter')"),
        "{text}"
    );
}

#[test]
fn a_storage_host_that_refuses_the_signed_url() {
    let (_cdn, w, _hub) = cdn_fault(Fault::Forbidden);
    let (f, text) = w.outcome_with("download-path/storage-status", ARGS);
    assert_eq!(f["details"]["status"], "403");
    assert!(text.contains("403 Forbidden"), "{text}");
    assert!(text.contains("<Code>AccessDenied</Code>"), "{text}");
}

#[test]
fn an_untrusted_certificate_on_the_cdn_only() {
    let tls = TestTls::new();
    let cdn = StorageServer::start_tls(Kind::Bytes, Fault::None, None, &tls);
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &cdn.url));
    let w = world(&hub);
    let (f, text) = w.outcome_with("download-path/storage-tls-untrusted", ARGS);
    assert_eq!(f["cause"], "tls");
    assert_eq!(f["details"]["issuer"], "hfdoctor test CA");
    assert!(
        text.contains(
            "hf_xet (the Xet hosts) verifies with the operating system's trust store only"
        ),
        "{text}"
    );
    assert!(fix_commands(&f)
        .iter()
        .any(|c| c.contains("update-ca-certificates")));
    // Trusted through SSL_CERT_FILE, the same host passes.
    let mut trusted = world(&hub);
    let ca = trusted.home.join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).unwrap();
    trusted.set("SSL_CERT_FILE", ca.to_str().unwrap());
    trusted.outcome_with("download-path/ok", ARGS);
}

#[test]
fn a_read_token_asked_for_a_write_route() {
    let x = xet(Fault::None, Fault::None, Fault::None);
    let w = world(&x.hub);
    let mut args = ARGS.to_vec();
    args.push("--write");
    let (f, _) = w.outcome_with("download-path/write-refused", &args);
    assert_eq!(f["cause"], "read-only-token");
    // The preupload answer is shown, with no cause of its own (what the Hub says there to a
    // read token is not documented; repo-access decides write rights).
    let (f, _) = w.outcome_with("download-path/preupload-refused", &args);
    assert_eq!(f["status"], "warn");
    assert!(f["cause"].is_null());
    assert!(x
        .hub
        .log()
        .iter()
        .any(|r| r.method == "POST" && r.path.ends_with("/preupload/main")));
}

#[test]
fn a_write_token_sees_the_whole_upload_route() {
    let transfer = StorageServer::start(Kind::Xorb, Fault::None, None);
    let cas = StorageServer::start(Kind::Cas, Fault::None, Some(&transfer.url));
    let bridge = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[])
            .token(TOKEN_A, "alice", "write")
            .repo(Repo::model("alice/llm").xet_file("model.safetensors", &cas.url, &bridge.url)),
    );
    let w = world(&hub);
    let (f, _) = w.outcome_with(
        "download-path/ok",
        &["--only", "download-path", "--repo", "alice/llm", "--write"],
    );
    let route = f["details"]["route"].as_str().unwrap();
    assert!(
        route.ends_with("xet write token: 200 → preupload: 200"),
        "{route}"
    );
}

#[test]
fn a_space_of_small_files_has_no_storage_host() {
    let mut repo = Repo::space("acme/demo");
    repo.files = vec!["app.py".into(), "README.md".into()];
    let hub = hub_with(repo);
    let w = world(&hub);
    let (f, _) = w.outcome_with(
        "download-path/git-only",
        &[
            "--only",
            "download-path",
            "--repo",
            "acme/demo",
            "--repo-type",
            "space",
        ],
    );
    assert_eq!(f["details"]["file"], "app.py");
}

#[test]
fn a_refused_repo_leaves_the_diagnosis_to_repo_access() {
    let hub = hub_with(Repo::model("acme/other"));
    let w = world(&hub);
    let (f, _) = w.outcome_with("download-path/skipped-refused", ARGS);
    assert_eq!(f["status"], "skip");
    assert!(f["cause"].is_null());
}

/// The storage hosts take the route the proxy variables give them: through the proxy here,
/// while NO_PROXY sends the API direct; each leg says which.
#[test]
fn storage_legs_through_a_proxy() {
    use support::proxy::{Mode, TestProxy};
    let cdn = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &cdn.url));
    let open = TestProxy::start(Mode::Open);
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url.replace("127.0.0.1", "localhost"));
    w.set("HF_TOKEN", TOKEN_A);
    w.set("HTTP_PROXY", &open.url).set("NO_PROXY", "localhost");
    let (f, _) = w.outcome_with("download-path/ok", ARGS);
    let route = f["details"]["route"].as_str().unwrap();
    let cdn_host = cdn.url.trim_start_matches("http://");
    assert!(
        route.contains(&format!("{cdn_host} [CDN, via {}]", open.url)),
        "{route}"
    );
    assert!(route.contains("[API, direct]"), "{route}");
    assert!(
        open.log().iter().all(|(line, _)| line.contains(cdn_host)),
        "{:?}",
        open.log()
    );

    // A proxy that holds the storage request: the proxy is named, the cause is the proxy.
    let hole = TestProxy::start(Mode::BlackHole);
    w.set("HTTP_PROXY", &hole.url);
    let mut args = ARGS.to_vec();
    args.extend(["--timeout", "3"]);
    let (f, text) = w.outcome_with("download-path/via-proxy-failed", &args);
    assert_eq!(f["cause"], "proxy");
    assert!(
        text.contains(&format!("is reached through {} (HTTP_PROXY)", hole.url)),
        "{text}"
    );
}

/// An endpoint that is not the Hub (0.0.0.0 reaches the loopback stand-in without being
/// loopback by name, as a mirror would be): a mirror that sends the bytes through hosts this
/// machine cannot reach, and one that cannot serve a private repo.
#[test]
fn a_mirror_that_passes_the_bytes_through_and_one_that_refuses() {
    let cas = refused_url();
    let bridge = refused_url();
    let hub = HubServer::start(
        HubWorld::new()
            .repo(Repo::model(REPO).xet_file("model.safetensors", &cas, &bridge))
            .repo(Repo::model("acme/secret").private()),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url.replace("127.0.0.1", "0.0.0.0"));
    let (f, text) = w.outcome_with("download-path/mirror-passes-through", ARGS);
    assert_eq!(f["cause"], "mirror-endpoint");
    assert_eq!(f["details"]["endpoint_host"], "0.0.0.0");
    assert!(text.contains("HF_ENDPOINT points at 0.0.0.0, but the bytes of model.safetensors come from 127.0.0.1:"), "{text}");
    assert!(fix_commands(&f).contains(&"export HF_HUB_DISABLE_XET=1".to_string()));

    let (f, text) = w.outcome_with(
        "download-path/mirror-refused",
        &["--only", "download-path", "--repo", "acme/secret"],
    );
    assert_eq!(f["cause"], "mirror-endpoint");
    assert!(
        text.contains("The mirror 0.0.0.0 answered 401 Unauthorized for acme/secret"),
        "{text}"
    );
}

#[test]
fn a_storage_host_whose_name_does_not_resolve() {
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", "http://cdn-lfs.invalid:9"));
    let w = world(&hub);
    let (f, text) = w.outcome_with("download-path/storage-dns", ARGS);
    assert_eq!(f["cause"], "storage-blocked");
    assert!(text.contains("cdn-lfs.invalid:9 (CDN)"), "{text}");
    assert!(fix_commands(&f).contains(&"getent hosts cdn-lfs.invalid".to_string()));
}

#[test]
fn a_storage_host_that_does_not_speak_tls() {
    // Plain HTTP behind an https URL: the handshake fails without a certificate to judge.
    let cdn = StorageServer::start(Kind::Bytes, Fault::None, None);
    let https = cdn.url.replace("http://", "https://");
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &https));
    let w = world(&hub);
    let (f, _) = w.outcome_with("download-path/storage-failed", ARGS);
    assert_eq!(f["cause"], "storage-blocked");
}

#[test]
fn when_the_hub_cannot_be_followed_the_check_steps_aside() {
    // The endpoint does not answer: the network check says why.
    let w = {
        let mut w = World::new();
        w.set("HF_ENDPOINT", &refused_url());
        w
    };
    let (f, _) = w.outcome_with("download-path/skipped-no-answer", ARGS);
    assert!(f["cause"].is_null());
    // A resolve answer without X-Repo-Commit: not the Hub.
    let hub = HubServer::start(HubWorld::new().repo(Repo::model(REPO)).broken(
        "/acme/llm/resolve/",
        200,
        "<html>welcome</html>",
    ));
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    let (f, _) = w.outcome_with("download-path/skipped-not-hub", ARGS);
    assert_eq!(f["details"]["status"], "200");
}

#[test]
fn a_xet_token_refused_after_the_resolve_passed() {
    let transfer = StorageServer::start(Kind::Xorb, Fault::None, None);
    let cas = StorageServer::start(Kind::Cas, Fault::None, Some(&transfer.url));
    let bridge = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub = HubServer::start(
        HubWorld::new()
            .repo(Repo::model(REPO).xet_file("model.safetensors", &cas.url, &bridge.url))
            .broken("/api/models/acme/llm/xet-read-token/", 502, "Bad Gateway"),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    let (f, _) = w.outcome_with("download-path/xet-token-refused", ARGS);
    assert_eq!(f["status"], "warn");
    assert_eq!(f["details"]["status"], "502");
    assert!(cas.log().is_empty(), "no token, no CAS request");
}

/// The network check lists the storage hosts the route reached, from the Hub's answers, and
/// judges them no second time.
#[test]
fn the_network_check_names_the_hosts_the_hub_named() {
    let cdn = StorageServer::start(Kind::Bytes, Fault::None, None);
    let hub = hub_with(Repo::model(REPO).lfs_file("model.safetensors", &cdn.url));
    let w = world(&hub);
    let (f, _) = w.outcome_with("network/ok", &["--only", "network", "--repo", REPO]);
    let hosts = f["details"]["hosts"].as_str().unwrap();
    let cdn_host = cdn.url.trim_start_matches("http://");
    assert!(
        hosts.ends_with(&format!(
            "storage, judged by download-path: {cdn_host} [CDN]"
        )),
        "{hosts}"
    );
    assert!(
        !hosts.contains("cdn-lfs.huggingface.co") && !hosts.contains("xethub"),
        "{hosts}"
    );
}
