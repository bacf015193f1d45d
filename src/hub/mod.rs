//! The Hub client: reqwest with rustls, the endpoint and proxy variables as the Python client
//! reads them, `SSL_CERT_FILE`/`SSL_CERT_DIR` on top of the public roots, one deadline per
//! request, bodies capped at 1 MiB. whoami-v2 is asked once per token and shared (the endpoint
//! is strictly rate limited). Answers are classified from status, `X-Error-Code` and
//! `X-Error-Message` (docs/notes/hub-answers.md), keeping the request id for the report.
//!
//! The token goes only to the endpoint's host, never over plain http to a host that is not
//! this machine, and never across a redirect to another host.

pub mod download;
pub mod endpoint;
pub mod repo;
pub mod route;
pub mod space;
pub mod trace;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::hub::endpoint::Endpoint;
use crate::hub::repo::RepoType;
use crate::secret::Secret;

pub const MAX_BODY: usize = 1 << 20;

#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub request_id: Option<String>,
    /// Seconds until the rate-limit window resets (`RateLimit: …;t=N`).
    pub reset_secs: Option<u64>,
    pub body: Vec<u8>,
    /// The token went with the request.
    pub authorized: bool,
    /// `X-Repo-Commit`: only the Hub sets it on resolve answers.
    pub repo_commit: Option<String>,
    /// The headers a download's route is read from (`DOWNLOAD_HEADERS`), names in lower case.
    pub headers: Vec<(String, String)>,
    /// `X-Xet-Access-Token`, the one header that is a secret, kept apart from the others.
    pub secret_header: Option<Secret>,
}

/// The headers `hub::download` reads: the route of a file's bytes, never a secret.
const DOWNLOAD_HEADERS: &[&str] = &[
    "location",
    "link",
    "etag",
    "content-length",
    "content-type",
    "x-linked-etag",
    "x-linked-size",
    "x-xet-hash",
    "x-xet-refresh-route",
    "x-xet-cas-url",
    "x-xet-token-expiration",
];

impl Answer {
    /// An answer with this status and nothing else (tests, and answers made up of parts).
    pub fn empty(status: u16) -> Self {
        Answer {
            status,
            error_code: None,
            error_message: None,
            request_id: None,
            reset_secs: None,
            body: Vec::new(),
            authorized: false,
            repo_commit: None,
            headers: Vec::new(),
            secret_header: None,
        }
    }

    /// One of the `DOWNLOAD_HEADERS` (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The server's message, collected as the client's `_format` does
    /// (docs/notes/hub-answers.md): `X-Error-Message`, else the JSON body's `error` (string or
    /// list), `error_description` or `errors[].message`, else a body that is neither JSON nor
    /// HTML as text. None when the server said nothing.
    pub fn message(&self) -> Option<String> {
        if let Some(m) = self.error_message.as_deref().map(str::trim) {
            if !m.is_empty() {
                return Some(m.to_string());
            }
        }
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&self.body) {
            let text = match &v["error"] {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Array(a) => {
                    a.first().and_then(|x| x.as_str()).map(str::to_string)
                }
                _ => None,
            }
            .or_else(|| v["error_description"].as_str().map(str::to_string))
            .or_else(|| v["errors"][0]["message"].as_str().map(str::to_string));
            return text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        }
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        if text.is_empty() || looks_like_html(text) {
            return None;
        }
        Some(one_line(text, 300))
    }

    /// What came back, for people, never nothing: the server's message, or what the body
    /// was when there was none. A 503 is never shown as "answered 503: .".
    pub fn said(&self) -> Said {
        if let Some(m) = self.message() {
            return Said::Message(one_line(&m, 300));
        }
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        if text.is_empty() {
            Said::EmptyBody
        } else if looks_like_html(text) {
            Said::HtmlPage(html_title(text).map(|t| one_line(&t, 120)))
        } else {
            Said::NotJson
        }
    }

    /// The status with its reason phrase: `503 Service Unavailable`.
    pub fn status_line(&self) -> String {
        status_line(self.status)
    }

    /// The Python client raises on this answer: any status that is not 2xx or 3xx
    /// (`hf_raise_for_status`, docs/notes/hub-answers.md).
    pub fn client_fails(&self) -> bool {
        !(200..400).contains(&self.status)
    }

    /// A server-side failure: the Hub, or a gateway or proxy in front of it, is in trouble.
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.status)
    }

    pub fn json<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn kind(&self) -> Kind {
        classify(self)
    }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<head")
}

