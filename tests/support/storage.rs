//! Stand-ins for the hosts a download's bytes come from (data-plane.md §1.3, §2.2), each on
//! its own loopback port: a CDN/bridge serving signed URLs with `Range`, a Xet CAS answering
//! `/v2/reconstructions/{hash}` only with the xet access token, a transfer host serving xorb
//! ranges. Each can be given a fault: refused, black hole, stall after N bytes, slow, a
//! portal page, a 403 as S3 words it, or TLS with a CA the client does not trust. The log
//! says which host got which request and whether any credential came with it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::hub::TestTls;

pub use crate::support::hub::{STORED_FILE_SIZE as FILE_SIZE, XET_ACCESS_TOKEN as XET_TOKEN};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Accepts and never says a word.
    BlackHole,
    /// Headers and this many bytes, then nothing (the connection held open).
    StallAfter(usize),
    /// 1 KiB every 100 ms.
    Slow,
    /// 200 with an HTML block page.
    Portal,
    /// 403 with S3's XML body.
    Forbidden,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Serves any path as file bytes (CDN, bridge, transfer).
    Bytes,
    /// Answers reconstructions, naming `transfer` for the bytes.
    Cas,
    /// Serves the file as one xorb (a transfer host): 64 KiB chunks, each behind the 8-byte
    /// chunk header of xet-core's `xorb_chunk_format.rs`, uncompressed (scheme 0).
    Xorb,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub method: String,
    pub path: String,
    /// The Authorization header as sent (tests assert no Hub token reached this host).
    pub authorization: Option<String>,
    pub range: Option<String>,
}

pub struct StorageServer {
    pub url: String,
    pub port: u16,
    log: Arc<Mutex<Vec<Hit>>>,
}

impl StorageServer {
    pub fn start(kind: Kind, fault: Fault, transfer: Option<&str>) -> Self {
        Self::serve(kind, fault, transfer, None, Duration::ZERO)
    }

    /// Every answer after `delay` (a round trip, for benchmarks).
    pub fn start_delayed(kind: Kind, transfer: Option<&str>, delay: Duration) -> Self {
        Self::serve(kind, Fault::None, transfer, None, delay)
    }

    /// Over TLS with the stand-in CA's certificate for 127.0.0.1 and localhost.
    pub fn start_tls(kind: Kind, fault: Fault, transfer: Option<&str>, tls: &TestTls) -> Self {
        Self::serve(kind, fault, transfer, Some(tls), Duration::ZERO)
    }

    fn serve(
        kind: Kind,
        fault: Fault,
        transfer: Option<&str>,
        tls: Option<&TestTls>,
        delay: Duration,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let host = if tls.is_some() {
            "localhost"
        } else {
            "127.0.0.1"
        };
        let log = Arc::new(Mutex::new(Vec::new()));
        let l = log.clone();
        let transfer = transfer.map(str::to_string);
        let config = tls.map(|t| Arc::new(t.server_config_pub()));
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                if fault == Fault::BlackHole {
                    held.push(stream);
                    continue;
                }
                let (l, transfer, config) = (l.clone(), transfer.clone(), config.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    std::thread::sleep(delay);
                    match config {
                        Some(cfg) => {
                            let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                                return;
                            };
                            let mut s = rustls::StreamOwned::new(conn, stream);
                            handle(&mut s, kind, fault, transfer.as_deref(), &l);
                        }
                        None => {
                            let mut s = stream;
                            handle(&mut s, kind, fault, transfer.as_deref(), &l);
                        }
                    }
                });
            }
        });
        StorageServer {
            url: format!("{scheme}://{host}:{port}"),
            port,
            log,
        }
    }

    pub fn log(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }
}

