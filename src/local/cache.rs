//! The Hub cache on disk as huggingface_hub lays it out (docs/notes/hf-cache.md, from
//! data-plane.md §4): where it is and why, who may write it, what the filesystem under it is,
//! what a killed job left (`.incomplete` blobs, broken snapshot links, held locks), and what a
//! cached snapshot really holds (an LFS pointer or an HTML page saved as weights).
//!
//! Reads only: directories are listed within a budget, a file's first bytes are read through
//! `world::fs` (never blocking), a lock is tried without blocking and released at once.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::hub::repo::RepoType;
use crate::world::env::Env;
use crate::world::paths::{expanduser, expandvars, py_join};

/// What decided the cache's path (constants.py, read at import).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOrigin {
    HfHubCache,
    HuggingfaceHubCache,
    HfHome,
    XdgCacheHome,
    Default,
}

impl CacheOrigin {
    /// The variable (or the default) as people read it.
    pub fn label(self) -> &'static str {
        match self {
            CacheOrigin::HfHubCache => "HF_HUB_CACHE",
            CacheOrigin::HuggingfaceHubCache => "HUGGINGFACE_HUB_CACHE",
            CacheOrigin::HfHome => "HF_HOME",
            CacheOrigin::XdgCacheHome => "XDG_CACHE_HOME",
            CacheOrigin::Default => "default",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CachePaths {
    pub hub: PathBuf,
    pub origin: CacheOrigin,
    pub xet: PathBuf,
    pub assets: PathBuf,
}

impl CachePaths {
    /// `HF_HUB_CACHE` or `HUGGINGFACE_HUB_CACHE` or `HF_HOME/hub`, `HF_HOME` being `HF_HOME` or
    /// `XDG_CACHE_HOME/huggingface` or `~/.cache/huggingface`; each expanded as the client
    /// does (`~`, then `$VARS`); a variable set to the empty string wins (a relative path).
    pub fn resolve(env: &Env, home: Option<&Path>, cwd: &Path) -> Self {
        let expand = |p: &str| expandvars(&expanduser(p, home), env);
        let hf_home = crate::world::paths::hf_home(env, home);
        let home_origin = if env.is_set("HF_HOME") {
            CacheOrigin::HfHome
        } else if env.is_set("XDG_CACHE_HOME") {
            CacheOrigin::XdgCacheHome
        } else {
            CacheOrigin::Default
        };
        let (hub, origin) = match (env.get("HF_HUB_CACHE"), env.get("HUGGINGFACE_HUB_CACHE")) {
            (Some(v), _) => (expand(&v), CacheOrigin::HfHubCache),
            (None, Some(v)) => (expand(&v), CacheOrigin::HuggingfaceHubCache),
            (None, None) => (py_join(&hf_home, "hub"), home_origin),
        };
        let pick = |var: &str, legacy: &str, sub: &str| {
            env.get(var)
                .or_else(|| env.get(legacy))
                .map(|v| expand(&v))
                .unwrap_or_else(|| py_join(&hf_home, sub))
        };
        let absolute = |p: String| {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                cwd.join(p)
            }
        };
        CachePaths {
            hub: absolute(hub),
            origin,
            xet: absolute(pick("HF_XET_CACHE", "HF_XET_CACHE", "xet")),
            assets: absolute(pick(
                "HF_ASSETS_CACHE",
                "HUGGINGFACE_ASSETS_CACHE",
                "assets",
            )),
        }
    }
}

/// `models--org--name` (repo type + "s", "/" → "--").
pub fn repo_folder(repo_type: RepoType, id: &str) -> String {
    format!("{}s--{}", repo_type.as_str(), id.replace('/', "--"))
}

/// `models--org--name` back to its type and id; None for folders the client does not make.
pub fn repo_of_folder(name: &str) -> Option<(RepoType, String)> {
    let (kind, id) = name.split_once("--")?;
    let ty = match kind {
        "models" => RepoType::Model,
        "datasets" => RepoType::Dataset,
        "spaces" => RepoType::Space,
        _ => return None,
    };
    Some((ty, id.replace("--", "/")))
}

/// Every snapshot entry of a repo folder that links to a blob: (`<commit>/<path>`, blob name).
pub fn links(repo_dir: &Path) -> Vec<(String, String)> {
    let root = repo_dir.join("snapshots");
    let mut out = Vec::new();
    let mut left = SCAN_BUDGET;
    walk(&root, &mut left, &mut |e, kind| {
        if !kind.is_symlink() {
            return;
        }
        let p = e.path();
        let Some(name) = std::fs::read_link(&p)
            .ok()
            .and_then(|t| blob_name(&t).map(|n| n.to_string_lossy().into_owned()))
        else {
            return;
        };
        let rel = p
            .strip_prefix(&root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        out.push((rel, name));
    });
    out.sort();
    out
}

/// The repo folders of a cache (`*--*` directories), sorted.
pub fn repo_dirs(hub: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(hub) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            e.file_name().to_string_lossy().contains("--")
                && e.file_type().is_ok_and(|t| t.is_dir())
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// A file a killed or running download left.
#[derive(Debug, Clone)]
pub struct Leftover {
    pub path: PathBuf,
    pub size: u64,
    pub age: Duration,
}

/// What a walk of the cache found, within its budget.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub exists: bool,
    pub repos: usize,
    pub incomplete: Vec<Leftover>,
    /// Snapshot entries whose blob is gone.
    pub broken_links: Vec<PathBuf>,
    /// Lock files: path, inode where the listing gives it (to look up in the kernel's lock
    /// table), and how long ago the file changed.
    pub locks: Vec<(PathBuf, Option<u64>, Duration)>,
    /// The kernel's lock table (`held_locks`), read beside the walk when there are locks.
    pub lock_table: Option<std::collections::HashMap<(u64, u64, u64), u32>>,
    /// The budget of entries ran out: what is above is a part.
    pub partial: bool,
}

/// Walk the cache's repos (`*--*` folders: `blobs/*.incomplete`, `snapshots/**` links) and its
/// `.locks`, looking at no more than `budget` entries and reading no file.
pub fn scan(hub: &Path, budget: usize) -> Scan {
    let mut s = Scan {
        exists: hub.is_dir(),
        ..Scan::default()
    };
    if !s.exists {
        return s;
    }
    let repos = repo_dirs(hub);
    let locks_dir = Some(hub.join(".locks")).filter(|d| d.is_dir());
    s.repos = repos.len();
    // The repos are walked on a few threads (system calls, not computation, are the cost):
    // each gets its share of the budget.
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let share = budget / (threads + 1);
    let chunk = repos.len().div_ceil(threads).max(1);
    let now = SystemTime::now();
    let (locks, parts, table) = std::thread::scope(|scope| {
        let workers: Vec<_> = repos
            .chunks(chunk)
            .map(|part| scope.spawn(move || scan_repos(part, share)))
            .collect();
        let table = locks_dir.as_ref().map(|_| scope.spawn(held_locks));
        let mut left = share;
        let mut locks = Vec::new();
        if let Some(dir) = &locks_dir {
            walk(dir, &mut left, &mut |e, kind| {
                let p = e.path();
                if kind.is_file() && p.extension().is_some_and(|x| x == "lock") {
                    let age = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|m| now.duration_since(m).ok())
                        .unwrap_or_default();
                    locks.push((p, inode(e), age));
                }
            });
        }
        let table = table.and_then(|t| t.join().ok()).flatten();
        let parts: Vec<Scan> = workers.into_iter().filter_map(|w| w.join().ok()).collect();
        (locks, (parts, left == 0), table)
    });
    s.locks = locks;
    s.lock_table = table;
    s.partial = parts.1;
    for part in parts.0 {
        s.incomplete.extend(part.incomplete);
        s.broken_links.extend(part.broken_links);
        s.partial |= part.partial;
    }
    s.incomplete.sort_by(|a, b| a.path.cmp(&b.path));
    s.broken_links.sort();
    s
}

/// `blobs/*.incomplete` and snapshot links whose blob is gone, in these repo folders.
fn scan_repos(repos: &[PathBuf], budget: usize) -> Scan {
    let mut s = Scan::default();
    let mut left = budget;
    let now = SystemTime::now();
    for path in repos {
        let mut blobs = std::collections::HashSet::new();
        walk(&path.join("blobs"), &mut left, &mut |e, _| {
            let name = e.file_name();
            if !name.to_string_lossy().ends_with(".incomplete") {
                blobs.insert(name);
                return;
            }
            let Ok(meta) = e.metadata() else {
                return;
            };
            s.incomplete.push(Leftover {
                path: e.path(),
                size: meta.len(),
                age: meta
                    .modified()
                    .ok()
                    .and_then(|m| now.duration_since(m).ok())
                    .unwrap_or_default(),
            });
        });
        walk(&path.join("snapshots"), &mut left, &mut |e, kind| {
            if !kind.is_symlink() {
                return;
            }
            let p = e.path();
            // The client's links are `../../blobs/<etag>`: the blob's name answers; any
            // other link is followed.
            let target = std::fs::read_link(&p).ok();
            let present = match target.as_deref().and_then(blob_name) {
                Some(name) => blobs.contains(name),
                None => std::fs::metadata(&p).is_ok(),
            };
            if !present {
                s.broken_links.push(p);
            }
        });
        if left == 0 {
            s.partial = true;
            break;
        }
    }
    s
}

/// `<etag>` of a link `../../blobs/<etag>` (as the client writes them); None for any other.
fn blob_name(target: &Path) -> Option<&std::ffi::OsStr> {
    let mut parts = target.components();
    use std::path::Component::{Normal, ParentDir};
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (Some(ParentDir), Some(ParentDir), Some(Normal(b)), Some(Normal(name)), None)
            if b == "blobs" =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// The inode of a listed entry, without a stat where the platform has it.
fn inode(e: &std::fs::DirEntry) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirEntryExt;
        Some(e.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        None
    }
}

/// Every entry under `dir` (not following links), within `left`. The entry's type comes from
/// the directory listing itself; a visitor asks for metadata only where it needs it (a cache
/// of thousands of files is walked with a handful of system calls per file).
fn walk(dir: &Path, left: &mut usize, seen: &mut dyn FnMut(&std::fs::DirEntry, std::fs::FileType)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if *left == 0 {
            return;
        }
        *left -= 1;
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&entry.path(), left, seen);
        } else {
            seen(&entry, kind);
        }
    }
}

