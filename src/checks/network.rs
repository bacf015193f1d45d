//! network: for each host a download or push needs (the endpoint's; on the Hub also the
//! LFS/CDN and Xet storage hosts), concurrently and step by step: DNS, TCP, TLS, HTTP, each
//! timed, naming the first step that fails. A TLS failure names the certificate actually
//! presented and who issued it. An HTTP answer on a resolve URL without X-Repo-Commit means
//! something that is not the Hub answered. The CA variables each Python client generation
//! reads are checked too (they need no network).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use crate::checks::common::{endpoint_url, storage_urls, HostsFrom};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::hub::CallError;
use crate::net::proxy::Route;
use crate::net::steps::{self, host_port, ms, StepFailure};
use crate::engine::runner::{CheckFuture, Outcome as Runner};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        NoEndpoint = "no-endpoint",
        DnsFailed = "dns-failed",
        DnsTimeout = "dns-timeout",
        TcpFailed = "tcp-failed",
        TcpTimeout = "tcp-timeout",
        TlsUntrusted = "tls-untrusted",
        TlsFailed = "tls-failed",
        TlsTimeout = "tls-timeout",
        HttpTimeout = "http-timeout",
        HttpFailed = "http-failed",
        NotHub = "not-hub",
        CaFileBad = "ca-file-bad",
        CaForOldClient = "ca-for-old-client",
        TlsCaInOldVar = "tls-ca-in-old-var",
        FallbackUnresolved = "fallback-unresolved",
    }
}

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Arc<Context>) -> Vec<Found> {
    let mut out = ca_variables(ctx);
    if ctx.options.offline {
        out.push(Found::new(Runner::SkippedOffline));
        return out;
    }
    let Some(endpoint) = endpoint_url(ctx) else {
        out.push(Found::new(Outcome::NoEndpoint));
        return out;
    };
    let proxies = ctx.proxies();
    // Every step gets a share of the check's deadline; the whole probe of a host stays in it.
    let step = ctx.options.timeout.mul_f64(0.8) / 4;
    // The OS store is read once for every host, not once per host.
    let roots = ctx.tls_roots().as_ref().clone();
    let routed = |url: &url::Url| !matches!(proxies.route(url), Route::Direct | Route::Bypassed(_));
    // The endpoint is probed while the download's route is followed (download-path shares it).
    let (endpoint_result, (storage, from_hub)) = futures_util::future::join(
        probe(ctx, endpoint.clone(), true, routed(&endpoint), step, &roots),
        storage_urls(ctx, ctx.options.timeout / 2),
    )
    .await;
    let mut lines = Vec::new();
    let mut failed = false;
    match endpoint_result {
        Ok(line) => lines.push(line),
        Err(f) if f.is(Outcome::TlsUntrusted) => {
            failed = true;
            out.push(untrusted_by_client(ctx, &endpoint, step, f).await);
        }
        Err(f) => {
            failed = true;
            out.push(f);
        }
    }
    if from_hub == HostsFrom::NotReady {
        lines.push("storage: still being followed by download-path".to_string());
    } else if from_hub == HostsFrom::Hub {
        // The hosts the Hub named: download-path judges them leg by leg, with the request the
        // client makes; listed here so the report shows the whole way out.
        if !storage.is_empty() {
            let named: Vec<String> = storage
                .iter()
                .map(|(u, role)| format!("{} [{role}]", host_port_of(u)))
                .collect();
            lines.push(format!("storage, judged by download-path: {}", named.join(", ")));
        }
    } else {
        let results = join_all(
            storage
                .iter()
                .map(|(url, _)| probe(ctx, url.clone(), false, routed(url), step, &roots)),
        )
        .await;
        for ((url, _), r) in storage.iter().zip(results) {
            match r {
                Ok(line) => lines.push(line),
                Err(f) => {
                    let f = judge_fallback(url, f);
                    failed |= !f.is(Outcome::FallbackUnresolved);
                    out.push(f);
                }
            }
        }
    }
    if !failed {
        out.push(Found::new(Outcome::Ok).with("hosts", lines.join("; ")));
    }
    out
}

