//! Runs the selected checks concurrently, each under its own deadline, and hands their findings
//! back in registry order as soon as each one and every one before it is done. A deadline
//! becomes a `timeout` finding, a panic a `crash` finding; the others still finish.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::context::Context;
use crate::engine::catalog::{Catalog, Need};
use crate::engine::finding::{Finding, Found, Key, Namespace, Owned};

/// What every check gets even when deciding the skips used the run's deadline up.
const GRACE: Duration = Duration::from_millis(250);

pub type CheckFuture = Pin<Box<dyn Future<Output = Vec<Found>> + Send>>;

#[derive(Clone, Copy)]
pub enum Run {
    /// Local work (files, environment): runs on a blocking thread so a stuck file system
    /// cannot stall the others.
    Blocking(fn(&Context) -> Vec<Found>),
    /// Network or subprocess work.
    Async(fn(Arc<Context>) -> CheckFuture),
}

/// One registered check, as the registry in `src/checks/mod.rs` declares it.
#[derive(Clone, Copy)]
pub struct CheckDef {
    pub id: &'static str,
    pub run: Run,
    /// `checks/<id>.toml`, compiled in.
    pub catalog: &'static str,
    /// What the check cannot run without; the runner skips it otherwise, before the catalog
    /// is even parsed.
    pub needs: &'static [Need],
    /// The check's `Outcome` enum as (name, Rust variant) pairs, for the tests that hold the
    /// code and the catalog together.
    pub outcomes: fn() -> Vec<(&'static str, &'static str)>,
}

crate::outcomes! {
    /// What the runner gives any check: it could not finish, or it was not run. Their words are
    /// in `checks/_runner.toml`; no check's catalog may define these names.
    pub enum Outcome {
        Timeout = "timeout",
        Crash = "crash",
        SkippedOffline = "skipped-offline",
        SkippedNoGit = "skipped-no-git",
        SkippedNoTarget = "skipped-no-target",
    }
}

impl Owned for Outcome {
    const NAMESPACE: Namespace = Namespace::Runner;
}

/// `{message}` of a crash: what panicked.
pub const MESSAGE: Key = Key("message");
/// `{seconds}` of a timeout: the deadline.
pub const SECONDS: Key = Key("seconds");

/// Why a check was not run at all, if it needs something that is not there.
fn skip_reason(ctx: &Context, needs: &[Need]) -> Option<Outcome> {
    needs.iter().find_map(|need| match need {
        Need::Network if ctx.options.offline => Some(Outcome::SkippedOffline),
        Need::Git if !ctx.in_git_worktree() => Some(Outcome::SkippedNoGit),
        Need::Target if ctx.target().is_none() => Some(Outcome::SkippedNoTarget),
        _ => None,
    })
}

fn finding(id: &'static str, found: Found, catalog: &Catalog, duration: Duration) -> Finding {
    // Typed lookup: a check's own outcome only in its own catalog file (another check's
    // outcome reported under this id finds no words), common and runner outcomes only in
    // theirs.
    let Some(words) = catalog.outcome(id, found.outcome) else {
        debug_assert!(false, "no catalog words for {id}/{}", found.outcome);
        // A bug in hfdoctor, reported as one rather than as a finding without words.
        let crash = Found::new(Outcome::Crash).with(
            MESSAGE,
            format!("no catalog words for {id}/{}", found.outcome),
        );
        return finding(id, crash, catalog, duration);
    };
    Finding {
        check: id,
        outcome: found.outcome,
        status: words.status,
        cause: words.cause,
        params: found.params,
        details: found.details,
        duration_ms: duration.as_millis() as u64,
    }
}

/// Run `checks` and call `on_ready` with each check's findings, in registry order.
pub async fn run(
    ctx: Arc<Context>,
    catalog: fn() -> &'static Catalog,
    checks: &[CheckDef],
    on_ready: impl FnMut(usize, Vec<Finding>),
) -> Vec<Finding> {
    run_and_then(ctx, catalog, checks, || {}, on_ready).await
}

