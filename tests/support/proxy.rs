//! A CONNECT proxy on 127.0.0.1 for tests: open (200, and a real tunnel to loopback
//! targets), requiring credentials (407), refusing (403), or a black hole (accepts, never
//! answers). Plain `GET http://…` requests are forwarded to loopback targets.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Open,
    /// 407 unless `Proxy-Authorization: Basic base64(user:pass)` matches.
    Auth(&'static str, &'static str),
    Refuse,
    BlackHole,
}

pub struct TestProxy {
    pub url: String,
    pub port: u16,
    /// "CONNECT host:port" or "GET url", with whether credentials came.
    log: Arc<Mutex<Vec<(String, bool)>>>,
}

impl TestProxy {
    pub fn start(mode: Mode) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let l = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let l = l.clone();
                std::thread::spawn(move || handle(stream, mode, &l));
            }
        });
        TestProxy {
            url: format!("http://127.0.0.1:{port}"),
            port,
            log,
        }
    }

    pub fn log(&self) -> Vec<(String, bool)> {
        self.log.lock().unwrap().clone()
    }
}

fn handle(mut stream: TcpStream, mode: Mode, log: &Mutex<Vec<(String, bool)>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    }
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let first = head.lines().next().unwrap_or_default().to_string();
    let auth = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("proxy-authorization")
            .then(|| v.trim().to_string())
    });
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    log.lock()
        .unwrap()
        .push((format!("{method} {target}"), auth.is_some()));
    match mode {
        Mode::BlackHole => {
            std::thread::sleep(std::time::Duration::from_secs(60));
            return;
        }
        Mode::Refuse => {
            let _ = stream.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        Mode::Auth(user, pass) => {
            use base64::Engine;
            let want = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
            );
            if auth.as_deref() != Some(want.as_str()) {
                let _ = stream.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
        }
        Mode::Open => {}
    }
    if method == "CONNECT" {
        // Tunnel to loopback targets; anything else is only acknowledged.
        let upstream = target
            .starts_with("127.0.0.1:")
            .then(|| TcpStream::connect(target).ok())
            .flatten();
        let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        if let Some(up) = upstream {
            pipe(stream, up);
        }
        return;
    }
    // Absolute-form GET: forward to a loopback target.
    let Some(rest) = target.strip_prefix("http://") else {
        return;
    };
    let (hostport, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    if !hostport.starts_with("127.0.0.1:") {
        let _ = stream.write_all(
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    let Ok(mut up) = TcpStream::connect(hostport) else {
        return;
    };
    let rewritten = head.replacen(&first, &format!("{method} {path} HTTP/1.1"), 1);
    let _ = up.write_all(rewritten.as_bytes());
    let _ = up.write_all(&buf[head_end..]);
    pipe(stream, up);
}

fn pipe(a: TcpStream, b: TcpStream) {
    let (mut a2, mut b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a2, &mut b2);
        let _ = b2.shutdown(std::net::Shutdown::Write);
    });
    let (mut a, mut b) = (a, b);
    let _ = std::io::copy(&mut b, &mut a);
    let _ = a.shutdown(std::net::Shutdown::Write);
    let _ = t.join();
}
