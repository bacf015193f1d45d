//! The route of a download, host by host, as the client would take it (docs/notes/download-path.md):
//! the resolve HEAD on the endpoint, then for an LFS file the CDN URL it redirects to, for a
//! Xet file the xet read token, the CAS host it names and the transfer host the CAS names
//! (and, beside them, the bridge a client without hf_xet follows). Every host comes from the
//! answer before it; nothing is taken from a fixed list. Each leg is timed and read within a
//! budget; a leg that cannot connect is taken apart step by step to say where it broke.
//!
//! The Hub token goes only to the endpoint (`HubClient`); storage requests go through
//! `net::storage`, which cannot send it; the xet access token goes only to the CAS URL the
//! Hub named, without following redirects.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join;

use crate::hub::download::{self, ResolveHead, Storage, XetToken};
use crate::hub::repo::RepoType;
use crate::hub::{Answer, CallError, HubClient, RepoInfo};
use crate::net::proxy::{ProxySettings, Route};
use crate::net::steps::{self, StepFailure};
use crate::net::storage::{Budget, Failed, Sample, StorageClient};
use crate::secret::Secret;

/// A public file of a well-known repo, asked when no target is named: big enough to live on
/// the storage hosts, read only in part.
pub const DEFAULT_FILE: (&str, &str) = ("openai-community/gpt2", "model.safetensors");

/// The most one sample reads, and for how long (the issue's "1 MiB or 2 s").
pub const SAMPLE_BYTES: u64 = 1 << 20;
pub const SAMPLE_TIME: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The resolve HEAD on the endpoint.
    Api,
    /// The CDN URL an LFS file redirects to.
    Cdn,
    /// Where a Xet file redirects a client without hf_xet.
    Bridge,
    XetToken,
    XetCas,
    XetTransfer,
    XetWriteToken,
}

impl Role {
    /// A leg on the endpoint itself (the token may go there).
    pub fn on_endpoint(self) -> bool {
        matches!(self, Role::Api | Role::XetToken | Role::XetWriteToken)
    }
}

/// What one leg of the route did.
#[derive(Debug, Clone)]
pub enum LegResult {
    /// The endpoint answered (HEAD or a token request).
    Hub { status: u16, took: Duration },
    /// A storage host answered and was read.
    Read(Sample),
    /// No answer: why, and for a direct route the step that broke.
    Failed {
        failed: Failed,
        step: Option<StepFailure>,
    },
}

#[derive(Debug, Clone)]
pub struct Leg {
    pub role: Role,
    pub host: String,
    pub port: u16,
    /// scheme://host[:port]/path without the query (a signed URL's query is a credential).
    pub shown: String,
    /// The proxy the leg goes through, masked, and the variable that chose it; None when
    /// direct.
    pub proxy: Option<(String, String)>,
    pub result: LegResult,
}

impl Leg {
    /// `host` or `host:port` when the port is not the scheme's.
    pub fn host_port(&self) -> String {
        let default = if self.shown.starts_with("http://") {
            80
        } else {
            443
        };
        if self.port == default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    pub fn is_storage(&self) -> bool {
        !self.role.on_endpoint()
    }
}

/// How the file was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// The biggest-looking file of the target (weights, data).
    Target,
    /// The target has only small files, all in git.
    TargetGitOnly,
    /// No target: `DEFAULT_FILE`.
    Default,
}

/// Why the route could not be followed past the endpoint.
#[derive(Debug, Clone)]
pub enum Stopped {
    /// The endpoint did not answer (the network check says why).
    NoAnswer(CallError),
    /// The endpoint refused the repo info or the resolve request (repo-access says why).
    Refused(Answer),
    /// A 2xx/3xx without `X-Repo-Commit`: not the Hub (the network check says so).
    NotHub(u16),
}

