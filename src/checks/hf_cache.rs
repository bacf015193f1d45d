//! hf-cache: the Hub cache on disk (`local::cache`, docs/notes/hf-cache.md): where it is and
//! why, whether this user may write it, the filesystem under it, free space against what the
//! target needs, what killed jobs left (`.incomplete` blobs, broken snapshot links, locks a
//! process holds), what the target's cached snapshot really holds, and, offline, whether the
//! snapshot is complete. It changes nothing: a lock is tried without blocking and released at
//! once, leftovers are reported, never removed.

use std::sync::Arc;
use std::time::Duration;

use crate::context::Context;
use crate::checks::common::size;
use crate::engine::finding::Found;
use crate::engine::runner::CheckFuture;
use crate::hub::repo::RepoType;
use crate::local::cache::{self, CachePaths, Content, Scan};
use crate::local::verify;
use crate::local::windows_fs::{self, WindowsAnswers};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        Missing = "missing",
        NotWritable = "not-writable",
        ParentNotWritable = "parent-not-writable",
        LowSpace = "low-space",
        LowSpaceFloor = "low-space-floor",
        Incomplete = "incomplete",
        BrokenLinks = "broken-links",
        LockHeld = "lock-held",
        FakeContent = "fake-content",
        SizeMismatch = "size-mismatch",
        NetworkFs = "network-fs",
        SharedNotReadable = "shared-not-readable",
        Ephemeral = "ephemeral",
        OfflineReady = "offline-ready",
        OfflineUnlisted = "offline-unlisted",
        OfflineNoSnapshot = "offline-no-snapshot",
        OfflineMissing = "offline-missing",
        NoSymlinks = "no-symlinks",
        LongPaths = "long-paths",
        VerifyOk = "verify-ok",
        VerifyPartial = "verify-partial",
        VerifyMismatch = "verify-mismatch",
        VerifyUnreadable = "verify-unreadable",
    }
}

