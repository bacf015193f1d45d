//! A stand-in for the Hub on 127.0.0.1, answering as hub-semantics.md §3–5 says the real one
//! does, to the header: status, `X-Error-Code`, `X-Error-Message`, JSON bodies, `X-Repo-Commit`,
//! a request id on every answer, `RateLimit` headers. Each test builds its own world (accounts,
//! tokens, repos, gate states) and reads the log of what hfdoctor asked.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct Fine {
    pub can_read_gated: bool,
    /// (entity type, entity name, permissions)
    pub scoped: Vec<(String, String, Vec<String>)>,
    pub global: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub value: String,
    pub user: String,
    /// "read", "write" or "fineGrained"
    pub role: String,
    pub name: String,
    pub fine: Option<Fine>,
    pub revoked: bool,
    /// Orgs whose token policy has not approved this token yet (O1).
    pub org_pending: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Repo {
    pub id: String,
    /// "model", "dataset" or "space"
    pub kind: String,
    pub private: bool,
    /// None, "auto" or "manual"
    pub gated: Option<String>,
    pub disabled: bool,
    pub files: Vec<String>,
    /// user → "granted" | "pending"
    pub access: HashMap<String, String>,
    /// Files whose bytes live on a storage stand-in (`support::storage`), by name.
    pub stored: Vec<(String, Stored)>,
    /// A Space's runtime, logs and settings (`Repo::runtime`).
    pub space: Option<SpaceState>,
    /// A model's Inference Providers: (provider, status, task).
    pub providers: Vec<(String, String, String)>,
}

/// Where a file's bytes are (data-plane.md §1.2–1.3).
#[derive(Clone, Debug)]
pub enum Stored {
    /// LFS: the resolve answer redirects to this CDN origin.
    Lfs { cdn: String },
    /// Xet: the xet read token names this CAS; clients without hf_xet are sent to `bridge`.
    Xet { cas: String, bridge: String },
}

impl Repo {
    fn new(kind: &str, id: &str) -> Self {
        Repo {
            id: id.into(),
            kind: kind.into(),
            files: vec!["config.json".into(), "README.md".into()],
            ..Default::default()
        }
    }
    pub fn model(id: &str) -> Self {
        Self::new("model", id)
    }
    pub fn dataset(id: &str) -> Self {
        Self::new("dataset", id)
    }
    pub fn space(id: &str) -> Self {
        Self::new("space", id)
    }
    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }
    pub fn gated(mut self, mode: &str) -> Self {
        self.gated = Some(mode.into());
        self
    }
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }
    /// A file stored in LFS, served from the CDN stand-in at `cdn`.
    pub fn lfs_file(mut self, name: &str, cdn: &str) -> Self {
        self.files.push(name.into());
        self.stored
            .push((name.into(), Stored::Lfs { cdn: cdn.into() }));
        self
    }
    /// A file stored in Xet: CAS stand-in at `cas`, bridge at `bridge`.
    pub fn xet_file(mut self, name: &str, cas: &str, bridge: &str) -> Self {
        self.files.push(name.into());
        self.stored.push((
            name.into(),
            Stored::Xet {
                cas: cas.into(),
                bridge: bridge.into(),
            },
        ));
        self
    }
    pub fn access(mut self, user: &str, state: &str) -> Self {
        self.access.insert(user.into(), state.into());
        self
    }
    fn namespace(&self) -> &str {
        self.id.split_once('/').map(|(ns, _)| ns).unwrap_or("")
    }
    fn sha(&self) -> String {
        let mut h: u64 = 1469598103934665603;
        for b in self.id.bytes() {
            h = (h ^ b as u64).wrapping_mul(1099511628211);
        }
        format!("{h:016x}{h:016x}{:08x}", h as u32)
    }
}

/// The size of every file on a storage stand-in (`support::storage`).
pub const STORED_FILE_SIZE: usize = 3 << 20;
/// The xet access token the stand-in issues; its CAS accepts only this one.
pub const XET_ACCESS_TOKEN: &str = "xet_standin_access_token_0123456789";

#[derive(Clone, Debug, PartialEq)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub authorized: bool,
}

#[derive(Default)]
pub struct HubWorld {
    /// user → [(org, roleInOrg)]
    pub users: HashMap<String, Vec<(String, String)>>,
    /// Users and orgs with a payment method (whoami-v2 `canPay: true`).
    pub paying: Vec<String>,
    pub tokens: Vec<Token>,
    pub repos: Vec<Repo>,
    pub latency: Duration,
    /// Path prefixes answered with 429 and `RateLimit` headers.
    pub rate_limited: Vec<String>,
    /// Path prefixes answered by something that is not the Hub: (prefix, status, body).
    pub broken: Vec<(String, u16, String)>,
    /// Path prefixes answered with this status, only `X-Error-Message` (sent as raw UTF-8
    /// bytes, which is not visible ASCII) and an empty body.
    pub header_only: Vec<(String, u16, String)>,
    /// §10.4: on gated repos an invalid token looks like no token (401 GatedRepo).
    pub invalid_token_on_gated_as_g1: bool,
    /// Path prefixes answered 401 with a message that echoes the token it was sent (some
    /// proxies and mirrors do), to test that no output repeats it.
    pub echo_token: Vec<String>,
    /// Path prefixes answered with 307 to this Location (to test that no token follows).
    pub redirects: Vec<(String, String)>,
    /// Serve git smart-HTTP for real with `git http-backend`, bare repos under this dir.
    pub git_root: Option<std::path::PathBuf>,
}

