//! Layer 0: the one subprocess runner. Every program hfdoctor starts for a check (git, ssh,
//! ssh-keygen, python, the git-lfs history scan) goes through `ProcRunner`, which keeps the
//! promises of docs/notes/processes.md in one place:
//!
//! - the child gets the environment snapshot, not hfdoctor's own environment, and never asks
//!   anything (no terminal prompt, no askpass, no credential-manager dialog, `LC_ALL=C`);
//! - what it prints is bounded (`Spec::cap`); past the cap it is drained, not left blocked;
//! - it has a deadline, and it starts in its own process group, so at the deadline the whole
//!   group dies: a credential helper's `sh` and whatever it forked too, not just the direct
//!   child;
//! - it dies with hfdoctor (Linux: `PR_SET_PDEATHSIG`), and the groups still running when
//!   hfdoctor exits are killed (`kill_all_live`).
//!
//! Nothing here knows of checks, findings or the Context: it takes plain values, so the Context
//! can hand checks a fake (`FakeProc`) in tests.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::world::env::Env;

/// Output kept from one command (stdout and stderr each).
pub const DEFAULT_CAP: usize = 4 << 20;

/// One program to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub program: String,
    pub args: Vec<String>,
    pub dir: PathBuf,
    /// Bytes written to stdin, which is then closed; `None`: stdin is `/dev/null`.
    pub stdin: Option<Vec<u8>>,
    pub deadline: Duration,
    /// Bytes of stdout (and of stderr) kept; the rest is read and dropped.
    pub cap: usize,
    /// Kill the group once `cap` bytes of stdout are in (sniffing the head of a blob).
    pub stop_at_cap: bool,
}

impl Spec {
    pub fn new(program: &str, args: &[&str], dir: &Path, deadline: Duration) -> Self {
        Spec {
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            dir: dir.to_path_buf(),
            stdin: None,
            deadline,
            cap: DEFAULT_CAP,
            stop_at_cap: false,
        }
    }

    pub fn input(mut self, bytes: &[u8]) -> Self {
        self.stdin = Some(bytes.to_vec());
        self
    }

    pub fn cap(mut self, cap: usize) -> Self {
        self.cap = cap;
        self
    }

    pub fn stop_at_cap(mut self) -> Self {
        self.stop_at_cap = true;
        self
    }

    /// `program arg arg`, for fakes and messages.
    pub fn line(&self) -> String {
        let mut s = self.program.clone();
        for a in &self.args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// `None` when the child was killed by a signal (or stopped at the cap).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// stdout went past the cap.
    pub truncated: bool,
}

impl Output {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    pub fn with_stdout(code: i32, stdout: &str) -> Self {
        Output {
            code: Some(code),
            stdout: stdout.to_string(),
            ..Output::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcError {
    /// The program is not installed (not on PATH).
    #[error("not installed (not on PATH)")]
    Missing,
    /// The deadline passed; the child's process group was killed.
    #[error("no answer within the deadline")]
    Timeout,
    #[error("{0}")]
    Failed(String),
}

/// How checks start programs. The real one is `Real`; tests plug in `FakeProc`.
pub trait ProcRunner: Send + Sync {
    fn run(&self, env: &Env, spec: &Spec) -> Result<Output, ProcError>;

    /// `stages[0] | stages[1] | …`: each stage's stdout is the next one's stdin; the last
    /// one's stdout goes to `on_line` a line at a time (without the newline) until it returns
    /// false. Each stage has its own process group; all die at the first stage's deadline.
    /// Exit codes are not reported: the lines are the answer.
    fn pipeline(
        &self,
        env: &Env,
        stages: &[Spec],
        on_line: &mut dyn FnMut(&str) -> bool,
    ) -> Result<(), ProcError>;
}

// ------------------------------------------------------------------------------ the real one

/// Starts real processes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Real;

/// Process groups started and not yet reaped: what `kill_all_live` kills on the way out.
static LIVE: Mutex<Vec<i32>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<i32>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Kill every process group this process started that is still running. Called on hfdoctor's
/// exit paths: a check abandoned at the runner's deadline may still be waiting on its child.
pub fn kill_all_live() {
    for pgid in live().drain(..) {
        kill_group(pgid, libc::SIGKILL);
    }
}

/// Send `sig` to the process group `pgid`.
pub fn kill_group(pgid: i32, sig: i32) {
    if pgid > 0 {
        // SAFETY: killpg takes two integers and touches no memory of ours; a group that is
        // already gone only makes it return ESRCH.
        unsafe {
            libc::killpg(pgid, sig);
        }
    }
}

/// A running child in its own process group. Dropping it before it was reaped kills the group.
struct Group {
    child: Child,
    pgid: i32,
    reaped: bool,
}

impl Group {
    fn spawn(mut cmd: Command) -> Result<Group, ProcError> {
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ProcError::Missing),
            Err(e) => return Err(ProcError::Failed(e.to_string())),
        };
        let pgid = child.id() as i32;
        live().push(pgid);
        Ok(Group {
            child,
            pgid,
            reaped: false,
        })
    }