/// A lock held this long is a download that hangs, or a process that forgot it.
const LOCK_AGE: Duration = Duration::from_secs(10 * 60);
/// Below this much free space every download is at risk, whatever it is.
const LOW_SPACE: u64 = 1 << 30;

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Arc<Context>) -> Vec<Found> {
    let paths = CachePaths::resolve(&ctx.env, ctx.home.as_deref(), &ctx.cwd);
    let shown = ctx.display_path(&paths.hub);
    let origin = paths.origin.label();
    let base = |o: Outcome| {
        Found::new(o)
            .with("path", shown.clone())
            .with("origin", origin)
    };
    // Sizes of the target's files, from the Hub, while the disk is read.
    let sizes = hub_sizes(ctx);
    let local = {
        let paths = paths.clone();
        let target = ctx.target().map(|t| (t.repo_type, t.repo_id.clone()));
        tokio::task::spawn_blocking(move || cache::read(&paths, target, LOCK_AGE))
    };
    let windows = ask_windows(ctx.clone());
    let (sizes, local, windows) = futures_util::future::join3(sizes, local, windows).await;
    let Ok(disk) = local else {
        return vec![base(Outcome::Ok)];
    };
    let mut out = Vec::new();
    if !disk.scan.exists {
        // Nothing to judge but whether the first download can create it.
        match &disk.parent {
            Some(p) if !disk.parent_writable => out.push(
                base(Outcome::ParentNotWritable).with("parent", ctx.display_path(p)),
            ),
            _ => out.push(base(Outcome::Missing)),
        }
        out.extend(offline_readiness(ctx, &disk, &base));
        return out;
    }
    let mine = cache::my_uid();
    let owner = cache::owner_and_mode(&paths.hub);
    let owner_text = owner.map_or("?".to_string(), |(uid, mode)| {
        format!("uid {uid}{}, mode {mode:o}", if Some(uid) == mine { " (you)" } else { "" })
    });
    // Where a download writes: the cache, its .locks and, for the target, its repo folder.
    let unwritable: Vec<String> = disk.unwritable.iter().map(|d| ctx.display_path(d)).collect();
    if !unwritable.is_empty() {
        out.push(
            base(Outcome::NotWritable)
                .with("dirs", unwritable.join(", "))
                .with("owner", owner_text.clone()),
        );
    }
    if let Some(fs) = disk.fs.filter(|f| f.is_network()) {
        out.push(base(Outcome::NetworkFs).with("fs", fs.name()));
    }
    // A cache outside the home was put there to be shared (a team's /data/hf-cache): others
    // need to read and enter it, which a mode without group and other bits forbids.
    let outside_home = ctx.home.as_ref().is_some_and(|h| !paths.hub.starts_with(h));
    if let Some((_, mode)) = owner.filter(|(_, m)| outside_home && m & 0o055 == 0) {
        out.push(
            base(Outcome::SharedNotReadable)
                .with("mode", format!("{:03o}", mode & 0o777))
                .with("owner", owner_text.clone()),
        );
    }
    // Locks work on these; what they change is how long the downloads last.
    let ephemeral = match disk.fs {
        Some(cache::FsKind::Tmpfs) => Some("fs-tmpfs-meaning"),
        Some(cache::FsKind::Overlay) => Some("fs-overlay-meaning"),
        _ => None,
    };
    if let (Some(meaning), Some(fs)) = (ephemeral, disk.fs) {
        out.push(
            base(Outcome::Ephemeral)
                .with("fs", fs.name())
                .with_msg("meaning", meaning),
        );
    }
    let need = sizes.as_ref().map(|s| {
        let cached: u64 = disk
            .snapshot
            .as_ref()
            .map(|snap| snap.files.iter().map(|f| f.size).sum())
            .unwrap_or(0);
        s.iter().map(|(_, size)| *size).sum::<u64>().saturating_sub(cached)
    });
    if let Some(free) = disk.free {
        match (need, ctx.target()) {
            (Some(need), Some(t)) if free < need => out.push(
                base(Outcome::LowSpace)
                    .with("free", size(free))
                    .with("need", size(need))
                    .with("repo", t.repo_id.clone()),
            ),
            _ if free < LOW_SPACE => out.push(base(Outcome::LowSpaceFloor).with("free", size(free))),
            _ => {}
        }
    }
    if let Some(answers) = windows {
        let files: Vec<String> = match (&sizes, &disk.snapshot) {
            (Some(s), _) => s.iter().map(|(p, _)| p.clone()).collect(),
            (None, Some(snap)) => snap.files.iter().map(|f| f.path.clone()).collect(),
            _ => Vec::new(),
        };
        let target = ctx
            .target()
            .map(|t| (t.repo_id.clone(), cache::repo_folder(t.repo_type, &t.repo_id)));
        let symlinks_off = ctx.env.non_empty("HF_HUB_DISABLE_SYMLINKS").is_some();
        out.extend(windows_findings(
            &answers,
            &paths.hub.to_string_lossy(),
            target.as_ref().map(|(id, folder)| (id.as_str(), folder.as_str(), files.as_slice())),
            symlinks_off,
            &base,
        ));
    }
    leftovers(ctx, &disk.scan, &disk.held_locks, &base, &mut out);
    if let (Some(snap), Some(t)) = (&disk.snapshot, ctx.target()) {
        for f in &snap.files {
            let what = match f.content {
                Content::Data => continue,
                Content::LfsPointer => "content-lfs-pointer",
                Content::Html => "content-html",
                Content::JsonError => "content-json-error",
            };
            out.push(
                base(Outcome::FakeContent)
                    .with("repo", t.repo_id.clone())
                    .with("type_flag", type_flag(t.repo_type))
                    .with("file", f.path.clone())
                    .with("size", size(f.size))
                    .with_msg("what", what),
            );
        }
        if let Some(sizes) = &sizes {
            for f in &snap.files {
                let Some((_, want)) = sizes.iter().find(|(p, _)| *p == f.path) else {
                    continue;
                };
                if *want != f.size && f.content == Content::Data {
                    out.push(
                        base(Outcome::SizeMismatch)
                            .with("repo", t.repo_id.clone())
                            .with("type_flag", type_flag(t.repo_type))
                            .with("file", f.path.clone())
                            .with("size", f.size.to_string())
                            .with("want", want.to_string()),
                    );
                }
            }
        }
    }
    out.extend(offline_readiness(ctx, &disk, &base));
    if let Some(budget) = ctx.options.verify_cache {
        out.extend(verify_blobs(ctx, &paths, budget, &base).await);
    }
    let notes = [
        Outcome::Ephemeral,
        Outcome::OfflineReady,
        Outcome::OfflineUnlisted,
        Outcome::VerifyOk,
        Outcome::VerifyPartial,
    ];
    if out.iter().all(|f| notes.iter().any(|n| f.is(*n))) {
        out.insert(
            0,
            base(Outcome::Ok)
                .detail("xet", ctx.display_path(&paths.xet))
                .detail("assets", ctx.display_path(&paths.assets))
                .with("repos", disk.scan.repos.to_string())
                .with("free", disk.free.map_or("?".into(), size))
                .with("fs", disk.fs.map_or("?", |f| f.name()))
                .with("owner", owner_text),
        );
    }
    out
}

