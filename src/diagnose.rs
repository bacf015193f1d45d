//! `hfdoctor explain` and `hfdoctor -- CMD`: classify the text, then run the checks that decide
//! between the candidates (with the repo the text names as the target), and say which cause
//! they confirm.

use std::sync::Arc;

use crate::checks::REGISTRY;
use crate::context::Context;
use crate::explain::{classify, extract, Candidate, Extracted};
use crate::finding::{Finding, Status};
use crate::runner::{self, CheckDef};

pub struct Diagnosis {
    pub candidates: Vec<Candidate>,
    pub extracted: Extracted,
    pub findings: Vec<Finding>,
    pub ran_checks: bool,
    /// The first candidate a failing finding confirms, with that finding.
    pub confirmed: Option<(crate::finding::Cause, Finding)>,
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

pub fn analyse(text: &[u8]) -> (Vec<Candidate>, Extracted) {
    (classify(text), extract(text))
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
        findings = runner::run(ctx, &checks, |_, _| {}).await;
    }
    let failing = |f: &&Finding| matches!(f.status, Status::Fail | Status::Timeout);
    // The most likely candidate a failing check confirms; else what the checks found that
    // fails (an error text from elsewhere can still point at the right machine problem).
    let confirmed = candidates
        .iter()
        .find_map(|c| {
            findings
                .iter()
                .filter(failing)
                .find(|f| f.cause == Some(c.cause))
                .map(|f| (c.cause, f.clone()))
        })
        .or_else(|| {
            findings
                .iter()
                .filter(failing)
                .find_map(|f| f.cause.map(|c| (c, f.clone())))
        });
    Diagnosis {
        ran_checks: run_checks && !candidates.is_empty(),
        candidates,
        extracted,
        findings,
        confirmed,
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
pub fn run_wrapped(command: &[String]) -> Result<(i32, Vec<u8>), String> {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let (program, args) = command.split_first().ok_or("no command")?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let tail = Arc::new(std::sync::Mutex::new(Tail::new(64 * 1024)));
    let pump =
        |mut from: Box<dyn Read + Send>, to_stderr: bool, tail: Arc<std::sync::Mutex<Tail>>| {
            std::thread::spawn(move || {
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
    let out = pump(
        Box::new(child.stdout.take().expect("piped")),
        false,
        tail.clone(),
    );
    let err = pump(
        Box::new(child.stderr.take().expect("piped")),
        true,
        tail.clone(),
    );
    let status = child.wait().map_err(|e| e.to_string())?;
    let _ = out.join();
    let _ = err.join();
    let code = status.code().unwrap_or(1);
    let captured = std::mem::replace(
        &mut *tail.lock().unwrap_or_else(|e| e.into_inner()),
        Tail::new(0),
    );
    Ok((code, captured.into_vec()))
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
