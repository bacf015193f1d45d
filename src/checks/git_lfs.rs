//! git-lfs: git-lfs on PATH and its version, `git lfs install` done (filter.lfs.* set), git-xet
//! noted where present; in a repository, the commits a push would send scanned for blobs the
//! Hub rejects without LFS/Xet: over 10 MiB, or binary over 1 MB (docs/notes/git-servers.md, "LFS and Xet"). History is what the
//! Hub judges, so a file deleted in a later commit still counts.
//!
//! The scan streams `git rev-list --objects` into `git cat-file --batch-check` and reads only
//! sizes; of a candidate between 1 MB and 10 MiB it reads the first 8000 bytes to tell binary
//! from text, as git does. No blob is loaded whole.

use std::time::Duration;

use crate::context::Context;
use crate::engine::finding::Found;
use crate::git::GitError;
use crate::shell::quote;
use crate::engine::runner::{self, Outcome as Runner};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        OkNoRepo = "ok-no-repo",
        Missing = "missing",
        MissingNotNeeded = "missing-not-needed",
        NotInitialised = "not-initialised",
        NotInitialisedNotNeeded = "not-initialised-not-needed",
        LargeFiles = "large-files",
    }
}

pub const MAX_TEXT: u64 = 10 * 1024 * 1024;
pub const MAX_BINARY: u64 = 1_000_000;
const SNIFF: usize = 8000;
const MAX_REPORTED: usize = 20;

#[derive(Debug, Clone)]
pub struct Offender {
    pub sha: String,
    pub path: String,
    pub size: u64,
    pub binary: bool,
    pub commit: Option<String>,
}

pub fn run(ctx: &Context) -> Vec<Found> {
    let paths = ctx.env.get("PATH").unwrap_or_default();
    let lfs = which::which_in("git-lfs", Some(&paths), &ctx.cwd).ok();
    let xet = which::which_in("git-xet", Some(&paths), &ctx.cwd).ok();
    // git-lfs takes a few milliseconds to start (it is a Go program): ask its version while
    // git's config is read and the history is scanned, not after.
    std::thread::scope(|s| {
        let version = lfs.as_ref().map(|lfs| s.spawn(|| lfs_version(ctx, lfs)));
        let hub_remote = ctx.hub_remotes().first().map(|r| r.name.clone());
        if lfs.is_some() {
            if let Some(seconds) = ctx.git_config_timeout() {
                return vec![Found::new(Runner::Timeout).with(runner::SECONDS, seconds)];
            }
        }
        let scan = if ctx.in_git_worktree() {
            match scan(ctx, hub_remote.as_deref()) {
                Ok(s) => Some(s),
                Err(GitError::Timeout) => {
                    return vec![Found::new(Runner::Timeout).with(runner::SECONDS, "?")]
                }
                Err(_) => None,
            }
        } else {
            None
        };
        let version = version.and_then(|v| v.join().ok()).flatten();
        judge(ctx, lfs.is_some(), version, hub_remote, scan, xet.is_some())
    })
}

const VERSION_DEADLINE: Duration = Duration::from_secs(3);

/// Start `git-lfs version` as the run starts, for a run that has this check: git-lfs takes
/// milliseconds to start, the longest wait of an offline run in a repository.
pub fn start_early(ctx: &std::sync::Arc<Context>) {
    let paths = ctx.env.get("PATH").unwrap_or_default();
    if let Ok(lfs) = which::which_in("git-lfs", Some(&paths), &ctx.cwd) {
        ctx.run_early(&lfs.to_string_lossy(), &["version"], VERSION_DEADLINE);
    }
}

/// `git-lfs version` from git-lfs itself, not `git lfs version`: one process instead of two.
fn lfs_version(ctx: &Context, lfs: &std::path::Path) -> Option<String> {
    ctx.run(&lfs.to_string_lossy(), &["version"], VERSION_DEADLINE)
        .ok()
        .map(|o| {
            o.stdout
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_start_matches("git-lfs/")
                .to_string()
        })
        .filter(|v| !v.is_empty())
}