/// `--verify-cache`: hash the cached blobs (the target's first, then every other repo's)
/// within the budget and a little less than the check's time, and name each blob that does
/// not match by the snapshot files that link to it.
async fn verify_blobs(
    ctx: &Context,
    paths: &CachePaths,
    budget: u64,
    base: &(dyn Fn(Outcome) -> Found + Sync),
) -> Vec<Found> {
    let hub = paths.hub.clone();
    let target = ctx
        .target()
        .map(|t| hub.join(cache::repo_folder(t.repo_type, &t.repo_id)));
    // The rest of the run's time, less a margin to write the findings.
    let deadline = ctx
        .deadline()
        .checked_sub(Duration::from_millis(300))
        .unwrap_or_else(std::time::Instant::now);
    let job = tokio::task::spawn_blocking(move || {
        let mut dirs = cache::repo_dirs(&hub);
        if let Some(t) = &target {
            dirs.retain(|d| d != t);
            if t.is_dir() {
                dirs.insert(0, t.clone());
            }
        }
        let blobs: Vec<verify::Blob> = dirs.iter().flat_map(|d| verify::blobs_of(d)).collect();
        let result = verify::verify(blobs, budget, deadline);
        // Only the folders with a bad blob are walked for the files that link to it, each once.
        let mut links: std::collections::HashMap<std::path::PathBuf, Vec<(String, String)>> =
            Default::default();
        let mut named = Vec::new();
        for (blob, verdict) in &result.read {
            if *verdict == verify::Verdict::Matches {
                continue;
            }
            // `<repo folder>/blobs/<name>`.
            let Some(dir) = blob.path.parent().and_then(|b| b.parent()) else {
                continue;
            };
            let file = links
                .entry(dir.to_path_buf())
                .or_insert_with(|| cache::links(dir))
                .iter()
                .find(|(_, name)| *name == blob.name)
                .map(|(rel, _)| rel.split_once('/').map_or(rel.clone(), |(_, p)| p.to_string()));
            let repo = dir
                .file_name()
                .and_then(|n| cache::repo_of_folder(&n.to_string_lossy()));
            named.push((blob.clone(), verdict.clone(), repo, file));
        }
        (result, named)
    });
    let Ok((result, named)) = job.await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (blob, verdict, repo, file) in named.iter().take(5) {
        let (ty, repo) = repo.clone().unwrap_or((RepoType::Model, "?".into()));
        let f = match verdict {
            verify::Verdict::Differs { algo, actual } => base(Outcome::VerifyMismatch)
                .with("algo", algo.label())
                .with("got", actual.clone()),
            verify::Verdict::Unreadable(e) => base(Outcome::VerifyUnreadable).with("error", e.clone()),
            verify::Verdict::Matches => continue,
        };
        out.push(
            f.with("blob", ctx.display_path(&blob.path))
                .with("repo", repo)
                .with("file", file.clone().unwrap_or_else(|| "?".into()))
                .with("type_flag", type_flag(ty)),
        );
    }
    if out.is_empty() {
        let read: u64 = result.read.iter().map(|(b, _)| b.size).sum();
        let done = base(if result.unread == 0 {
            Outcome::VerifyOk
        } else {
            Outcome::VerifyPartial
        })
        .with("count", result.read.len().to_string())
        .with("size", size(read));
        out.push(if result.unread == 0 {
            done
        } else {
            done.with("unread", result.unread.to_string())
                .with("unread_size", size(result.unread_bytes))
                .with_msg(
                    "cut",
                    match result.cut {
                        Some(verify::Cut::Deadline) => "verify-cut-deadline",
                        _ => "verify-cut-budget",
                    },
                )
        });
    }
    out
}

