//! hf-cache on temporary caches laid out as huggingface_hub lays them (data-plane.md §4.2):
//! snapshots linking to blobs, `.incomplete` leftovers, broken links, a lock this test holds,
//! an LFS pointer and an HTML page saved as weights, sizes the Hub stand-in disagrees with, a
//! cache another user owns, a tiny filesystem, and offline readiness; then the real
//! huggingface_hub's `scan_cache_dir` on the same caches.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use support::hub::Repo;
use support::*;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// A cache under the world's HOME (HF_HUB_CACHE points at it).
struct Cache {
    hub: PathBuf,
}

impl Cache {
    fn new(w: &mut World) -> Self {
        let hub = w.home.join("hfcache");
        std::fs::create_dir_all(hub.join(".locks")).unwrap();
        w.set("HF_HUB_CACHE", hub.to_str().unwrap());
        Cache { hub }
    }

    fn repo(&self) -> PathBuf {
        self.hub.join("models--acme--llm")
    }

    /// A file of the snapshot at main: its blob holds `bytes`, the snapshot links to it.
    fn file(&self, name: &str, bytes: &[u8]) -> &Self {
        let repo = self.repo();
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), SHA).unwrap();
        let blobs = repo.join("blobs");
        std::fs::create_dir_all(&blobs).unwrap();
        let etag = format!("{:064x}", name.len() * 7 + bytes.len());
        std::fs::write(blobs.join(&etag), bytes).unwrap();
        let link = repo.join("snapshots").join(SHA).join(name);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(format!("../../blobs/{etag}"), &link).unwrap();
        self
    }

    /// A file of `folder`'s snapshot at main whose blob is named as the client names it: the
    /// sha256 of `named_by` for an LFS/Xet file (`lfs`), else its git blob sha1.
    fn hashed(&self, folder: &str, name: &str, named_by: &[u8], bytes: &[u8], lfs: bool) -> String {
        use sha1::Digest;
        let hex = |d: &[u8]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let etag = if lfs {
            hex(&sha2::Sha256::digest(named_by))
        } else {
            let mut h = sha1::Sha1::new();
            h.update(format!("blob {}\0", named_by.len()).as_bytes());
            h.update(named_by);
            hex(&h.finalize())
        };
        let repo = self.hub.join(folder);
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), SHA).unwrap();
        std::fs::create_dir_all(repo.join("blobs")).unwrap();
        std::fs::write(repo.join("blobs").join(&etag), bytes).unwrap();
        let link = repo.join("snapshots").join(SHA).join(name);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(format!("../../blobs/{etag}"), &link).unwrap();
        etag
    }

    fn broken(&self, name: &str) -> &Self {
        let link = self.repo().join("snapshots").join(SHA).join(name);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink("../../blobs/gone", &link).unwrap();
        self
    }

    fn incomplete(&self, bytes: usize, age: Duration) -> &Self {
        let blobs = self.repo().join("blobs");
        std::fs::create_dir_all(&blobs).unwrap();
        let p = blobs.join(format!("{:064x}.1a2b3c4d.incomplete", bytes));
        std::fs::write(&p, vec![7u8; bytes]).unwrap();
        set_age(&p, age);
        self
    }

    /// `trees/<commit>.json` (1.22+) listing these files.
    fn listing(&self, files: &[&str]) -> &Self {
        let trees = self.repo().join("trees");
        std::fs::create_dir_all(&trees).unwrap();
        let entries: serde_json::Map<String, serde_json::Value> = files
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    serde_json::json!({"size": 1, "blob_id": "x"}),
                )
            })
            .collect();
        std::fs::write(
            trees.join(format!("{SHA}.json")),
            serde_json::json!({"format_version": 1, "files": entries}).to_string(),
        )
        .unwrap();
        self
    }
}

