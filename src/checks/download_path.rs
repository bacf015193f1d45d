//! download-path: the real route of a download of the target (or of a well-known public file),
//! host by host, from the Hub's own answers (`Context::download_trace`, `hub::trace`): which
//! host refuses, does not resolve, never answers, shows a page instead of the file, presents a
//! certificate this machine does not trust, stalls after the first bytes, or is far slower
//! than a download needs. A Xet host that fails while the bridge answers comes with the
//! workaround proven on this machine (HF_HUB_DISABLE_XET=1). With --write, the xet write token.
//! docs/notes/download-path.md

use std::sync::Arc;

use crate::checks::common::{role_label, size, WithSaid};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::engine::runner::{CheckFuture, Outcome as Runner};
use crate::hub::download::Storage;
use crate::hub::endpoint::EndpointKind;
use crate::hub::trace::{Chosen, Leg, LegResult, Role, Stopped, Trace};
use crate::net::steps::StepFailure;
use crate::net::storage::{End, Failed, Sample};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        GitOnly = "git-only",
        SkippedNoAnswer = "skipped-no-answer",
        SkippedRefused = "skipped-refused",
        SkippedNotHub = "skipped-not-hub",
        MirrorRefused = "mirror-refused",
        StorageDns = "storage-dns",
        StorageRefused = "storage-refused",
        StorageNoAnswer = "storage-no-answer",
        StorageTlsUntrusted = "storage-tls-untrusted",
        StorageFailed = "storage-failed",
        StoragePortal = "storage-portal",
        StorageStatus = "storage-status",
        StorageStalled = "storage-stalled",
        StorageSlow = "storage-slow",
        ViaProxyFailed = "via-proxy-failed",
        XetBlockedBridgeWorks = "xet-blocked-bridge-works",
        MirrorPassesThrough = "mirror-passes-through",
        XetTokenRefused = "xet-token-refused",
        WriteRefused = "write-refused",
        PreuploadRefused = "preupload-refused",
    }
}