impl HubWorld {
    pub fn new() -> Self {
        Self::default()
    }
    /// `name` (a user or an org) has a payment method on file.
    pub fn pays(mut self, name: &str) -> Self {
        self.paying.push(name.into());
        self
    }
    pub fn user(mut self, name: &str, orgs: &[(&str, &str)]) -> Self {
        self.users.insert(
            name.into(),
            orgs.iter()
                .map(|(o, r)| (o.to_string(), r.to_string()))
                .collect(),
        );
        self
    }
    pub fn token(mut self, value: &str, user: &str, role: &str) -> Self {
        self.tokens.push(Token {
            value: value.into(),
            user: user.into(),
            role: role.into(),
            name: format!("{user}-{role}"),
            fine: None,
            revoked: false,
            org_pending: vec![],
        });
        self
    }
    pub fn fine_grained(mut self, value: &str, user: &str, fine: Fine) -> Self {
        self.tokens.push(Token {
            value: value.into(),
            user: user.into(),
            role: "fineGrained".into(),
            name: format!("{user}-fine"),
            fine: Some(fine),
            revoked: false,
            org_pending: vec![],
        });
        self
    }
    pub fn revoked(mut self, value: &str, user: &str) -> Self {
        self = self.token(value, user, "write");
        self.tokens.last_mut().unwrap().revoked = true;
        self
    }
    pub fn pending_in_org(mut self, org: &str) -> Self {
        self.tokens.last_mut().unwrap().org_pending.push(org.into());
        self
    }
    pub fn repo(mut self, repo: Repo) -> Self {
        self.repos.push(repo);
        self
    }
    pub fn latency(mut self, d: Duration) -> Self {
        self.latency = d;
        self
    }
    pub fn rate_limited(mut self, prefix: &str) -> Self {
        self.rate_limited.push(prefix.into());
        self
    }
    pub fn broken(mut self, prefix: &str, status: u16, body: &str) -> Self {
        self.broken.push((prefix.into(), status, body.into()));
        self
    }
    pub fn header_only(mut self, prefix: &str, status: u16, message: &str) -> Self {
        self.header_only
            .push((prefix.into(), status, message.into()));
        self
    }
    pub fn echo_token(mut self, prefix: &str) -> Self {
        self.echo_token.push(prefix.into());
        self
    }
    pub fn redirect(mut self, prefix: &str, location: &str) -> Self {
        self.redirects.push((prefix.into(), location.into()));
        self
    }
    /// Real git over smart HTTP: `git http-backend` behind the Hub's rules, with a
    /// pre-receive hook that refuses what the Hub refuses (§6.3).
    pub fn git_backend(mut self, root: &std::path::Path) -> Self {
        self.git_root = Some(root.to_path_buf());
        self
    }
    pub fn invalid_token_on_gated_as_g1(mut self) -> Self {
        self.invalid_token_on_gated_as_g1 = true;
        self
    }
}

pub struct HubServer {
    pub url: String,
    log: Arc<Mutex<Vec<Logged>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Drop for HubServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.addr);
    }
}

impl HubServer {
    pub fn start(world: HubWorld) -> Self {
        Self::serve(world, None)
    }

    /// Served over TLS with a certificate for 127.0.0.1 and localhost; `ca_pem` is what a
    /// client must trust.
    pub fn start_tls(world: HubWorld, tls: &TestTls) -> Self {
        Self::serve(world, Some(tls))
    }

    /// One thread per connection, one request per connection (`Connection: close`): simple
    /// enough to be sure it never leaves a client waiting.
    fn serve(world: HubWorld, tls: Option<&TestTls>) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind stand-in");
        let addr = listener.local_addr().unwrap();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://127.0.0.1:{}", addr.port());
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let world = Arc::new(world);
        let tls_config = tls.map(|t| Arc::new(t.server_config()));
        let (l, st) = (log.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (world, log, tls_config) = (world.clone(), l.clone(), tls_config.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls_config {
                        Some(cfg) => {
                            let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                                return;
                            };
                            let mut tls = rustls::StreamOwned::new(conn, stream);
                            serve_one(&world, &log, &mut tls);
                            tls.conn.send_close_notify();
                            let _ = tls.flush();
                        }
                        None => {
                            let mut stream = stream;
                            serve_one(&world, &log, &mut stream);
                        }
                    }
                });
            }
        });
        HubServer {
            url,
            log,
            stop,
            addr,
        }
    }

    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self, path_prefix: &str) -> usize {
        self.log()
            .iter()
            .filter(|r| r.path.starts_with(path_prefix))
            .count()
    }
}

pub struct TestTls {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl TestTls {
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "hfdoctor test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        TestTls {
            ca_pem: ca.pem(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        }
    }

    pub fn server_config_pub(&self) -> rustls::ServerConfig {
        self.server_config()
    }

    fn server_config(&self) -> rustls::ServerConfig {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(self.cert_der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
            )
            .unwrap()
    }
}

static REQUEST_SEQ: AtomicU64 = AtomicU64::new(1);

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// A stream (server-sent events): no `Content-Length`, and after the body the connection
    /// stays open this long with keep-alive events, as the Hub's log stream does.
    hold: Option<Duration>,
}

impl Answer {
    fn json(status: u16, body: Value) -> Self {
        Answer {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.to_string().into_bytes(),
            hold: None,
        }
    }
    /// An error as the Hub sends it: JSON `{"error": …}`, `X-Error-Message`, maybe a code.
    fn error(status: u16, code: Option<&str>, message: &str) -> Self {
        let mut a = Self::json(status, json!({ "error": message }));
        a.headers.push(("X-Error-Message".into(), message.into()));
        if let Some(code) = code {
            a.headers.push(("X-Error-Code".into(), code.into()));
        }
        if status == 401 {
            a.headers.push((
                "WWW-Authenticate".into(),
                "Bearer realm=\"Authentication required\", charset=\"UTF-8\"".into(),
            ));
        }
        a
    }
    fn text(status: u16, body: &str) -> Self {
        Answer {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
            hold: None,
        }
    }
}

/// The head of one HTTP/1.1 request: method, path, headers, and what was read past the head.
pub struct RequestHead {
    pub method: String,
    pub path: String,
    headers: Vec<(String, String)>,
    pub rest: Vec<u8>,
}

impl RequestHead {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

/// Read a request's head (at most 64 KiB); None when the client went away first.
pub fn read_head<S: Read>(stream: &mut S) -> Option<RequestHead> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                return Some(RequestHead {
                    method: req.method.unwrap_or("GET").to_string(),
                    path: req.path.unwrap_or("/").to_string(),
                    headers: req
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect(),
                    rest: buf[len..].to_vec(),
                })
            }
            Ok(httparse::Status::Partial) if buf.len() < 64 * 1024 => continue,
            _ => return None,
        }
    }
}

