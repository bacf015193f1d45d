//! Structured evidence from any error text: the HTTP status, the hosts and routes of the URLs
//! it names, `X-Error-Code` when the text shows one, the Hub's own message, the exception
//! class, the client that printed it (and its version), the request id, the repo. What the
//! decision reads (`decide`), and what `explain --format json` shows as `extracted`.
//!
//! Reading is bounded: on a long log only the windows around the lines that matched a pattern
//! and the last 64 KiB are read here, so 50 MB of log costs the pattern pass and little else
//! (docs/notes/explain.md "Speed").

use std::sync::OnceLock;

use regex::bytes::Regex;

use crate::hub::repo::RepoType;
use crate::hub::route::{self, Host, Route};

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Extracted {
    pub repo_id: Option<String>,
    pub repo_type: Option<String>,
    /// The URL the error names (redacted).
    pub url: Option<String>,
    pub status: Option<u16>,
    /// Other statuses the text reports (a HEAD's 404 before a GET's 429).
    pub other_statuses: Vec<u16>,
    /// Only as the text shows it (`X-Error-Code: GatedRepo`), never inferred.
    pub error_code: Option<String>,
    pub server_message: Option<String>,
    pub request_id: Option<String>,
    /// The program that printed the text (`transformers`, `git-lfs`, `hf-hub-rust`, …).
    pub client: Option<String>,
    pub client_version: Option<String>,
    /// The exception class raised, the last one of a traceback (`GatedRepoError`).
    pub exception: Option<String>,
    /// The host the error is about (the URL's, or `host='…'` of a connection error).
    pub host: Option<String>,
    pub host_kind: Option<Host>,
    pub route: Option<Route>,
    /// Every kind of host the text names, and every route.
    pub hosts_seen: Vec<Host>,
    pub routes_seen: Vec<Route>,
}

impl Extracted {
    /// A storage host (CDN, Xet) is named, and the Hub's API too or none at all.
    pub fn names_storage(&self) -> bool {
        self.hosts_seen.iter().any(|h| h.is_storage())
    }

    pub fn names(&self, host: Host) -> bool {
        self.hosts_seen.contains(&host)
    }

    pub fn on_route(&self, r: Route) -> bool {
        self.routes_seen.contains(&r)
    }
}

/// ASCII classes and word boundaries: what the texts' machine words need, and what keeps the
/// regex engine on its DFA for any input (a Unicode `\b` on bytes that are not UTF-8 falls
/// back to a far slower engine; docs/notes/explain.md "Speed").
fn re(src: &str) -> Regex {
    regex::bytes::RegexBuilder::new(src)
        .unicode(false)
        .build()
        .expect("valid extraction regex")
}

macro_rules! static_re {
    ($src:expr) => {{
        static R: OnceLock<Regex> = OnceLock::new();
        R.get_or_init(|| re($src))
    }};
}

fn text_of(m: &[u8]) -> String {
    String::from_utf8_lossy(m).trim().to_string()
}

fn capture(r: &Regex, text: &[u8]) -> Option<String> {
    r.captures(text)
        .and_then(|c| c.get(1))
        .map(|m| text_of(m.as_bytes()))
}

/// The part of a long text worth reading: windows around `at` and its end. A short text whole.
pub fn focus(text: &[u8], at: &[usize]) -> Vec<u8> {
    const WHOLE: usize = 256 << 10;
    const AROUND: usize = 4 << 10;
    const TAIL: usize = 64 << 10;
    if text.len() <= WHOLE {
        return text.to_vec();
    }
    let mut spans: Vec<(usize, usize)> = at
        .iter()
        .map(|&p| (p.saturating_sub(AROUND), (p + AROUND).min(text.len())))
        .collect();
    spans.push((text.len() - TAIL, text.len()));
    spans.sort();
    let mut out = Vec::new();
    let mut end = 0;
    for (s, e) in spans {
        let s = s.max(end);
        if s >= e {
            continue;
        }
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.extend_from_slice(&text[s..e]);
        end = e;
    }
    out
}