/// A URL on a port nothing listens on.
pub fn refused_url() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// The bytes every stand-in file holds: deterministic, so a reader can check them.
pub fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn handle<S: Read + Write>(
    s: &mut S,
    kind: Kind,
    fault: Fault,
    transfer: Option<&str>,
    log: &Mutex<Vec<Hit>>,
) {
    let Some(head) = crate::support::hub::read_head(s) else {
        return;
    };
    let (method, path) = (head.method.clone(), head.path.clone());
    let (authorization, range) = (head.header("authorization"), head.header("range"));
    log.lock().unwrap().push(Hit {
        method: method.clone(),
        path: path.clone(),
        authorization: authorization.clone(),
        range: range.clone(),
    });
    match fault {
        Fault::Portal => {
            let body = "<!DOCTYPE html><html><head><title>Access Denied - Web Filter</title></head><body>This site is blocked by your organization's policy.</body></html>";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            return;
        }
        Fault::Forbidden => {
            let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
            let _ = write!(
                s,
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            return;
        }
        _ => {}
    }
    if kind == Kind::Cas {
        cas(s, &path, authorization.as_deref(), transfer.unwrap_or(""));
        return;
    }
    let file = if kind == Kind::Xorb {
        xorb(&content(FILE_SIZE))
    } else {
        content(FILE_SIZE)
    };
    let (start, end) = parse_range(range.as_deref(), file.len());
    let part = &file[start..=end];
    let status = if range.is_some() {
        "206 Partial Content"
    } else {
        "200 OK"
    };
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{end}/{}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n",
        part.len(),
        file.len()
    );
    if method == "HEAD" {
        return;
    }
    match fault {
        Fault::StallAfter(n) => {
            let _ = s.write_all(&part[..n.min(part.len())]);
            let _ = s.flush();
            std::thread::sleep(Duration::from_secs(30));
        }
        Fault::Slow => {
            for piece in part.chunks(1024) {
                if s.write_all(piece).is_err() {
                    return;
                }
                let _ = s.flush();
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        _ => {
            let _ = s.write_all(part);
        }
    }
    let _ = s.flush();
}

const CHUNK: usize = 64 << 10;

/// `data` as one xorb of uncompressed chunks.
pub fn xorb(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / CHUNK * 8 + 8);
    for chunk in data.chunks(CHUNK) {
        let len = (chunk.len() as u32).to_le_bytes();
        out.push(0); // version
        out.extend_from_slice(&len[..3]); // compressed length
        out.push(0); // compression scheme: none
        out.extend_from_slice(&len[..3]); // uncompressed length
        out.extend_from_slice(chunk);
    }
    out
}

fn parse_range(range: Option<&str>, len: usize) -> (usize, usize) {
    let Some(spec) = range.and_then(|r| r.strip_prefix("bytes=")) else {
        return (0, len - 1);
    };
    let (a, b) = spec.split_once('-').unwrap_or((spec, ""));
    let start = a.trim().parse().unwrap_or(0).min(len - 1);
    let end = b.trim().parse().unwrap_or(len - 1).min(len - 1);
    (start, end.max(start))
}

fn cas<S: Write>(s: &mut S, path: &str, authorization: Option<&str>, transfer: &str) {
    if authorization != Some(&format!("Bearer {XET_TOKEN}")) {
        let body = "{\"error\":\"unauthorized\"}";
        let _ = write!(
            s,
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return;
    }
    let Some(hash) = path.strip_prefix("/v2/reconstructions/") else {
        let _ = write!(
            s,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        return;
    };
    let hash = hash.split('?').next().unwrap_or_default();
    // One xorb holds the whole file (its hash: the file's, reversed, any 64 hex digits do).
    let xorb_hash: String = hash.chars().rev().collect();
    let chunks = FILE_SIZE.div_ceil(CHUNK);
    let xorb_len = xorb(&content(FILE_SIZE)).len();
    let body = serde_json::json!({
        "offset_into_first_range": 0,
        "terms": [{"hash": xorb_hash, "unpacked_length": FILE_SIZE, "range": {"start": 0, "end": chunks}}],
        "xorbs": {
            xorb_hash.clone(): [{
                "url": format!("{transfer}/xorbs/default/{xorb_hash}?X-Xet-Signed-Range=bytes%3D0-{}&Expires=1999999999&Signature=sig&Key-Pair-Id=k", xorb_len - 1),
                "ranges": [{"chunks": {"start": 0, "end": chunks}, "bytes": {"start": 0, "end": xorb_len - 1}}]
            }]
        }
    })
    .to_string();
    let _ = write!(
        s,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Connect to `url` with nothing: used by tests to be sure a black hole holds connections.
pub fn touch(url: &str) -> bool {
    let addr = url.rsplit("//").next().unwrap_or_default();
    TcpStream::connect(addr).is_ok()
}