/// Read one HTTP/1.1 request, answer it, and close.
fn serve_one<S: Read + Write>(world: &HubWorld, log: &Mutex<Vec<Logged>>, stream: &mut S) {
    let Some(head) = read_head(stream) else {
        return;
    };
    let (method, path) = (head.method.clone(), head.path.clone());
    let auth = head.header("authorization");
    let content_type = head.header("content-type");
    let content_encoding = head.header("content-encoding");
    let host = head.header("host").unwrap_or_default();
    let content_length = head
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    // The request body, bounded (pushes carry packs).
    let mut body = head.rest;
    let mut chunk = [0u8; 4096];
    while body.len() < content_length.min(256 << 20) {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    if !world.latency.is_zero() {
        std::thread::sleep(world.latency);
    }
    log.lock().unwrap().push(Logged {
        method: method.clone(),
        path: path.clone(),
        authorized: auth.is_some(),
    });
    let git_path = path.contains("/info/refs?service=git-")
        || path.ends_with("/git-receive-pack")
        || path.ends_with("/git-upload-pack");
    let mut answer = match &world.git_root {
        Some(root) if git_path => git_http(
            world,
            root,
            &method,
            &path,
            auth.as_deref(),
            &body,
            content_type.as_deref(),
            content_encoding.as_deref(),
        ),
        _ => route(world, &method, &path, auth.as_deref(), &host),
    };
    let n = REQUEST_SEQ.fetch_add(1, Ordering::Relaxed);
    answer.headers.push((
        "X-Request-Id".into(),
        format!("Root=1-6a00{n:04x}-{n:024x}"),
    ));
    if answer.status != 429 {
        answer
            .headers
            .push(("RateLimit".into(), "\"api\";r=499;t=300".into()));
        answer.headers.push((
            "RateLimit-Policy".into(),
            "\"fixed window\";\"api\";q=500;w=300".into(),
        ));
    }
    let reason = match answer.status {
        200 => "OK",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", answer.status);
    for (k, v) in &answer.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if answer.hold.is_none()
        && !answer
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&answer.body);
    }
    let _ = stream.flush();
    if let Some(hold) = answer.hold {
        keep_alive(stream, hold);
    }
}

enum Caller<'a> {
    Anonymous,
    Invalid,
    User(&'a Token),
}

fn caller<'a>(world: &'a HubWorld, auth: Option<&str>) -> Caller<'a> {
    let Some(auth) = auth else {
        return Caller::Anonymous;
    };
    let token = if let Some(t) = auth.strip_prefix("Bearer ") {
        t.to_string()
    } else if let Some(b) = auth.strip_prefix("Basic ") {
        decode_basic_password(b).unwrap_or_default()
    } else {
        String::new()
    };
    if token.is_empty() {
        return Caller::Anonymous;
    }
    match world.tokens.iter().find(|t| t.value == token && !t.revoked) {
        Some(t) => Caller::User(t),
        None => Caller::Invalid,
    }
}

fn decode_basic_password(b64: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in b64.trim().bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    let text = String::from_utf8(out).ok()?;
    text.split_once(':').map(|(_, p)| p.to_string())
}

const INVALID_CREDENTIALS: &str = "Invalid credentials in Authorization header";
const ANONYMOUS: &str = "Invalid username or password.";

fn route(world: &HubWorld, method: &str, path: &str, auth: Option<&str>, host: &str) -> Answer {
    let blobs = path.contains("blobs=true");
    let expand_providers = path.contains("expand=inferenceProviderMapping")
        || path.contains("expand%5B%5D=inferenceProviderMapping");
    let path = path.split('?').next().unwrap_or_default();
    if let Some((_, location)) = world.redirects.iter().find(|(p, _)| path.starts_with(p)) {
        let mut a = Answer::text(307, "");
        a.headers.push(("Location".into(), location.clone()));
        return a;
    }
    if world.echo_token.iter().any(|p| path.starts_with(p)) {
        let sent = auth.unwrap_or("-");
        let token = sent
            .strip_prefix("Bearer ")
            .map(str::to_string)
            .or_else(|| sent.strip_prefix("Basic ").and_then(decode_basic_password))
            .unwrap_or_else(|| sent.to_string());
        return Answer::error(
            401,
            None,
            &format!("Invalid credentials in Authorization header: token {token} is not valid"),
        );
    }
    if let Some((_, status, body)) = world.broken.iter().find(|(p, _, _)| path.starts_with(p)) {
        return Answer::text(*status, body);
    }
    if let Some((_, status, message)) = world
        .header_only
        .iter()
        .find(|(p, _, _)| path.starts_with(p))
    {
        let mut a = Answer::text(*status, "");
        a.headers.push(("X-Error-Message".into(), message.clone()));
        return a;
    }
    if world.rate_limited.iter().any(|p| path.starts_with(p)) {
        let mut a = Answer::error(
            429,
            None,
            "You have been rate-limited; you can retry this action in about 5 minutes.",
        );
        a.headers
            .push(("RateLimit".into(), "\"api\";r=0;t=55".into()));
        a.headers.push((
            "RateLimit-Policy".into(),
            "\"fixed window\";\"api\";q=500;w=300".into(),
        ));
        return a;
    }
    if let Some(repo_part) = path.strip_suffix("/info/refs") {
        return git_refs(world, repo_part, auth);
    }
    let mut who = caller(world, auth);
    if matches!(who, Caller::Invalid)
        && world.invalid_token_on_gated_as_g1
        && !path.contains("whoami")
    {
        let gated = world
            .repos
            .iter()
            .any(|r| r.gated.is_some() && path.contains(&r.id));
        if gated {
            who = Caller::Anonymous;
        }
    }
    if let Caller::Invalid = who {
        // T1: any route, even public repos.
        return Answer::error(401, None, INVALID_CREDENTIALS);
    }
    if path == "/api/whoami-v2" {
        return whoami(world, &who);
    }
    if let Some(rest) = path.strip_prefix("/api/") {
        let (kind, rest) = match rest.split_once('/') {
            Some(("models", r)) => ("model", r),
            Some(("datasets", r)) => ("dataset", r),
            Some(("spaces", r)) => ("space", r),
            _ => return Answer::error(404, None, "Not Found"),
        };
        if kind == "space" {
            if let Some(answer) = space_api(world, &who, rest) {
                return answer;
            }
        }
        if kind == "model" && expand_providers {
            return provider_mapping(world, &who, rest);
        }
        if let Some((id, _rev)) = rest.split_once("/preupload/") {
            return preupload(world, &who, kind, id, method);
        }
        for (marker, write) in [("/xet-read-token/", false), ("/xet-write-token/", true)] {
            if let Some((id, _rev)) = rest.split_once(marker) {
                return xet_token(world, &who, kind, id, write);
            }
        }
        let (id, action) = if let Some(id) = rest.strip_suffix("/auth-check/write") {
            (id, "write")
        } else if let Some(id) = rest.strip_suffix("/auth-check") {
            (id, "read")
        } else if let Some((id, _rev)) = rest.split_once("/revision/") {
            (id, "info")
        } else {
            (rest, "info")
        };
        if blobs && action == "info" {
            return with_sizes(repo_api(world, &who, kind, id, action), world, kind, id);
        }
        return repo_api(world, &who, kind, id, action);
    }
    if let Some((repo_part, tail)) = path.trim_start_matches('/').split_once("/resolve/") {
        let (kind, id) = kind_and_id(repo_part);
        let (rev, file) = tail.split_once('/').unwrap_or((tail, ""));
        return resolve(world, &who, method, kind, id, rev, file, host);
    }
    Answer::error(404, None, "Not Found")
}

