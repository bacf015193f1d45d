//! The stand-in is faithful: the real huggingface_hub 2.x, pointed at it over TLS (the
//! 401 → RepositoryNotFoundError rule needs an https URL), raises for each row of
//! hub-semantics §4.3 the exception class that document names. Skipped, with a message, where
//! target/hf-venv is absent (scripts/setup-hf-venv.sh makes it).

mod support;

use std::process::Command;

use serde_json::Value;
use support::hf_python;
use support::hub::{Fine, HubServer, HubWorld, Repo, TestTls};

const GOOD: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";
const READ: &str = "hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead";
const OTHER: &str = "hf_carolwriteaaaaaaaaaaaaaaaaaaaaCarl";
const CONTRIB: &str = "hf_bobwriteaaaaaaaaaaaaaaaaaaaaaaaBobw";
const FINE: &str = "hf_alicefineaaaaaaaaaaaaaaaaaaaaaFine";
const PENDING: &str = "hf_alicependingaaaaaaaaaaaaaaaaaaPend";
const REVOKED: &str = "hf_revokedaaaaaaaaaaaaaaaaaaaaaaaRevk";

/// Each row: name, the Python call (with `T` the token argument), and the class the document
/// names (for rows `hf_hub_download` wraps: `LocalEntryNotFoundError<-Cause`).
const ROWS: &[(&str, &str, &str)] = &[
    (
        "P1",
        "hf_hub_download('acme/private', 'config.json', token=False)",
        "RepositoryNotFoundError",
    ),
    (
        "P2",
        "hf_hub_download('acme/private', 'config.json', token=OTHER)",
        "RepositoryNotFoundError",
    ),
    (
        "N1",
        "hf_hub_download('acme/nope', 'config.json', token=False)",
        "RepositoryNotFoundError",
    ),
    (
        "N2",
        "hf_hub_download('acme/nope', 'config.json', token=GOOD)",
        "RepositoryNotFoundError",
    ),
    (
        "T1",
        "hf_hub_download('acme/public', 'config.json', token=REVOKED)",
        "HfHubHTTPError",
    ),
    (
        "G1",
        "hf_hub_download('acme/gated', 'config.json', token=False)",
        "GatedRepoError",
    ),
    (
        "G2",
        "hf_hub_download('acme/gated', 'config.json', token=OTHER)",
        "GatedRepoError",
    ),
    (
        "G2b",
        "hf_hub_download('acme/gated', 'config.json', token=GOOD)",
        "GatedRepoError",
    ),
    (
        "G3",
        "hf_hub_download('acme/gated', 'config.json', token=FINE)",
        "LocalEntryNotFoundError<-HfHubHTTPError",
    ),
    (
        "D1",
        "hf_hub_download('acme/disabled', 'config.json', token=GOOD)",
        "LocalEntryNotFoundError<-DisabledRepoError",
    ),
    (
        "R1",
        "hf_hub_download('acme/public', 'config.json', revision='nope', token=GOOD)",
        "RevisionNotFoundError",
    ),
    (
        "E1",
        "hf_hub_download('acme/public', 'nofile.json', token=GOOD)",
        "RemoteEntryNotFoundError",
    ),
    (
        "W1",
        "HfApi().auth_check('alice/model', write=True, token=READ)",
        "HfHubHTTPError",
    ),
    (
        "W2",
        "HfApi().auth_check('acme/public', write=True, token=CONTRIB)",
        "HfHubHTTPError",
    ),
    (
        "O1",
        "HfApi().model_info('acme/private', token=PENDING)",
        "HfHubHTTPError",
    ),
    (
        "OK",
        "HfApi().auth_check('acme/public', write=True, token=GOOD)",
        "ok",
    ),
];