/// A certificate this machine does not trust, judged for each installed client by what it
/// reads (docs/notes/tls.md, "The exact rules"): huggingface_hub 0.x reads REQUESTS_CA_BUNDLE
/// or CURL_CA_BUNDLE instead of certifi; 1.x and 2.x read SSL_CERT_FILE or SSL_CERT_DIR instead
/// of certifi (1.x) or the OS store (2.x); hf_xet reads the OS store, or SSL_CERT_FILE on Linux.
/// hfdoctor's own handshake trusted the OS store and SSL_CERT_FILE/DIR, so those fail too. A
/// file in REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE is tried as SSL_CERT_FILE would use it (its
/// certificates alone): when the handshake then passes, pointing SSL_CERT_FILE at it is the
/// fix, tested.
async fn untrusted_by_client(
    ctx: &Arc<Context>,
    endpoint: &url::Url,
    step: Duration,
    untrusted: Found,
) -> Found {
    let pythons = {
        let c = ctx.clone();
        tokio::task::spawn_blocking(move || c.pythons().clone())
            .await
            .unwrap_or_default()
    };
    // What 0.x reads: the first of the two that is set.
    let old_var = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]
        .into_iter()
        .find_map(|v| ctx.env.non_empty(v).map(|p| (v, p)));
    let mut holder = None;
    if let Some((var, path)) = &old_var {
        let certs = ctx.certs(std::path::Path::new(path));
        let mut only = rustls::RootCertStore::empty();
        only.add_parsable_certificates(certs);
        if !only.is_empty() && probe(ctx, endpoint.clone(), false, false, step, &only).await.is_ok() {
            holder = Some((*var, path.clone()));
        }
    }
    let mut clients = Vec::new();
    let mut seen = Vec::new();
    for env in pythons.probed.iter().flatten() {
        if seen.contains(&env.prefix) {
            continue;
        }
        seen.push(env.prefix.clone());
        let at = ctx.display_path(std::path::Path::new(&env.executable));
        if let Some(v) = env.version("huggingface_hub") {
            let (reads, trusts) = if !crate::local::python::at_least(v, "1.0") {
                match &old_var {
                    Some((var, _)) => (var.to_string(), holder.is_some()),
                    None => ("certifi".to_string(), false),
                }
            } else {
                let store = if crate::local::python::at_least(v, "2.0") {
                    "OS store"
                } else {
                    "certifi"
                };
                let reads = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
                    .into_iter()
                    .find(|v| ctx.env.non_empty(v).is_some())
                    .unwrap_or(store);
                (reads.to_string(), false)
            };
            let mark = if trusts { "✓" } else { "✗" };
            clients.push(format!("huggingface_hub {v} ({at}): {reads} {mark}"));
        }
        if let Some(x) = env.version("hf_xet") {
            let reads = if ctx.env.non_empty("SSL_CERT_FILE").is_some() && cfg!(target_os = "linux") {
                "SSL_CERT_FILE"
            } else {
                "OS store"
            };
            clients.push(format!("hf_xet {x} ({at}): {reads} ✗"));
        }
    }
    let clients = if clients.is_empty() {
        "-".to_string()
    } else {
        clients.join("; ")
    };
    let Some((var, path)) = holder else {
        return untrusted.with("clients", clients);
    };
    let detail = |k: &'static str| {
        untrusted
            .detail_of(crate::engine::finding::Key(k))
            .unwrap_or_default()
            .to_string()
    };
    Found::new(Outcome::TlsCaInOldVar)
        .with("host", detail("host"))
        .with("port", detail("port"))
        .with("issuer", detail("issuer"))
        .with("var", var)
        .with("path", ctx.display_path(std::path::Path::new(&path)))
        .with("value", path)
        .with("clients", clients)
        .verified()
}

/// A host of the built-in fallback list that failed: a name that does not resolve may no
/// longer exist, which is not this machine's failure (the Hub was not asked which hosts it
/// uses, docs/notes/download-path.md); any other failure stands.
fn judge_fallback(url: &url::Url, failed: Found) -> Found {
    if failed.is(Outcome::DnsFailed) {
        Found::new(Outcome::FallbackUnresolved)
            .with("host", url.host_str().unwrap_or_default().to_string())
    } else {
        failed
    }
}