/// Whether the disk under `p` has less free than hf-cache's 1 GiB floor (a small CI disk: the
/// CI machine had 278 MiB). There the floor is a true finding beside the one a test is about,
/// and `hf-cache/ok` cannot be; the tests say which they expect from what statvfs says.
fn under_the_floor(p: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::statvfs(c.as_ptr(), &mut st) },
        0,
        "statvfs {p:?}"
    );
    (st.f_bavail as u64) * (st.f_frsize as u64) < 1 << 30
}

/// The codes of a run's findings, but for what the machine's temp disk decides: the free-space
/// floor where the disk is under it, and the note on a tmpfs or overlay filesystem (a CI
/// machine's temp folder is often one).
fn codes_but_the_floor(j: &serde_json::Value, cache: &Path) -> Vec<serde_json::Value> {
    let floor = under_the_floor(cache);
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].clone())
        .filter(|c| !(floor && c == "hf-cache/low-space-floor") && c != "hf-cache/ephemeral")
        .collect()
}

/// What a cache with nothing wrong gives on this disk: ok, or only the floor.
fn clean_outcome(cache: &Path) -> &'static str {
    if under_the_floor(cache) {
        "hf-cache/low-space-floor"
    } else {
        "hf-cache/ok"
    }
}

fn set_age(p: &Path, age: Duration) {
    let f = std::fs::File::options().write(true).open(p).unwrap();
    f.set_modified(SystemTime::now() - age).unwrap();
}

const OFFLINE_REPO: &[&str] = &["--only", "hf-cache", "--offline", "--repo", "acme/llm"];

#[test]
fn where_the_cache_is_and_why() {
    let mut w = World::new();
    let (f, text) = w.outcome_with("hf-cache/missing", &["--only", "hf-cache", "--offline"]);
    assert_eq!(f["details"]["origin"], "default");
    assert!(
        text.contains("No cache yet at ~/.cache/huggingface/hub (default)"),
        "{text}"
    );
    w.set("HF_HOME", w.home.join("hfh").to_str().unwrap());
    let (f, _) = w.outcome_with("hf-cache/missing", &["--only", "hf-cache", "--offline"]);
    assert_eq!(f["details"]["origin"], "HF_HOME");
    assert_eq!(f["details"]["path"], "~/hfh/hub");
    let c = Cache::new(&mut w);
    c.file("config.json", b"{}");
    let clean = clean_outcome(&c.hub);
    let (f, text) = w.outcome_with(clean, &["--only", "hf-cache", "--offline"]);
    assert_eq!(f["details"]["origin"], "HF_HUB_CACHE");
    assert_eq!(f["details"]["path"], "~/hfcache");
    if clean == "hf-cache/ok" {
        assert_eq!(f["details"]["repos"], "1");
        assert!(text.contains("is writable by you: 1 repo, "), "{text}");
    } else {
        eprintln!("this disk is under the 1 GiB floor: the floor stands in for ok");
    }
}

#[test]
fn leftovers_of_killed_jobs() {
    let mut w = World::new();
    let c = Cache::new(&mut w);
    c.file("config.json", b"{}")
        .broken("model.safetensors")
        .incomplete(4096, Duration::from_secs(3 * 3600));
    let (f, text) = w.outcome_with("hf-cache/incomplete", OFFLINE_REPO);
    assert_eq!(f["cause"], "cache-corrupt");
    assert_eq!(f["details"]["count"], "1");
    assert_eq!(f["details"]["age"], "3");
    assert_eq!(f["details"]["age_unit"], "unit-hours");
    assert!(text.contains("1 unfinished download (.incomplete, 4 KiB in all, the oldest 3 h old) lies in the cache"), "{text}");
    assert_eq!(fix_commands(&f), vec!["hf cache prune"]);
    let (f, _) = w.outcome_with("hf-cache/broken-links", OFFLINE_REPO);
    assert_eq!(f["details"]["count"], "1");
    assert!(f["details"]["first"]
        .as_str()
        .unwrap()
        .ends_with("snapshots/0123456789abcdef0123456789abcdef01234567/model.safetensors"));
}