const PRE_RECEIVE: &str = r#"#!/usr/bin/env python3
# The Hub's refusals (hub-semantics §6.3): no write right; files over 10 MiB; binary files
# over 1 MB that are not in LFS. Judged on every pushed commit.
import os, subprocess, sys
if os.environ.get("HUB_CAN_WRITE") != "1":
    print("----------------------------------------------------------")
    print("Your push was rejected for the following reasons:")
    for line in sys.stdin:
        print("DENIED update %s: forbidden" % line.split()[2])
    print("----------------------------------------------------------")
    sys.exit(1)
large, binary = [], []
for line in sys.stdin:
    old, new, ref = line.split()
    if set(new) == {"0"}:
        continue
    objs = subprocess.run(["git", "rev-list", "--objects", new, "--not", "--all"], capture_output=True, text=True).stdout
    check = subprocess.run(["git", "cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)"], input=objs, capture_output=True, text=True).stdout
    for row in check.splitlines():
        sha, kind, size, path = (row.split(" ", 3) + [""])[:4]
        size = int(size)
        if kind != "blob" or size <= 1000000:
            continue
        if size > 10 * 1024 * 1024:
            large.append((path, ref))
        else:
            head = subprocess.run(["git", "cat-file", "blob", sha], capture_output=True).stdout[:8000]
            if b"\0" in head:
                binary.append((path, ref))
if large:
    print("-------------------------------------------------------------------------")
    print("Your push was rejected because it contains files larger than 10 MiB.")
    print("Please use https://git-lfs.github.com/ to store large files.")
    print("See also: https://hf.co/docs/hub/repositories-getting-started#terminal")
    print("-------------------------------------------------------------------------")
    print("Offending files:")
    for path, ref in large:
        print(" - %s (ref: %s)" % (path, ref))
    sys.exit(1)
if binary:
    print("Your push was rejected because it contains binary files.")
    print("Please use https://huggingface.co/docs/hub/xet to store binary files.")
    print("Offending files:")
    for path, ref in binary:
        print("  - %s (ref: %s)" % (path, ref))
    sys.exit(1)
"#;

/// Real smart HTTP: the Hub's authentication and access rules first, then `git http-backend`
/// (CGI) on a bare repository with the Hub's pre-receive refusals.
#[allow(clippy::too_many_arguments)]
fn git_http(
    world: &HubWorld,
    root: &std::path::Path,
    method: &str,
    full_path: &str,
    auth: Option<&str>,
    body: &[u8],
    content_type: Option<&str>,
    content_encoding: Option<&str>,
) -> Answer {
    let (path, query) = full_path.split_once('?').unwrap_or((full_path, ""));
    let (repo_part, rest) = ["/info/refs", "/git-receive-pack", "/git-upload-pack"]
        .iter()
        .find_map(|suffix| path.strip_suffix(suffix).map(|p| (p, *suffix)))
        .unwrap_or((path, ""));
    let receive = rest == "/git-receive-pack" || query.contains("service=git-receive-pack");
    let repo_part = repo_part.trim_start_matches('/').trim_end_matches(".git");
    let (kind, id) = kind_and_id(repo_part);
    let who = match git_caller(world, auth) {
        Ok(who) => who,
        Err(refused) => return refused,
    };
    if matches!(who, Caller::Invalid) || (receive && matches!(who, Caller::Anonymous)) {
        return basic("Invalid username or password.");
    }
    let Some(repo) = find_repo(world, kind, id).filter(|r| can_see(world, &who, r)) else {
        return match who {
            Caller::Anonymous => basic("Invalid username or password."),
            _ => Answer::text(404, "Repository not found"),
        };
    };
    let can_write = receive && write_check(world, &who, repo).status == 200;
    let bare = root.join(kind).join(format!("{id}.git"));
    if !bare.exists() {
        std::fs::create_dir_all(&bare).unwrap();
        let ok = std::process::Command::new("git")
            .args(["init", "-q", "--bare", "-b", "main"])
            .arg(&bare)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", root)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git init --bare");
        let hook = bare.join("hooks/pre-receive");
        std::fs::write(&hook, PRE_RECEIVE).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let _ = std::process::Command::new("git")
            .args(["config", "http.receivepack", "true"])
            .current_dir(&bare)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", root)
            .status();
    }
    let user = match &who {
        Caller::User(t) => t.user.clone(),
        _ => String::new(),
    };
    let mut cmd = std::process::Command::new("git");
    cmd.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", format!("/{kind}/{id}.git{rest}"))
        .env("QUERY_STRING", query)
        .env("REQUEST_METHOD", method)
        .env("CONTENT_TYPE", content_type.unwrap_or(""))
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_USER", &user)
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("HUB_CAN_WRITE", if can_write { "1" } else { "0" })
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    if let Some(enc) = content_encoding {
        cmd.env("HTTP_CONTENT_ENCODING", enc);
    }
    let mut child = cmd.spawn().expect("git http-backend");
    let mut stdin = child.stdin.take().unwrap();
    let input = body.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("http-backend output");
    let _ = writer.join();
    // CGI: headers, a blank line, the body.
    let raw = out.stdout;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            raw.windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        })
        .unwrap_or((raw.len(), raw.len()));
    let head = String::from_utf8_lossy(&raw[..split.0]).into_owned();
    let mut answer = Answer {
        status: 200,
        headers: Vec::new(),
        body: raw[split.1..].to_vec(),
        hold: None,
    };
    for line in head.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("Status") {
            answer.status = v
                .split_whitespace()
                .next()
                .and_then(|c| c.parse().ok())
                .unwrap_or(500);
        } else {
            answer.headers.push((k.to_string(), v.to_string()));
        }
    }
    answer
}