    /// Wait for the child to exit until `end`; `None` at the deadline.
    fn wait_until(&mut self, end: Instant) -> Option<std::process::ExitStatus> {
        let mut nap = Duration::from_micros(100);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.reaped = true;
                    self.forget();
                    return Some(status);
                }
                Ok(None) => {}
                Err(_) => return None,
            }
            let now = Instant::now();
            if now >= end {
                return None;
            }
            std::thread::sleep(nap.min(end - now));
            nap = (nap * 2).min(Duration::from_millis(5));
        }
    }

    fn forget(&self) {
        live().retain(|p| *p != self.pgid);
    }

    /// Kill the whole group and reap the child (bounded: a child stuck in the kernel, e.g. on a
    /// dead NFS mount, is left as a zombie rather than hanging us).
    fn kill(&mut self) {
        if self.reaped {
            return;
        }
        kill_group(self.pgid, libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.wait_until(Instant::now() + Duration::from_millis(200));
        self.forget();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A command with the snapshot's environment, the settings that keep git and ssh quiet and
/// non-interactive, its own process group, and death with hfdoctor.
fn command(env: &Env, spec: &Spec) -> Command {
    let mut cmd = Command::new(&spec.program);
    cmd.env_clear();
    for (k, v) in env.iter() {
        cmd.env(k, v);
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .env("LC_ALL", "C")
        .env_remove("DISPLAY")
        .args(&spec.args)
        .current_dir(&spec.dir)
        // Its own group: at the deadline one killpg reaches everything it forked.
        .process_group(0);
    die_with_parent(&mut cmd);
    cmd
}

/// Linux: the child gets SIGKILL when the thread that started it dies, so a SIGKILLed hfdoctor
/// leaves no child behind (its grandchildren are reached by the group kill at the deadline).
/// The thread that starts a child waits on it, so it outlives the child except when the whole
/// process goes.
pub fn die_with_parent(cmd: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs in the forked child before exec; it calls only prctl,
        // getppid and _exit, which are async-signal-safe, and allocates nothing.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // hfdoctor died between fork and prctl: nobody will kill us, go now.
                if libc::getppid() != parent {
                    libc::_exit(137);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}

/// Milliseconds left until `end`, for poll(2), rounded up so we never spin at 0.
fn ms_left(end: Instant) -> i32 {
    let left = end.saturating_duration_since(Instant::now());
    left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
}

/// poll(2) on `fds` until one is ready or `end`. Returns false at the deadline.
fn poll(fds: &mut [libc::pollfd], end: Instant) -> bool {
    loop {
        let ms = ms_left(end);
        if ms == 0 {
            return false;
        }
        // SAFETY: `fds` is a valid, exclusively borrowed slice of pollfd for the whole call.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if n > 0 {
            return true;
        }
        if n < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return false;
        }
    }
}

fn pollfd(fd: i32, events: i16) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

/// Bytes kept from one stream: the first `cap`, the rest counted and dropped.
struct Capped {
    buf: Vec<u8>,
    cap: usize,
    over: bool,
}

impl Capped {
    fn push(&mut self, bytes: &[u8]) {
        let room = self.cap.saturating_sub(self.buf.len());
        self.buf.extend_from_slice(&bytes[..room.min(bytes.len())]);
        if bytes.len() > room {
            self.over = true;
        }
    }
}

impl ProcRunner for Real {
    fn run(&self, env: &Env, spec: &Spec) -> Result<Output, ProcError> {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        let end = Instant::now() + spec.deadline;
        let mut cmd = command(env, spec);
        cmd.stdin(if spec.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut group = Group::spawn(cmd)?;
        let mut stdin = group.child.stdin.take();
        let mut stdout = group.child.stdout.take();
        let mut stderr = group.child.stderr.take();
        let input = spec.stdin.as_deref().unwrap_or_default();
        let mut written = 0;
        let mut out = Capped {
            buf: Vec::new(),
            cap: spec.cap,
            over: false,
        };
        let mut err = Capped {
            buf: Vec::new(),
            cap: spec.cap,
            over: false,
        };
        let mut chunk = vec![0u8; 64 * 1024];
        // One thread, one poll loop: writing stdin and reading both pipes can never block us,
        // whatever the child does, and the deadline is checked on every wake-up.
        while stdout.is_some() || stderr.is_some() {
            let mut fds = Vec::with_capacity(3);
            if let Some(s) = &stdout {
                fds.push(pollfd(s.as_raw_fd(), libc::POLLIN));
            }
            if let Some(s) = &stderr {
                fds.push(pollfd(s.as_raw_fd(), libc::POLLIN));
            }
            if let Some(s) = &stdin {
                fds.push(pollfd(s.as_raw_fd(), libc::POLLOUT));
            }
            if !poll(&mut fds, end) {
                group.kill();
                return Err(ProcError::Timeout);
            }
            let ready = |fd: i32| {
                fds.iter()
                    .find(|p| p.fd == fd)
                    .is_some_and(|p| p.revents != 0)
            };
            if let Some(s) = stdout.as_mut().filter(|s| ready(s.as_raw_fd())) {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => stdout = None,
                    Ok(n) => out.push(&chunk[..n]),
                }
                if spec.stop_at_cap && out.buf.len() >= spec.cap {
                    group.kill();
                    out.over = true;
                    return Ok(Output {
                        code: None,
                        stdout: String::from_utf8_lossy(&out.buf).into_owned(),
                        stderr: String::from_utf8_lossy(&err.buf).into_owned(),
                        truncated: true,
                    });
                }
            }
            if let Some(s) = stderr.as_mut().filter(|s| ready(s.as_raw_fd())) {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => stderr = None,
                    Ok(n) => err.push(&chunk[..n]),
                }
            }
            if let Some(s) = stdin.as_mut().filter(|s| ready(s.as_raw_fd())) {
                // POLLOUT promises room for PIPE_BUF bytes: a write of at most that never
                // blocks.
                let piece = &input[written..input.len().min(written + 512)];
                match s.write(piece) {
                    Ok(n) if written + n < input.len() => written += n,
                    // All written, or the child closed its end: close ours.
                    _ => stdin = None,
                }
            }
            if input.is_empty() {
                stdin = None;
            }
        }
        drop(stdin);
        let Some(status) = group.wait_until(end) else {
            group.kill();
            return Err(ProcError::Timeout);
        };
        Ok(Output {
            code: status.code(),
            stdout: String::from_utf8_lossy(&out.buf).into_owned(),
            stderr: String::from_utf8_lossy(&err.buf).into_owned(),
            truncated: out.over,
        })
    }

    fn pipeline(
        &self,
        env: &Env,
        stages: &[Spec],
        on_line: &mut dyn FnMut(&str) -> bool,
    ) -> Result<(), ProcError> {
        use std::os::fd::AsRawFd;
        let Some(first) = stages.first() else {
            return Ok(());
        };
        let end = Instant::now() + first.deadline;
        let mut groups: Vec<Group> = Vec::with_capacity(stages.len());
        let mut upstream: Option<std::process::ChildStdout> = None;
        for spec in stages {
            let mut cmd = command(env, spec);
            cmd.stdin(match upstream.take() {
                Some(out) => Stdio::from(out),
                None => Stdio::null(),
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
            // Dropping `groups` on an early return kills the stages already started.
            let mut group = Group::spawn(cmd)?;
            upstream = group.child.stdout.take();
            groups.push(group);
        }
        let mut last = upstream.expect("piped");
        let mut pending: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        let mut stopped = false;
        'read: loop {
            let mut fds = [pollfd(last.as_raw_fd(), libc::POLLIN)];
            if !poll(&mut fds, end) {
                return Err(ProcError::Timeout);
            }
            let n = match last.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            pending.extend_from_slice(&chunk[..n]);
            let mut start = 0;
            while let Some(i) = pending[start..].iter().position(|b| *b == b'\n') {
                let line = String::from_utf8_lossy(&pending[start..start + i]).into_owned();
                start += i + 1;
                if !on_line(&line) {
                    stopped = true;
                    break 'read;
                }
            }
            pending.drain(..start);
            if pending.len() > first.cap {
                // One line longer than the cap: nothing sensible follows.
                break;
            }
        }
        if !stopped && !pending.is_empty() {
            on_line(&String::from_utf8_lossy(&pending));
        }
        drop(last);
        if stopped {
            return Ok(());
        }
        for g in &mut groups {
            if g.wait_until(end).is_none() {
                return Err(ProcError::Timeout);
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------- bounded

/// A runner whose every deadline also ends at `until` (the run's own deadline): however many
/// subprocesses a check starts one after the other, none outlives the run.
pub struct Bounded {
    inner: Arc<dyn ProcRunner>,
    until: Instant,
}

impl Bounded {
    pub fn new(inner: Arc<dyn ProcRunner>, until: Instant) -> Self {
        Bounded { inner, until }
    }

    fn clamp(&self, spec: &Spec) -> Result<Spec, ProcError> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ProcError::Timeout);
        }
        let mut spec = spec.clone();
        spec.deadline = spec.deadline.min(left);
        Ok(spec)
    }
}

impl ProcRunner for Bounded {
    fn run(&self, env: &Env, spec: &Spec) -> Result<Output, ProcError> {
        self.inner.run(env, &self.clamp(spec)?)
    }

    fn pipeline(
        &self,
        env: &Env,
        stages: &[Spec],
        on_line: &mut dyn FnMut(&str) -> bool,
    ) -> Result<(), ProcError> {
        let stages = stages
            .iter()
            .map(|s| self.clamp(s))
            .collect::<Result<Vec<_>, _>>()?;
        self.inner.pipeline(env, &stages, on_line)
    }
}

// ------------------------------------------------------------------------------------ fake

/// What a fake program does.
#[derive(Debug, Clone)]
pub enum Answer {
    Output(Output),
    /// Never answers: the runner reports the deadline (at once, without waiting).
    Hang,
    Missing,
}

/// Canned answers keyed by program and arguments, for in-process tests of checks. A program
/// asked for with arguments it has no answer for is `Missing`. Every call is recorded.
#[derive(Default)]
pub struct FakeProc {
    /// (program, exact arguments or None for any, answer); the first match wins.
    answers: Vec<(String, Option<Vec<String>>, Answer)>,
    calls: Mutex<Vec<String>>,
}

impl FakeProc {
    pub fn new() -> Self {
        FakeProc::default()
    }

    /// `program args…` exits with `code` after printing `stdout`.
    pub fn answer(mut self, program: &str, args: &[&str], code: i32, stdout: &str) -> Self {
        self.answers.push((
            program.into(),
            Some(args.iter().map(|a| a.to_string()).collect()),
            Answer::Output(Output::with_stdout(code, stdout)),
        ));
        self
    }

    /// `program args…` never answers.
    pub fn hang(mut self, program: &str, args: &[&str]) -> Self {
        self.answers.push((
            program.into(),
            Some(args.iter().map(|a| a.to_string()).collect()),
            Answer::Hang,
        ));
        self
    }

    /// `program` with any arguments never answers.
    pub fn hang_all(mut self, program: &str) -> Self {
        self.answers.push((program.into(), None, Answer::Hang));
        self
    }

    /// What was asked for, in order, as `program arg arg`.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn lookup(&self, spec: &Spec) -> Answer {
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(spec.line());
        self.answers
            .iter()
            .find(|(p, args, _)| {
                *p == spec.program && args.as_ref().is_none_or(|a| *a == spec.args)
            })
            .map(|(_, _, a)| a.clone())
            .unwrap_or(Answer::Missing)
    }
}

impl ProcRunner for FakeProc {
    fn run(&self, _env: &Env, spec: &Spec) -> Result<Output, ProcError> {
        match self.lookup(spec) {
            Answer::Output(o) => Ok(o),
            Answer::Hang => Err(ProcError::Timeout),
            Answer::Missing => Err(ProcError::Missing),
        }
    }

    fn pipeline(
        &self,
        _env: &Env,
        stages: &[Spec],
        on_line: &mut dyn FnMut(&str) -> bool,
    ) -> Result<(), ProcError> {
        // Every stage must answer; the last one's stdout is what the pipeline prints.
        let mut last = None;
        for spec in stages {
            match self.lookup(spec) {
                Answer::Output(o) => last = Some(o),
                Answer::Hang => return Err(ProcError::Timeout),
                Answer::Missing => return Err(ProcError::Missing),
            }
        }
        for line in last.map(|o| o.stdout).unwrap_or_default().lines() {
            if !on_line(line) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env::from_pairs([("PATH", std::env::var_os("PATH").unwrap_or_default())])
    }

    fn sh(script: &str, deadline: Duration) -> Spec {
        Spec::new("sh", &["-c", script], &std::env::temp_dir(), deadline)
    }

    fn alive(pid: i32) -> bool {
        // A zombie still has /proc/PID; its state is Z.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| {
                s.rsplit_once(')')
                    .map(|(_, rest)| rest.trim_start().to_string())
            })
            .is_some_and(|rest| !rest.starts_with('Z'))
    }

    /// Poll (bounded) until `pid` is gone; a bounded wait, not a duration assertion.
    fn gone(pid: i32) -> bool {
        for _ in 0..500 {
            if !alive(pid) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn output_stdin_and_exit_code() {
        let spec = sh("cat; echo err >&2; exit 3", Duration::from_secs(30)).input(b"hello\n");
        let out = Real.run(&env(), &spec).unwrap();
        assert_eq!(out.code, Some(3));
        assert_eq!(out.stdout, "hello\n");
        assert_eq!(out.stderr, "err\n");
        assert!(!out.truncated);
    }

    #[test]
    fn the_environment_is_the_snapshot_and_quiet() {
        let e = Env::from_pairs([
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("ONLY_IN_SNAPSHOT", "yes".into()),
            ("DISPLAY", ":0".into()),
        ]);
        let spec = sh(
            "echo $ONLY_IN_SNAPSHOT $GIT_TERMINAL_PROMPT $LC_ALL ${DISPLAY:-none} ${HOME:-nohome}",
            Duration::from_secs(30),
        );
        let out = Real.run(&e, &spec).unwrap();
        assert_eq!(out.stdout, "yes 0 C none nohome\n");
    }

    #[test]
    fn a_missing_program_is_missing() {
        let spec = Spec::new(
            "no-such-program-hfdoctor",
            &[],
            &std::env::temp_dir(),
            Duration::from_secs(5),
        );
        assert_eq!(Real.run(&env(), &spec), Err(ProcError::Missing));
    }

    #[test]
    fn the_deadline_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        // The grandchild holds no pipe of ours: only the group kill reaches it.
        let script = format!(
            "sleep 300 >/dev/null 2>&1 & echo $! > {}; sleep 300",
            pidfile.display()
        );
        let out = Real.run(&env(), &sh(&script, Duration::from_millis(500)));
        assert_eq!(out, Err(ProcError::Timeout));
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(
            gone(pid),
            "the forked grandchild {pid} survived the deadline"
        );
    }

    #[test]
    fn a_child_that_closes_its_pipes_and_lingers_still_times_out() {
        let out = Real.run(
            &env(),
            &sh(
                "exec >/dev/null 2>&1; sleep 300",
                Duration::from_millis(300),
            ),
        );
        assert_eq!(out, Err(ProcError::Timeout));
    }

    #[test]
    fn output_past_the_cap_is_drained_not_blocking() {
        // 2 MiB through a 1 KiB cap: the child must not block on a full pipe.
        let spec = sh(
            "head -c 2097152 /dev/zero; echo done >&2",
            Duration::from_secs(60),
        )
        .cap(1024);
        let out = Real.run(&env(), &spec).unwrap();
        assert_eq!(out.code, Some(0));
        assert_eq!(out.stdout.len(), 1024);
        assert!(out.truncated);
        assert_eq!(out.stderr, "done\n");
    }

    #[test]
    fn stop_at_cap_ends_the_child() {
        let spec = sh("yes", Duration::from_secs(60)).cap(8000).stop_at_cap();
        let out = Real.run(&env(), &spec).unwrap();
        assert_eq!(out.stdout.len(), 8000);
        assert!(out.truncated);
    }

    #[test]
    fn a_child_that_does_not_read_its_input_does_not_block_us() {
        let big = vec![b'x'; 1 << 20];
        let spec = sh("echo ok", Duration::from_secs(30)).input(&big);
        let out = Real.run(&env(), &spec).unwrap();
        assert_eq!(out.stdout, "ok\n");
    }

    #[test]
    fn pipeline_streams_lines_and_stops_early() {
        let stages = [
            sh("printf 'a\\nb\\nc\\n'", Duration::from_secs(30)),
            Spec::new("cat", &[], &std::env::temp_dir(), Duration::from_secs(30)),
        ];
        let mut lines = Vec::new();
        Real.pipeline(&env(), &stages, &mut |l| {
            lines.push(l.to_string());
            true
        })
        .unwrap();
        assert_eq!(lines, ["a", "b", "c"]);
        let mut first = Vec::new();
        let stages = [sh("yes", Duration::from_secs(30))];
        Real.pipeline(&env(), &stages, &mut |l| {
            first.push(l.to_string());
            first.len() < 3
        })
        .unwrap();
        assert_eq!(first.len(), 3);
    }

    #[test]
    fn pipeline_stages_die_at_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        let stages = [
            sh(
                &format!("echo $$ > {}; sleep 300", a.display()),
                Duration::from_millis(500),
            ),
            sh(
                &format!("echo $$ > {}; cat", b.display()),
                Duration::from_millis(500),
            ),
        ];
        let r = Real.pipeline(&env(), &stages, &mut |_| true);
        assert_eq!(r, Err(ProcError::Timeout));
        for f in [a, b] {
            let pid: i32 = std::fs::read_to_string(&f).unwrap().trim().parse().unwrap();
            assert!(gone(pid), "stage {pid} survived");
        }
    }

    #[test]
    fn bounded_clamps_every_deadline() {
        let b = Bounded::new(Arc::new(Real), Instant::now() + Duration::from_millis(300));
        let r = b.run(&env(), &sh("sleep 300", Duration::from_secs(300)));
        assert_eq!(r, Err(ProcError::Timeout));
        // Past the run's deadline nothing starts at all.
        let fake = Arc::new(FakeProc::new().answer("git", &["x"], 0, "y"));
        let b = Bounded::new(fake.clone(), Instant::now());
        assert_eq!(
            b.run(
                &env(),
                &Spec::new("git", &["x"], Path::new("."), Duration::from_secs(1))
            ),
            Err(ProcError::Timeout)
        );
        assert!(fake.calls().is_empty());
    }

    #[test]
    fn fake_answers_hangs_and_records() {
        let f = FakeProc::new()
            .answer("git", &["--version"], 0, "git version 9\n")
            .hang_all("ssh");
        let d = Path::new(".");
        let t = Duration::from_secs(1);
        assert_eq!(
            f.run(&env(), &Spec::new("git", &["--version"], d, t))
                .unwrap()
                .stdout,
            "git version 9\n"
        );
        assert_eq!(
            f.run(&env(), &Spec::new("ssh", &["-T", "x"], d, t)),
            Err(ProcError::Timeout)
        );
        assert_eq!(
            f.run(&env(), &Spec::new("python3", &[], d, t)),
            Err(ProcError::Missing)
        );
        assert_eq!(f.calls(), ["git --version", "ssh -T x", "python3"]);
    }
}