#[test]
fn a_lock_a_process_holds_too_long() {
    let mut w = World::new();
    let c = Cache::new(&mut w);
    c.file("config.json", b"{}");
    let dir = c.hub.join(".locks/models--acme--llm");
    std::fs::create_dir_all(&dir).unwrap();
    let lock = dir.join("abc.lock");
    std::fs::write(&lock, b"").unwrap();
    // A child process holds the lock while hfdoctor looks, as a hung download does.
    let child = LockHolder::new(&lock);
    set_age(&lock, Duration::from_secs(20 * 60));
    let (f, text) = w.outcome_with("hf-cache/lock-held", OFFLINE_REPO);
    assert_eq!(f["cause"], "cache-locked");
    assert_eq!(f["details"]["age"], "20");
    assert!(
        text.contains("$ fuser -v ~/hfcache/.locks/models--acme--llm/abc.lock"),
        "{text}"
    );
    // hfdoctor took nothing: the lock is still the child's, and free once it ends.
    drop(child);
    let j = w.json(OFFLINE_REPO).json();
    // A lock nobody holds is no finding, however old (filelock takes it at once).
    assert_eq!(
        codes_but_the_floor(&j, &c.hub),
        if under_the_floor(&c.hub) {
            vec![]
        } else {
            vec![serde_json::Value::from("hf-cache/ok")]
        },
        "{j}"
    );
}

#[test]
fn pointer_and_page_saved_as_weights() {
    let mut w = World::new();
    let c = Cache::new(&mut w);
    c.file(
        "model.safetensors",
        b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7d\nsize 548105171\n",
    )
    .file(
        "pytorch_model.bin",
        b"<!DOCTYPE html><html><head><title>Access Denied</title></head></html>",
    )
    .file("config.json", b"{\"model_type\": \"gpt2\"}");
    let j = w.json(OFFLINE_REPO).json();
    let fakes: Vec<_> = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["code"] == "hf-cache/fake-content")
        .map(|c| (c["details"]["file"].clone(), c["details"]["what"].clone()))
        .collect();
    assert_eq!(fakes.len(), 2, "{j}");
    assert!(fakes.contains(&("model.safetensors".into(), "content-lfs-pointer".into())));
    assert!(fakes.contains(&("pytorch_model.bin".into(), "content-html".into())));
    let (_, text) = w.outcome_with("hf-cache/fake-content", OFFLINE_REPO);
    assert!(
        text.contains("model.safetensors in the cached snapshot of acme/llm is an LFS pointer"),
        "{text}"
    );
    assert!(
        text.contains("$ hf download acme/llm model.safetensors --force-download"),
        "{text}"
    );
    let mut zh = World::new();
    zh.env = w.env.clone();
    zh.set("LANG", "zh_TW.UTF-8");
    let (_, text) = zh.outcome_with("hf-cache/fake-content", OFFLINE_REPO);
    assert!(text.contains("是一個 LFS 指標檔"), "{text}");
}

#[test]
fn sizes_the_hub_disagrees_with() {
    let hub = hub_with_reader(Repo::model("acme/llm"));
    let mut w = World::new();
    w.set("HF_ENDPOINT", &hub.url).set("HF_TOKEN", TOKEN_A);
    let c = Cache::new(&mut w);
    // The stand-in serves config.json as {"file": "config.json"}\n (26 bytes; README.md, 22).
    c.file("config.json", b"{\"file\": \"config.json\"}\n")
        .file("README.md", b"truncated");
    let (f, _) = w.outcome_with(
        "hf-cache/size-mismatch",
        &["--only", "hf-cache", "--repo", "acme/llm"],
    );
    assert_eq!(f["details"]["file"], "README.md");
    assert_eq!(f["details"]["size"], "9");
    assert_eq!(f["details"]["want"], "22");
    let j = w.json(&["--only", "hf-cache", "--repo", "acme/llm"]).json();
    assert_eq!(
        codes_but_the_floor(&j, &c.hub),
        vec!["hf-cache/size-mismatch"],
        "config.json agrees: {j}"
    );
}