#[derive(Debug, Clone)]
pub struct Trace {
    pub repo_id: String,
    pub repo_type: RepoType,
    pub file: String,
    pub chosen: Chosen,
    pub storage: Option<Storage>,
    pub head: Option<ResolveHead>,
    pub stopped: Option<Stopped>,
    /// In the order the client takes them; the bridge last.
    pub legs: Vec<Leg>,
    /// With `--write`: the xet write token answer (status), or why it was not asked.
    pub write: Option<Result<Answer, CallError>>,
    /// The CAS the Hub named for writes.
    pub write_cas: Option<String>,
    /// With `--write`: the preupload answer (how a file would be uploaded; it writes nothing).
    pub preupload: Option<Result<Answer, CallError>>,
}

impl Trace {
    /// A route of `repo_id` not followed yet: `DEFAULT_FILE`'s file, no leg.
    fn new(repo_id: String, repo_type: RepoType) -> Self {
        Trace {
            repo_id,
            repo_type,
            file: DEFAULT_FILE.1.to_string(),
            chosen: Chosen::Default,
            storage: None,
            head: None,
            stopped: None,
            legs: Vec::new(),
            write: None,
            write_cas: None,
            preupload: None,
        }
    }

    /// A route that could not be followed at all.
    pub fn unfollowed() -> Self {
        Trace {
            stopped: Some(Stopped::NoAnswer(CallError::Other(
                "the route was not followed".into(),
            ))),
            ..Trace::new(DEFAULT_FILE.0.to_string(), RepoType::Model)
        }
    }

    /// The storage hosts the route reached or tried, each once, in route order.
    pub fn storage_hosts(&self) -> Vec<(String, u16, Role, bool)> {
        let mut out: Vec<(String, u16, Role, bool)> = Vec::new();
        for leg in self.legs.iter().filter(|l| l.is_storage()) {
            if !out
                .iter()
                .any(|(h, p, _, _)| *h == leg.host && *p == leg.port)
            {
                let https = leg.shown.starts_with("https://");
                out.push((leg.host.clone(), leg.port, leg.role, https));
            }
        }
        out
    }
}

/// The preupload probe: one empty file by a name no repo holds. The Hub answers how it would
/// be uploaded (`uploadMode`); nothing is written (data-plane.md §3.1).
const PREUPLOAD_BODY: &str =
    r#"{"files":[{"path":".hfdoctor-preupload-probe","sample":"","size":0}]}"#;

/// What the trace needs from the run.
pub struct Input<'a> {
    pub hub: &'a HubClient,
    pub roots: &'a Arc<rustls::RootCertStore>,
    pub proxies: &'a ProxySettings,
    pub token: Option<&'a Secret>,
    /// (id, type) of the target; None asks `DEFAULT_FILE`.
    pub target: Option<(String, RepoType)>,
    pub write: bool,
    /// How long the whole trace may take.
    pub budget: Duration,
}

pub async fn run(input: Input<'_>) -> Trace {
    let started = Instant::now();
    let left = || input.budget.saturating_sub(started.elapsed());
    let (repo_id, repo_type) = input
        .target
        .clone()
        .unwrap_or((DEFAULT_FILE.0.to_string(), RepoType::Model));
    let mut trace = Trace::new(repo_id.clone(), repo_type);
    let hub = input.hub;
    let write = async {
        if !input.write {
            return None;
        }
        let path = download::xet_token_path(repo_type, &repo_id, "main", true);
        let preupload = format!("{}/{repo_id}/preupload/main", repo_type.api());
        let (token, pre) = join(
            hub.xet_token(&path, input.token),
            hub.post_json(&preupload, input.token, PREUPLOAD_BODY.to_string()),
        )
        .await;
        Some((token, pre))
    };
    let read = async {
        if input.target.is_some() {
            let info = hub
                .get_shared(&crate::hub::info_path(repo_type, &repo_id), input.token)
                .await;
            match info {
                Err(e) => {
                    trace.stopped = Some(Stopped::NoAnswer(e));
                    return;
                }
                Ok(a) if a.status != 200 => {
                    trace.stopped = Some(Stopped::Refused(a));
                    return;
                }
                Ok(a) => {
                    let files: Vec<String> = a
                        .json::<RepoInfo>()
                        .map(|i| i.siblings.into_iter().map(|s| s.rfilename).collect())
                        .unwrap_or_default();
                    let (file, chosen) = choose_file(&files);
                    trace.file = file;
                    trace.chosen = chosen;
                }
            }
        }
        follow(&input, &mut trace, &left).await;
    };
    let (write, ()) = join(write, read).await;
    if let Some((w, pre)) = write {
        trace.preupload = Some(pre);
        match w {
            Ok((answer, token)) => {
                trace.write_cas = token.map(|t| t.cas_url);
                trace.write = Some(Ok(answer));
            }
            Err(e) => trace.write = Some(Err(e)),
        }
    }
    trace
}