/// `datasets/acme/d` → ("dataset", "acme/d"); no prefix is a model.
fn kind_and_id(repo_part: &str) -> (&'static str, &str) {
    if let Some(id) = repo_part.strip_prefix("datasets/") {
        ("dataset", id)
    } else if let Some(id) = repo_part.strip_prefix("spaces/") {
        ("space", id)
    } else {
        ("model", repo_part)
    }
}

/// A 401 as the Hub's git server sends it, with the Basic challenge git answers.
fn basic(body: &str) -> Answer {
    let mut a = Answer::text(401, body);
    a.headers.push((
        "WWW-Authenticate".into(),
        "Basic realm=\"Authentication required\", charset=\"UTF-8\"".into(),
    ));
    a
}

/// Who a git request is from (HTTP basic auth, the token as password); an account password
/// is refused outright (§6.3).
fn git_caller<'a>(world: &'a HubWorld, auth: Option<&str>) -> Result<Caller<'a>, Answer> {
    let password = auth
        .and_then(|a| a.strip_prefix("Basic "))
        .and_then(decode_basic_password);
    match &password {
        None => Ok(Caller::Anonymous),
        Some(p) if !p.starts_with("hf_") => Err(basic("Password authentication in git is no longer supported. You must use a user access token or an SSH key instead. See https://huggingface.co/blog/password-git-deprecation")),
        Some(_) => Ok(caller(world, auth)),
    }
}

/// Smart-HTTP discovery, as git asks it before a fetch or push (§6.2, §6.3).
fn git_refs(world: &HubWorld, repo_part: &str, auth: Option<&str>) -> Answer {
    let repo_part = repo_part.trim_start_matches('/').trim_end_matches(".git");
    let (kind, id) = kind_and_id(repo_part);
    let who = match git_caller(world, auth) {
        Ok(who) => who,
        Err(refused) => return refused,
    };
    match who {
        Caller::Anonymous => basic("Invalid username or password."),
        Caller::Invalid => basic("Invalid username or password."),
        Caller::User(_) => match find_repo(world, kind, id).filter(|r| can_see(world, &who, r)) {
            None => Answer::text(404, "Repository not found"),
            Some(r) if r.disabled => Answer::text(403, "Access to this resource is disabled."),
            Some(_) => Answer {
                status: 200,
                headers: vec![(
                    "Content-Type".into(),
                    "application/x-git-receive-pack-advertisement".into(),
                )],
                body: b"001f# service=git-receive-pack\n0000".to_vec(),
                hold: None,
            },
        },
    }
}

fn whoami(world: &HubWorld, who: &Caller) -> Answer {
    let Caller::User(token) = who else {
        return Answer::error(401, None, ANONYMOUS);
    };
    let orgs: Vec<Value> = world
        .users
        .get(&token.user)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|(org, role)| {
            json!({
                "type": "org", "id": format!("{:024x}", org.len()), "name": org,
                "fullname": org.to_uppercase(), "email": null,
                "canPay": world.paying.contains(&org),
                "avatarUrl": "/avatars/x.svg", "periodEnd": null, "roleInOrg": role
            })
        })
        .collect();
    let mut access_token = json!({
        "displayName": token.name,
        "role": token.role,
        "createdAt": "2025-03-14T09:26:53.000Z",
    });
    let mut body = json!({
        "type": "user", "id": "62f264b9f3c90f4b6514a269", "name": token.user,
        "fullname": format!("{} Example", token.user),
        "canPay": world.paying.contains(&token.user), "isPro": false,
        "periodEnd": null, "avatarUrl": "/avatars/934b830e9fdaa879487852f79eef7165.svg",
        "billingMode": "postpaid", "orgs": orgs,
    });
    if let Some(fine) = &token.fine {
        access_token["fineGrained"] = json!({
            "canReadGatedRepos": fine.can_read_gated,
            "global": fine.global,
            "scoped": fine.scoped.iter().map(|(t, n, p)| json!({
                "entity": { "_id": "0123456789abcdef01234567", "type": t, "name": n },
                "permissions": p,
            })).collect::<Vec<_>>(),
        });
    } else {
        body["email"] = json!(format!("{}@example.com", token.user));
        body["emailVerified"] = json!(true);
    }
    body["auth"] = json!({ "type": "access_token", "accessToken": access_token });
    Answer::json(200, body)
}

fn find_repo<'a>(world: &'a HubWorld, kind: &str, id: &str) -> Option<&'a Repo> {
    world.repos.iter().find(|r| r.kind == kind && r.id == id)
}

fn role_in(world: &HubWorld, user: &str, org: &str) -> Option<String> {
    world
        .users
        .get(user)?
        .iter()
        .find(|(o, _)| o == org)
        .map(|(_, r)| r.clone())
}

/// The permissions a fine-grained token holds for a repo: its namespace's scope, or a scope
/// naming the repo itself.
fn fine_perms(fine: &Fine, repo: &Repo) -> Vec<String> {
    fine.scoped
        .iter()
        .filter(|(t, n, _)| {
            ((t == "user" || t == "org") && n == repo.namespace())
                || (t == &repo.kind && n.trim_start_matches("datasets/") == repo.id)
        })
        .flat_map(|(_, _, p)| p.clone())
        .collect()
}

fn is_member(world: &HubWorld, token: &Token, repo: &Repo) -> bool {
    token.user == repo.namespace() || role_in(world, &token.user, repo.namespace()).is_some()
}

