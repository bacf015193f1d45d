//! The test suite's Hub stand-in as a process, for benchmarks and trying hfdoctor by hand.
//! `cargo run --example hub_standin -- [LATENCY_MS]` prints its URL and the tokens of its
//! world, then logs one line per request on stderr until it is killed. `STANDIN_BROKEN=PREFIX=STATUS`
//! (comma-separated) answers those paths with that status and an empty body, to try what
//! hfdoctor says of a failing Hub.

#[path = "../tests/support/hub.rs"]
mod hub;

use std::time::Duration;

use hub::{HubServer, HubWorld, Repo};

fn main() {
    let latency: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let mut world = HubWorld::new()
        .user("alice", &[("acme", "write")])
        .token("hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit", "alice", "write")
        .token("hf_alicereadaaaaaaaaaaaaaaaaaaaaaRead", "alice", "read")
        .user("bob", &[])
        .token("hf_bobwriteaaaaaaaaaaaaaaaaaaaaaaBobW", "bob", "write")
        .repo(Repo::model("acme/public"))
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
