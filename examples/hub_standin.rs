//! The test suite's Hub stand-in as a process, for benchmarks and trying hfdoctor by hand.
//! `cargo run --example hub_standin -- [LATENCY_MS]` prints its URL and the tokens of its
//! world, then logs one line per request on stderr until it is killed. `STANDIN_BROKEN=PREFIX=STATUS`
//! (comma-separated) answers those paths with that status and an empty body, to try what
//! hfdoctor says of a failing Hub.

#[path = "../tests/support/hub.rs"]
mod hub;
#[path = "../tests/support/storage.rs"]
mod storage;
/// storage.rs names the Hub stand-in as `crate::support::hub`, as in the tests.
mod support {
    pub(crate) use super::{hub, storage};
}

use std::time::Duration;

use support::hub::{HubServer, HubWorld, Repo};
use support::storage::{Kind, StorageServer};

fn main() {
    let latency: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    // acme/public holds a Xet file whose bytes come from CAS, transfer and bridge stand-ins on
    // other ports, each answering after the same latency (a download's route, download-path).
    let delay = Duration::from_millis(latency);
    let transfer = StorageServer::start_delayed(Kind::Xorb, None, delay);
    let cas = StorageServer::start_delayed(Kind::Cas, Some(&transfer.url), delay);
    let bridge = StorageServer::start_delayed(Kind::Bytes, None, delay);
    let mut world = HubWorld::new()
        .user("alice", &[("acme", "write")])
        .token("hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit", "alice", "write")
        .token("hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead", "alice", "read")
        .user("bob", &[])
        .token("hf_bobwriteaaaaaaaaaaaaaaaaaaaaaaBobW", "bob", "write")
        .repo(Repo::model("acme/public").xet_file("model.safetensors", &cas.url, &bridge.url))
        .repo(Repo::model("acme/private").private())
        .repo(Repo::space("acme/demo"))
        .repo(Repo::model("acme/gated").gated("auto"))
        .latency(Duration::from_millis(latency));
    for rule in std::env::var("STANDIN_BROKEN")
        .unwrap_or_default()
        .split(',')
    {
        if let Some((prefix, status)) = rule.split_once('=') {
            if let Ok(status) = status.parse() {
                world = world.broken(prefix, status, "");
            }
        }
    }
    let server = HubServer::start(world);
    println!("{}", server.url);
    let storage = [("cas", &cas), ("transfer", &transfer), ("bridge", &bridge)];
    let mut seen = 0;
    let mut storage_seen = std::collections::HashMap::new();
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let log = server.log();
        for r in &log[seen..] {
            eprintln!("{} {} auth={}", r.method, r.path, r.authorized);
        }
        seen = log.len();
        for (name, s) in &storage {
            let hits = s.log();
            for h in hits.iter().skip(*storage_seen.get(name).unwrap_or(&0)) {
                eprintln!(
                    "{name}: {} {} auth={}",
                    h.method,
                    h.path.split('?').next().unwrap_or(""),
                    h.authorization.is_some()
                );
            }
            storage_seen.insert(name, hits.len());
        }
    }
}