/// What a cached file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Data,
    /// `version https://git-lfs.github.com/spec/v1`: git cloned the pointer, not the file.
    LfsPointer,
    /// A web page (a proxy's, a portal's, an error) saved under the file's name.
    Html,
    /// `{"error": …}` saved under the name of a file that is not JSON.
    JsonError,
}

pub fn content_kind(head: &[u8], name: &str) -> Content {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    let t = text.trim_start().to_ascii_lowercase();
    if t.starts_with("version https://git-lfs.github.com/spec/") {
        Content::LfsPointer
    } else if t.starts_with("<!doctype html") || t.starts_with("<html") {
        Content::Html
    } else if t.starts_with("{\"error\"") && !name.ends_with(".json") {
        Content::JsonError
    } else {
        Content::Data
    }
}

/// A file of a cached snapshot: its path in the repo, its size, what it holds.
#[derive(Debug, Clone)]
pub struct CachedFile {
    pub path: String,
    pub size: u64,
    pub content: Content,
}

/// The snapshot a revision points at in the cache.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub commit: String,
    pub files: Vec<CachedFile>,
    /// The repo's file list at that commit (`trees/<commit>.json`, 1.22+): (path, size).
    pub listing: Option<Vec<(String, u64)>>,
}

/// `refs/<revision>` → `snapshots/<commit>`, each file's size and first 512 bytes (at most
/// `max_files`). None when the cache holds no such revision.
pub fn snapshot(repo_dir: &Path, revision: &str, max_files: usize) -> Option<Snapshot> {
    let commit = if revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit()) {
        revision.to_string()
    } else {
        let r = crate::world::fs::read_bounded(&repo_dir.join("refs").join(revision), 256).ok()?;
        String::from_utf8_lossy(&r.bytes).trim().to_string()
    };
    let root = repo_dir.join("snapshots").join(&commit);
    if !root.is_dir() {
        return None;
    }
    let mut files = Vec::new();
    let mut left = max_files * 4;
    walk(&root, &mut left, &mut |e, _| {
        if files.len() >= max_files {
            return;
        }
        let p = &e.path();
        let rel = p
            .strip_prefix(&root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        // The link's target: its size and first bytes (a broken link is the scan's finding).
        if let Ok(c) = crate::world::fs::read_bounded(p, 512) {
            files.push(CachedFile {
                content: content_kind(&c.bytes, &rel),
                size: c.meta.len(),
                path: rel,
            });
        }
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let listing = crate::world::fs::read_bounded(
        &repo_dir.join("trees").join(format!("{commit}.json")),
        8 << 20,
    )
    .ok()
    .and_then(|c| serde_json::from_slice::<serde_json::Value>(&c.bytes).ok())
    .and_then(|v| {
        let files = v["files"].as_object()?;
        Some(
            files
                .iter()
                .map(|(k, f)| (k.clone(), f["size"].as_u64().unwrap_or(0)))
                .collect(),
        )
    });
    Some(Snapshot {
        commit,
        files,
        listing,
    })
}

/// Entries a scan looks at: far more than a 2,000-file cache has, far less than takes time.
pub const SCAN_BUDGET: usize = 50_000;
/// Files of the target's snapshot whose first bytes are read.
pub const SNAPSHOT_FILES: usize = 500;

/// What the disk says of a cache, read in one go (on a blocking thread: a hung network
/// filesystem must not stall the runtime).
#[derive(Debug, Clone)]
pub struct Disk {
    pub scan: Scan,
    pub snapshot: Option<Snapshot>,
    pub free: Option<u64>,
    pub fs: Option<FsKind>,
    /// Where a download writes (the cache, `.locks`, the target's `blobs`) and this user may
    /// not.
    pub unwritable: Vec<PathBuf>,
    /// The nearest existing folder above a cache that does not exist, and whether this user
    /// may create the cache in it.
    pub parent: Option<PathBuf>,
    pub parent_writable: bool,
    /// Locks a live process has held for at least the age asked, with that age.
    pub held_locks: Vec<(PathBuf, Duration)>,
}

/// Read the cache at `paths` for a check: the scan, the target's snapshot at main, free space,
/// the filesystem, what this user may not write, and locks held for at least `lock_age`.
pub fn read(paths: &CachePaths, target: Option<(RepoType, String)>, lock_age: Duration) -> Disk {
    let scan = scan(&paths.hub, SCAN_BUDGET);
    let repo_dir = target
        .as_ref()
        .map(|(ty, id)| paths.hub.join(repo_folder(*ty, id)));
    let snapshot = repo_dir
        .as_ref()
        .and_then(|d| snapshot(d, "main", SNAPSHOT_FILES));
    let mut write_dirs = vec![paths.hub.clone(), paths.hub.join(".locks")];
    if let Some(d) = &repo_dir {
        write_dirs.push(d.join("blobs"));
    }
    let unwritable = write_dirs
        .into_iter()
        .filter(|d| d.exists() && !writable(d))
        .collect();
    let held_locks = held_for(&paths.hub, &scan, target.as_ref(), lock_age);
    let parent = paths
        .hub
        .ancestors()
        .find(|a| a.exists())
        .map(Path::to_path_buf);
    let at = parent.clone().unwrap_or_else(|| paths.hub.clone());
    Disk {
        free: free_bytes(&at),
        fs: fs_kind(&at),
        parent_writable: parent.as_deref().is_some_and(writable),
        parent: parent.filter(|p| *p != paths.hub),
        scan,
        snapshot,
        unwritable,
        held_locks,
    }
}

/// The lock files a live process has held for at least `age`, with their age. With a target,
/// only its own (a download of it waits for those); without one, every lock of the cache.
/// Looked up in the kernel's lock table where the scan read one; else each old lock file is
/// tried without blocking and released at once.
fn held_for(
    hub: &Path,
    scan: &Scan,
    target: Option<&(RepoType, String)>,
    age: Duration,
) -> Vec<(PathBuf, Duration)> {
    let mine = target.map(|(ty, id)| hub.join(".locks").join(repo_folder(*ty, id)));
    let locks_dir = std::fs::metadata(hub.join(".locks")).ok();
    scan.locks
        .iter()
        .filter(|(l, _, a)| *a >= age && mine.as_ref().is_none_or(|m| l.starts_with(m)))
        .filter(|(l, ino, _)| {
            let id = locks_dir
                .as_ref()
                .zip(*ino)
                .and_then(|(m, ino)| file_id(m, ino));
            match (&scan.lock_table, id) {
                (Some(t), Some(id)) => t.contains_key(&id),
                _ => lock_held(l) == Some(true),
            }
        })
        .map(|(l, _, a)| (l.clone(), *a))
        .collect()
}

/// The filesystem under a path, where it matters for locks (data-plane.md §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsKind {
    Nfs,
    Lustre,
    Gpfs,
    Cifs,
    Fuse,
    Overlay,
    Tmpfs,
    Other,
}

impl FsKind {
    pub fn name(self) -> &'static str {
        match self {
            FsKind::Nfs => "NFS",
            FsKind::Lustre => "Lustre",
            FsKind::Gpfs => "GPFS",
            FsKind::Cifs => "CIFS/SMB",
            FsKind::Fuse => "FUSE",
            FsKind::Overlay => "overlayfs",
            FsKind::Tmpfs => "tmpfs",
            FsKind::Other => "local",
        }
    }

    /// Shared between machines: file locks there may do nothing.
    pub fn is_network(self) -> bool {
        matches!(
            self,
            FsKind::Nfs | FsKind::Lustre | FsKind::Gpfs | FsKind::Cifs | FsKind::Fuse
        )
    }

    /// From `statfs`'s `f_type` (linux/magic.h).
    pub fn from_magic(magic: i64) -> Self {
        match magic {
            0x6969 => FsKind::Nfs,
            0x0BD0_0BD0 => FsKind::Lustre,
            0x4750_4653 => FsKind::Gpfs,
            0xFF53_4D42 | 0xFE53_4D42 | 0x517B => FsKind::Cifs,
            0x6573_5546 => FsKind::Fuse,
            0x794C_7630 => FsKind::Overlay,
            0x0102_1994 => FsKind::Tmpfs,
            _ => FsKind::Other,
        }
    }
}

