//! hfdoctor changes nothing on the machine: after runs in every mode, online and offline, in a
//! git repository with a Hub remote, a credential helper, a token file, stored tokens and a
//! Hub cache, every file and folder under the test's HOME is as it was (same entries, sizes,
//! modification times, permissions and contents).

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use support::hub::{HubServer, HubWorld, Repo};
use support::*;

const WRITE: &str = "hf_alicewriteaaaaaaaaaaaaaaaaaaaaWrit";

/// Every entry under `root` (symlinks not followed): its kind, size, mtime, mode and, for
/// files, contents.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let contents = if meta.is_file() {
                format!("{:?}", std::fs::read(&path).unwrap())
            } else {
                String::new()
            };
            out.insert(
                rel,
                format!(
                    "{:?} {} {}.{} {:o} {}",
                    meta.file_type(),
                    meta.len(),
                    meta.mtime(),
                    meta.mtime_nsec(),
                    meta.mode(),
                    contents.len()
                ) + &contents,
            );
            if meta.is_dir() {
                stack.push(path);
            }
        }
    }
    out
}

#[test]
fn no_mode_writes_anything() {
    let hub = HubServer::start(
        HubWorld::new()
            .user("alice", &[("acme", "write")])
            .token(WRITE, "alice", "write")
            .repo(Repo::model("acme/model"))
            .repo(Repo::model("acme/gated").gated("auto")),
    );
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(WRITE);
    w.write_stored(&[("work", WRITE)]);
    w.write(
        &w.home
            .join(".cache/huggingface/hub/models--acme--model/refs/main"),
        "0123456789abcdef0123456789abcdef01234567",
    );
    w.write(&w.home.join(".bashrc"), "export HF_TOKEN=hf_x\n");
    w.git_repo(Some(&format!("{}/acme/model", hub.url)));
    w.git(&["config", "--global", "credential.helper", "store"]);
    w.git_with_input(
        &["credential", "approve"],
        Some(&format!(
            "protocol=http\nhost={}\nusername=hf_user\npassword={WRITE}\n\n",
            hub.url.trim_start_matches("http://")
        )),
    );
    let before = snapshot(w.dir.path());
    let error = w.home.join("error.log");
    std::fs::write(
        &error,
        "401 Client Error: Unauthorized for url: https://huggingface.co/api/models/acme/model",
    )
    .unwrap();
    let before_with_log = snapshot(w.dir.path());
    let runs: &[&[&str]] = &[
        &[],
        &["--offline"],
        &["--format", "json", "--write"],
        &["--format", "markdown"],
        &["report", "--anonymize"],
        &["--repo", "acme/gated", "-v"],
        &["--require", "write", "--repo", "acme/model"],
        &["explain", "--file", error.to_str().unwrap()],
        &["--", "sh", "-c", "exit 3"],
        &["list"],
    ];
    for args in runs {
        let r = w.run(args);
        assert!(r.code <= 3, "{args:?}: exit {}: {}", r.code, r.stderr);
    }
    let after = snapshot(w.dir.path());
    let changed: Vec<String> = before_with_log
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(
            after
                .keys()
                .filter(|k| !before_with_log.contains_key(*k))
                .map(|k| format!("new: {k}")),
        )
        .collect();
    assert!(changed.is_empty(), "hfdoctor changed: {changed:?}");
    // The snapshot sees what it must: a change to any file would show.
    assert!(before.len() > 20, "{}", before.len());
}
