//! Requests to the hosts a download's bytes come from (CDN, Xet CAS and transfer hosts,
//! docs/notes/download-path.md). The Hub token is never among them: this client has no way to
//! send it. A ranged sample is read within a byte and time budget so a stall or a slow host
//! shows, and a request that carries the xet access token never follows a redirect.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::net::proxy::ProxySettings;
use crate::secret::Secret;

/// How much of a file to read, and how long to wait.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Stop after this many bytes.
    pub bytes: u64,
    /// Stop reading after this long (the answer's headers do not count).
    pub read: Duration,
    /// No byte for this long after the headers or the last byte: a stall.
    pub stall: Duration,
    /// The answer's headers must come within this.
    pub answer: Duration,
    /// Keep this much of the body (to read an HTML page's title or a JSON answer).
    pub keep: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The body ended (all of the range came).
    Complete,
    /// `bytes` were read.
    Enough,
    /// The read budget ran out while bytes were still coming.
    Window,
    /// Nothing came for `stall`.
    Stalled,
}

/// What a storage host did with one request.
#[derive(Debug, Clone)]
pub struct Sample {
    pub status: u16,
    pub content_type: Option<String>,
    /// The URL that answered, after redirects (the open client follows them as httpx does).
    pub final_url: String,
    pub bytes: u64,
    /// From sending to the answer's headers.
    pub answered: Duration,
    /// From the headers to the end of reading.
    pub read: Duration,
    pub end: End,
    /// How long nothing came before the read ended (a stall's length).
    pub idle: Duration,
    pub body: Vec<u8>,
}

impl Sample {
    /// Bytes per second over the read (0 when nothing was read).
    pub fn rate(&self) -> f64 {
        let secs = self.read.as_secs_f64();
        if self.bytes == 0 || secs <= 0.0 {
            0.0
        } else {
            self.bytes as f64 / secs
        }
    }

    pub fn is_html(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().contains("text/html"))
            || {
                let head = String::from_utf8_lossy(&self.body[..self.body.len().min(512)])
                    .trim_start()
                    .to_ascii_lowercase();
                head.starts_with("<!doctype html") || head.starts_with("<html")
            }
    }
}

pub use crate::net::Failed;

pub struct StorageClient {
    /// Follows redirects (the client's CDN GET does); sends no credential at all.
    open: reqwest::Client,
    /// Sends the xet access token; follows no redirect, so the token goes to one URL only.
    bearer: reqwest::Client,
}

impl StorageClient {
    pub fn new(roots: &Arc<rustls::RootCertStore>, proxies: &ProxySettings) -> Option<Self> {
        let build = |redirect: reqwest::redirect::Policy| {
            let mut b = reqwest::Client::builder()
                .user_agent(concat!("hfdoctor/", env!("CARGO_PKG_VERSION")))
                .use_rustls_tls()
                .redirect(redirect)
                .no_proxy();
            if let Some(config) = crate::net::tls::client_config(roots.as_ref().clone()) {
                b = b.use_preconfigured_tls(config);
            }
            if let Some(p) = crate::net::proxy::reqwest_proxy(proxies) {
                b = b.proxy(p);
            }
            b.build().ok()
        };
        Some(StorageClient {
            open: build(reqwest::redirect::Policy::limited(5))?,
            bearer: build(reqwest::redirect::Policy::none())?,
        })
    }

    /// GET `url` (with `Range: bytes=start-end` when given), reading within `budget`.
    /// `bearer` is the xet access token, for the CAS URL the Hub named and nothing else.
    pub async fn sample(
        &self,
        url: &str,
        range: Option<(u64, u64)>,
        bearer: Option<&Secret>,
        budget: Budget,
    ) -> Result<Sample, Failed> {
        let client = if bearer.is_some() {
            &self.bearer
        } else {
            &self.open
        };
        let mut request = client
            .get(url)
            .timeout(budget.answer + budget.read + Duration::from_millis(500));
        if let Some((start, end)) = range {
            request = request.header(reqwest::header::RANGE, format!("bytes={start}-{end}"));
        }
        if let Some(token) = bearer {
            request = request.header(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {}", token.expose()),
            );
        }
        let sent = Instant::now();
        let mut response = match tokio::time::timeout(budget.answer, request.send()).await {
            Err(_) => return Err(Failed::Timeout),
            Ok(Err(e)) => return Err(crate::net::failed(&e)),
            Ok(Ok(r)) => r,
        };
        let answered = sent.elapsed();
        let mut sample = Sample {
            status: response.status().as_u16(),
            content_type: response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            final_url: response.url().to_string(),
            bytes: 0,
            answered,
            read: Duration::ZERO,
            end: End::Complete,
            idle: Duration::ZERO,
            body: Vec::new(),
        };
        let started = Instant::now();
        let mut last = Instant::now();
        loop {
            let left = budget.read.saturating_sub(started.elapsed());
            if left.is_zero() {
                sample.end = End::Window;
                break;
            }
            let wait = left.min(budget.stall.saturating_sub(last.elapsed()));
            match tokio::time::timeout(wait, response.chunk()).await {
                Err(_) if last.elapsed() >= budget.stall => {
                    sample.end = End::Stalled;
                    break;
                }
                Err(_) => {
                    sample.end = End::Window;
                    break;
                }
                Ok(Err(_)) => {
                    // A body cut off part-way is a stall as the client meets it.
                    sample.end = End::Stalled;
                    break;
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => {
                    last = Instant::now();
                    // Counted up to the budget: what lies past it was not asked for.
                    sample.bytes = (sample.bytes + chunk.len() as u64).min(budget.bytes);
                    let room = budget.keep.saturating_sub(sample.body.len());
                    sample
                        .body
                        .extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if sample.bytes >= budget.bytes {
                        sample.end = End::Enough;
                        break;
                    }
                }
            }
        }
        sample.read = started.elapsed();
        if sample.end == End::Stalled {
            // The time spent waiting for nothing is not reading.
            sample.idle = last.elapsed().min(sample.read);
            sample.read -= sample.idle;
        }
        Ok(sample)
    }
}