/// On Windows, what `reg query` and `whoami /groups` say (local::windows_fs); None elsewhere
/// and where Windows gave no answer at all.
async fn ask_windows(ctx: Arc<Context>) -> Option<WindowsAnswers> {
    if !cfg!(windows) {
        return None;
    }
    let deadline = ctx.options.timeout.mul_f64(0.5);
    let job = tokio::task::spawn_blocking(move || {
        let dword = |key: &str, value: &str| {
            let out = ctx.run("reg", &["query", key, "/v", value], deadline).ok()?;
            // An absent value is Windows' default: off for both.
            Some(windows_fs::reg_dword(&out.stdout, value).unwrap_or(0) == 1)
        };
        let elevated = ctx
            .run("whoami", &["/groups"], deadline)
            .ok()
            .and_then(|o| windows_fs::elevated(&o.stdout));
        WindowsAnswers {
            developer_mode: dword(windows_fs::DEV_MODE_KEY, windows_fs::DEV_MODE_VALUE),
            elevated,
            long_paths: dword(windows_fs::LONG_PATHS_KEY, windows_fs::LONG_PATHS_VALUE),
        }
    });
    job.await.ok().filter(|a| *a != WindowsAnswers::default())
}

/// What Windows' answers mean for this cache: no symlinks (the client copies files, in more
/// space) unless HF_HUB_DISABLE_SYMLINKS already says so; and, with LongPathsEnabled off, the
/// target's longest snapshot path over MAX_PATH (the client prefixes `\\?\` for blobs and locks,
/// not for the snapshot files others open; docs/notes/hf-cache.md, "Windows").
fn windows_findings(
    answers: &WindowsAnswers,
    hub: &str,
    target: Option<(&str, &str, &[String])>,
    symlinks_off: bool,
    base: &dyn Fn(Outcome) -> Found,
) -> Vec<Found> {
    let mut out = Vec::new();
    if answers.symlinks() == Some(false) && !symlinks_off {
        out.push(base(Outcome::NoSymlinks));
    }
    if let (Some(false), Some((repo, folder, files))) = (answers.long_paths, target) {
        let commit = "0".repeat(40);
        let longest = files
            .iter()
            .map(|f| (f, windows_fs::win_len(&windows_fs::snapshot_path(hub, folder, &commit, f))))
            .max_by_key(|(_, n)| *n);
        if let Some((file, n)) = longest.filter(|(_, n)| *n > windows_fs::MAX_PATH_CHARS) {
            out.push(
                base(Outcome::LongPaths)
                    .with("repo", repo)
                    .with("file", file.clone())
                    .with("length", n.to_string())
                    .with("max", windows_fs::MAX_PATH_CHARS.to_string()),
            );
        }
    }
    out
}

/// ` --repo-type dataset` for `hf download` where the repo is not a model.
fn type_flag(ty: RepoType) -> String {
    match ty {
        RepoType::Model => String::new(),
        other => format!(" --repo-type {}", other.as_str()),
    }
}

/// The target's files and sizes from the Hub (`?blobs=true`), when online with a target.
async fn hub_sizes(ctx: &Context) -> Option<Vec<(String, u64)>> {
    if ctx.options.offline {
        return None;
    }
    let t = ctx.target()?;
    let path = format!(
        "{}?blobs=true",
        crate::hub::info_path(t.repo_type, &t.repo_id)
    );
    let answer = ctx.hub().get_shared(&path, ctx.token_sent()).await.ok()?;
    if answer.status != 200 {
        return None;
    }
    let info: crate::hub::RepoInfo = answer.json()?;
    Some(
        info.siblings
            .into_iter()
            .filter_map(|s| Some((s.rfilename, s.size?)))
            .collect(),
    )
}

fn leftovers(
    ctx: &Context,
    scan: &Scan,
    held: &[(std::path::PathBuf, Duration)],
    base: &dyn Fn(Outcome) -> Found,
    out: &mut Vec<Found>,
) {
    if !scan.incomplete.is_empty() {
        let total: u64 = scan.incomplete.iter().map(|l| l.size).sum();
        let oldest = scan.incomplete.iter().map(|l| l.age).max().unwrap_or_default();
        let (n, unit) = age(oldest);
        out.push(
            base(Outcome::Incomplete)
                .with("count", scan.incomplete.len().to_string())
                .with("size", size(total))
                .with("age", n)
                .with_msg("age_unit", unit)
                .with("first", ctx.display_path(&scan.incomplete[0].path)),
        );
    }
    if !scan.broken_links.is_empty() {
        out.push(
            base(Outcome::BrokenLinks)
                .with("count", scan.broken_links.len().to_string())
                .with("first", ctx.display_path(&scan.broken_links[0])),
        );
    }
    for (lock, held_for) in held.iter().filter(|(_, a)| *a >= LOCK_AGE) {
        let (n, unit) = age(*held_for);
        out.push(
            base(Outcome::LockHeld)
                .with("lock", ctx.display_path(lock))
                .with("age", n)
                .with_msg("age_unit", unit),
        );
    }
}