/// The HTTP status the text reports, in the words of every client seen (docs/notes/explain.md
/// "Statuses"): `401 Client Error`, httpx's `Client error '403 Forbidden'`, reqwest's
/// `HTTP status client error (403 Forbidden)`, hf-hub's `Status(403`, git's `returned error:
/// 403`, `status code 404`, `HTTP 429`, a reason phrase after the number.
fn all_statuses(text: &[u8]) -> Vec<u16> {
    let patterns: [&Regex; 8] = [
        static_re!(r"\b([45]\d\d) (?:Client|Server) Error"),
        static_re!(r"(?i)(?:client|server) error (?:'|\()([45]\d\d)"),
        static_re!(
            r"(?i)\b([45]\d\d)(?: -)? (?:Unauthorized|Forbidden|Not Found|Too Many Requests|Gone|Range Not Satisfiable|Requested Range Not Satisfiable|Proxy Authentication Required|Bad Gateway|Service Unavailable|Gateway Time-?out|Internal Server Error|Payment Required|Request Timeout)\b"
        ),
        static_re!(r"(?i)\bstatus(?:[ _]?code)?\b[=:(\s]*\(?\s*([45]\d\d)\b"),
        static_re!(r"(?i)returned error: ([45]\d\d)\b"),
        static_re!(r"(?i)\bHTTP(?:/[\d.]+)?(?: error| status)?[ :]+([45]\d\d)\b"),
        // "GET failed (429)", "error (403)".
        static_re!(r"(?i)\b(?:failed|error|status)[:\s]*\(([45]\d\d)\)"),
        // A request log's "GET /api/whoami-v2 - 429".
        static_re!(r"(?im)(?:/\S+|request|failed)[^\n]{0,30}\s-\s([45]\d\d)\s*$"),
    ];
    statuses(text, &patterns)
}

/// Every distinct status the patterns find, in the patterns' order (at most 4).
fn statuses(text: &[u8], patterns: &[&Regex]) -> Vec<u16> {
    let mut out = Vec::new();
    for r in patterns {
        for c in r.captures_iter(text).take(8) {
            let Some(s) = c
                .get(1)
                .and_then(|m| text_of(m.as_bytes()).parse::<u16>().ok())
            else {
                continue;
            };
            if !out.contains(&s) && out.len() < 4 {
                out.push(s);
            }
        }
    }
    out
}

/// The Hub's own messages (docs/notes/hub-answers.md), as the server words them.
fn server_message(text: &[u8]) -> Option<String> {
    let r = static_re!(
        r"(?i)(Invalid credentials in Authorization header|Invalid user token\.?|Invalid username or password\.|Access to (?:model|dataset|space) [^\n]*?(?:Please log in\.|to ask for access\.|restricted\.|authorized list\.)|Your request to access [^\n]*? is awaiting a review from the repo authors\.|Please enable access to public gated repositories in your fine-grained token settings to view this repository\.|You have read access but not the required permissions for this operation\.?|Password authentication in git is no longer supported\.[^\n]*|Your push was rejected because it contains [^\n]*|Access to this resource is disabled\.|This authentication method does not have sufficient permissions to call Inference Providers[^\n.]*|We had to rate limit you[^\n]*|You don't have the rights to create a [^\n]*|This repository is over its data quota[^\n]*)"
    );
    capture(r, text).map(|m| crate::explain::patterns::redact(&m))
}