/// The filesystem of `path` (Linux; elsewhere unknown).
pub fn fs_kind(path: &Path) -> Option<FsKind> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: `c` is a valid C string, `st` a valid out pointer.
        if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)]
        Some(FsKind::from_magic(st.f_type as i64))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

/// Bytes free for this user on the filesystem of `path`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: `c` is a valid C string, `st` a valid out pointer.
        if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)]
        Some(st.f_bavail as u64 * st.f_frsize as u64)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// May this user create files in `dir` (write and search permission, as `access(2)` says for
/// the real user), judged without writing anything.
pub fn writable(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: `c` is a valid C string.
        unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
    }
}

/// The owner of `path` (uid) and its mode, where the platform has them.
pub fn owner_and_mode(path: &Path) -> Option<(u32, u32)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some((m.uid(), m.mode() & 0o7777))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The uid of this process.
pub fn my_uid() -> Option<u32> {
    #[cfg(unix)]
    {
        // SAFETY: geteuid cannot fail.
        Some(unsafe { libc::geteuid() })
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Files some process holds a lock on, as (major, minor, inode) → pid, from Linux's
/// `/proc/locks` (one read for the whole cache: no lock file is opened). None elsewhere.
pub fn held_locks() -> Option<std::collections::HashMap<(u64, u64, u64), u32>> {
    #[cfg(target_os = "linux")]
    {
        let c = crate::world::fs::read_bounded(Path::new("/proc/locks"), 4 << 20).ok()?;
        Some(parse_proc_locks(&String::from_utf8_lossy(&c.bytes)))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// `1: FLOCK  ADVISORY  WRITE 1234 08:01:1179650 0 EOF` (waiters, `1: -> FLOCK …`, skipped):
/// major and minor in hex, the inode in decimal.
pub fn parse_proc_locks(text: &str) -> std::collections::HashMap<(u64, u64, u64), u32> {
    let mut out = std::collections::HashMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) == Some(&"->") || fields.len() < 6 {
            continue;
        }
        let (Some(pid), Some(id)) = (fields.get(4), fields.get(5)) else {
            continue;
        };
        let parts: Vec<&str> = id.split(':').collect();
        if parts.len() != 3 {
            continue;
        }
        let (Ok(maj), Ok(min), Ok(ino), Ok(pid)) = (
            u64::from_str_radix(parts[0], 16),
            u64::from_str_radix(parts[1], 16),
            parts[2].parse::<u64>(),
            pid.parse::<u32>(),
        ) else {
            continue;
        };
        out.insert((maj, min, ino), pid);
    }
    out
}

/// (major, minor) of the device `meta` is on and `ino`, to look a file up in `held_locks`.
pub fn file_id(meta: &std::fs::Metadata, ino: u64) -> Option<(u64, u64, u64)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let dev = meta.dev();
        #[allow(clippy::unnecessary_cast)]
        Some((libc::major(dev) as u64, libc::minor(dev) as u64, ino))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (meta, ino);
        None
    }
}