/// The file whose route tells most: weights or data by extension, else the first file that
/// is not metadata, else README.md.
pub fn choose_file(files: &[String]) -> (String, Chosen) {
    const BIG: &[&str] = &[
        ".safetensors",
        ".gguf",
        ".bin",
        ".parquet",
        ".pt",
        ".pth",
        ".onnx",
        ".h5",
        ".ckpt",
        ".msgpack",
        ".arrow",
        ".zip",
        ".tar",
        ".gz",
        ".npz",
        ".model",
    ];
    for ext in BIG {
        if let Some(f) = files.iter().find(|f| f.ends_with(ext)) {
            return (f.clone(), Chosen::Target);
        }
    }
    let small = files
        .iter()
        .find(|f| !f.starts_with('.') && !f.eq_ignore_ascii_case("README.md"))
        .or_else(|| files.first())
        .cloned()
        .unwrap_or_else(|| "README.md".to_string());
    (small, Chosen::TargetGitOnly)
}

async fn follow(input: &Input<'_>, trace: &mut Trace, left: &(dyn Fn() -> Duration + Sync)) {
    let hub = input.hub;
    let path = download::resolve_path(trace.repo_type, &trace.repo_id, "main", &trace.file);
    let Ok(resolve_url) = url::Url::parse(&format!("{}{path}", hub.endpoint.url)) else {
        trace.stopped = Some(Stopped::NoAnswer(CallError::BadEndpoint));
        return;
    };
    let t = Instant::now();
    let answer = match hub.head_as_client(&path, input.token).await {
        Err(e) => {
            trace.stopped = Some(Stopped::NoAnswer(e));
            return;
        }
        Ok(a) => a,
    };
    trace.legs.push(leg(
        input,
        Role::Api,
        &resolve_url,
        LegResult::Hub {
            status: answer.status,
            took: t.elapsed(),
        },
    ));
    if answer.client_fails() {
        trace.stopped = Some(Stopped::Refused(answer));
        return;
    }
    if answer.repo_commit.is_none() {
        trace.stopped = Some(Stopped::NotHub(answer.status));
        return;
    }
    let head = ResolveHead::from_answer(&answer, &resolve_url);
    let storage = head.storage(&resolve_url);
    trace.storage = Some(storage);
    trace.head = Some(head.clone());
    if storage == Storage::Git {
        return;
    }
    let Some(client) = StorageClient::new(input.roots, input.proxies) else {
        trace.stopped = Some(Stopped::NoAnswer(CallError::Other(
            "no TLS configuration".into(),
        )));
        return;
    };
    let client = &client;
    let sample_budget = |left: Duration| Budget {
        bytes: SAMPLE_BYTES,
        read: SAMPLE_TIME.min(left / 3),
        stall: (SAMPLE_TIME / 2).min(left / 4),
        answer: left.mul_f64(0.6),
        keep: 16 << 10,
    };
    let location = head.location.clone();
    match storage {
        Storage::Lfs => {
            if let Some(url) = location {
                let l =
                    storage_leg(input, client, Role::Cdn, &url, None, sample_budget(left())).await;
                trace.legs.push(l);
            }
        }
        Storage::Xet => {
            let bridge = async {
                match &location {
                    Some(url) if url.origin() != resolve_url.origin() => Some(
                        storage_leg(
                            input,
                            client,
                            Role::Bridge,
                            url,
                            None,
                            sample_budget(left()),
                        )
                        .await,
                    ),
                    _ => None,
                }
            };
            let xet = xet_route(input, client, trace, &head, left);
            let (bridge, xet_legs) = join(bridge, xet).await;
            trace.legs.extend(xet_legs);
            trace.legs.extend(bridge);
        }
        Storage::Git => {}
    }
}

