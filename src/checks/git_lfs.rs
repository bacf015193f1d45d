//! git-lfs: git-lfs on PATH and its version, `git lfs install` done (filter.lfs.* set), git-xet
//! noted where present; in a repository, the commits a push would send scanned for blobs the
//! Hub rejects without LFS/Xet: over 10 MiB, or binary over 1 MB (§6.3). History is what the
//! Hub judges, so a file deleted in a later commit still counts.
//!
//! The scan streams `git rev-list --objects` into `git cat-file --batch-check` and reads only
//! sizes; of a candidate between 1 MB and 10 MiB it reads the first 8000 bytes to tell binary
//! from text, as git does. No blob is loaded whole.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::Duration;

use crate::context::Context;
use crate::finding::Found;
use crate::git::{command, run_in, GitError};
use crate::shell::quote;
use crate::runner::{self, Outcome as Runner};

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
    let hub_remote = ctx.hub_remotes().first().map(|r| r.name.clone());
    let needed = hub_remote.is_some();
    let mut out = Vec::new();
    let version = match &lfs {
        None => {
            out.push(Found::new(if needed {
                Outcome::Missing
            } else {
                Outcome::MissingNotNeeded
            }));
            None
        }
        Some(_) => {
            let v = run_in(
                ctx,
                "git",
                &["lfs", "version"],
                &ctx.cwd,
                None,
                Duration::from_secs(3),
            )
            .ok()
            .map(|o| {
                o.stdout
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("git-lfs/")
                    .to_string()
            })
            .filter(|v| !v.is_empty());
            let filters = run_in(
                ctx,
                "git",
                &["config", "--get-regexp", r"^filter\.lfs\."],
                &ctx.cwd,
                None,
                Duration::from_secs(3),
            )
            .map(|o| o.stdout)
            .unwrap_or_default();
            if !filters.contains("filter.lfs.process") && !filters.contains("filter.lfs.clean") {
                // Only a repository that pushes to the Hub makes it an error.
                let outcome = if needed {
                    Outcome::NotInitialised
                } else {
                    Outcome::NotInitialisedNotNeeded
                };
                out.push(
                    Found::new(outcome).with("version", v.clone().unwrap_or_else(|| "?".into())),
                );
            }
            v
        }
    };
    let scan = if ctx.in_git_worktree() {
        match scan(ctx, hub_remote.as_deref()) {
            Ok(s) => Some(s),
            Err(GitError::Timeout) => return vec![Found::new(Runner::Timeout).with(runner::SECONDS, "?")],
            Err(_) => None,
        }
    } else {
        None
    };
    if let Some(scan) = &scan {
        if !scan.offenders.is_empty() {
            out.push(large_files(ctx, scan, hub_remote.as_deref()));
        }
    }
    if out.is_empty() {
        let xet_note = if xet.is_some() { "git-xet" } else { "-" };
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
/// whole history when there are none.
pub fn scan(ctx: &Context, remote: Option<&str>) -> Result<Scan, GitError> {
    let deadline = ctx.options.timeout;
    let head = run_in(
        ctx,
        "git",
        &["rev-parse", "--verify", "--quiet", "HEAD"],
        &ctx.cwd,
        None,
        deadline,
    )?;
    let mut range_args = vec!["HEAD".to_string()];
    let mut range = "HEAD (all history)".to_string();
    if let Some(r) = remote {
        let refs = run_in(
            ctx,
            "git",
            &[
                "for-each-ref",
                "--count=1",
                "--format=%(refname)",
                &format!("refs/remotes/{r}"),
            ],
            &ctx.cwd,
            None,
            deadline,
        )?;
        if !refs.stdout.trim().is_empty() {
            range_args.push("--not".into());
            range_args.push(format!("--remotes={r}"));
            range = format!("HEAD --not --remotes={r}");
        }
    }
    if !head.ok() {
        return Ok(Scan {
            objects: 0,
            offenders: Vec::new(),
            range,
        });
    }
    let mut rev_args = vec!["rev-list", "--objects"];
    rev_args.extend(range_args.iter().map(String::as_str));
    let mut rev_list = command(ctx, "git", &rev_args, &ctx.cwd)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| GitError::Failed(e.to_string()))?;
    let rev_out = rev_list.stdout.take().expect("piped");
    let mut cat = command(
        ctx,
        "git",
        &[
            "cat-file",
            "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)",
        ],
        &ctx.cwd,
    )
    .stdin(Stdio::from(rev_out))
    .stderr(Stdio::null())
    .spawn()
    .map_err(|e| GitError::Failed(e.to_string()))?;
    let reader = BufReader::new(cat.stdout.take().expect("piped"));
    let mut objects = 0;
    let mut candidates = Vec::new();
    for line in reader.lines() {
        let Ok(line) = line else { break };
        objects += 1;
        let mut parts = line.splitn(4, ' ');
        let (Some(sha), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if kind != "blob" {
            continue;
        }
        let size: u64 = size.parse().unwrap_or(0);
        if size > MAX_BINARY && candidates.len() < 1000 {
            candidates.push((
                sha.to_string(),
                parts.next().unwrap_or("").to_string(),
                size,
            ));
        }
    }
    let _ = rev_list.wait();
    let _ = cat.wait();
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
        if let Ok(out) = run_in(ctx, "git", &args, &ctx.cwd, None, deadline) {
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

/// git's own test: a NUL byte in the first 8000 bytes.
fn is_binary(ctx: &Context, sha: &str) -> bool {
    let Ok(mut child) = command(ctx, "git", &["cat-file", "blob", sha], &ctx.cwd)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let mut buf = vec![0u8; SNIFF];
    let mut filled = 0;
    if let Some(out) = child.stdout.as_mut() {
        while filled < SNIFF {
            match out.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => filled += n,
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    buf[..filled].contains(&0)
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
    let branch = run_in(
        ctx,
        "git",
        &["symbolic-ref", "--quiet", "--short", "HEAD"],
        &ctx.cwd,
        None,
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
