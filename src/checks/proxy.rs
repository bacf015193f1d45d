//! proxy: the proxy variables as huggingface_hub's HTTP stack reads them (crate::net::proxy), what
//! the client will do with odd values, which Hub hosts NO_PROXY sends around the proxy, and,
//! online, whether the proxy answers and lets a CONNECT to each Hub host through (200), asks
//! for credentials (407), refuses (403) or never answers. Proxy passwords are always masked.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::checks::common::{endpoint_url, fallback_urls, storage_urls, HostsFrom};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::net::proxy::{masked_proxy, Route};
use crate::engine::runner::CheckFuture;
use crate::world::urls::{host_port, percent_decode, with_default_scheme};

crate::outcomes! {
    pub enum Outcome {
        None = "none",
        Configured = "configured",
        Ok = "ok",
        CaseDisagree = "case-disagree",
        NoProxyIgnored = "no-proxy-ignored",
        NoScheme = "no-scheme",
        NoPort = "no-port",
        BadScheme = "bad-scheme",
        NotAUrl = "not-a-url",
        Unreachable = "unreachable",
        NoAnswer = "no-answer",
        AuthRequired = "auth-required",
        Forbidden = "forbidden",
        OtherStatus = "other-status",
        NotTested = "not-tested",
    }
}

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Arc<Context>) -> Vec<Found> {
    let settings = ctx.proxies();
    let mut out = Vec::new();
    for (upper, lower) in &settings.disagreements {
        out.push(
            Found::new(Outcome::CaseDisagree)
                .with("upper", upper.name.clone())
                .with("upper_value", masked_proxy(&upper.value))
                .with("lower", lower.name.clone())
                .with("lower_value", masked_proxy(&lower.value)),
        );
    }
    for entry in &settings.ignored {
        let why = if entry.contains(';') {
            "no-proxy-semicolon"
        } else if entry.contains('/') {
            "no-proxy-path"
        } else {
            "no-proxy-unparsable"
        };
        let name = settings
            .vars
            .get("no")
            .map(|v| v.name.clone())
            .unwrap_or_default();
        out.push(
            Found::new(Outcome::NoProxyIgnored)
                .with("var", name)
                .with("entry", entry.clone())
                .with_msg("why", why),
        );
    }
    if !settings.any() {
        if out.is_empty() {
            out.push(Found::new(Outcome::None));
        }
        return out;
    }
    for scheme in ["https", "http", "all"] {
        let Some(var) = settings.vars.get(scheme) else {
            continue;
        };
        if let Some(f) = judge_value(&var.name, &var.value) {
            out.push(f);
        }
    }
    // The route of each Hub host, and a CONNECT through the proxy for those that use one.
    let mut routes = Vec::new();
    let mut probes = Vec::new();
    // The endpoint, then the storage hosts the Hub names for a download (the built-in list
    // offline), each judged with the same NO_PROXY logic the client uses.
    let started = std::time::Instant::now();
    let storage = match storage_urls(ctx, ctx.options.timeout / 4).await {
        (_, HostsFrom::NotReady) => fallback_urls(ctx),
        (urls, _) => urls.into_iter().map(|(u, _)| u).collect::<Vec<_>>(),
    };
    for url in endpoint_url(ctx).into_iter().chain(storage) {
        let host = url.host_str().unwrap_or_default().to_string();
        match settings.route(&url) {
            Route::Direct => routes.push(format!("{host}: direct")),
            Route::Bypassed(entry) => routes.push(format!("{host}: direct (NO_PROXY {entry})")),
            Route::Proxy { url: proxy, var } => {
                routes.push(format!("{host}: {} ({var})", masked_proxy(&proxy)));
                let port = url.port_or_known_default().unwrap_or(443);
                probes.push((proxy, var, host, port));
            }
        }
    }
    let routes = routes.join("; ");
    if ctx.options.offline || probes.is_empty() {
        if out
            .iter()
            .all(|f| !f.is(Outcome::BadScheme) && !f.is(Outcome::NotAUrl))
        {
            out.push(Found::new(Outcome::Configured).with("routes", routes));
        }
        return out;
    }
    // What is left of four fifths of the check's deadline after waiting for the route.
    let deadline = ctx
        .options
        .timeout
        .mul_f64(0.8)
        .saturating_sub(started.elapsed());
    let results = futures_util::future::join_all(
        probes
            .iter()
            .map(|(proxy, _, host, port)| connect(proxy, host, *port, deadline)),
    )
    .await;
    let mut all_ok = true;
    for ((proxy, var, host, _), result) in probes.iter().zip(results) {
        let base = |o: Outcome| {
            Found::new(o)
                .with("proxy", masked_proxy(proxy))
                .with("var", var.clone())
                .with("host", host.clone())
        };
        let f = match result {
            Connect::Ok => continue,
            Connect::Unreachable(e) => base(Outcome::Unreachable).with("error", e),
            Connect::NoAnswer => base(Outcome::NoAnswer),
            Connect::Status(407) => base(Outcome::AuthRequired).with_msg(
                "sent",
                if has_credentials(proxy) {
                    "proxy-credentials-refused"
                } else {
                    "proxy-credentials-none"
                },
            ),
            Connect::Status(403) => base(Outcome::Forbidden),
            Connect::Status(s) => base(Outcome::OtherStatus).with("status", s.to_string()),
            Connect::Unsupported => base(Outcome::NotTested),
        };
        all_ok = false;
        out.push(f);
    }
    if all_ok
        && out
            .iter()
            .all(|f| !f.is(Outcome::BadScheme) && !f.is(Outcome::NotAUrl))
    {
        out.push(Found::new(Outcome::Ok).with("routes", routes));
    }
    out
}