/// Below this a download of a model takes hours: the host is "far slower than a download
/// needs" (docs/notes/download-path.md, "Slow").
const SLOW_BYTES_PER_SEC: f64 = 256.0 * 1024.0;

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Arc<Context>) -> Vec<Found> {
    if ctx.options.offline {
        return vec![Found::new(Runner::SkippedOffline)];
    }
    let trace = ctx.download_trace().await;
    let repo = format!("{}{}", trace.repo_type.url_prefix(), trace.repo_id);
    let base = |o: Outcome| {
        Found::new(o)
            .with("file", trace.file.clone())
            .with("repo", repo.clone())
    };
    let mirror = endpoint_is_mirror(ctx);
    let endpoint_host = url::Url::parse(&ctx.endpoint().url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    if let Some(stopped) = &trace.stopped {
        return vec![match stopped {
            Stopped::NoAnswer(e) => base(Outcome::SkippedNoAnswer).with("error", e.describe()),
            Stopped::Refused(a) if mirror => base(Outcome::MirrorRefused)
                .with("endpoint_host", endpoint_host)
                .param("status_line", a.status_line())
                .with_said("message", a),
            Stopped::Refused(a) => base(Outcome::SkippedRefused)
                .param("status_line", a.status_line())
                .with_said("message", a),
            Stopped::NotHub(status) => base(Outcome::SkippedNotHub).with("status", status.to_string()),
        }];
    }
    let mut out = Vec::new();
    let bridge_ok = trace
        .legs
        .iter()
        .find(|l| l.role == Role::Bridge)
        .filter(|l| judge(l).is_none())
        .map(|l| l.host_port());
    for leg in &trace.legs {
        if leg.role == Role::XetToken {
            if let LegResult::Hub { status, .. } = leg.result {
                if status != 200 {
                    out.push(base(Outcome::XetTokenRefused).with("status", status.to_string()));
                }
            }
            continue;
        }
        if !leg.is_storage() {
            continue;
        }
        let Some(found) = judge(leg) else {
            continue;
        };
        // What every finding about a leg says: which file, which host, in which role.
        let about = |f: Found| {
            f.with("file", trace.file.clone())
                .with("repo", repo.clone())
                .with("host", leg.host_port())
                .with("role", role_label(leg.role))
        };
        let xet_leg = matches!(leg.role, Role::XetCas | Role::XetTransfer);
        let found = if mirror && leg.host != endpoint_host {
            about(Found::new(Outcome::MirrorPassesThrough))
                .with("endpoint_host", endpoint_host.clone())
                .with_msg("problem", problem_key(&found))
        } else if let (true, Some(bridge), false) = (
            xet_leg,
            bridge_ok.as_ref(),
            found.is(Outcome::StorageSlow) || found.is(Outcome::StorageTlsUntrusted),
        ) {
            about(Found::new(Outcome::XetBlockedBridgeWorks))
                .with("bridge", bridge.clone())
                .with_msg("problem", problem_key(&found))
                .verified()
        } else {
            about(found)
                .with("hostname", leg.host.clone())
                .with("connect", format!("{}:{}", leg.host, leg.port))
                .with("origin", origin(leg))
                .with("api_host", endpoint_host.clone())
        };
        out.push(found);
    }
    if let Some(Ok(a)) = &trace.write {
        if a.status == 403 {
            out.push(
                base(Outcome::WriteRefused)
                    .with("endpoint", ctx.endpoint().url.clone())
                    .with_said("message", a),
            );
        }
    }
    if let Some(Ok(a)) = &trace.preupload {
        if a.status != 200 {
            out.push(
                base(Outcome::PreuploadRefused)
                    .param("status_line", a.status_line())
                    .with_said("message", a),
            );
        }
    }
    if out.is_empty() {
        out.push(match (trace.storage, trace.chosen) {
            (Some(Storage::Git), Chosen::TargetGitOnly) => base(Outcome::GitOnly),
            _ => base(Outcome::Ok)
                .with("storage", storage_name(trace.storage))
                .with("route", route_line(&trace)),
        });
    }
    out
}

fn endpoint_is_mirror(ctx: &Context) -> bool {
    matches!(
        ctx.endpoint().kind,
        EndpointKind::KnownMirror(_) | EndpointKind::Other(_)
    )
}

/// The finding a storage leg reaches, with its own details; None when it did its job.
fn judge(leg: &Leg) -> Option<Found> {
    let LegResult::Failed { failed, step } = &leg.result else {
        return match &leg.result {
            LegResult::Read(s) => judge_sample(s),
            _ => None,
        };
    };
    if let Some((proxy, var)) = &leg.proxy {
        return Some(
            Found::new(Outcome::ViaProxyFailed)
                .with("proxy", proxy.clone())
                .with("var", var.clone())
                .with("error", describe(failed)),
        );
    }
    Some(match step {
        Some(StepFailure::DnsFailed(e)) => Found::new(Outcome::StorageDns).with("error", e.clone()),
        Some(StepFailure::DnsTimeout) => {
            Found::new(Outcome::StorageDns).with("error", "DNS timeout".to_string())
        }
        Some(StepFailure::TcpFailed { address, error }) => Found::new(Outcome::StorageRefused)
            .with("address", address.clone())
            .with("error", error.clone()),
        Some(StepFailure::TcpTimeout { .. }) | Some(StepFailure::TlsTimeout) => {
            Found::new(Outcome::StorageNoAnswer)
        }
        Some(StepFailure::TlsUntrusted { presented, error }) => {
            Found::new(Outcome::StorageTlsUntrusted)
                .with("issuer", presented.issuer_name())
                .with("issuer_full", presented.issuer.clone())
                .with("error", error.clone())
        }
        Some(StepFailure::TlsFailed(e)) => {
            Found::new(Outcome::StorageFailed).with("error", e.clone())
        }
        None if *failed == Failed::Timeout => Found::new(Outcome::StorageNoAnswer),
        None => Found::new(Outcome::StorageFailed).with("error", describe(failed)),
    })
}

fn judge_sample(s: &Sample) -> Option<Found> {
    let with_status = |o: Outcome| {
        Found::new(o)
            .with("status", s.status.to_string())
            .param("status_line", crate::hub::status_line(s.status))
    };
    if s.is_html() {
        let title = crate::hub::html_title(&String::from_utf8_lossy(&s.body)).unwrap_or_default();
        return Some(with_status(Outcome::StoragePortal).with("page_title", title));
    }
    if !(200..300).contains(&s.status) {
        let said = String::from_utf8_lossy(&s.body[..s.body.len().min(300)])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let said = if said.is_empty() { "-".into() } else { said };
        return Some(with_status(Outcome::StorageStatus).with("said", said));
    }
    match s.end {
        End::Stalled => Some(
            Found::new(Outcome::StorageStalled)
                .with("bytes", s.bytes.to_string())
                .with("size", size(s.bytes))
                .with("seconds", format!("{:.1}", s.idle.as_secs_f64())),
        ),
        End::Window if s.rate() < SLOW_BYTES_PER_SEC => Some(
            Found::new(Outcome::StorageSlow)
                .with("size", size(s.bytes))
                .with("ms", s.read.as_millis().to_string())
                .with("rate", rate(s.rate())),
        ),
        _ => None,
    }
}

/// The message key that names what a leg's finding says, for the findings that wrap it.
fn problem_key(f: &Found) -> &'static str {
    const PROBLEMS: &[(Outcome, &str)] = &[
        (Outcome::StorageDns, "leg-dns"),
        (Outcome::StorageRefused, "leg-refused"),
        (Outcome::StorageNoAnswer, "leg-no-answer"),
        (Outcome::StorageTlsUntrusted, "leg-tls"),
        (Outcome::StoragePortal, "leg-portal"),
        (Outcome::StorageStatus, "leg-status"),
        (Outcome::StorageStalled, "leg-stalled"),
        (Outcome::StorageSlow, "leg-slow"),
        (Outcome::ViaProxyFailed, "leg-proxy"),
    ];
    PROBLEMS
        .iter()
        .find(|(o, _)| f.is(*o))
        .map_or("leg-failed", |(_, k)| k)
}