/// A status with its reason phrase: `503 Service Unavailable`, or the bare number.
pub fn status_line(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// The `<title>` of an HTML page, its whitespace collapsed; None when it has none.
pub fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = text
        .get(start..end)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then_some(title)
}

/// One line of at most `max` characters: server text goes into one-line summaries.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max + 1)
        .collect();
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

/// A header value as httpx decodes it: UTF-8, else Latin-1 (which takes any byte), so a
/// message the server sent in another encoding is shown, not dropped.
fn header_text(value: &reqwest::header::HeaderValue) -> String {
    let bytes = value.as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// What an answer said, for people (`Answer::said`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// The server's own message.
    Message(String),
    /// No message, and an empty body.
    EmptyBody,
    /// An HTML page (a proxy's, a portal's, a gateway's), with its title when it has one.
    HtmlPage(Option<String>),
    /// A body that is neither the Hub's JSON nor text.
    NotJson,
}

/// What an answer means, in the terms of the scenario matrix of docs/notes/hub-answers.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Ok,
    /// T1: 401 `Invalid credentials in Authorization header`.
    InvalidToken,
    /// P1/N1: 401 without a code to an anonymous caller: private or missing.
    AnonymousNotFound,
    /// P2/N2: 404 `RepoNotFound`.
    NotFound,
    /// G1/G2/G2b: `X-Error-Code: GatedRepo`.
    Gated(GateState),
    /// G3: a fine-grained token without "read access to public gated repos".
    FineGrainedGated,
    /// D1.
    Disabled,
    /// W1: read access only.
    ReadOnly,
    /// W2: an org contributor: pull requests only.
    ContributorOnly,
    /// O1/O2: the organization's token policy.
    OrgPolicy,
    RevisionNotFound,
    EntryNotFound,
    RateLimited,
    /// A 5xx: the Hub, or a gateway, proxy or mirror in front of it, failed.
    ServerError,
    /// 407: the proxy wants credentials.
    ProxyAuth,
    /// 416: a ranged request past the end, as when a partial download is resumed wrong.
    RangeNotSatisfiable,
    /// 403 "does not have sufficient permissions to call Inference Providers".
    InferenceForbidden,
    /// 410 from Inference, or any 404/410 from the retired api-inference host.
    InferenceRetired,
    /// A 4xx from a storage host (a CDN, Xet): an expired signed URL, or a proxy's block.
    StorageRefused,
    /// 401 on a git or LFS route: git's credentials refused.
    GitCredentialsRefused,
    /// 403 on a route that writes, with no message that says why.
    WriteRefused,
    /// Anything else: kept with its status and message, never guessed at.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateState {
    NotLoggedIn,
    NotRequested,
    Pending,
    /// A gate answer we could not place; reported as is.
    Unknown,
}

/// What the classification of an answer reads: the same facts whether they came over the wire
/// (an `Answer`, whose route the check knows) or out of pasted text (explain's evidence), so a
/// 401 on a resolve URL with "Invalid credentials" means one thing wherever it was seen
/// (docs/notes/explain.md).
#[derive(Debug, Clone, Copy)]
pub struct Signals<'a> {
    pub status: u16,
    /// `X-Error-Code`, only as sent (never inferred).
    pub error_code: Option<&'a str>,
    /// The server's message (`X-Error-Message` or the body's `error`), "" when none.
    pub message: &'a str,
    pub host: route::Host,
    pub route: route::Route,
}

pub fn classify(a: &Answer) -> Kind {
    let msg = a.message().unwrap_or_default();
    classify_signals(&Signals {
        status: a.status,
        error_code: a.error_code.as_deref(),
        message: &msg,
        host: route::Host::Hub,
        route: route::Route::Other,
    })
}