/// Names a client leaves in its output, most specific first: the program that printed the
/// text, not the library under it (`transformers` over `huggingface_hub`).
const CLIENTS: &[(&str, &str)] = &[
    ("comfyui", r"(?i)ComfyUI|custom_nodes[/\\]"),
    ("langchain", r"(?i)langchain"),
    ("vllm", r"(?i)\bvllm\b|vllm[/\\]"),
    (
        "tgi",
        r"text[-_]generation[-_](?:launcher|router|server|inference)|text_generation_server",
    ),
    ("ollama", r"(?i)\bollama\b"),
    (
        "llama.cpp",
        r"(?i)llama[._-]cpp|llama-server|llama-cli|common_download|llama_model_load",
    ),
    (
        "hf-hub-rust",
        r"hf_hub::|hf-hub|RequestError\(Status\(|mistralrs|mistral\.rs|candle|text-embeddings-router|text_embeddings",
    ),
    (
        "huggingface.js",
        r"@huggingface/|HubApiError|node_modules|InferenceOutputError",
    ),
    (
        "sentence-transformers",
        r"sentence_transformers|sentence-transformers|SentenceTransformer",
    ),
    ("diffusers", r"diffusers[/\\.]|DiffusionPipeline"),
    ("peft", r"\bpeft[/\\.]"),
    (
        "datasets",
        r"datasets[/\\]|DatasetNotFoundError|load_dataset|DatasetGenerationError",
    ),
    (
        "transformers",
        r"transformers[/\\.]|from_pretrained|AutoModel|AutoTokenizer",
    ),
    ("gradio", r"(?i)\bgradio\b"),
    ("git-xet", r"git-xet|git xet"),
    (
        "hf_xet",
        r"hf_xet|xet_client|cas_client|CAS service error|Data processing error",
    ),
    (
        "git-lfs",
        r"(?i)batch response|git-lfs|Uploading LFS objects|LFS: |smudge filter lfs",
    ),
    (
        "git",
        r"(?m)^(?:fatal|remote|error): |git (?:push|clone|pull|fetch)\b|\bTo https?://",
    ),
    (
        "hf-cli",
        r"huggingface-cli|\bhf (?:download|upload|auth|login|repo|cache)\b|HF_DEBUG=1",
    ),
    (
        "huggingface_hub",
        r"huggingface_hub|HfHubHTTPError|hf_hub_download|snapshot_download",
    ),
    ("curl", r"(?m)^curl: \(\d+\)|^\* "),
];

fn client(text: &[u8]) -> (Option<String>, Option<String>) {
    static SET: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    let set = SET.get_or_init(|| CLIENTS.iter().map(|(n, r)| (*n, re(r))).collect());
    let name = set
        .iter()
        .find(|(_, r)| r.is_match(text))
        .map(|(n, _)| n.to_string());
    let version = name.as_deref().and_then(|n| {
        let lib = match n {
            "hf-cli" | "huggingface_hub" => "huggingface_hub",
            other => other,
        };
        let r = regex::bytes::RegexBuilder::new(&format!(
            r"(?i){}(?:==|[/ -]|,? version:? |\s+v)v?(\d+\.\d+(?:\.\d+)?)",
            regex::escape(lib)
        ))
        .unicode(false)
        .build()
        .ok()?;
        capture(&r, text)
    });
    (name, version)
}

/// The exception the traceback ends in: the last `Name:` of a Python-style class.
fn exception(text: &[u8]) -> Option<String> {
    let r = static_re!(
        r"(?m)(?:^|[\s.(])([A-Z][A-Za-z0-9]*(?:Error|Exception|Timeout|Disabled|NotFound))\b(?::|\(|$)"
    );
    r.captures_iter(text)
        .last()
        .and_then(|c| c.get(1))
        .map(|m| text_of(m.as_bytes()))
}

/// Hosts a connection error names without a URL: `host='x'`, `resolve host: x`, `lookup x`.
fn bare_hosts(text: &[u8]) -> Vec<String> {
    let r = static_re!(
        r#"(?i)(?:host=['"]|resolve host:? |ENOTFOUND |lookup |connect to |Failed to connect to |domain: https?://|tcp connect error.*?|Connecting to )([a-z0-9][a-z0-9.-]*\.[a-z]{2,})"#
    );
    r.captures_iter(text)
        .take(50)
        .filter_map(|c| c.get(1).map(|m| text_of(m.as_bytes()).to_ascii_lowercase()))
        .collect()
}