fn judge(
    ctx: &Context,
    installed: bool,
    version: Option<String>,
    hub_remote: Option<String>,
    scan: Option<Scan>,
    xet: bool,
) -> Vec<Found> {
    let needed = hub_remote.is_some();
    let mut out = Vec::new();
    if !installed {
        out.push(Found::new(if needed {
            Outcome::Missing
        } else {
            Outcome::MissingNotNeeded
        }));
    } else {
        // From the shared read of git's config.
        let initialised = ctx.git_config().is_ok_and(|c| {
            c.has_prefix("filter.lfs.process") || c.has_prefix("filter.lfs.clean")
        });
        if !initialised {
            // Only a repository that pushes to the Hub makes it an error.
            let outcome = if needed {
                Outcome::NotInitialised
            } else {
                Outcome::NotInitialisedNotNeeded
            };
            out.push(
                Found::new(outcome).with("version", version.clone().unwrap_or_else(|| "?".into())),
            );
        }
    }
    if let Some(scan) = &scan {
        if !scan.offenders.is_empty() {
            out.push(large_files(ctx, scan, hub_remote.as_deref()));
        }
    }
    if out.is_empty() {
        let xet_note = if xet { "git-xet" } else { "-" };
        let found = match &scan {
            Some(s) => Found::new(Outcome::Ok)
                .with("version", version.unwrap_or_else(|| "?".into()))
                .with("objects", s.objects.to_string())
                .with("range", s.range.clone()),
            None => Found::new(Outcome::OkNoRepo).with("version", version.unwrap_or_else(|| "?".into())),
        };
        out.push(found.detail("git_xet", xet_note));
    }
    out
}

pub struct Scan {
    pub objects: usize,
    pub offenders: Vec<Offender>,
    /// What was scanned, for people: `HEAD --not --remotes=origin` or `HEAD (all history)`.
    pub range: String,
}