/// xet read token → CAS reconstruction → transfer host, as hf_xet goes.
async fn xet_route(
    input: &Input<'_>,
    client: &StorageClient,
    trace: &Trace,
    head: &ResolveHead,
    left: &(dyn Fn() -> Duration + Sync),
) -> Vec<Leg> {
    let hub = input.hub;
    let mut legs = Vec::new();
    // The refresh route the Hub named, when it is on the endpoint; else the documented path
    // (the token goes to the endpoint only).
    let path = head
        .xet_auth
        .as_deref()
        .and_then(|r| endpoint_path(&hub.endpoint.url, r))
        .unwrap_or_else(|| {
            download::xet_token_path(trace.repo_type, &trace.repo_id, "main", false)
        });
    let Ok(token_url) = url::Url::parse(&format!("{}{path}", hub.endpoint.url)) else {
        return legs;
    };
    let t = Instant::now();
    let (answer, token) = match hub.xet_token(&path, input.token).await {
        Err(e) => {
            legs.push(leg(
                input,
                Role::XetToken,
                &token_url,
                LegResult::Failed {
                    failed: Failed::Other(e.describe()),
                    step: None,
                },
            ));
            return legs;
        }
        Ok(x) => x,
    };
    legs.push(leg(
        input,
        Role::XetToken,
        &token_url,
        LegResult::Hub {
            status: answer.status,
            took: t.elapsed(),
        },
    ));
    let Some(XetToken {
        access, cas_url, ..
    }) = token
    else {
        return legs;
    };
    let Some(hash) = &head.xet_hash else {
        return legs;
    };
    let Ok(cas) = url::Url::parse(&format!(
        "{}/v2/reconstructions/{hash}",
        cas_url.trim_end_matches('/')
    )) else {
        return legs;
    };
    let mut budget = Budget {
        bytes: 1 << 20,
        read: SAMPLE_TIME.min(left() / 3),
        stall: (SAMPLE_TIME / 2).min(left() / 4),
        answer: left().mul_f64(0.5),
        keep: 1 << 20,
    };
    let cas_leg = storage_leg_ranged(
        input,
        client,
        Role::XetCas,
        &cas,
        Some((0, SAMPLE_BYTES - 1)),
        Some(&access),
        budget,
    )
    .await;
    let fetch = match &cas_leg.result {
        LegResult::Read(s) if s.status == 200 => download::first_fetch(&s.body),
        _ => None,
    };
    legs.push(cas_leg);
    let Some(fetch) = fetch else {
        return legs;
    };
    let Ok(xorb) = url::Url::parse(&fetch.url) else {
        return legs;
    };
    budget = Budget {
        bytes: SAMPLE_BYTES,
        read: SAMPLE_TIME.min(left() / 2),
        stall: (SAMPLE_TIME / 2).min(left() / 3),
        answer: left().mul_f64(0.6),
        keep: 16 << 10,
    };
    // The range exactly as the CAS gave it: the URL is signed for that range
    // (`X-Xet-Signed-Range`), and the sample stops reading after SAMPLE_BYTES anyway.
    legs.push(
        storage_leg_ranged(
            input,
            client,
            Role::XetTransfer,
            &xorb,
            Some((fetch.start, fetch.end)),
            None,
            budget,
        )
        .await,
    );
    legs
}