/// Whether a live process holds `lock` (the client's `filelock.FileLock` is an `flock`):
/// tried without blocking, released at once. None when it cannot be told.
pub fn lock_held(lock: &Path) -> Option<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let meta = std::fs::symlink_metadata(lock).ok()?;
        if !meta.is_file() {
            return None;
        }
        let file = std::fs::File::open(lock).ok()?;
        let fd = file.as_raw_fd();
        // SAFETY: `fd` is open for the life of `file`.
        let got = unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) };
        if got == 0 {
            // SAFETY: as above; we took it, we give it back at once.
            unsafe { libc::flock(fd, libc::LOCK_UN) };
            return Some(false);
        }
        let err = std::io::Error::last_os_error().raw_os_error();
        (err == Some(libc::EWOULDBLOCK)).then_some(true)
    }
    #[cfg(not(unix))]
    {
        let _ = lock;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(pairs: &[(&str, &str)]) -> CachePaths {
        CachePaths::resolve(
            &Env::from_pairs(pairs.iter().copied()),
            Some(Path::new("/h")),
            Path::new("/work"),
        )
    }

    #[test]
    fn the_cache_path_follows_constants_py() {
        let p = paths(&[]);
        assert_eq!(p.hub, PathBuf::from("/h/.cache/huggingface/hub"));
        assert_eq!(p.origin, CacheOrigin::Default);
        assert_eq!(p.xet, PathBuf::from("/h/.cache/huggingface/xet"));
        let p = paths(&[("XDG_CACHE_HOME", "/x")]);
        assert_eq!(p.hub, PathBuf::from("/x/huggingface/hub"));
        assert_eq!(p.origin, CacheOrigin::XdgCacheHome);
        let p = paths(&[("HF_HOME", "~/hf"), ("XDG_CACHE_HOME", "/x")]);
        assert_eq!(p.hub, PathBuf::from("/h/hf/hub"));
        assert_eq!(p.origin, CacheOrigin::HfHome);
        let p = paths(&[("HUGGINGFACE_HUB_CACHE", "/old"), ("HF_HOME", "/hf")]);
        assert_eq!(p.hub, PathBuf::from("/old"));
        assert_eq!(p.origin, CacheOrigin::HuggingfaceHubCache);
        let p = paths(&[
            ("HF_HUB_CACHE", "$HOME/c"),
            ("HUGGINGFACE_HUB_CACHE", "/old"),
            ("HOME", "/h"),
        ]);
        assert_eq!(p.hub, PathBuf::from("/h/c"));
        // Set to the empty string, the variable still wins: a path relative to the cwd.
        let p = paths(&[("HF_HUB_CACHE", "")]);
        assert_eq!(p.hub, PathBuf::from("/work"));
        assert_eq!(repo_folder(RepoType::Dataset, "a/b"), "datasets--a--b");
    }

    #[test]
    fn what_a_cached_file_holds() {
        let pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n";
        assert_eq!(
            content_kind(pointer, "model.safetensors"),
            Content::LfsPointer
        );
        assert_eq!(
            content_kind(b"<!DOCTYPE html><html>", "model.bin"),
            Content::Html
        );
        assert_eq!(
            content_kind(b"{\"error\":\"x\"}", "model.bin"),
            Content::JsonError
        );
        assert_eq!(
            content_kind(b"{\"error\":\"x\"}", "config.json"),
            Content::Data
        );
        assert_eq!(content_kind(&[0u8, 1, 2], "model.bin"), Content::Data);
        assert_eq!(FsKind::from_magic(0x6969), FsKind::Nfs);
        assert!(FsKind::from_magic(0x0BD0_0BD0).is_network());
        assert!(!FsKind::from_magic(0xEF53).is_network());
    }

    #[test]
    fn proc_locks_lines() {
        let t = "1: FLOCK  ADVISORY  WRITE 4242 00:2f:1179650 0 EOF\n1: -> FLOCK  ADVISORY  WRITE 77 00:2f:1179650 0 EOF\n2: POSIX  ADVISORY  READ 99 fd:01:12 0 EOF\nbad line\n";
        let m = parse_proc_locks(t);
        assert_eq!(m.get(&(0, 0x2f, 1179650)), Some(&4242));
        assert_eq!(m.get(&(0xfd, 1, 12)), Some(&99));
        assert_eq!(m.len(), 2);
    }
}
