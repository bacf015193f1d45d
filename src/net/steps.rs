//! A connection taken apart: DNS, TCP, TLS, each timed under its own deadline, naming the
//! first step that fails and, for TLS, the certificate actually presented (docs/notes/tls.md).
//! The network check runs it for each host; download-path runs it for a storage host whose
//! request failed, to say where.

use std::time::{Duration, Instant};

use crate::net::tls::Presented;

/// How far a connection got before it failed.
#[derive(Debug, Clone)]
pub enum StepFailure {
    DnsFailed(String),
    DnsTimeout,
    TcpFailed { address: String, error: String },
    TcpTimeout { address: String },
    TlsUntrusted { presented: Presented, error: String },
    TlsFailed(String),
    TlsTimeout,
}

/// The steps that worked, as `DNS 3 ms, TCP 1 ms, TLS 12 ms`.
pub type Timings = Vec<String>;

pub fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// DNS → TCP → (TLS when `tls`) to `host:port`, each step given `step` at most.
pub async fn connect(
    host: &str,
    port: u16,
    tls: bool,
    step: Duration,
    roots: &rustls::RootCertStore,
) -> Result<Timings, StepFailure> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let addrs = match tokio::time::timeout(step, tokio::net::lookup_host((host, port))).await {
        Err(_) => return Err(StepFailure::DnsTimeout),
        Ok(Err(e)) => return Err(StepFailure::DnsFailed(e.to_string())),
        Ok(Ok(a)) => a.collect::<Vec<_>>(),
    };
    let Some(addr) = addrs.first().copied() else {
        return Err(StepFailure::DnsFailed("no address".to_string()));
    };
    timings.push(format!("DNS {}", ms(t.elapsed())));
    let t = Instant::now();
    let stream = match tokio::time::timeout(step, tokio::net::TcpStream::connect(addr)).await {
        Err(_) => {
            return Err(StepFailure::TcpTimeout {
                address: addr.to_string(),
            })
        }
        Ok(Err(e)) => {
            return Err(StepFailure::TcpFailed {
                address: addr.to_string(),
                error: e.to_string(),
            })
        }
        Ok(Ok(s)) => s,
    };
    timings.push(format!("TCP {}", ms(t.elapsed())));
    if tls {
        let t = Instant::now();
        match tokio::time::timeout(
            step,
            crate::net::tls::handshake(stream, host, roots.clone()),
        )
        .await
        {
            Err(_) => return Err(StepFailure::TlsTimeout),
            Ok(Err(f)) => {
                return Err(match (f.presented, f.untrusted) {
                    (Some(presented), true) => StepFailure::TlsUntrusted {
                        presented,
                        error: f.reason,
                    },
                    _ => StepFailure::TlsFailed(f.reason),
                })
            }
            Ok(Ok(())) => timings.push(format!("TLS {}", ms(t.elapsed()))),
        }
    }
    Ok(timings)
}

/// The host of a URL without IPv6 brackets, and its port.
pub fn host_port(url: &url::Url) -> (String, u16) {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    (host, url.port_or_known_default().unwrap_or(443))
}