/// `route` as a path on the endpoint: relative, or absolute on the endpoint's origin or on
/// huggingface.co (which the client rewrites to the endpoint). None elsewhere.
fn endpoint_path(endpoint: &str, route: &str) -> Option<String> {
    if route.starts_with('/') {
        return Some(route.to_string());
    }
    let url = url::Url::parse(route).ok()?;
    let ep = url::Url::parse(endpoint).ok()?;
    let hub_origin = url::Url::parse(crate::hub::endpoint::DEFAULT_ENDPOINT)
        .ok()?
        .origin();
    if url.origin() != ep.origin() && url.origin() != hub_origin {
        return None;
    }
    let mut path = url.path().to_string();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    // An endpoint with a path prefix (a mirror under /hf) keeps it in front.
    let prefix = ep.path().trim_end_matches('/');
    Some(path.strip_prefix(prefix).unwrap_or(&path).to_string())
}

async fn storage_leg(
    input: &Input<'_>,
    client: &StorageClient,
    role: Role,
    url: &url::Url,
    bearer: Option<&Secret>,
    budget: Budget,
) -> Leg {
    storage_leg_ranged(
        input,
        client,
        role,
        url,
        Some((0, SAMPLE_BYTES - 1)),
        bearer,
        budget,
    )
    .await
}

async fn storage_leg_ranged(
    input: &Input<'_>,
    client: &StorageClient,
    role: Role,
    url: &url::Url,
    range: Option<(u64, u64)>,
    bearer: Option<&Secret>,
    budget: Budget,
) -> Leg {
    let result = match client.sample(url.as_str(), range, bearer, budget).await {
        Ok(s) => LegResult::Read(s),
        Err(failed) => {
            // Where it broke, for a direct route (through a proxy the proxy check says).
            let step = match input.proxies.route(url) {
                Route::Direct | Route::Bypassed(_) => {
                    let (host, port) = steps::host_port(url);
                    let step = budget.answer.min(Duration::from_secs(2)) / 2;
                    steps::connect(&host, port, url.scheme() == "https", step, input.roots)
                        .await
                        .err()
                }
                Route::Proxy { .. } => None,
            };
            LegResult::Failed { failed, step }
        }
    };
    leg(input, role, url, result)
}

fn leg(input: &Input<'_>, role: Role, url: &url::Url, result: LegResult) -> Leg {
    let (host, port) = steps::host_port(url);
    let proxy = match input.proxies.route(url) {
        Route::Proxy { url, var } => Some((crate::net::proxy::masked_proxy(&url), var)),
        _ => None,
    };
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    Leg {
        role,
        host,
        port,
        shown: shown.to_string(),
        proxy,
        result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_that_tells_most() {
        let files: Vec<String> = [
            ".gitattributes",
            "README.md",
            "config.json",
            "model.safetensors",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            choose_file(&files),
            ("model.safetensors".to_string(), Chosen::Target)
        );
        let small: Vec<String> = [".gitattributes", "README.md", "app.py"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            choose_file(&small),
            ("app.py".to_string(), Chosen::TargetGitOnly)
        );
        assert_eq!(choose_file(&[]).0, "README.md");
    }

    #[test]
    fn the_token_route_stays_on_the_endpoint() {
        let ep = "https://hf-mirror.example/hf";
        assert_eq!(
            endpoint_path(ep, "https://huggingface.co/api/models/a/b/xet-read-token/c"),
            Some("/api/models/a/b/xet-read-token/c".into())
        );
        assert_eq!(
            endpoint_path(
                ep,
                "https://hf-mirror.example/hf/api/models/a/b/xet-read-token/c"
            ),
            Some("/api/models/a/b/xet-read-token/c".into())
        );
        assert_eq!(endpoint_path(ep, "https://evil.example/api/x"), None);
        assert_eq!(endpoint_path(ep, "/api/x"), Some("/api/x".into()));
    }
}