/// The one table from an answer's facts to what it means (docs/notes/hub-answers.md).
pub fn classify_signals(s: &Signals) -> Kind {
    use route::{Host, Route};
    let lower = s.message.to_ascii_lowercase();
    match (s.status, s.error_code) {
        (200..=299, _) => Kind::Ok,
        (429, _) => Kind::RateLimited,
        (407, _) => Kind::ProxyAuth,
        (416, _) => Kind::RangeNotSatisfiable,
        (403, _) if lower.contains("sufficient permissions to call inference providers") => {
            Kind::InferenceForbidden
        }
        (404 | 410, _) if s.host == Host::LegacyInference => Kind::InferenceRetired,
        (410, _) if s.route == Route::Inference => Kind::InferenceRetired,
        (500..=599, _) => Kind::ServerError,
        (400..=499, _) if s.host.is_storage() => Kind::StorageRefused,
        (_, Some("RevisionNotFound")) => Kind::RevisionNotFound,
        (_, Some("EntryNotFound")) => Kind::EntryNotFound,
        // The gate's own messages name it as surely as the code: pasted text seldom shows
        // headers (docs/notes/hub-answers.md G1–G2b).
        (401 | 403, code) if code == Some("GatedRepo") || gate_message(&lower) => {
            Kind::Gated(if s.status == 401 {
                GateState::NotLoggedIn
            } else if lower.contains("awaiting a review") {
                GateState::Pending
            } else if lower.contains("not in the authorized list") {
                GateState::NotRequested
            } else {
                GateState::Unknown
            })
        }
        (_, Some("GatedRepo")) => Kind::Gated(GateState::Unknown),
        // The Hub's exact sentences: a message that only starts like one (a proxy's, a
        // mirror's) is shown as it is, not taken for the Hub's verdict.
        _ if s.message == "Access to this resource is disabled." => Kind::Disabled,
        (401, _) if s.message == "Invalid credentials in Authorization header" => {
            Kind::InvalidToken
        }
        (401, _) if s.message.trim_end_matches('.') == "Invalid user token" => Kind::InvalidToken,
        // A token whose signature does not verify (an OAuth or JWT token cut or altered).
        (401, _) if lower.contains("token signature verification failed") => Kind::InvalidToken,
        (401, _) if s.route == Route::Whoami => Kind::InvalidToken,
        (_, Some("RepoNotFound")) => Kind::NotFound,
        (401, _) if s.route.is_git() => Kind::GitCredentialsRefused,
        (401, _) => Kind::AnonymousNotFound,
        (403, _) if lower.contains("public gated repositories") => Kind::FineGrainedGated,
        (403, _)
            if lower.contains("organization token policy")
                || lower.contains("revoked by the organization") =>
        {
            Kind::OrgPolicy
        }
        (403, _) if lower.contains("create_pr=1") => Kind::ContributorOnly,
        (403, _) if lower.contains("read access but not the required permissions") => {
            Kind::ReadOnly
        }
        (403, _) if s.route.writes() => Kind::WriteRefused,
        _ => Kind::Other,
    }
}

/// The gate's messages: "Access to model x is restricted… Please log in.", "…awaiting a review
/// from the repo authors.", "…not in the authorized list…".
fn gate_message(lower: &str) -> bool {
    (lower.contains("access to ") && lower.contains(" is restricted"))
        || lower.contains("awaiting a review from the repo authors")
        || lower.contains("not in the authorized list")
}

/// Why a request got no answer.
#[derive(Debug, Clone)]
pub enum CallError {
    Timeout,
    Tls(String),
    Connect(String),
    /// The endpoint is unusable (empty, no scheme): nothing was sent.
    BadEndpoint,
    Other(String),
}