/// The objects a push of HEAD would send: not yet on the remote's tracking branches, or the
/// whole history when there are none. Every git here runs under the run's deadline and dies
/// with its process group at it, the `rev-list | cat-file` pipeline too
/// (docs/notes/processes.md).
pub fn scan(ctx: &Context, remote: Option<&str>) -> Result<Scan, GitError> {
    let deadline = ctx.options.timeout;
    let git = ctx.git();
    // `--not --remotes=R` excludes nothing when R has no tracking refs, so the object list does
    // not depend on whether it has: the pipeline starts at once, and whether R has refs (for the
    // words only) is asked meanwhile. A missing HEAD (no commit yet) makes rev-list print
    // nothing, which is the same empty scan.
    let mut range_args = vec!["HEAD".to_string()];
    if let Some(r) = remote {
        range_args.push("--not".into());
        range_args.push(format!("--remotes={r}"));
    }
    let mut rev_args = vec!["rev-list", "--objects"];
    rev_args.extend(range_args.iter().map(String::as_str));
    let stages = [
        git.spec(&rev_args, deadline),
        git.spec(
            &[
                "cat-file",
                "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)",
            ],
            deadline,
        ),
    ];
    let mut objects = 0;
    let mut candidates = Vec::new();
    let (listed, has_refs) = std::thread::scope(|s| {
        let refs = remote.map(|r| {
            s.spawn(move || {
                git.run(&[
                    "for-each-ref",
                    "--count=1",
                    "--format=%(refname)",
                    &format!("refs/remotes/{r}"),
                ])
            })
        });
        let listed = ctx.proc().pipeline(&ctx.env, &stages, &mut |line| {
            objects += 1;
            let mut parts = line.splitn(4, ' ');
            let (Some(sha), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next())
            else {
                return true;
            };
            if kind != "blob" {
                return true;
            }
            let size: u64 = size.parse().unwrap_or(0);
            if size > MAX_BINARY && candidates.len() < 1000 {
                candidates.push((
                    sha.to_string(),
                    parts.next().unwrap_or("").to_string(),
                    size,
                ));
            }
            true
        });
        let has_refs = refs.map(|h| h.join().unwrap_or(Err(GitError::Failed("panic".into()))));
        (listed, has_refs)
    });
    listed?;
    let mut range = "HEAD (all history)".to_string();
    if let (Some(r), Some(refs)) = (remote, has_refs) {
        if !refs?.stdout.trim().is_empty() {
            range = format!("HEAD --not --remotes={r}");
        } else {
            range_args.truncate(1);
        }
    }
    let mut offenders = Vec::new();
    for (sha, path, size) in candidates {
        let binary = size > MAX_TEXT || is_binary(ctx, &sha);
        if size > MAX_TEXT || binary {
            offenders.push(Offender {
                sha,
                path,
                size,
                binary,
                commit: None,
            });
        }
        if offenders.len() >= MAX_REPORTED {
            break;
        }
    }
    for o in &mut offenders {
        let mut args = vec![
            "log".to_string(),
            "--format=%h".into(),
            format!("--find-object={}", o.sha),
        ];
        args.extend(range_args.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if let Ok(out) = git.run(&args) {
            // Newest first: the last commit that touches the object is the one adding it.
            o.commit = out.stdout.lines().last().map(str::to_string);
        }
    }
    Ok(Scan {
        objects,
        offenders,
        range,
    })
}

/// git's own test: a NUL byte in the first 8000 bytes (the rest is never read: the runner
/// stops the child at the cap).
fn is_binary(ctx: &Context, sha: &str) -> bool {
    let spec = ctx
        .git()
        .spec(&["cat-file", "blob", sha], ctx.options.timeout)
        .cap(SNIFF)
        .stop_at_cap();
    ctx.proc()
        .run(&ctx.env, &spec)
        .is_ok_and(|o| o.stdout.as_bytes().contains(&0))
}

fn human(size: u64) -> String {
    format!("{:.1} MiB", size as f64 / (1024.0 * 1024.0))
}

fn large_files(ctx: &Context, scan: &Scan, remote: Option<&str>) -> Found {
    let list: Vec<String> = scan
        .offenders
        .iter()
        .map(|o| {
            format!(
                "{} ({}{}, commit {})",
                o.path,
                human(o.size),
                if o.binary && o.size <= MAX_TEXT {
                    ", binary"
                } else {
                    ""
                },
                o.commit.as_deref().unwrap_or("?")
            )
        })
        .collect();
    // Track by extension where there is one, else the path itself.
    let mut patterns: Vec<String> = scan
        .offenders
        .iter()
        .map(|o| match o.path.rsplit_once('.') {
            Some((_, ext)) if !ext.contains('/') && !ext.is_empty() => format!("*.{ext}"),
            _ => o.path.clone(),
        })
        .collect();
    patterns.sort();
    patterns.dedup();
    let branch = ctx
        .git()
        .run_for(
            &["symbolic-ref", "--quiet", "--short", "HEAD"],
            Duration::from_secs(3),
        )
        .ok()
        .map(|o| o.stdout.trim().to_string())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "main".into());
    let track = format!(
        "git lfs track {}",
        patterns
            .iter()
            .map(|p| quote(p))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let migrate = format!(
        "git lfs migrate import --include={} --include-ref=refs/heads/{}",
        quote(&patterns.join(",")),
        quote(&branch)
    );
    let push = format!(
        "git push --force-with-lease {} {}",
        quote(remote.unwrap_or("origin")),
        quote(&branch)
    );
    Found::new(Outcome::LargeFiles)
        .with("count", scan.offenders.len().to_string())
        .with("files", list.join("; "))
        .with("range", scan.range.clone())
        .param("track", track)
        .param("migrate", migrate)
        .param("push", push)
}
