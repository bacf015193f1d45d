//! git subprocesses: never interactive (no terminal prompt, no askpass, no credential manager
//! dialog), stdin closed after what we send, a deadline on each, output capped. The child gets
//! the context's environment snapshot, so tests point HOME and GIT_CONFIG_* into a temp dir.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::context::Context;

/// Output kept from one git command.
const MAX_OUTPUT: u64 = 4 << 20;

#[derive(Debug, Clone)]
pub struct GitOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl GitOutput {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// git (or the program asked for) is not installed.
    Missing,
    Timeout,
    Failed(String),
}

/// A command with the context's environment and the settings that keep git quiet and
/// non-interactive.
pub fn command(ctx: &Context, program: &str, args: &[&str], dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear();
    for (k, v) in ctx.env.iter() {
        cmd.env(k, v);
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .env("LC_ALL", "C")
        .env_remove("DISPLAY")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run `program args` in `dir` with `input` on stdin, under `deadline`. On the deadline the
/// child is killed.
pub fn run_in(
    ctx: &Context,
    program: &str,
    args: &[&str],
    dir: &Path,
    input: Option<&[u8]>,
    deadline: Duration,
) -> Result<GitOutput, GitError> {
    let mut child = match command(ctx, program, args, dir).spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(GitError::Missing),
        Err(e) => return Err(GitError::Failed(e.to_string())),
    };
    let mut stdin = child.stdin.take();
    let input = input.map(<[u8]>::to_vec);
    // Write and close stdin on a thread: a child that does not read must not block us.
    std::thread::spawn(move || {
        if let (Some(stdin), Some(input)) = (stdin.as_mut(), input) {
            let _ = stdin.write_all(&input);
        }
        drop(stdin);
    });
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stdout).take(MAX_OUTPUT).read_to_end(&mut buf);
        let _ = tx.send((true, buf));
    });
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stderr).take(MAX_OUTPUT).read_to_end(&mut buf);
        let _ = tx2.send((false, buf));
    });
    let start = std::time::Instant::now();
    let (mut out, mut err) = (None, None);
    while out.is_none() || err.is_none() {
        let left = deadline.saturating_sub(start.elapsed());
        match rx.recv_timeout(left) {
            Ok((true, b)) => out = Some(b),
            Ok((false, b)) => err = Some(b),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(GitError::Timeout);
            }
        }
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() < deadline => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(GitError::Timeout);
            }
        }
    };
    Ok(GitOutput {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err.unwrap_or_default()).into_owned(),
    })
}

/// `git args` in the current directory with the run's deadline.
pub fn git(ctx: &Context, args: &[&str]) -> Result<GitOutput, GitError> {
    run_in(ctx, "git", args, &ctx.cwd, None, ctx.options.timeout)
}

/// A remote of the current repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub name: String,
    pub url: String,
}

/// The remotes' fetch URLs (and push URLs where set), from `git config`.
pub fn remotes(ctx: &Context) -> Vec<Remote> {
    let Ok(out) = run_in(
        ctx,
        "git",
        &["config", "--get-regexp", r"^remote\..*\.(pushurl|url)$"],
        &ctx.cwd,
        None,
        Duration::from_secs(3),
    ) else {
        return Vec::new();
    };
    let mut remotes: Vec<Remote> = Vec::new();
    for line in out.stdout.lines() {
        let Some((key, url)) = line.split_once(' ') else {
            continue;
        };
        let Some(name) = key.strip_prefix("remote.").and_then(|k| {
            k.strip_suffix(".url")
                .or_else(|| k.strip_suffix(".pushurl"))
        }) else {
            continue;
        };
        let remote = Remote {
            name: name.to_string(),
            url: url.to_string(),
        };
        if !remotes.contains(&remote) {
            remotes.push(remote);
        }
    }
    remotes
}
