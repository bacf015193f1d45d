//! The test suite's Hub stand-in as a process, for benchmarks and trying hfdoctor by hand.
//! `cargo run --example hub_standin -- [LATENCY_MS]` prints its URL and the tokens of its
//! world, then logs one line per request on stderr until it is killed.

#[path = "../tests/support/hub.rs"]
mod hub;

use std::time::Duration;

use hub::{HubServer, HubWorld, Repo};

fn main() {
    let latency: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let world = HubWorld::new()
        .user("alice", &[("acme", "write")])
        .token("hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit", "alice", "write")
        .token("hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead", "alice", "read")
        .repo(Repo::model("acme/public"))
        .repo(Repo::model("acme/private").private())
        .repo(Repo::space("acme/demo"))
        .repo(Repo::model("acme/gated").gated("auto"))
        .latency(Duration::from_millis(latency));
    let server = HubServer::start(world);
    println!("{}", server.url);
    let mut seen = 0;
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let log = server.log();
        for r in &log[seen..] {
            eprintln!("{} {} auth={}", r.method, r.path, r.authorized);
        }
        seen = log.len();
    }
}
