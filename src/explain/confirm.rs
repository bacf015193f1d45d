//! `hfdoctor explain` and `hfdoctor -- CMD`: classify the text, then run the checks that decide
//! between the candidates (with the repo the text names as the target), and say which cause
//! they confirm.

use std::sync::Arc;

use crate::checks::REGISTRY;
use crate::context::Context;
use crate::engine::finding::{Finding, Status};
use crate::engine::runner::CheckDef;
use crate::explain::evidence::Extracted;
use crate::explain::patterns::Candidate;

pub struct Diagnosis {
    pub candidates: Vec<Candidate>,
    pub extracted: Extracted,
    pub findings: Vec<Finding>,
    pub ran_checks: bool,
    /// The cause the checks confirm, with the finding that speaks for it.
    pub confirmed: Option<(crate::engine::finding::Cause, Finding)>,
    /// The findings' root causes, the confirmed one first (docs/diagnosis.md).
    pub diagnosis: Vec<crate::diagnose::Diagnosis>,
}

/// The checks that decide between the candidates: the ones owning their patterns, plus
/// token-valid and the local token checks that every auth cause depends on.
pub fn deciding_checks(candidates: &[Candidate]) -> Vec<CheckDef> {
    use crate::checks::{env_conflicts, gated_access, id, repo_access, token_file, token_valid};
    let mut ids: Vec<String> = vec![
        id::<token_file::Outcome>().into(),
        id::<env_conflicts::Outcome>().into(),
    ];
    for c in candidates.iter().take(4) {
        for id in &c.checks {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    // Repo causes are decided by asking the Hub about the repo with the token.
    let repo = id::<repo_access::Outcome>();
    if ids
        .iter()
        .any(|i| i == repo || i == id::<gated_access::Outcome>())
    {
        for extra in [id::<token_valid::Outcome>(), repo] {
            if !ids.iter().any(|i| i == extra) {
                ids.push(extra.into());
            }
        }
    }
    REGISTRY
        .iter()
        .filter(|d| ids.iter().any(|i| i == d.id))
        .copied()
        .collect()
}

pub async fn confirm(
    ctx: Arc<Context>,
    candidates: Vec<Candidate>,
    extracted: Extracted,
    run_checks: bool,
) -> Diagnosis {
    let mut findings = Vec::new();
    if run_checks && !candidates.is_empty() {
        let checks = deciding_checks(&candidates);
        findings = crate::checks::run(ctx.clone(), &checks, |_, _| {}).await;
    }
    // The checks' own verdict decides: a cause whose fix a check tested is confirmed whatever
    // the text looked like (a 403 on push is a stale git credential when git's token is the
    // one refused); else the most likely candidate the diagnosis holds; else what the checks
    // found that fails (an error text from elsewhere can still point at the machine's problem).
    // A warning confirms only the cause the text itself names: the machine then says what
    // the text says, where alone it could not say it happened (a 402 and an account that
    // nothing pays for: docs/notes/inference-access.md, "Credits").
    let mut intent = crate::diagnose::Intent::of(&ctx);
    let mut ds = crate::diagnose::diagnose(&findings, &intent);
    let named =
        |d: &crate::diagnose::Diagnosis| candidates.iter().any(|c| Some(c.cause) == d.cause);
    let failing: Vec<&crate::diagnose::Diagnosis> = ds
        .iter()
        .filter(|d| {
            d.cause.is_some()
                && (matches!(d.status, Status::Fail | Status::Timeout)
                    || d.status == Status::Warn && named(d))
        })
        .collect();
    let chosen = failing
        .iter()
        .find(|d| d.verified)
        .or_else(|| {
            candidates
                .iter()
                .find_map(|c| failing.iter().find(|d| d.cause == Some(c.cause)))
        })
        .or_else(|| failing.first());
    let confirmed = chosen.and_then(|d| Some((d.cause?, findings[d.lead()].clone())));
    intent.wrapped = confirmed.as_ref().map(|(c, _)| *c);
    crate::diagnose::order(&mut ds, &intent);
    Diagnosis {
        ran_checks: run_checks && !candidates.is_empty(),
        candidates,
        extracted,
        findings,
        confirmed,
        diagnosis: ds,
    }
}

/// More log than anyone pastes; past it the rest of the file is not read.
const MAX_EXPLAIN_FILE: usize = 256 << 20;

/// The text to explain: the arguments joined, or a file, or standard input.
pub fn read_input(args: &[String], file: Option<&std::path::Path>) -> Result<Vec<u8>, String> {
    use std::io::{IsTerminal, Read};
    if let Some(f) = file {
        // The bounded reader: a FIFO or device named by --file would block or never end
        // (docs/notes/bounded-reads.md); a pipe belongs on standard input.
        return match crate::world::fs::read_bounded(f, MAX_EXPLAIN_FILE) {
            Ok(read) => Ok(read.bytes),
            Err(crate::world::fs::ReadError::NotRegular(kind)) => Err(format!(
                "{} is {kind}, not a file; pipe it to standard input instead: … | hfdoctor explain",
                f.display()
            )),
            Err(e) => Err(format!("cannot read {}: {e}", f.display())),
        };
    }
    if !args.is_empty() {
        return Ok(args.join("\n").into_bytes());
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(
            "paste the error after `hfdoctor explain` (or pipe it in, or use --file FILE)".into(),
        );
    }
    let mut buf = Vec::new();
    stdin
        .lock()
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(buf)
}

/// Keep the last `cap` bytes of what a command prints.
pub struct Tail {
    buf: std::collections::VecDeque<u8>,
    cap: usize,
}

impl Tail {
    pub fn new(cap: usize) -> Self {
        Tail {
            buf: std::collections::VecDeque::with_capacity(cap),
            cap,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        for b in bytes.iter().skip(bytes.len().saturating_sub(self.cap)) {
            if self.buf.len() == self.cap {
                self.buf.pop_front();
            }
            self.buf.push_back(*b);
        }
    }

    pub fn into_vec(self) -> Vec<u8> {
        self.buf.into_iter().collect()
    }
}

/// Run a command with its output passed through unchanged; return its exit code and the last
/// 64 KiB of what it printed (stdout and stderr, interleaved as they came).
///
/// SIGTERM, SIGHUP and SIGINT sent to hfdoctor are forwarded to the command, and the command
/// never outlives hfdoctor (docs/notes/processes.md):
/// - the three signals are blocked in every thread and taken by one thread
///   (`world::signals`), which passes them on; the child starts with a clean mask (std resets
///   it before exec);
/// - without a terminal on stdin the child gets its own process group and a signal goes to the
///   whole group (what it forked too). With one, it stays in hfdoctor's group, the terminal's
///   foreground group, so it can still read the terminal; a Ctrl-C from the terminal already
///   reaches it there and is not sent twice;
/// - Linux: `PR_SET_PDEATHSIG` kills it when hfdoctor dies, even of SIGKILL;
/// - a forwarded signal ends hfdoctor too once the command is gone, with the command's code
///   (no diagnosis of a command that was asked to stop); a signal after the command ended
///   stops hfdoctor at once.
pub fn run_wrapped(command: &[String]) -> Result<(i32, Vec<u8>), String> {
    use std::io::{IsTerminal, Read, Write};
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::{Command, Stdio};
    use std::sync::atomic::{AtomicI32, Ordering};

    let (program, args) = command.split_first().ok_or("no command")?;
    let own_group = !std::io::stdin().is_terminal();
    // main installed it first thing; here too in case a caller did not (idempotent).
    crate::world::signals::install();
    // The child's pid while it runs (0 before and after); the signal thread reads it.
    static CHILD: AtomicI32 = AtomicI32::new(0);
    // The last signal passed on to the child.
    static FORWARDED: AtomicI32 = AtomicI32::new(0);
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if own_group {
        cmd.process_group(0);
    }
    crate::world::proc::die_with_parent(&mut cmd);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let pid = child.id() as i32;
    CHILD.store(pid, Ordering::SeqCst);
    crate::world::signals::set_handler(move |sig, from_terminal| {
        let pid = CHILD.load(Ordering::SeqCst);
        if pid == 0 {
            // The command is over; hfdoctor is diagnosing: the default, stop now.
            return false;
        }
        FORWARDED.store(sig, Ordering::SeqCst);
        if own_group {
            crate::world::proc::kill_group(pid, sig);
        } else if !from_terminal {
            // SAFETY: kill takes two integers; a pid already gone returns ESRCH. CHILD is
            // reset right after the child is reaped, so the pid is ours but for that instant.
            unsafe {
                libc::kill(pid, sig);
            }
        }
        true
    });
    let tail = Arc::new(std::sync::Mutex::new(Tail::new(64 * 1024)));
    let (done_tx, done) = std::sync::mpsc::channel::<()>();
    let pump =
        |mut from: Box<dyn Read + Send>, to_stderr: bool, tail: Arc<std::sync::Mutex<Tail>>| {
            let done_tx = done_tx.clone();
            std::thread::spawn(move || {
                let _done = DropSend(done_tx);
                let mut chunk = [0u8; 8192];
                loop {
                    let n = match from.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if to_stderr {
                        let mut e = std::io::stderr().lock();
                        let _ = e.write_all(&chunk[..n]);
                        let _ = e.flush();
                    } else {
                        let mut o = std::io::stdout().lock();
                        let _ = o.write_all(&chunk[..n]);
                        let _ = o.flush();
                    }
                    tail.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(&chunk[..n]);
                }
            })
        };
    pump(
        Box::new(child.stdout.take().expect("piped")),
        false,
        tail.clone(),
    );
    pump(
        Box::new(child.stderr.take().expect("piped")),
        true,
        tail.clone(),
    );
    drop(done_tx);
    // What the command printed last is passed on before we go on; but something it left
    // running in the background may hold its pipes open forever: wait a little, not forever.
    let drain = |grace: std::time::Duration| {
        let end = std::time::Instant::now() + grace;
        for _ in 0..2 {
            let left = end.saturating_duration_since(std::time::Instant::now());
            if done.recv_timeout(left).is_err() {
                break;
            }
        }
    };
    let status = child.wait();
    CHILD.store(0, Ordering::SeqCst);
    crate::world::signals::clear_handler();
    let status = status.map_err(|e| e.to_string())?;
    let forwarded = FORWARDED.load(Ordering::SeqCst);
    let by_signal = status
        .signal()
        .filter(|s| [libc::SIGINT, libc::SIGTERM, libc::SIGHUP].contains(s));
    if forwarded != 0 || by_signal.is_some() {
        // Asked to stop: what the command forked in its group goes too, then hfdoctor, with
        // the command's own code (a shell's 128 + signal when the signal ended it).
        if own_group {
            crate::world::proc::kill_group(pid, libc::SIGKILL);
        }
        let code = status
            .code()
            .or(status.signal().map(|s| 128 + s))
            .unwrap_or(128 + forwarded);
        drain(std::time::Duration::from_millis(500));
        let _ = std::io::stdout().flush();
        std::process::exit(code);
    }
    drain(std::time::Duration::from_secs(2));
    let code = status.code().unwrap_or(1);
    let captured = std::mem::replace(
        &mut *tail.lock().unwrap_or_else(|e| e.into_inner()),
        Tail::new(0),
    );
    Ok((code, captured.into_vec()))
}

/// Sends on drop: a pump thread says it is done however it ends.
struct DropSend(std::sync::mpsc::Sender<()>);

impl Drop for DropSend {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_end() {
        let mut t = Tail::new(4);
        t.push(b"abc");
        t.push(b"defgh");
        assert_eq!(t.into_vec(), b"efgh");
        let mut t = Tail::new(3);
        t.push(b"0123456789");
        assert_eq!(t.into_vec(), b"789");
    }
}