fn can_see(world: &HubWorld, who: &Caller, repo: &Repo) -> bool {
    if !repo.private {
        return true;
    }
    let Caller::User(token) = who else {
        return false;
    };
    if !is_member(world, token, repo) {
        return false;
    }
    match &token.fine {
        Some(fine) => fine_perms(fine, repo)
            .iter()
            .any(|p| p == "repo.content.read" || p == "repo.write"),
        None => true,
    }
}

fn not_found(who: &Caller) -> Answer {
    match who {
        // P1/N1: anonymous callers cannot tell private from missing.
        Caller::Anonymous => Answer::error(401, None, ANONYMOUS),
        _ => Answer::error(404, Some("RepoNotFound"), "Repository not found"),
    }
}

fn org_policy(world: &HubWorld, who: &Caller, repo: &Repo) -> Option<Answer> {
    let _ = world;
    let Caller::User(token) = who else {
        return None;
    };
    token.org_pending.iter().any(|o| o == repo.namespace()).then(|| {
        Answer::error(403, None, "Due to the organization token policy, your token needs to be approved by the organization before you can access this resource.")
    })
}

/// G1/G2/G2b/G3 for gated repos; None when access is granted.
fn gate(who: &Caller, repo: &Repo) -> Option<Answer> {
    repo.gated.as_ref()?;
    let what = format!("{} {}", repo.kind, repo.id);
    let Caller::User(token) = who else {
        return Some(Answer::error(
            401,
            Some("GatedRepo"),
            &format!("Access to {what} is restricted. You must have access to it and be authenticated to access it. Please log in."),
        ));
    };
    if token.user == repo.namespace() {
        return None;
    }
    if token.fine.as_ref().is_some_and(|f| !f.can_read_gated) {
        return Some(Answer::error(
            403,
            None,
            "Please enable access to public gated repositories in your fine-grained token settings to view this repository.",
        ));
    }
    match repo.access.get(&token.user).map(String::as_str) {
        Some("granted") => None,
        Some("pending") => Some(Answer::error(
            403,
            Some("GatedRepo"),
            &format!("Your request to access {what} is awaiting a review from the repo authors."),
        )),
        _ => Some(Answer::error(
            403,
            Some("GatedRepo"),
            &format!("Access to {what} is restricted and you are not in the authorized list. Visit https://huggingface.co/{} to ask for access.", repo.id),
        )),
    }
}

fn repo_api(world: &HubWorld, who: &Caller, kind: &str, id: &str, action: &str) -> Answer {
    let Some(repo) = find_repo(world, kind, id).filter(|r| can_see(world, who, r)) else {
        return not_found(who);
    };
    if let Some(denied) = org_policy(world, who, repo) {
        return denied;
    }
    match action {
        "info" => Answer::json(
            200,
            json!({
                "_id": "65f0c0ffee0123456789abcd", "id": repo.id, "author": repo.namespace(),
                "sha": repo.sha(), "private": repo.private,
                "gated": repo.gated.clone().map(Value::String).unwrap_or(Value::Bool(false)),
                "disabled": repo.disabled, "downloads": 0, "likes": 0, "tags": [],
                "siblings": repo.files.iter().map(|f| json!({"rfilename": f})).collect::<Vec<_>>(),
            }),
        ),
        "read" => {
            if repo.disabled {
                return Answer::error(403, None, "Access to this resource is disabled.");
            }
            match gate(who, repo) {
                Some(denied) => denied,
                None => Answer::text(200, "OK"),
            }
        }
        _ => write_check(world, who, repo),
    }
}

fn write_check(world: &HubWorld, who: &Caller, repo: &Repo) -> Answer {
    let Caller::User(token) = who else {
        return Answer::error(401, None, ANONYMOUS);
    };
    let read_only = || {
        Answer::error(
            403,
            None,
            "You have read access but not the required permissions for this operation",
        )
    };
    let token_allows = match &token.fine {
        Some(fine) => fine_perms(fine, repo).iter().any(|p| p == "repo.write"),
        None => token.role == "write",
    };
    let account_role = if token.user == repo.namespace() {
        Some("admin".to_string())
    } else {
        role_in(world, &token.user, repo.namespace())
    };
    match account_role.as_deref() {
        Some("admin") | Some("write") if token_allows => Answer::text(200, "OK"),
        Some("contributor") if token_allows => Answer::error(
            403,
            None,
            "pass `create_pr=1` as a query parameter to create a Pull Request.",
        ),
        _ => read_only(),
    }
}

#[allow(clippy::too_many_arguments)]
fn resolve(
    world: &HubWorld,
    who: &Caller,
    method: &str,
    kind: &str,
    id: &str,
    rev: &str,
    file: &str,
    host: &str,
) -> Answer {
    let Some(repo) = find_repo(world, kind, id).filter(|r| can_see(world, who, r)) else {
        return not_found(who);
    };
    if let Some(denied) = org_policy(world, who, repo) {
        return denied;
    }
    if repo.disabled {
        return Answer::error(403, None, "Access to this resource is disabled.");
    }
    if let Some(denied) = gate(who, repo) {
        return denied;
    }
    if rev != "main" && rev != repo.sha() {
        return Answer::error(
            404,
            Some("RevisionNotFound"),
            &format!("Invalid rev id: {rev}"),
        );
    }
    let sha = repo.sha();
    if !repo.files.iter().any(|f| f == file) {
        let mut a = Answer::error(404, Some("EntryNotFound"), "Entry not found");
        a.headers.push(("X-Repo-Commit".into(), sha));
        return a;
    }
    if let Some((_, stored)) = repo.stored.iter().find(|(f, _)| f == file) {
        return stored_file(repo, kind, file, stored, &sha, host);
    }
    let content = format!("{{\"file\": \"{file}\"}}\n");
    let _ = method;
    let mut a = Answer::text(200, &content);
    a.headers = vec![
        ("Content-Type".into(), "application/json".into()),
        ("X-Repo-Commit".into(), sha.clone()),
        ("ETag".into(), format!("\"{:x}\"", content.len() * 7919)),
    ];
    a
}

