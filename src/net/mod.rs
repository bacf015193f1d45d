//! Layer 1: the way out of this machine: proxy variables as the Python client reads them
//! (docs/notes/proxy.md) and TLS roots, handshakes and presented certificates
//! (docs/notes/tls.md), connections taken apart step by step, and the storage hosts a
//! download's bytes come from (docs/notes/download-path.md).

pub mod proxy;
pub mod steps;
pub mod storage;
pub mod tls;

/// The innermost reason of a reqwest error: the chain of sources names the real one (refused,
/// DNS, certificate), the outer text only "error sending request".
pub fn error_text(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}

/// Why a request got no answer, in the words the checks tell apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed {
    /// No answer within the deadline.
    Timeout,
    /// A certificate or handshake problem.
    Tls(String),
    /// The connection could not be made (refused, DNS, unreachable).
    Connect(String),
    Other(String),
}

pub fn failed(e: &reqwest::Error) -> Failed {
    if e.is_timeout() {
        return Failed::Timeout;
    }
    let text = error_text(e);
    let lower = text.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        Failed::Tls(text)
    } else if e.is_connect() {
        Failed::Connect(text)
    } else {
        Failed::Other(text)
    }
}