/// `--verify-cache`: blobs hashed against their names (sha256 for LFS/Xet files, git's blob
/// sha1 for small ones), the target's first, within a byte budget.
#[test]
fn verifying_blobs_against_their_names() {
    let mut w = World::new();
    let c = Cache::new(&mut w);
    let weights = vec![3u8; 300_000];
    c.hashed(
        "models--acme--llm",
        "model.safetensors",
        &weights,
        &weights,
        true,
    );
    c.hashed("models--acme--llm", "config.json", b"{}\n", b"{}\n", false);
    let run = |w: &World, extra: &str| {
        let mut a = OFFLINE_REPO.to_vec();
        a.push(extra);
        let j = w.json(&a).json();
        a.extend_from_slice(&["--color", "never"]);
        (j, w.run(&a).stdout)
    };
    // Nothing is hashed unless asked.
    let j = w.json(OFFLINE_REPO).json();
    assert!(find(&j, "hf-cache/verify-ok").is_none(), "{j}");
    let (j, _) = run(&w, "--verify-cache");
    let f = find(&j, "hf-cache/verify-ok").unwrap_or_else(|| panic!("{j}"));
    assert_eq!(f["details"]["count"], "2");
    assert_eq!(f["status"], "pass");
    // A small budget leaves blobs unread: the small file fits, the 293 KiB weights do not.
    let (j, text) = run(&w, "--verify-cache=1K");
    let f = find(&j, "hf-cache/verify-partial").unwrap_or_else(|| panic!("{j}"));
    assert_eq!(f["details"]["count"], "1");
    assert_eq!(f["details"]["unread"], "1");
    assert!(
        text.contains("they do not fit in what is left of the --verify-cache budget"),
        "{text}"
    );
    // Another repo's blob changed after its download.
    let mut bad = b"{\"a\": 1}\n".to_vec();
    let named = bad.clone();
    bad[2] = b'b';
    c.hashed(
        "datasets--acme--data",
        "data/train.json",
        &named,
        &bad,
        false,
    );
    let (f, text) = w.outcome_with(
        "hf-cache/verify-mismatch",
        &["--only", "hf-cache", "--offline", "--verify-cache=all"],
    );
    assert_eq!(f["cause"], "cache-corrupt");
    assert_eq!(f["details"]["repo"], "acme/data");
    assert_eq!(f["details"]["file"], "data/train.json");
    assert_eq!(f["details"]["algo"], "git-sha1");
    assert_eq!(
        fix_commands(&f),
        vec![
            "hf download acme/data data/train.json --force-download --repo-type dataset",
            "hf cache verify acme/data --repo-type dataset"
        ]
    );
    assert!(
        text.contains("data/train.json of acme/data in the cache is not the file the Hub named"),
        "{text}"
    );
    let mut zh = World::new();
    zh.env = w.env.clone();
    zh.set("LANG", "zh_CN.UTF-8");
    let (_, text) = zh.outcome_with(
        "hf-cache/verify-mismatch",
        &["--only", "hf-cache", "--offline", "--verify-cache"],
    );
    assert!(
        text.contains("缓存中 acme/data 的 data/train.json 不是 Hub 指定的那个文件"),
        "{text}"
    );
    // A size that is not one is a usage error, on one line.
    let r = w.run(&["--only", "hf-cache", "--verify-cache=lots"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("'lots' is not a size"), "{}", r.stderr);
}

#[test]
fn offline_readiness_of_the_target() {
    let mut w = World::new();
    w.set("HF_HUB_OFFLINE", "1");
    let c = Cache::new(&mut w);
    let (f, _) = w.outcome_with("hf-cache/offline-no-snapshot", OFFLINE_REPO);
    assert_eq!(f["cause"], "offline-mode");
    c.file("config.json", b"{}");
    let (f, _) = w.outcome_with("hf-cache/offline-unlisted", OFFLINE_REPO);
    assert_eq!(f["details"]["count"], "1");
    c.listing(&["config.json", "model.safetensors"]);
    let (f, text) = w.outcome_with("hf-cache/offline-missing", OFFLINE_REPO);
    assert_eq!(f["details"]["files"], "model.safetensors");
    assert!(
        text.contains("$ HF_HUB_OFFLINE=0 hf download acme/llm"),
        "{text}"
    );
    c.file("model.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}");
    let (f, _) = w.outcome_with("hf-cache/offline-ready", OFFLINE_REPO);
    assert_eq!(f["details"]["count"], "2");
}

/// Run hfdoctor as another user (nobody) on a cache root owns: what a shared cache, or one
/// written once with sudo, looks like to everyone else. Needs root to switch users.
#[test]
fn a_cache_another_user_owns() {
    if unsafe { libc::geteuid() } != 0 || which::which("setpriv").is_err() {
        eprintln!("SKIPPED a_cache_another_user_owns: needs root and setpriv");
        return;
    }
    let mut w = World::new();
    let c = Cache::new(&mut w);
    c.file("config.json", b"{}");
    // nobody must reach the world's files: open the temp dirs for reading.
    use std::os::unix::fs::PermissionsExt;
    for p in w.home.ancestors().take(3) {
        let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
    }
    let bin = env!("CARGO_BIN_EXE_hfdoctor");
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
        .args([
            "--format",
            "json",
            "--only",
            "hf-cache",
            "--offline",
            "--repo",
            "acme/llm",
        ])
        .env_clear()
        .envs(w.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("HOME", &w.home)
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let f = find(&j, "hf-cache/not-writable").unwrap_or_else(|| panic!("{j}"));
    assert_eq!(f["cause"], "cache-unwritable");
    let dirs = f["details"]["dirs"].as_str().unwrap();
    assert!(
        dirs.contains("~/hfcache") && dirs.contains(".locks"),
        "{dirs}"
    );
    assert!(
        f["details"]["owner"]
            .as_str()
            .unwrap()
            .starts_with("uid 0, mode 755"),
        "{f}"
    );
    // Its parent not writable either: a cache that does not exist yet cannot be made.
    std::fs::remove_dir_all(&c.hub).unwrap();
    std::fs::create_dir_all(c.hub.parent().unwrap().join("locked")).unwrap();
    let locked = c.hub.parent().unwrap().join("locked/hub");
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
        .args(["--format", "json", "--only", "hf-cache", "--offline"])
        .env_clear()
        .envs(w.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("HOME", &w.home)
        .env("HF_HUB_CACHE", &locked)
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = find(&j, "hf-cache/parent-not-writable").unwrap_or_else(|| panic!("{j}"));
    assert_eq!(f["details"]["parent"], "~/locked");
}

/// A 1 MiB filesystem (where the environment lets a test mount one): the floor, and the
/// target's size from the Hub.
#[test]
fn a_tiny_filesystem() {
    let mut w = World::new();
    let dir = w.home.join("tiny");
    std::fs::create_dir_all(&dir).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED a_tiny_filesystem: cannot mount a tmpfs here");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(dir.clone());
    w.set("HF_HUB_CACHE", dir.join("hub").to_str().unwrap());
    std::fs::create_dir_all(dir.join("hub")).unwrap();
    let (f, _) = w.outcome_with(
        "hf-cache/low-space-floor",
        &["--only", "hf-cache", "--offline"],
    );
    assert_eq!(f["cause"], "disk-full");
    // Online, the target's 3 MiB file does not fit in what is free.
    let cdn = support::storage::StorageServer::start(
        support::storage::Kind::Bytes,
        support::storage::Fault::None,
        None,
    );
    let hub = hub_with_reader(Repo::model("acme/llm").lfs_file("model.safetensors", &cdn.url));
    w.set("HF_ENDPOINT", &hub.url).set("HF_TOKEN", TOKEN_A);
    let (f, text) = w.outcome_with(
        "hf-cache/low-space",
        &["--only", "hf-cache", "--repo", "acme/llm"],
    );
    assert_eq!(f["details"]["repo"], "acme/llm");
    assert!(text.contains("and acme/llm needs 3.0 MiB more"), "{text}");
}

/// A filesystem mounted for the test at `dir` (root only; otherwise None and the caller says
/// SKIPPED), unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn new(program: &str, args: &[&str], dir: &Path) -> Option<Mount> {
        std::fs::create_dir_all(dir).unwrap();
        std::process::Command::new(program)
            .args(args)
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            .then(|| Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// The filesystem under the cache and what it means: tmpfs and overlayfs (a container's layer)
/// keep locks but not downloads; FUSE (sshfs, s3fs, gcsfuse, … here bindfs) may not keep locks.
#[test]
fn the_filesystem_under_the_cache() {
    let mut w = World::new();
    let cache_on = |w: &mut World, dir: &Path| {
        std::fs::create_dir_all(dir.join("hub")).unwrap();
        w.set("HF_HUB_CACHE", dir.join("hub").to_str().unwrap());
    };
    let ram = w.home.join("ram");
    match Mount::new("mount", &["-t", "tmpfs", "-o", "size=4g", "tmpfs"], &ram) {
        None => eprintln!("SKIPPED the_filesystem_under_the_cache (tmpfs): cannot mount here"),
        Some(_m) => {
            cache_on(&mut w, &ram);
            let (f, text) =
                w.outcome_with("hf-cache/ephemeral", &["--only", "hf-cache", "--offline"]);
            assert_eq!(f["details"]["fs"], "tmpfs");
            assert_eq!(f["status"], "pass");
            assert!(
                text.contains(
                    "it lives in memory, counts against RAM and is gone at the next reboot"
                ),
                "{text}"
            );
            // Nothing else is wrong, so the cache is also ok (4 GiB free is over the floor).
            let j = w.json(&["--only", "hf-cache", "--offline"]).json();
            assert!(find(&j, "hf-cache/ok").is_some(), "{j}");
        }
    }
    let (lower, upper, work) = (
        w.home.join("lower"),
        w.home.join("upper"),
        w.home.join("ovl-work"),
    );
    for d in [&lower, &upper, &work] {
        std::fs::create_dir_all(d).unwrap();
    }
    let opts = format!(
        "lowerdir={},upperdir={},workdir={}",
        lower.display(),
        upper.display(),
        work.display()
    );
    let merged = w.home.join("merged");
    match Mount::new("mount", &["-t", "overlay", "overlay", "-o", &opts], &merged) {
        None => eprintln!("SKIPPED the_filesystem_under_the_cache (overlay): cannot mount here"),
        Some(_m) => {
            cache_on(&mut w, &merged);
            let mut zh = World::new();
            zh.env = w.env.clone();
            zh.set("LANG", "zh_TW.UTF-8");
            let (f, text) =
                zh.outcome_with("hf-cache/ephemeral", &["--only", "hf-cache", "--offline"]);
            assert_eq!(f["details"]["fs"], "overlayfs");
            assert!(text.contains("這是容器的可寫入層"), "{text}");
        }
    }
    let bindfs_here = std::process::Command::new("bindfs")
        .arg("--version")
        .output()
        .is_ok();
    if !bindfs_here {
        assert!(
            std::env::var_os("HFDOCTOR_REQUIRE_FUSE").is_none(),
            "HFDOCTOR_REQUIRE_FUSE is set but bindfs is not installed"
        );
        eprintln!("SKIPPED the_filesystem_under_the_cache (FUSE): no bindfs");
        return;
    }
    let src = w.home.join("fuse-src");
    std::fs::create_dir_all(&src).unwrap();
    let fuse = w.home.join("fuse");
    // The tool is required in CI; whether the sandbox lets a FUSE mount happen is its own.
    let Some(_m) = Mount::new("bindfs", &[src.to_str().unwrap()], &fuse) else {
        eprintln!("SKIPPED the_filesystem_under_the_cache (FUSE): bindfs cannot mount here");
        return;
    };
    cache_on(&mut w, &fuse);
    let (f, text) = w.outcome_with("hf-cache/network-fs", &["--only", "hf-cache", "--offline"]);
    assert_eq!(f["details"]["fs"], "FUSE");
    assert_eq!(f["cause"], "cache-locked");
    assert!(text.contains("file locks may do nothing there"), "{text}");
    assert_eq!(fix_commands(&f), vec!["pip install -U huggingface_hub"]);
}

/// A cache outside the home (a shared one) that no other user may read; with the group's read
/// bits it is fine. The ok finding names the Xet and assets caches beside it.
#[test]
fn a_shared_cache_others_cannot_read() {
    use std::os::unix::fs::PermissionsExt;
    let mut w = World::new();
    let shared = w.dir.path().join("shared/hub");
    std::fs::create_dir_all(shared.join(".locks")).unwrap();
    w.set("HF_HUB_CACHE", shared.to_str().unwrap());
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o700)).unwrap();
    let (f, text) = w.outcome_with(
        "hf-cache/shared-not-readable",
        &["--only", "hf-cache", "--offline"],
    );
    assert_eq!(f["details"]["mode"], "700");
    assert!(text.contains("lets no other user read it"), "{text}");
    assert_eq!(
        fix_commands(&f)[0],
        format!("chmod -R g+rX {}", shared.display())
    );
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o750)).unwrap();
    let j = w.json(&["--only", "hf-cache", "--offline"]).json();
    assert!(find(&j, "hf-cache/shared-not-readable").is_none(), "{j}");
    // Under the home, a private mode is the user's choice.
    let mut home = World::new();
    let c = Cache::new(&mut home);
    std::fs::set_permissions(&c.hub, std::fs::Permissions::from_mode(0o700)).unwrap();
    let j = home.json(&["--only", "hf-cache", "--offline"]).json();
    assert!(find(&j, "hf-cache/shared-not-readable").is_none(), "{j}");
    if let Some(ok) = find(&j, "hf-cache/ok") {
        assert_eq!(ok["details"]["xet"], "~/.cache/huggingface/xet");
        assert_eq!(ok["details"]["assets"], "~/.cache/huggingface/assets");
    }
}