/// The resolve answer of a file on a storage stand-in, with the headers data-plane.md §1.2
/// lists: 302, `X-Repo-Commit`, `X-Linked-Size`, `X-Linked-Etag`, `Location` (a signed URL),
/// and for Xet `X-Xet-Hash` and the `Link` rels (absolute, on this Hub's own origin).
fn stored_file(
    repo: &Repo,
    kind: &str,
    file: &str,
    stored: &Stored,
    sha: &str,
    host: &str,
) -> Answer {
    let etag = format!("{:064x}", file.len() * 7919 + repo.id.len());
    let mut a = Answer::text(302, "");
    a.headers = vec![
        ("Content-Type".into(), "text/plain; charset=utf-8".into()),
        ("X-Repo-Commit".into(), sha.into()),
        ("X-Linked-Size".into(), STORED_FILE_SIZE.to_string()),
        ("X-Linked-Etag".into(), format!("\"{etag}\"")),
        ("ETag".into(), format!("\"{etag}\"")),
    ];
    match stored {
        Stored::Lfs { cdn } => a.headers.push((
            "Location".into(),
            format!("{cdn}/repos/ab/cd/{etag}?response-content-disposition=attachment&Expires=1999999999&Policy=p&Signature=s&Key-Pair-Id=K"),
        )),
        Stored::Xet { bridge, .. } => {
            let xet_hash = format!("{:064x}", etag.len() * 31 + file.len());
            let api = match kind {
                "dataset" => "datasets",
                "space" => "spaces",
                _ => "models",
            };
            a.headers.push(("X-Xet-Hash".into(), xet_hash.clone()));
            a.headers.push((
                "Link".into(),
                format!("<http://{host}/api/{api}/{}/xet-read-token/{sha}>; rel=\"xet-auth\", <{bridge}/v1/reconstructions/{xet_hash}>; rel=\"xet-reconstruction-info\"", repo.id),
            ));
            a.headers.push((
                "Location".into(),
                format!("{bridge}/xet-bridge-us/65f0c0ffee/{etag}?X-Xet-Cas-Uid=public&Expires=1999999999&Policy=p&Signature=s&Key-Pair-Id=K"),
            ));
        }
    }
    a
}

/// `/api/{type}s/{id}/xet-{read|write}-token/{rev}` (data-plane.md §2.1): the repo's own
/// visibility and gate rules, write rules for a write token; JSON and `X-Xet-*` headers.
fn xet_token(world: &HubWorld, who: &Caller, kind: &str, id: &str, write: bool) -> Answer {
    let Some(repo) = find_repo(world, kind, id).filter(|r| can_see(world, who, r)) else {
        return not_found(who);
    };
    if let Some(denied) = gate(who, repo) {
        return denied;
    }
    if write {
        let check = write_check(world, who, repo);
        if check.status != 200 {
            return Answer::error(403, None, "You don't have write access to this repo");
        }
    }
    let cas = repo.stored.iter().find_map(|(_, s)| match s {
        Stored::Xet { cas, .. } => Some(cas.clone()),
        Stored::Lfs { .. } => None,
    });
    let Some(cas) = cas else {
        return Answer::error(404, None, "Xet is not enabled for this repo");
    };
    let token = XET_ACCESS_TOKEN;
    let mut a = Answer::json(
        200,
        json!({"accessToken": token, "exp": 1999999999u64, "casUrl": cas}),
    );
    a.headers.push(("X-Xet-Cas-Url".into(), cas));
    a.headers.push(("X-Xet-Access-Token".into(), token.into()));
    a.headers
        .push(("X-Xet-Token-Expiration".into(), "1999999999".into()));
    a
}

/// `POST /api/{type}s/{id}/preupload/{rev}` (data-plane.md §3.1): how each file would be
/// uploaded. The stand-in asks for write access, as the commit that follows does.
fn preupload(world: &HubWorld, who: &Caller, kind: &str, id: &str, method: &str) -> Answer {
    if method != "POST" {
        return Answer::error(404, None, "Not Found");
    }
    let Some(repo) = find_repo(world, kind, id).filter(|r| can_see(world, who, r)) else {
        return not_found(who);
    };
    let check = write_check(world, who, repo);
    if check.status != 200 {
        return check;
    }
    Answer::json(
        200,
        json!({"files": [{"path": ".hfdoctor-preupload-probe", "uploadMode": "regular", "shouldIgnore": false}]}),
    )
}

/// `?blobs=true`: each sibling with its size (what the stand-in serves for it).
fn with_sizes(mut a: Answer, world: &HubWorld, kind: &str, id: &str) -> Answer {
    let Some(repo) = find_repo(world, kind, id) else {
        return a;
    };
    let Ok(mut v) = serde_json::from_slice::<Value>(&a.body) else {
        return a;
    };
    if let Some(siblings) = v["siblings"].as_array_mut() {
        for s in siblings {
            let name = s["rfilename"].as_str().unwrap_or_default().to_string();
            let size = if repo.stored.iter().any(|(f, _)| *f == name) {
                STORED_FILE_SIZE
            } else {
                format!("{{\"file\": \"{name}\"}}\n").len()
            };
            s["size"] = json!(size);
        }
    }
    a.body = v.to_string().into_bytes();
    a
}

// ---------------------------------------------------------------------------------------------
// Spaces (data-plane.md §6; huggingface_hub `get_space_runtime`, `fetch_space_logs`,
// `get_space_secrets`, `get_space_variables`) and Inference Providers (`model_info(expand=
// ["inferenceProviderMapping"])`).

/// What the runtime of a Space says, and what its logs and settings hold.
#[derive(Clone, Debug)]
pub struct SpaceState {
    pub stage: String,
    pub hardware: Option<String>,
    pub requested: Option<String>,
    pub sdk: String,
    pub sdk_version: Option<String>,
    pub error: Option<String>,
    pub gc_timeout: Option<i64>,
    pub build_log: Vec<String>,
    pub run_log: Vec<String>,
    pub secrets: Vec<String>,
    pub variables: Vec<(String, String)>,
    /// How long the log stream stays open after its lines (keep-alives only).
    pub log_hold: Duration,
}