impl CallError {
    pub fn describe(&self) -> String {
        match self {
            CallError::Timeout => "no answer before the deadline".into(),
            CallError::Tls(e) => format!("TLS: {e}"),
            CallError::Connect(e) => e.clone(),
            CallError::BadEndpoint => "HF_ENDPOINT is not a usable URL".into(),
            CallError::Other(e) => e.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Repos

/// What repo-access and gated-access read of a repo's info (`GET /api/{type}s/{id}`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RepoInfo {
    pub private: bool,
    pub disabled: bool,
    /// `false`, `"auto"` or `"manual"`.
    pub gated: serde_json::Value,
    /// The repo's files (`rfilename`), to choose one whose download route tells most.
    #[serde(default)]
    pub siblings: Vec<Sibling>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Sibling {
    pub rfilename: String,
    /// The file's size in bytes (with `?blobs=true`; for LFS/Xet files the real size).
    #[serde(default)]
    pub size: Option<u64>,
}

impl RepoInfo {
    pub fn gate(&self) -> Option<&str> {
        self.gated.as_str()
    }
}

/// The API path of a repo's info, e.g. `/api/models/org/name`.
pub fn info_path(repo_type: RepoType, repo_id: &str) -> String {
    format!("{}/{}", repo_type.api(), repo_id)
}

/// The repo's page under an endpoint, which is also its git URL.
pub fn repo_url(endpoint: &str, repo_type: RepoType, id: &str) -> String {
    format!("{endpoint}/{}{id}", repo_type.url_prefix())
}

// ---------------------------------------------------------------------------------------------
// whoami-v2

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Whoami {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub orgs: Vec<Org>,
    pub auth: Auth,
    /// A payment method is on file: Inference Providers go on past the included credits.
    #[serde(rename = "canPay")]
    pub can_pay: Option<bool>,
    #[serde(rename = "isPro")]
    pub is_pro: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Org {
    pub name: String,
    #[serde(rename = "roleInOrg")]
    pub role_in_org: Option<String>,
    #[serde(rename = "canPay")]
    pub can_pay: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Auth {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "accessToken")]
    pub access_token: Option<AccessToken>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccessToken {
    #[serde(rename = "displayName")]
    pub display_name: Option<String>,
    pub role: Option<String>,
    #[serde(rename = "createdAt")]
    pub created_at: Option<String>,
    #[serde(rename = "fineGrained")]
    pub fine_grained: Option<FineGrained>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FineGrained {
    #[serde(rename = "canReadGatedRepos")]
    pub can_read_gated_repos: Option<bool>,
    pub global: Vec<String>,
    pub scoped: Vec<Scoped>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Scoped {
    pub entity: Entity,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Entity {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
}

impl Whoami {
    pub fn role(&self) -> Option<&str> {
        self.auth.access_token.as_ref()?.role.as_deref()
    }

    pub fn fine_grained(&self) -> Option<&FineGrained> {
        self.auth.access_token.as_ref()?.fine_grained.as_ref()
    }

    pub fn org_role(&self, org: &str) -> Option<&str> {
        self.orgs
            .iter()
            .find(|o| o.name == org)
            .and_then(|o| o.role_in_org.as_deref())
    }

    /// The fine-grained permissions that apply to a repo: its namespace's scope, or a scope
    /// naming the repo itself.
    pub fn scoped_permissions(&self, repo_id: &str, repo_type: &str) -> Option<Vec<String>> {
        let fine = self.fine_grained()?;
        let namespace = repo_id.split_once('/').map(|(ns, _)| ns).unwrap_or("");
        Some(
            fine.scoped
                .iter()
                .filter(|s| {
                    ((s.entity.kind == "user" || s.entity.kind == "org")
                        && s.entity.name == namespace)
                        || (s.entity.kind == repo_type
                            && s.entity.name.trim_start_matches("datasets/") == repo_id)
                })
                .flat_map(|s| s.permissions.clone())
                .collect(),
        )
    }

    /// Namespaces this token can write to: the account and orgs with write or admin, narrowed
    /// by fine-grained scopes.
    pub fn writable_namespaces(&self) -> Vec<String> {
        let mut out = Vec::new();
        let token_can = |ns: &str| match self.fine_grained() {
            Some(fine) => fine
                .scoped
                .iter()
                .any(|s| s.entity.name == ns && s.permissions.iter().any(|p| p == "repo.write")),
            None => self.role() == Some("write") || self.role() == Some("admin"),
        };
        if token_can(&self.name) {
            out.push(self.name.clone());
        }
        for o in &self.orgs {
            if matches!(o.role_in_org.as_deref(), Some("write" | "admin")) && token_can(&o.name) {
                out.push(o.name.clone());
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
pub enum WhoamiResult {
    Valid(Box<Whoami>, Answer),
    Refused(Answer),
    Failed(CallError),
}

// ---------------------------------------------------------------------------------------------
// The client

/// One answer several checks wait on.
type SharedAnswer = Arc<OnceCell<Result<Answer, CallError>>>;

/// The cell for a key: the first caller fills it, the others wait on the same answer.
fn cell<K: Eq + std::hash::Hash, V>(
    map: &Mutex<HashMap<K, Arc<OnceCell<V>>>>,
    key: K,
) -> Arc<OnceCell<V>> {
    map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert_with(|| Arc::new(OnceCell::new()))
        .clone()
}

pub struct HubClient {
    http: Option<reqwest::Client>,
    pub endpoint: Endpoint,
    proxies: crate::net::proxy::ProxySettings,
    deadline: Duration,
    /// A request still running then is cut: a tenth of the check's time before the run's
    /// deadline, so a request that starts late (behind a slow token discovery, on a loaded
    /// machine) still ends as the check's own finding, not as the runner's bare timeout.
    until: std::time::Instant,
    whoami: Mutex<HashMap<String, Arc<OnceCell<WhoamiResult>>>>,
    shared: Mutex<HashMap<(String, bool), SharedAnswer>>,
    /// Every request id the Hub returned, for reports.
    pub request_ids: Mutex<Vec<String>>,
}

impl HubClient {
    /// `check_deadline` is how long a check may take; one request gets four fifths of it, so
    /// a server that never answers ends as the check's own `no-answer` finding, with its
    /// words, rather than as a bare timeout.
    /// `proxies` are the run's proxy settings, read once (the Context keeps them).
    pub fn new(
        endpoint: Endpoint,
        check_deadline: Duration,
        run_deadline: std::time::Instant,
        roots: Arc<rustls::RootCertStore>,
        proxies: crate::net::proxy::ProxySettings,
    ) -> Self {
        let deadline = check_deadline.mul_f64(0.8);
        let until = run_deadline
            .checked_sub(check_deadline.mul_f64(0.1))
            .unwrap_or(run_deadline);
        let usable = matches!(endpoint.scheme.as_deref(), Some("http" | "https"));
        let http = usable
            .then(|| build_http(&endpoint, deadline, &roots, &proxies))
            .flatten();
        HubClient {
            http,
            endpoint,
            proxies,
            deadline,
            until,
            whoami: Mutex::new(HashMap::new()),
            shared: Mutex::new(HashMap::new()),
            request_ids: Mutex::new(Vec::new()),
        }
    }

    /// May a token go to the endpoint: https, or plain http when every hop is this machine
    /// (the endpoint and the proxy that carries the request, if any).
    pub fn may_send_token(&self) -> bool {
        url::Url::parse(&self.endpoint.url).is_ok_and(|url| may_send_secret(&url, &self.proxies))
    }

    /// The token as a bearer on a request to the endpoint, when one may go there
    /// (`may_send_token`); whether it went.
    fn bearer(
        &self,
        request: reqwest::RequestBuilder,
        token: Option<&Secret>,
    ) -> (reqwest::RequestBuilder, bool) {
        match token {
            Some(token) if self.may_send_token() => (
                request.header(
                    reqwest::header::AUTHORIZATION,
                    format!("Bearer {}", token.expose()),
                ),
                true,
            ),
            _ => (request, false),
        }
    }

    /// The proxy a request to the endpoint goes through, masked for people; None when direct.
    pub fn proxy_for_endpoint(&self) -> Option<String> {
        let url = url::Url::parse(&self.endpoint.url).ok()?;
        match self.proxies.route(&url) {
            crate::net::proxy::Route::Proxy { url, .. } => {
                Some(crate::net::proxy::masked_proxy(&url))
            }
            _ => None,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&Secret>) -> Result<Answer, CallError> {
        self.call(reqwest::Method::GET, path, token, |r| r).await
    }

    /// `method {endpoint}{path}`, with the token as a bearer when one may go there, shaped by
    /// `shape` (headers, body).
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&Secret>,
        shape: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Answer, CallError> {
        let Some(http) = &self.http else {
            return Err(CallError::BadEndpoint);
        };
        let request = shape(http.request(method, format!("{}{}", self.endpoint.url, path)));
        let (request, authorized) = self.bearer(request, token);
        self.send(request, authorized).await
    }

    /// `HEAD {endpoint}{path}` without a token, as the client's metadata request is made.
    pub async fn head(&self, path: &str) -> Result<Answer, CallError> {
        self.head_as_client(path, None).await
    }

    /// `HEAD {endpoint}{path}` as the client's metadata request is made: with the token in
    /// effect, `Accept-Encoding: identity`, redirects followed only on the endpoint's origin.
    pub async fn head_as_client(
        &self,
        path: &str,
        token: Option<&Secret>,
    ) -> Result<Answer, CallError> {
        self.call(reqwest::Method::HEAD, path, token, |r| {
            r.header("Accept-Encoding", "identity")
        })
        .await
    }

    /// `POST {endpoint}{path}` with a JSON body and the token (the preupload probe: it asks how
    /// files would be uploaded and changes nothing).
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&Secret>,
        body: String,
    ) -> Result<Answer, CallError> {
        self.call(reqwest::Method::POST, path, token, |r| {
            r.header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
        })
        .await
    }

    /// A xet read or write token (`path` from `download::xet_token_path`): the answer, with
    /// the token taken out of its body, and the token when the Hub gave one.
    pub async fn xet_token(
        &self,
        path: &str,
        token: Option<&Secret>,
    ) -> Result<(Answer, Option<download::XetToken>), CallError> {
        let mut answer = self.get(path, token).await?;
        let xet = (answer.status == 200)
            .then(|| download::xet_token(&answer))
            .flatten();
        if xet.is_some() {
            // The body holds the access token: nothing downstream may print or keep it.
            answer.body.clear();
            answer.secret_header = None;
        }
        Ok((answer, xet))
    }

    /// What git asks before a push (`{repo URL}/info/refs?service=git-receive-pack`), with the
    /// credential git would send (HTTP basic auth, the token as password). The credential goes
    /// only to a Hub host (`to_hub`: the caller judged the remote's host), over https or with
    /// every hop on this machine.
    pub async fn git_receive_pack_refs(
        &self,
        url: &str,
        to_hub: bool,
        user: &str,
        password: &Secret,
    ) -> Result<Answer, CallError> {
        let Some(http) = &self.http else {
            return Err(CallError::BadEndpoint);
        };
        let safe = to_hub && url::Url::parse(url).is_ok_and(|u| may_send_secret(&u, &self.proxies));
        let mut request = http.get(url);
        if safe {
            request = request.basic_auth(user, Some(password.expose()));
        }
        self.send(request, safe).await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        authorized: bool,
    ) -> Result<Answer, CallError> {
        let send = async {
            let mut response = request.send().await.map_err(call_error)?;
            let mut answer = answer_head(&response, authorized);
            while let Some(chunk) = response.chunk().await.map_err(call_error)? {
                let room = MAX_BODY - answer.body.len();
                answer
                    .body
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
                if answer.body.len() >= MAX_BODY {
                    break;
                }
            }
            Ok(answer)
        };
        let left = self
            .until
            .saturating_duration_since(std::time::Instant::now());
        let answer = tokio::time::timeout(self.deadline.min(left), send)
            .await
            .map_err(|_| CallError::Timeout)??;
        if let Some(id) = &answer.request_id {
            self.request_ids
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(id.clone());
        }
        Ok(answer)
    }

    /// A GET that several checks need (repo info): asked once, shared. Keyed by path and by
    /// whether a token went with it (one token is sent implicitly in a run).
    pub async fn get_shared(
        &self,
        path: &str,
        token: Option<&Secret>,
    ) -> Result<Answer, CallError> {
        cell(&self.shared, (path.to_string(), token.is_some()))
            .get_or_init(|| self.get(path, token))
            .await
            .clone()
    }

    /// whoami-v2 for a token, asked at most once per run and shared by every check.
    pub async fn whoami(&self, token: &Secret) -> WhoamiResult {
        cell(&self.whoami, token.expose().to_string())
            .get_or_init(|| async {
                match self.get("/api/whoami-v2", Some(token)).await {
                    Ok(a) if a.status == 200 => match a.json::<Whoami>() {
                        Some(w) if !w.name.is_empty() => WhoamiResult::Valid(Box::new(w), a),
                        _ => WhoamiResult::Failed(CallError::Other(
                            "whoami-v2 answered 200 with a body that is not the Hub's".into(),
                        )),
                    },
                    Ok(a) => WhoamiResult::Refused(a),
                    Err(e) => WhoamiResult::Failed(e),
                }
            })
            .await
            .clone()
    }
}

/// May a secret (a token, git's credential) go out on a request to `url`? Over https yes: it
/// travels inside TLS, also through a proxy's CONNECT tunnel. Over plain http only when no
/// byte leaves this machine: the target is a loopback host and so is the proxy that carries
/// the request in the clear, if one does (docs/notes/secrets.md).
pub fn may_send_secret(url: &url::Url, proxies: &crate::net::proxy::ProxySettings) -> bool {
    let loopback = |u: &url::Url| {
        u.host_str()
            .is_some_and(|h| crate::hub::endpoint::is_loopback_host(h.trim_matches(['[', ']'])))
    };
    match url.scheme() {
        "https" => true,
        "http" if loopback(url) => match proxies.route(url) {
            crate::net::proxy::Route::Proxy { url: proxy, .. } => {
                url::Url::parse(&crate::world::urls::with_default_scheme(&proxy))
                    .is_ok_and(|p| loopback(&p))
            }
            _ => true,
        },
        _ => false,
    }
}

fn build_http(
    endpoint: &Endpoint,
    deadline: Duration,
    roots: &Arc<rustls::RootCertStore>,
    proxies: &crate::net::proxy::ProxySettings,
) -> Option<reqwest::Client> {
    let origin = url::Url::parse(&endpoint.url).ok()?.origin();
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("hfdoctor/", env!("CARGO_PKG_VERSION")))
        .timeout(deadline)
        .connect_timeout(deadline)
        .use_rustls_tls()
        // Follow a redirect only within the endpoint's own origin (renamed repos answer 307
        // with a relative Location); never carry the token anywhere else.
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.stop()
            } else if attempt.url().origin() == origin {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }));
    // The same roots the network check verifies with (public, OS store, SSL_CERT_FILE and
    // SSL_CERT_DIR), loaded once per run.
    if let Some(config) = crate::net::tls::client_config(roots.as_ref().clone()) {
        builder = builder.use_preconfigured_tls(config);
    }
    // Proxies exactly as the Python client picks them (crate::net::proxy), not reqwest's own
    // reading of the process environment.
    builder = builder.no_proxy();
    if let Some(proxy) = crate::net::proxy::reqwest_proxy(proxies) {
        builder = builder.proxy(proxy);
    }
    builder.build().ok()
}

/// An answer's status and headers, before its body is read.
fn answer_head(response: &reqwest::Response, authorized: bool) -> Answer {
    let header = |name: &str| response.headers().get(name).map(header_text);
    let request_id = header("x-request-id")
        .or_else(|| header("x-amzn-trace-id"))
        .or_else(|| header("x-amz-cf-id"));
    Answer {
        status: response.status().as_u16(),
        error_code: header("x-error-code"),
        error_message: header("x-error-message"),
        reset_secs: header("ratelimit").and_then(|v| parse_reset(&v)),
        request_id,
        body: Vec::new(),
        authorized,
        repo_commit: header("x-repo-commit"),
        headers: DOWNLOAD_HEADERS
            .iter()
            .filter_map(|n| header(n).map(|v| (n.to_string(), v)))
            .collect(),
        secret_header: header("x-xet-access-token").map(Secret::new),
    }
}

fn call_error(e: reqwest::Error) -> CallError {
    use crate::net::Failed;
    match crate::net::failed(&e) {
        Failed::Timeout => CallError::Timeout,
        Failed::Tls(t) => CallError::Tls(t),
        Failed::Connect(t) => CallError::Connect(t),
        Failed::Other(t) => CallError::Other(t),
    }
}

/// `RateLimit: "api";r=0;t=55` → 55.
pub fn parse_reset(value: &str) -> Option<u64> {
    value
        .split(';')
        .find_map(|part| part.trim().strip_prefix("t="))
        .and_then(|t| t.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::env::Env;

    fn answer(status: u16, code: Option<&str>, message: &str) -> Answer {
        Answer {
            error_code: code.map(str::to_string),
            error_message: Some(message.to_string()),
            ..Answer::empty(status)
        }
    }

    #[test]
    fn classification_follows_the_scenario_matrix() {
        let cases = [
            (401, None, "Invalid username or password.", Kind::AnonymousNotFound),
            (404, Some("RepoNotFound"), "Repository not found", Kind::NotFound),
            (401, None, "Invalid credentials in Authorization header", Kind::InvalidToken),
            (401, None, "OAuth token signature verification failed: signature verification failed", Kind::InvalidToken),
            (401, Some("GatedRepo"), "Access to model a/b is restricted. You must have access to it and be authenticated to access it. Please log in.", Kind::Gated(GateState::NotLoggedIn)),
            (403, Some("GatedRepo"), "Access to model a/b is restricted and you are not in the authorized list. Visit https://huggingface.co/a/b to ask for access.", Kind::Gated(GateState::NotRequested)),
            (403, Some("GatedRepo"), "Your request to access model a/b is awaiting a review from the repo authors.", Kind::Gated(GateState::Pending)),
            (403, None, "Please enable access to public gated repositories in your fine-grained token settings to view this repository.", Kind::FineGrainedGated),
            (403, None, "Access to this resource is disabled.", Kind::Disabled),
            (404, Some("RevisionNotFound"), "Invalid rev id: nope", Kind::RevisionNotFound),
            (404, Some("EntryNotFound"), "Entry not found", Kind::EntryNotFound),
            (403, None, "Due to the organization token policy, your token needs to be approved by the organization before you can access this resource.", Kind::OrgPolicy),
            (403, None, "Your token has been revoked by the organization administrator, you can no longer access organization resources. Please contact them for more information.", Kind::OrgPolicy),
            (403, None, "You have read access but not the required permissions for this operation", Kind::ReadOnly),
            (403, None, "pass `create_pr=1` as a query parameter to create a Pull Request.", Kind::ContributorOnly),
            (429, None, "", Kind::RateLimited),
            (403, None, "Something new", Kind::Other),
            (500, None, "", Kind::ServerError),
            (503, None, "Service Unavailable", Kind::ServerError),
            (418, None, "", Kind::Other),
        ];
        for (status, code, msg, kind) in cases {
            assert_eq!(classify(&answer(status, code, msg)), kind, "{status} {msg}");
        }
        // P1/N1 still hold if the Hub starts adding RepoNotFound to the anonymous 401 (docs/notes/hub-answers.md "Uncertain" 5).
        assert_eq!(
            classify(&answer(
                401,
                Some("RepoNotFound"),
                "Invalid username or password."
            )),
            Kind::NotFound
        );
    }

    #[test]
    fn token_only_over_https_or_to_this_machine() {
        let client = |url: &str| {
            let env = Env::from_pairs([("HF_ENDPOINT", url)]);
            HubClient::new(
                Endpoint::from_env(&env),
                Duration::from_secs(1),
                std::time::Instant::now() + Duration::from_secs(1),
                Arc::new(rustls::RootCertStore::empty()),
                crate::net::proxy::ProxySettings::from_env(&env),
            )
        };
        assert!(client("https://huggingface.co").may_send_token());
        assert!(client("https://hub.corp.example").may_send_token());
        assert!(client("http://127.0.0.1:8080").may_send_token());
        assert!(client("http://localhost:8080").may_send_token());
        assert!(!client("http://hub.corp.example").may_send_token());
        assert!(!client("http://10.0.0.5").may_send_token());
        assert!(!client("").may_send_token());
    }

    #[test]
    fn no_secret_through_a_plain_http_proxy_off_this_machine() {
        let check = |url: &str, vars: &[(&str, &str)]| {
            let env = Env::from_pairs(vars.iter().copied());
            may_send_secret(
                &url::Url::parse(url).unwrap(),
                &crate::net::proxy::ProxySettings::from_env(&env),
            )
        };
        let local = "http://127.0.0.1:8080/api/whoami-v2";
        assert!(check(local, &[]));
        assert!(check(local, &[("HTTP_PROXY", "http://127.0.0.1:3128")]));
        assert!(check(local, &[("http_proxy", "localhost:3128")]));
        assert!(!check(local, &[("HTTP_PROXY", "http://proxy.corp:3128")]));
        assert!(!check(local, &[("ALL_PROXY", "http://10.0.0.1:3128")]));
        // NO_PROXY takes the request off the proxy: it stays on this machine.
        assert!(check(
            local,
            &[
                ("HTTP_PROXY", "http://proxy.corp:3128"),
                ("NO_PROXY", "127.0.0.1")
            ]
        ));
        // https is end-to-end TLS, through a CONNECT tunnel too.
        assert!(check(
            "https://huggingface.co/api/whoami-v2",
            &[("HTTPS_PROXY", "http://proxy.corp:3128")]
        ));
        assert!(!check("http://hub.corp.example/api/whoami-v2", &[]));
        assert!(!check("ftp://127.0.0.1/", &[]));
    }

    #[test]
    fn rate_limit_reset() {
        assert_eq!(parse_reset("\"api\";r=0;t=55"), Some(55));
        assert_eq!(parse_reset("garbage"), None);
    }

    #[test]
    fn what_came_back_is_always_said() {
        let mut a = answer(503, None, "");
        a.error_message = None;
        assert_eq!(a.status_line(), "503 Service Unavailable");
        assert_eq!(a.said(), Said::EmptyBody);
        assert!(a.client_fails() && a.is_server_error());
        a.body =
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>".to_vec();
        assert_eq!(a.message(), None);
        assert_eq!(a.said(), Said::HtmlPage(Some("502 Bad Gateway".into())));
        a.body = b"upstream connect error or disconnect/reset before headers\n".to_vec();
        assert_eq!(
            a.said(),
            Said::Message("upstream connect error or disconnect/reset before headers".into())
        );
        a.body = br#"{"error_description":"expired"}"#.to_vec();
        assert_eq!(a.said(), Said::Message("expired".into()));
        a.body = br#"{"errors":[{"message":"bad"}]}"#.to_vec();
        assert_eq!(a.said(), Said::Message("bad".into()));
        a.body = br#"{"other":1}"#.to_vec();
        assert_eq!(a.said(), Said::NotJson);
        let a = answer(401, None, "");
        assert!(a.client_fails() && !a.is_server_error());
        assert!(!answer(307, None, "").client_fails());
        let v = reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap();
        assert_eq!(header_text(&v), "café");
    }

    #[test]
    fn body_message_when_no_header() {
        let mut a = answer(403, None, "");
        a.error_message = None;
        a.body = br#"{"error":"from body"}"#.to_vec();
        assert_eq!(a.message().as_deref(), Some("from body"));
    }
}