fn has_credentials(proxy: &str) -> bool {
    let rest = proxy.split_once("://").map_or(proxy, |(_, r)| r);
    rest.split('/').next().is_some_and(|a| a.contains('@'))
}

/// What the client will do with a proxy value that is odd but not fatal, or that fails.
fn judge_value(name: &str, value: &str) -> Option<Found> {
    let shown = masked_proxy(value);
    let base = |o: Outcome| {
        Found::new(o)
            .with("var", name.to_string())
            .with("value", shown.clone())
    };
    if !value.contains("://") {
        // httpx2 prepends http:// ; then it must parse.
        return match url::Url::parse(&format!("http://{value}")) {
            Ok(u) if u.host_str().is_some() => Some(base(Outcome::NoScheme)),
            _ => Some(base(Outcome::NotAUrl)),
        };
    }
    let Ok(url) = url::Url::parse(value) else {
        return Some(base(Outcome::NotAUrl));
    };
    match url.scheme() {
        "http" | "https" => {}
        "socks5" | "socks5h" | "socks4" | "socks" => {
            return Some(base(Outcome::BadScheme).with("scheme", url.scheme().to_string()))
        }
        other => return Some(base(Outcome::BadScheme).with("scheme", other.to_string())),
    }
    if url.host_str().is_none() {
        return Some(base(Outcome::NotAUrl));
    }
    if url.port().is_none() {
        let port = url.port_or_known_default().unwrap_or(80);
        return Some(base(Outcome::NoPort).with("port", port.to_string()));
    }
    None
}

enum Connect {
    Ok,
    Status(u16),
    Unreachable(String),
    NoAnswer,
    /// An https:// proxy: TLS to the proxy first, not tried here.
    Unsupported,
}

/// `CONNECT host:port` through an http:// proxy, as the client opens a tunnel for https.
async fn connect(proxy: &str, host: &str, port: u16, deadline: Duration) -> Connect {
    let with_scheme = with_default_scheme(proxy);
    let Ok(url) = url::Url::parse(&with_scheme) else {
        return Connect::Unreachable("not a URL".into());
    };
    if url.scheme() != "http" {
        return Connect::Unsupported;
    }
    let addr = host_port(
        url.host_str().unwrap_or_default(),
        Some(url.port_or_known_default().unwrap_or(80)),
    );
    let auth = if url.username().is_empty() {
        String::new()
    } else {
        let user = percent_decode(url.username());
        let pass = percent_decode(url.password().unwrap_or(""));
        format!(
            "Proxy-Authorization: Basic {}\r\n",
            base64(&format!("{user}:{pass}"))
        )
    };
    // A proxy that never accepts the connection is not one that "accepted the connection but
    // did not answer": the TCP step has its own share of the deadline.
    let started = std::time::Instant::now();
    let mut stream = match tokio::time::timeout(deadline, tokio::net::TcpStream::connect(&addr)).await
    {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Connect::Unreachable(e.to_string()),
        Err(_) => {
            return Connect::Unreachable(format!(
                "no connection within {} s",
                deadline.as_secs_f64().round()
            ))
        }
    };
    let attempt = async {
        let request = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n{auth}User-Agent: hfdoctor/{}\r\n\r\n", env!("CARGO_PKG_VERSION"));
        if let Err(e) = stream.write_all(request.as_bytes()).await {
            return Connect::Unreachable(e.to_string());
        }
        let mut buf = [0u8; 1024];
        let n = match stream.read(&mut buf).await {
            Ok(0) => return Connect::Unreachable("the proxy closed the connection".into()),
            Ok(n) => n,
            Err(e) => return Connect::Unreachable(e.to_string()),
        };
        let line = String::from_utf8_lossy(&buf[..n]);
        match line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
        {
            Some(200) => Connect::Ok,
            Some(s) => Connect::Status(s),
            None => Connect::Unreachable("the proxy's answer is not HTTP".into()),
        }
    };
    tokio::time::timeout(deadline.saturating_sub(started.elapsed()), attempt)
        .await
        .unwrap_or(Connect::NoAnswer)
}

fn base64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_encoding() {
        assert_eq!(base64("bob:s3cret"), "Ym9iOnMzY3JldA==");
        assert_eq!(base64("a:b"), "YTpi");
    }

    #[test]
    fn odd_values() {
        assert_eq!(
            judge_value("HTTPS_PROXY", "proxy:3128").unwrap().outcome,
            Outcome::NoScheme.into()
        );
        assert_eq!(
            judge_value("HTTPS_PROXY", "http://proxy").unwrap().outcome,
            Outcome::NoPort.into()
        );
        assert_eq!(
            judge_value("HTTPS_PROXY", "socks5://p:1080")
                .unwrap().outcome,
            Outcome::BadScheme.into()
        );
        assert_eq!(
            judge_value("HTTPS_PROXY", "http://:3128").unwrap().outcome,
            Outcome::NotAUrl.into()
        );
        assert!(judge_value("HTTPS_PROXY", "http://proxy:3128").is_none());
    }
}