/// With offline mode on (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE) and a target: is its snapshot
/// complete in the cache? The file list comes from `trees/<commit>.json` when the client
/// wrote one; without it, the snapshot's presence is all that can be told.
fn offline_readiness(ctx: &Context, disk: &cache::Disk, base: &dyn Fn(Outcome) -> Found) -> Vec<Found> {
    let Some(t) = ctx.target() else {
        return Vec::new();
    };
    if !ctx.env.offline() {
        return Vec::new();
    }
    let repo = t.repo_id.clone();
    let Some(snap) = &disk.snapshot else {
        return vec![base(Outcome::OfflineNoSnapshot).with("repo", repo)];
    };
    let Some(listing) = &snap.listing else {
        return vec![base(Outcome::OfflineUnlisted)
            .with("repo", repo)
            .with("count", snap.files.len().to_string())];
    };
    let missing: Vec<&str> = listing
        .iter()
        .filter(|(p, _)| !snap.files.iter().any(|f| f.path == *p))
        .map(|(p, _)| p.as_str())
        .collect();
    if missing.is_empty() {
        vec![base(Outcome::OfflineReady)
            .with("repo", repo)
            .with("count", snap.files.len().to_string())]
    } else {
        vec![base(Outcome::OfflineMissing)
            .with("repo", repo)
            .with("files", missing.iter().take(5).copied().collect::<Vec<_>>().join(", "))
            .with("count", missing.len().to_string())]
    }
}

/// An age as a number and the catalog key of its unit (`{age} {age_unit}`: "3 h", "3 小時").
fn age(d: Duration) -> (String, &'static str) {
    let s = d.as_secs();
    if s >= 86_400 {
        ((s / 86_400).to_string(), "unit-days")
    } else if s >= 3_600 {
        ((s / 3_600).to_string(), "unit-hours")
    } else {
        ((s / 60).to_string(), "unit-minutes")
    }
}

#[cfg(test)]
mod windows_tests {
    use super::*;
    use crate::engine::finding::Key;

    fn base(o: Outcome) -> Found {
        Found::new(o)
    }

    fn answers(dev: bool, elevated: bool, long_paths: bool) -> WindowsAnswers {
        WindowsAnswers {
            developer_mode: Some(dev),
            elevated: Some(elevated),
            long_paths: Some(long_paths),
        }
    }

    const HUB: &str = r"C:\Users\alice\.cache\huggingface\hub";

    #[test]
    fn without_developer_mode_or_elevation_the_cache_copies() {
        let f = windows_findings(&answers(false, false, true), HUB, None, false, &base);
        assert_eq!(f.len(), 1);
        assert!(f[0].is(Outcome::NoSymlinks));
        assert!(windows_findings(&answers(true, false, true), HUB, None, false, &base).is_empty());
        assert!(windows_findings(&answers(false, true, true), HUB, None, false, &base).is_empty());
        // HF_HUB_DISABLE_SYMLINKS: the user chose copies already.
        assert!(windows_findings(&answers(false, false, true), HUB, None, true, &base).is_empty());
    }

    #[test]
    fn a_snapshot_path_over_max_path_with_long_paths_off() {
        let deep = format!("{}model.safetensors", "very-long-folder-name/".repeat(8));
        let files = vec!["config.json".to_string(), deep.clone()];
        let target = Some(("acme/llm", "models--acme--llm", files.as_slice()));
        let f = windows_findings(&answers(true, false, false), HUB, target, false, &base);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].is(Outcome::LongPaths));
        assert_eq!(f[0].detail_of(Key("file")), Some(deep.as_str()));
        let n: usize = f[0].detail_of(Key("length")).unwrap().parse().unwrap();
        assert!(n > 259, "{n}");
        // LongPathsEnabled on, or short paths: nothing to say.
        assert!(windows_findings(&answers(true, false, true), HUB, target, false, &base).is_empty());
        let short = vec!["config.json".to_string()];
        let target = Some(("acme/llm", "models--acme--llm", short.as_slice()));
        assert!(windows_findings(&answers(true, false, false), HUB, target, false, &base).is_empty());
    }
}