fn world() -> HubWorld {
    let fine = Fine {
        can_read_gated: false,
        scoped: vec![(
            "user".into(),
            "alice".into(),
            vec!["repo.content.read".into(), "repo.write".into()],
        )],
        global: vec![],
    };
    let pending_fine = Fine {
        can_read_gated: true,
        scoped: vec![(
            "org".into(),
            "acme".into(),
            vec!["repo.content.read".into(), "repo.write".into()],
        )],
        global: vec![],
    };
    HubWorld::new()
        .user("alice", &[("acme", "write")])
        .user("bob", &[("acme", "contributor")])
        .user("carol", &[])
        .token(GOOD, "alice", "write")
        .token(READ, "alice", "read")
        .token(OTHER, "carol", "write")
        .token(CONTRIB, "bob", "write")
        .fine_grained(FINE, "alice", fine)
        .fine_grained(PENDING, "alice", pending_fine)
        .pending_in_org("acme")
        .revoked(REVOKED, "alice")
        .repo(Repo::model("acme/public"))
        .repo(Repo::model("acme/private").private())
        .repo(Repo::model("acme/disabled").disabled())
        .repo(Repo::model("alice/model"))
        .repo(
            Repo::model("acme/gated")
                .gated("manual")
                .access("alice", "pending"),
        )
}

#[test]
fn the_real_client_raises_what_hub_semantics_names_for_each_row() {
    let Some(py) = hf_python("stand-in fidelity test") else {
        return;
    };
    let tls = TestTls::new();
    let hub = HubServer::start_tls(world(), &tls);
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).unwrap();

    let mut script =
        String::from("import json\nfrom huggingface_hub import hf_hub_download, HfApi\nout = {}\n");
    for (name, value) in [
        ("GOOD", GOOD),
        ("READ", READ),
        ("OTHER", OTHER),
        ("CONTRIB", CONTRIB),
        ("FINE", FINE),
        ("PENDING", PENDING),
        ("REVOKED", REVOKED),
    ] {
        script.push_str(&format!("{name} = '{value}'\n"));
    }
    for (row, call, _) in ROWS {
        script.push_str(&format!(
            "try:\n    {call}\n    out['{row}'] = 'ok'\nexcept Exception as e:\n    c = e.__cause__ if type(e).__name__ == 'LocalEntryNotFoundError' else None\n    out['{row}'] = type(e).__name__ + ('<-' + type(c).__name__ if c is not None else '')\n"
        ));
    }
    script.push_str("print(json.dumps(out))\n");
    let out = Command::new(&py)
        .env_clear()
        .env("HOME", dir.path())
        .env("HF_HOME", dir.path().join("hf"))
        .env("HF_ENDPOINT", hub.url.replace("127.0.0.1", "localhost"))
        .env("SSL_CERT_FILE", &ca)
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .env("HF_HUB_ETAG_TIMEOUT", "5")
        .env("HF_HUB_DISABLE_XET", "1")
        .args(["-c", &script])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).expect("JSON from python");
    let mut wrong = Vec::new();
    for (row, _, expected) in ROWS {
        if got[row] != *expected {
            wrong.push(format!("{row}: expected {expected}, got {}", got[row]));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // And hfdoctor reaches the same stand-in over the same TLS, trusting SSL_CERT_FILE.
    let mut w = support::World::new();
    w.set("HF_ENDPOINT", &hub.url.replace("127.0.0.1", "localhost"))
        .set("SSL_CERT_FILE", ca.to_str().unwrap());
    w.write_token(GOOD);
    let j = w.json(&["--repo", "acme/public", "--write"]).json();
    assert!(support::find(&j, "token-valid/valid").is_some(), "{j}");
    assert!(support::find(&j, "repo-access/write-ok").is_some(), "{j}");
    // Without the CA the same run fails on TLS, and says so.
    w.env.retain(|(k, _)| k != "SSL_CERT_FILE");
    let j = w.json(&["--only", "token-valid"]).json();
    assert!(support::find(&j, "token-valid/tls-failed").is_some(), "{j}");
}