fn host_port_of(url: &url::Url) -> String {
    let (host, _) = host_port(url);
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// DNS → TCP → TLS → HTTP for one host. Ok: a line of timings; Err: the finding of the first
/// step that failed.
async fn probe(
    ctx: &Context,
    url: url::Url,
    is_endpoint: bool,
    via_proxy: bool,
    step: Duration,
    roots: &rustls::RootCertStore,
) -> Result<String, Found> {
    let (host, port) = host_port(&url);
    let base = |o: Outcome| {
        Found::new(o)
            .with("host", host.clone())
            .with("port", port.to_string())
    };
    let mut timings = Vec::new();
    if !via_proxy {
        match steps::connect(&host, port, url.scheme() == "https", step, roots).await {
            Ok(t) => timings = t,
            Err(failure) => {
                return Err(match failure {
                    StepFailure::DnsTimeout => base(Outcome::DnsTimeout)
                        .with("seconds", format!("{:.1}", step.as_secs_f64())),
                    StepFailure::DnsFailed(e) => base(Outcome::DnsFailed).with("error", e),
                    StepFailure::TcpTimeout { address } => {
                        base(Outcome::TcpTimeout).with("address", address)
                    }
                    StepFailure::TcpFailed { address, error } => base(Outcome::TcpFailed)
                        .with("address", address)
                        .with("error", error),
                    StepFailure::TlsTimeout => base(Outcome::TlsTimeout),
                    StepFailure::TlsUntrusted { presented, error } => base(Outcome::TlsUntrusted)
                        .with("issuer", presented.issuer_name())
                        .with("issuer_full", presented.issuer.clone())
                        .with("subject", presented.subject.clone())
                        .with("error", error)
                        .with("ca_vars", ca_vars_set(ctx)),
                    StepFailure::TlsFailed(e) => base(Outcome::TlsFailed).with("error", e),
                })
            }
        }
    } else {
        timings.push("via proxy".to_string());
    }
    // HTTP: on the endpoint, a resolve URL, whose answer must come from the Hub.
    if is_endpoint {
        let t = Instant::now();
        let path = resolve_probe(ctx);
        match ctx.hub().head(&path).await {
            Err(CallError::Timeout) => return Err(base(Outcome::HttpTimeout)),
            Err(CallError::Tls(e)) => return Err(base(Outcome::TlsFailed).with("error", e)),
            Err(e) => return Err(base(Outcome::HttpFailed).with("error", e.describe())),
            Ok(a) => {
                let hubby = a.repo_commit.is_some() || a.error_code.is_some();
                // 2xx or 3xx without the Hub's headers: a portal, a block page, not the Hub.
                if !hubby && a.status < 400 {
                    return Err(base(Outcome::NotHub)
                        .with("status", a.status.to_string())
                        .with("path", path.clone()));
                }
                timings.push(format!("HTTP {} {}", a.status, ms(t.elapsed())));
            }
        }
    }
    Ok(format!("{host} ({})", timings.join(", ")))
}

/// A resolve URL to ask: a file of the target repo, else of a well-known public model.
fn resolve_probe(ctx: &Context) -> String {
    match ctx.target() {
        Some(t) => format!(
            "/{}{}/resolve/main/README.md",
            t.repo_type.url_prefix(),
            t.repo_id
        ),
        None => "/openai-community/gpt2/resolve/main/config.json".to_string(),
    }
}

const CA_VARS: [&str; 4] = [
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
];

fn ca_vars_set(ctx: &Context) -> String {
    let set: Vec<String> = CA_VARS
        .iter()
        .filter_map(|v| {
            ctx.env
                .non_empty(v)
                .map(|p| format!("{v}={}", ctx.display_path(std::path::Path::new(&p))))
        })
        .collect();
    if set.is_empty() {
        "-".into()
    } else {
        set.join(", ")
    }
}

/// CA variables pointing at nothing usable, and ones only an old client reads.
fn ca_variables(ctx: &Context) -> Vec<Found> {
    let mut out = Vec::new();
    for var in CA_VARS {
        let Some(value) = ctx.env.non_empty(var) else {
            continue;
        };
        let paths: Vec<std::path::PathBuf> = if var == "SSL_CERT_DIR" {
            std::env::split_paths(&value).collect()
        } else {
            vec![std::path::PathBuf::from(&value)]
        };
        for path in paths {
            let path = ctx.absolute(&path);
            use crate::world::fs::ReadError;
            let problem = if var == "SSL_CERT_DIR" {
                (!path.exists()).then_some("ca-missing")
            } else {
                match ctx.read_file(&path, 4 << 20) {
                    Err(ReadError::NotFound) => Some("ca-missing"),
                    Err(ReadError::IsDirectory) => Some("ca-is-directory"),
                    Err(ReadError::NotRegular(_)) => Some("ca-not-regular"),
                    Err(ReadError::Io(_)) => Some("ca-unreadable"),
                    Ok(_) if ctx.certs_in(&path) == 0 => Some("ca-no-certs"),
                    Ok(_) => None,
                }
            };
            if let Some(problem) = problem {
                out.push(
                    Found::new(Outcome::CaFileBad)
                        .with("var", var)
                        .with("path", ctx.display_path(&path))
                        .with_msg("problem", problem),
                );
            }
        }
    }
    let old_only = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]
        .into_iter()
        .find(|v| ctx.env.non_empty(v).is_some());
    if let (Some(var), None) = (old_only, ctx.env.non_empty("SSL_CERT_FILE")) {
        out.push(
            Found::new(Outcome::CaForOldClient)
                .with("var", var)
                .with("path", ctx.env.get(var).unwrap_or_default()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fallback_name_that_does_not_resolve_is_not_a_failure() {
        let url = url::Url::parse("https://cdn-lfs.huggingface.co").unwrap();
        let dns = Found::new(Outcome::DnsFailed).with("error", "Name or service not known");
        let f = judge_fallback(&url, dns);
        assert!(f.is(Outcome::FallbackUnresolved));
        assert_eq!(
            f.detail_of(crate::engine::finding::Key("host")),
            Some("cdn-lfs.huggingface.co")
        );
        let refused = Found::new(Outcome::TcpFailed);
        assert!(judge_fallback(&url, refused).is(Outcome::TcpFailed));
    }
}