/// Everything the text says about the request.
pub fn extract(text: &[u8]) -> Extracted {
    let mut x = Extracted::default();
    // The authority takes userinfo too (`https://user:hf_…@huggingface.co/…`, what git prints
    // with a token in the remote): its host is after the last `@` (`route::of_url`).
    let url_re = static_re!(r#"https?://[A-Za-z0-9._~%!$&+,;=:@\-]+(?:/[^\s'"`)<>\]]*)?"#);
    // One pass over the URLs, for two answers:
    // - the URL the error is about: a storage host first (it is the one that failed, when
    //   named), then a repo route of the API or a download, then a git or web URL;
    // - the repo: from a resolve or API URL first, else a git or web URL of the Hub.
    let mut best: Option<(u8, String, (String, Host, Route))> = None;
    let mut repo_url: Option<(u8, String, RepoType)> = None;
    for m in url_re.find_iter(text).take(300) {
        let url = String::from_utf8_lossy(m.as_bytes())
            .trim_end_matches(['.', ',', ':', ';'])
            .to_string();
        let Some(parsed) = route::of_url(&url) else {
            continue;
        };
        let (host, route) = (parsed.1, parsed.2);
        let api_or_download = url.contains("/resolve/") || url.contains("/api/");
        let hub_like = matches!(host, Host::Hub | Host::Mirror)
            || url.contains("/resolve/")
            || url.contains("/api/models/")
            || url.contains("/api/datasets/")
            || url.contains("/api/spaces/");
        if hub_like {
            if let Some((id, kind)) = crate::explain::patterns::repo_from_url(&url) {
                let rank = if api_or_download { 2 } else { 1 };
                if repo_url.as_ref().is_none_or(|b| rank > b.0) {
                    repo_url = Some((rank, id, kind));
                }
            }
        }
        if host == Host::Other && !api_or_download {
            continue;
        }
        if !x.hosts_seen.contains(&host) {
            x.hosts_seen.push(host);
        }
        if !x.routes_seen.contains(&route) {
            x.routes_seen.push(route);
        }
        let rank = match (host, route) {
            (h, _) if h.is_storage() => 4,
            (_, Route::Other) => 1,
            (Host::Other, _) => 1,
            (_, Route::Resolve | Route::RepoInfo | Route::Tree) => 3,
            _ => 2,
        };
        if best.as_ref().is_none_or(|b| rank > b.0) {
            best = Some((rank, url, parsed));
        }
    }
    // A connection error's bare host (no URL): the one the error is about when it is a
    // storage host, or when nothing better was named; it is no URL to show.
    for h in bare_hosts(text) {
        let kind = Host::of(&h);
        if kind != Host::Other && !x.hosts_seen.contains(&kind) {
            x.hosts_seen.push(kind);
        }
        let named = (h.clone(), kind, Route::of(kind, "/"));
        if kind.is_storage() && best.as_ref().is_none_or(|b| b.0 < 4) {
            best = Some((4, format!("https://{h}/"), named));
        } else if kind != Host::Other && best.is_none() {
            best = Some((0, String::new(), named));
        }
    }
    if let Some((rank, url, (host, kind, route))) = best {
        x.host = Some(host);
        x.host_kind = Some(kind);
        x.route = Some(route);
        if rank > 0 {
            x.url = Some(crate::explain::patterns::redact(&url));
        }
    }
    if let Some((_, id, kind)) = repo_url {
        x.repo_id = Some(id);
        x.repo_type = Some(kind.as_str().to_string());
    } else {
        let named = static_re!(
            r"(?i)(?:(model|dataset|space)s? '?|Repo id: |repo_id=['\x22]?|\b)([A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)'? (?:is not a local folder|doesn't exist on the Hub|is restricted|is gated|not found)"
        );
        let access =
            static_re!(r"Access to (model|dataset|space) ([A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+)");
        if let Some(c) = access.captures(text).or_else(|| named.captures(text)) {
            x.repo_id = c.get(2).map(|m| text_of(m.as_bytes()));
            x.repo_type = c
                .get(1)
                .map(|m| text_of(m.as_bytes()).to_ascii_lowercase())
                .or_else(|| {
                    memchr::memmem::find(text, b"DatasetNotFoundError").map(|_| "dataset".into())
                })
                .or_else(|| x.repo_id.as_ref().map(|_| "model".into()));
        }
    }
    let all = all_statuses(text);
    x.status = all.first().copied();
    x.other_statuses = all.into_iter().skip(1).collect();
    x.error_code = capture(static_re!(r"(?i)X-Error-Code:?\s*([A-Za-z]+)"), text);
    x.request_id = capture(
        static_re!(r"(?:Request ID|Amzn Trace ID|Amz CF ID|request[_-]id)[:=]\s*([^)\s,]+)"),
        text,
    );
    x.server_message = server_message(text);
    let (name, version) = client(text);
    x.client = name;
    x.client_version = version;
    x.exception = exception(text);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_in_every_clients_words() {
        for (text, want) in [
            ("401 Client Error: Unauthorized for url", 401),
            (
                "httpx.HTTPStatusError: Client error '403 Forbidden' for url",
                403,
            ),
            (
                "HTTP status client error (403 Forbidden), domain: https://x",
                403,
            ),
            ("RequestError(Status(403, Response[status: 403]))", 403),
            ("The requested URL returned error: 403", 403),
            ("Error: status code 404", 404),
            ("HTTP Error 429: Too Many Requests", 429),
            ("got 416 Range Not Satisfiable", 416),
            ("no status here 2024-05-01 12:00:00", 0),
        ] {
            let first = all_statuses(text.as_bytes()).first().copied();
            assert_eq!(first.unwrap_or(0), want, "{text}");
        }
    }

    #[test]
    fn hosts_of_connection_errors() {
        let x = extract(
            b"HTTPSConnectionPool(host='cas-bridge.xethub.hf.co', port=443): Read timed out. (read timeout=10)",
        );
        assert_eq!(x.host_kind, Some(Host::Cdn));
        assert!(x.names_storage());
        let x = extract(b"Error: Invalid certificate(UnknownIssuer) on cas-server.xethub.hf.co");
        assert_eq!(
            x.host_kind, None,
            "a bare name without a URL or a known lead-in"
        );
        let x = extract(b"curl: (6) Could not resolve host: huggingface.co");
        assert_eq!(x.host_kind, Some(Host::Hub));
        assert_eq!(x.client.as_deref(), Some("curl"));
    }

    #[test]
    fn a_url_with_a_token_in_it_is_read_and_shown_masked() {
        let x = extract(
            b"fatal: unable to access 'https://bob:hf_abcdefgh_ijkl@huggingface.co/acme/x.git/': The requested URL returned error: 403",
        );
        assert_eq!(x.host_kind, Some(Host::Hub));
        assert_eq!(x.repo_id.as_deref(), Some("acme/x"));
        assert_eq!(
            x.url.as_deref(),
            Some("https://bob:****@huggingface.co/acme/x.git/")
        );
    }

    #[test]
    fn error_code_only_when_shown() {
        let x = extract(b"huggingface_hub.errors.GatedRepoError: 403 Client Error.");
        assert_eq!(x.error_code, None);
        assert_eq!(x.exception.as_deref(), Some("GatedRepoError"));
        let x = extract(b"< X-Error-Code: GatedRepo");
        assert_eq!(x.error_code.as_deref(), Some("GatedRepo"));
    }

    #[test]
    fn clients_and_versions() {
        let x = extract(b"  File \"/usr/lib/python3/site-packages/transformers/utils/hub.py\", line 3\nhuggingface_hub==0.23.4");
        assert_eq!(x.client.as_deref(), Some("transformers"));
        let x = extract(
            b"Could not get file \"tokenizer.json\" from API: RequestError(Status(403, x))",
        );
        assert_eq!(x.client.as_deref(), Some("hf-hub-rust"));
        let x = extract(b"batch response: Authorization error.");
        assert_eq!(x.client.as_deref(), Some("git-lfs"));
        let x = extract(b"huggingface_hub version 0.20.3\nhuggingface_hub.errors.HfHubHTTPError");
        assert_eq!(x.client_version.as_deref(), Some("0.20.3"));
    }

    #[test]
    fn a_long_log_is_read_around_its_matches_and_at_its_end() {
        let mut text = vec![b'a'; 1 << 20];
        text.extend_from_slice(b"\n401 Client Error");
        let f = focus(&text, &[10]);
        assert!(f.len() < 100 << 10);
        assert!(f.ends_with(b"401 Client Error"));
    }
}