/// The real client's own scan (`scan_cache_dir`) on the same cache agrees on what is
/// incomplete and what is broken.
#[test]
fn the_real_scan_agrees() {
    let Some(py) = hf_python("hf-cache differential test") else {
        return;
    };
    let mut w = World::new();
    let c = Cache::new(&mut w);
    c.file("config.json", b"{}")
        .broken("model.safetensors")
        .broken("sub/tokenizer.json")
        .incomplete(100, Duration::from_secs(60))
        .incomplete(200, Duration::from_secs(60));
    let script = format!(
        "from huggingface_hub import scan_cache_dir\ni = scan_cache_dir({:?})\nprint(len(i.incomplete_files), sum('Blob missing' in str(x) for x in i.warnings))",
        c.hub.to_str().unwrap()
    );
    let out = std::process::Command::new(&py)
        .args(["-c", &script])
        .output()
        .unwrap();
    let theirs = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let j = w.json(OFFLINE_REPO).json();
    let incomplete = find(&j, "hf-cache/incomplete").unwrap()["details"]["count"].clone();
    let broken = find(&j, "hf-cache/broken-links").unwrap()["details"]["count"].clone();
    let ours = format!(
        "{} {}",
        incomplete.as_str().unwrap(),
        broken.as_str().unwrap()
    );
    // The client stops a repo's scan at its first broken link ("Repo ignored"), so it
    // counts one where hfdoctor names each.
    assert_eq!(theirs, "2 1", "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ours, "2 2");
}