/// `run`, calling `on_started` once every check has started: what is printed before the first
/// result (a header) is then made while the checks already work. The catalog is asked for
/// only once a finding needs its words.
pub async fn run_and_then(
    ctx: Arc<Context>,
    catalog: fn() -> &'static Catalog,
    checks: &[CheckDef],
    on_started: impl FnOnce(),
    mut on_ready: impl FnMut(usize, Vec<Finding>),
) -> Vec<Finding> {
    let deadline = ctx.options.timeout;
    let started = Instant::now();
    let mut handles = Vec::with_capacity(checks.len());
    for def in checks {
        if let Some(reason) = skip_reason(&ctx, def.needs) {
            handles.push(Err(reason));
            continue;
        }
        let ctx = ctx.clone();
        let handle = match def.run {
            Run::Blocking(f) => tokio::task::spawn_blocking(move || {
                let t = Instant::now();
                (f(&ctx), t.elapsed())
            }),
            Run::Async(f) => tokio::spawn(async move {
                let t = Instant::now();
                (f(ctx).await, t.elapsed())
            }),
        };
        handles.push(Ok(handle));
    }

    // The run's clock started with the Context, not here: what came before the runner (the
    // target, which may wait for git's config) counts against --timeout too. Deciding the skips
    // may have used the run's time up when git never answers; each check still gets a short
    // grace after it started, so the ones that need no subprocess report instead of timing out,
    // and the run still ends within --timeout + 1 s (docs/notes/processes.md).
    let end = ctx
        .deadline()
        .min(started + deadline)
        .max(Instant::now() + GRACE.min(deadline));
    on_started();
    let catalog = catalog();
    let mut all = Vec::new();
    for (i, (def, handle)) in checks.iter().zip(handles).enumerate() {
        let findings = match handle {
            Err(reason) => vec![finding(def.id, Found::new(reason), catalog, Duration::ZERO)],
            Ok(handle) => {
                let abort = handle.abort_handle();
                match tokio::time::timeout_at(end.into(), handle).await {
                    Ok(Ok((found, took))) if !found.is_empty() => found
                        .into_iter()
                        .map(|f| finding(def.id, f, catalog, took))
                        .collect(),
                    Ok(Ok((_, took))) => vec![finding(
                        def.id,
                        Found::new(Outcome::Crash).with(MESSAGE, "the check reported nothing"),
                        catalog,
                        took,
                    )],
                    Ok(Err(join_error)) => {
                        let message = if join_error.is_panic() {
                            panic_message(join_error.into_panic())
                        } else {
                            "cancelled".to_string()
                        };
                        vec![finding(
                            def.id,
                            Found::new(Outcome::Crash).with(MESSAGE, message),
                            catalog,
                            started.elapsed(),
                        )]
                    }
                    Err(_elapsed) => {
                        abort.abort();
                        vec![finding(
                            def.id,
                            Found::new(Outcome::Timeout).with(SECONDS, format_secs(deadline)),
                            catalog,
                            started.elapsed(),
                        )]
                    }
                }
            }
        };
        on_ready(i, findings.clone());
        all.extend(findings);
    }
    all
}

fn format_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{}", s as u64)
    } else {
        format!("{s:.1}")
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    };
    // One line, bounded: this goes into reports.
    let first = text.lines().next().unwrap_or_default();
    first.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Env, Options};
    use crate::engine::finding::Status;

    crate::outcomes! {
        /// Stands in for a check's own outcomes (token-file's words for `ok`), so these tests
        /// need no check module.
        enum Probe {
            Ok = "ok",
        }
    }

    impl Owned for Probe {
        const NAMESPACE: Namespace = Namespace::Check("token-file");
    }

    fn ctx(offline: bool, timeout_ms: u64) -> Arc<Context> {
        Context::new(
            Env::default(),
            std::env::temp_dir(),
            Options {
                offline,
                timeout: Duration::from_millis(timeout_ms),
                ..Options::default()
            },
        )
    }

    fn slow(_: Arc<Context>) -> CheckFuture {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            vec![Found::new(Probe::Ok)]
        })
    }

    fn panics(_: &Context) -> Vec<Found> {
        panic!("boom\nsecond line")
    }

    fn fine(_: &Context) -> Vec<Found> {
        vec![Found::new(Probe::Ok)]
    }

    fn def(id: &'static str, run: Run) -> CheckDef {
        CheckDef {
            id,
            run,
            catalog: "",
            needs: &[],
            outcomes: Vec::new,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn timeout_and_crash_do_not_stop_the_others_and_order_holds() {
        std::panic::set_hook(Box::new(|_| {}));
        let checks = [
            def("token-file", Run::Async(slow)),
            def("env-conflicts", Run::Blocking(panics)),
            def("token-file", Run::Blocking(fine)),
        ];
        let t = Instant::now();
        let mut order = Vec::new();
        let out = run(ctx(false, 200), catalog, &checks, |i, _| order.push(i)).await;
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert_eq!(order, vec![0, 1, 2]);
        assert_eq!(out[0].status, Status::Timeout);
        assert!(out[0].is(Outcome::Timeout));
        assert_eq!(out[0].code(), "token-file/timeout");
        assert_eq!(out[1].status, Status::Crash);
        assert!(out[1].is(Outcome::Crash));
        assert_eq!(out[1].detail_of(MESSAGE), Some("boom"));
        assert_eq!(out[2].status, Status::Pass);
        assert!(out[2].is(Probe::Ok));
    }

    fn catalog() -> &'static Catalog {
        crate::checks::catalog()
    }

    #[test]
    fn lookup_is_by_namespace_without_fallback() {
        let c = catalog();
        // token-file's `ok` has words under token-file only, never under another check.
        assert!(c.outcome("token-file", Probe::Ok.into()).is_some());
        assert!(c.outcome("env-conflicts", Probe::Ok.into()).is_none());
        // A runner outcome has its words whichever check it is given to.
        assert!(c.outcome("proxy", Outcome::Timeout.into()).is_some());
    }

    #[tokio::test]
    async fn needs_decide_skips() {
        let c = ctx(true, 1000);
        assert_eq!(
            skip_reason(&c, &[Need::Network]),
            Some(Outcome::SkippedOffline)
        );
        assert_eq!(
            skip_reason(&c, &[Need::Target]),
            Some(Outcome::SkippedNoTarget)
        );
        let online = ctx(false, 1000);
        assert_eq!(skip_reason(&online, &[Need::Network]), None);
        assert_eq!(skip_reason(&online, &[]), None);
        // The skip outcomes exist in the catalog for every check.
        for reason in [
            Outcome::SkippedOffline,
            Outcome::SkippedNoGit,
            Outcome::SkippedNoTarget,
        ] {
            let f = finding("token-file", Found::new(reason), catalog(), Duration::ZERO);
            assert_eq!(f.status, Status::Skip);
        }
    }
}