fn describe(f: &Failed) -> String {
    match f {
        Failed::Timeout => "no answer".into(),
        Failed::Connect(e) | Failed::Tls(e) | Failed::Other(e) => e.clone(),
    }
}

/// scheme://host[:port] of the leg.
fn origin(leg: &Leg) -> String {
    let scheme = leg.shown.split("://").next().unwrap_or("https");
    format!("{scheme}://{}", leg.host_port())
}

fn storage_name(s: Option<Storage>) -> &'static str {
    match s {
        Some(Storage::Xet) => "xet",
        Some(Storage::Lfs) => "lfs",
        Some(Storage::Git) | None => "git",
    }
}

fn rate(bytes_per_sec: f64) -> String {
    format!("{}/s", size(bytes_per_sec as u64))
}

/// Each leg as `host[:port] [role, direct|via proxy]: status, bytes in time (rate)`.
fn route_line(trace: &Trace) -> String {
    let mut parts = Vec::new();
    for leg in &trace.legs {
        let via = match &leg.proxy {
            Some((p, _)) => format!("via {p}"),
            None => "direct".to_string(),
        };
        let what = match &leg.result {
            LegResult::Hub { status, took } => format!("{status} in {} ms", took.as_millis()),
            LegResult::Read(s) => format!(
                "{} in {} ms, {} in {} ms ({})",
                s.status,
                s.answered.as_millis(),
                size(s.bytes),
                s.read.as_millis(),
                rate(s.rate())
            ),
            LegResult::Failed { failed, .. } => describe(failed),
        };
        parts.push(format!(
            "{} [{}, {via}]: {what}",
            leg.host_port(),
            role_label(leg.role)
        ));
    }
    for (name, answer) in [("xet write token", &trace.write), ("preupload", &trace.preupload)] {
        if let Some(w) = answer {
            parts.push(match w {
                Ok(a) => format!("{name}: {}", a.status),
                Err(e) => format!("{name}: {}", e.describe()),
            });
        }
    }
    parts.join(" → ")
}