impl Repo {
    /// A Space in `stage` on cpu-basic, Gradio 4.44.0, with nothing in its logs or settings.
    pub fn runtime(mut self, stage: &str) -> Self {
        self.space = Some(SpaceState {
            stage: stage.into(),
            hardware: Some("cpu-basic".into()),
            requested: Some("cpu-basic".into()),
            sdk: "gradio".into(),
            sdk_version: Some("4.44.0".into()),
            error: None,
            gc_timeout: Some(172800),
            build_log: vec![],
            run_log: vec![],
            secrets: vec![],
            variables: vec![],
            log_hold: Duration::ZERO,
        });
        self
    }
    fn state(&mut self) -> &mut SpaceState {
        if self.space.is_none() {
            *self = std::mem::take(self).runtime("RUNNING");
        }
        self.space.as_mut().unwrap()
    }
    pub fn hardware(mut self, current: Option<&str>, requested: Option<&str>) -> Self {
        let s = self.state();
        s.hardware = current.map(str::to_string);
        s.requested = requested.map(str::to_string);
        self
    }
    pub fn sdk(mut self, sdk: &str, version: Option<&str>) -> Self {
        let s = self.state();
        s.sdk = sdk.into();
        s.sdk_version = version.map(str::to_string);
        self
    }
    pub fn error_message(mut self, message: &str) -> Self {
        self.state().error = Some(message.into());
        self
    }
    pub fn build_log(mut self, lines: &[&str]) -> Self {
        self.state().build_log = lines.iter().map(|l| l.to_string()).collect();
        self
    }
    pub fn run_log(mut self, lines: &[&str]) -> Self {
        self.state().run_log = lines.iter().map(|l| l.to_string()).collect();
        self
    }
    /// The log stream stays open this long after its lines, sending only keep-alives.
    pub fn log_hold(mut self, hold: Duration) -> Self {
        self.state().log_hold = hold;
        self
    }
    pub fn secrets(mut self, names: &[&str]) -> Self {
        self.state().secrets = names.iter().map(|n| n.to_string()).collect();
        self
    }
    pub fn variables(mut self, vars: &[(&str, &str)]) -> Self {
        self.state().variables = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
    }
    /// A provider of a model's mapping: `status` live, staging or error.
    pub fn provider(mut self, name: &str, status: &str, task: &str) -> Self {
        self.providers
            .push((name.into(), status.into(), task.into()));
        self
    }
}

/// `/api/spaces/{id}/runtime`, `/logs/{build|run}`, `/secrets`, `/variables`; None for any
/// other Space route.
fn space_api(world: &HubWorld, who: &Caller, rest: &str) -> Option<Answer> {
    let (id, what) = [
        "/runtime",
        "/logs/build",
        "/logs/run",
        "/secrets",
        "/variables",
    ]
    .iter()
    .find_map(|suffix| rest.strip_suffix(suffix).map(|id| (id, *suffix)))?;
    let Some(repo) = find_repo(world, "space", id).filter(|r| can_see(world, who, r)) else {
        return Some(not_found(who));
    };
    let state = repo
        .space
        .clone()
        .unwrap_or_else(|| Repo::space(id).runtime("RUNNING").space.unwrap());
    if what == "/runtime" {
        let mut body = json!({
            "stage": state.stage,
            "hardware": { "current": state.hardware, "requested": state.requested },
            "storage": null,
            "gcTimeout": state.gc_timeout,
            "replicas": { "current": 1, "requested": 1 },
            "devMode": false,
            "domains": [{ "domain": format!("{}.hf.space", id.replace('/', "-")), "stage": "READY" }],
            "sdk": state.sdk,
            "sdkVersion": state.sdk_version,
        });
        if let Some(e) = &state.error {
            body["errorMessage"] = json!(e);
        }
        return Some(Answer::json(200, body));
    }
    // Logs and settings: the Space's writers only (the Hub's own refusal text is not
    // documented; hfdoctor reads only the status).
    if write_check(world, who, repo).status != 200 {
        return Some(match who {
            Caller::Anonymous => Answer::error(401, None, ANONYMOUS),
            _ => Answer::error(403, None, "You don't have write access to this Space"),
        });
    }
    Some(match what {
        "/secrets" => Answer::json(
            200,
            Value::Object(
                state
                    .secrets
                    .iter()
                    .map(|k| (k.clone(), json!({"description": "", "updatedAt": "2026-01-02T03:04:05.000Z"})))
                    .collect(),
            ),
        ),
        "/variables" => Answer::json(
            200,
            Value::Object(
                state
                    .variables
                    .iter()
                    .map(|(k, v)| (k.clone(), json!({"value": v, "description": "", "updatedAt": "2026-01-02T03:04:05.000Z"})))
                    .collect(),
            ),
        ),
        _ => {
            let lines = if what == "/logs/build" { &state.build_log } else { &state.run_log };
            // A keep-alive first, then one event per line (`fetch_space_logs` reads
            // `data: {"data": …, "timestamp": …}` and skips empty `data:`).
            let mut body = String::from("data: \n\n");
            for (i, line) in lines.iter().enumerate() {
                let event = json!({"data": format!("{line}\n"), "timestamp": format!("2026-01-02T03:04:{:02}.000Z", i % 60)});
                body.push_str(&format!("data: {event}\n\n"));
            }
            Answer {
                status: 200,
                headers: vec![
                    ("Content-Type".into(), "text/event-stream".into()),
                    ("Cache-Control".into(), "no-cache".into()),
                ],
                body: body.into_bytes(),
                hold: Some(state.log_hold),
            }
        }
    })
}

/// Keep a stream open with keep-alive events for `hold` (or until the client goes away).
fn keep_alive<S: Write>(stream: &mut S, hold: Duration) {
    let until = std::time::Instant::now() + hold;
    while std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
        if stream
            .write_all(b"data: \n\n")
            .and_then(|_| stream.flush())
            .is_err()
        {
            return;
        }
    }
}

/// `GET /api/models/{id}?expand=inferenceProviderMapping`: the id and the mapping, a dict by
/// provider as `model_info` gets it.
fn provider_mapping(world: &HubWorld, who: &Caller, id: &str) -> Answer {
    let Some(repo) = find_repo(world, "model", id).filter(|r| can_see(world, who, r)) else {
        return not_found(who);
    };
    let mapping: serde_json::Map<String, Value> = repo
        .providers
        .iter()
        .map(|(p, status, task)| {
            (
                p.clone(),
                json!({"status": status, "providerId": format!("{}-{p}", repo.id.to_lowercase()), "task": task}),
            )
        })
        .collect();
    Answer::json(
        200,
        json!({"_id": "65f0c0ffee0123456789abcd", "id": repo.id, "inferenceProviderMapping": mapping}),
    )
}
