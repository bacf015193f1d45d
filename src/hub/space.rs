//! The Hub's answers about a Space and about Inference Providers, as huggingface_hub asks for
//! them (docs/notes/space-status.md, docs/notes/inference-access.md): the runtime
//! (`GET /api/spaces/{id}/runtime`, `HfApi.get_space_runtime`), the build and run logs (a
//! server-sent-event stream, `GET /api/spaces/{id}/logs/{build|run}`, `HfApi.fetch_space_logs`),
//! the names of the Space's secrets and variables (`GET /api/spaces/{id}/secrets|variables`;
//! values are dropped as soon as the answer is read), and a model's provider mapping
//! (`GET /api/models/{id}?expand=inferenceProviderMapping`, `model_info(expand=…)`).
//!
//! The log stream is the one answer here that may never end: it is read until it ends, or
//! `LogLimits` says stop (bytes, total time, a quiet gap), whichever comes first.

use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::hub::{Answer, CallError, HubClient, MAX_BODY};
use crate::secret::Secret;

/// Every stage huggingface_hub knows (`SpaceStage`, `_space_api.py`), plus `SLEEPING`, which
/// huggingface.js knows (data-plane.md §6). Anything else is `Unknown`, kept as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    NoAppFile,
    ConfigError,
    Building,
    BuildError,
    Running,
    RunningBuilding,
    RuntimeError,
    Deleting,
    Stopped,
    Paused,
    AppStarting,
    RunningAppStarting,
    Sleeping,
    Unknown(String),
}

impl Stage {
    pub fn parse(s: &str) -> Stage {
        match s {
            "NO_APP_FILE" => Stage::NoAppFile,
            "CONFIG_ERROR" => Stage::ConfigError,
            "BUILDING" => Stage::Building,
            "BUILD_ERROR" => Stage::BuildError,
            "RUNNING" => Stage::Running,
            "RUNNING_BUILDING" => Stage::RunningBuilding,
            "RUNTIME_ERROR" => Stage::RuntimeError,
            "DELETING" => Stage::Deleting,
            "STOPPED" => Stage::Stopped,
            "PAUSED" => Stage::Paused,
            "APP_STARTING" => Stage::AppStarting,
            "RUNNING_APP_STARTING" => Stage::RunningAppStarting,
            "SLEEPING" => Stage::Sleeping,
            other => Stage::Unknown(other.to_string()),
        }
    }

    /// The log that says why: the build's for a build error, the app's for a runtime error.
    pub fn failing_log(&self) -> Option<LogKind> {
        match self {
            Stage::BuildError => Some(LogKind::Build),
            Stage::RuntimeError => Some(LogKind::Run),
            _ => None,
        }
    }
}

/// `hardware: {current, requested}` of the runtime.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Hardware {
    pub current: Option<String>,
    pub requested: Option<String>,
}

/// What the runtime answer holds that a doctor reads (`SpaceRuntime`, `_space_api.py`; the
/// JS client's `currentPrettyName` and the rest are ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Runtime {
    pub stage: Option<String>,
    pub hardware: Hardware,
    /// Seconds the Space is kept alive after the last request (`sleep_time` in Python).
    #[serde(rename = "gcTimeout")]
    pub gc_timeout: Option<i64>,
    pub sdk: Option<String>,
    #[serde(rename = "sdkVersion")]
    pub sdk_version: Option<String>,
    #[serde(rename = "errorMessage")]
    pub error_message: Option<String>,
    #[serde(rename = "devMode")]
    pub dev_mode: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Build,
    Run,
}

impl LogKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Build => "build",
            LogKind::Run => "run",
        }
    }
}

/// How much of a log stream is read: the stream is cut at whichever comes first.
#[derive(Debug, Clone, Copy)]
pub struct LogLimits {
    /// Bytes of the stream read in all.
    pub max_bytes: usize,
    /// Time from the request on.
    pub max_time: Duration,
    /// A gap with no new bytes: the buffered lines are in (huggingface_hub's no-follow mode
    /// stops at a read timeout the same way).
    pub quiet: Duration,
    /// Lines kept: the last ones.
    pub keep: usize,
    /// Characters kept of one line.
    pub line_chars: usize,
}

impl LogLimits {
    /// The bounds a check uses within `budget` (what is left of its deadline).
    pub fn within(budget: Duration) -> Self {
        LogLimits {
            max_bytes: 256 << 10,
            max_time: budget.min(Duration::from_secs(3)),
            quiet: Duration::from_millis(800).min(budget),
            keep: 20,
            line_chars: 300,
        }
    }
}

/// What a log request gave: the answer (its body only when it was not the stream), and the
/// last lines of the stream.
#[derive(Debug, Clone)]
pub struct Logs {
    pub answer: Answer,
    pub lines: Vec<String>,
    /// The stream was cut by a limit (it may hold more).
    pub cut: bool,
}

/// One SSE line: the `data` of a `data: {"data": "…", "timestamp": "…"}` event; keep-alives
/// (`data:` with nothing) and other fields are not log lines.
pub fn sse_data(line: &str) -> Option<String> {
    let json = line
        .strip_prefix("data: {")
        .map(|rest| format!("{{{rest}"))?;
    let v: serde_json::Value = serde_json::from_str(&json).ok()?;
    v["data"].as_str().map(str::to_string)
}

/// The last `keep` non-empty lines of these log events, each at most `chars` characters.
fn push_lines(into: &mut std::collections::VecDeque<String>, data: &str, limits: &LogLimits) {
    for line in data.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let mut cut: String = line.chars().take(limits.line_chars).collect();
        if line.chars().count() > limits.line_chars {
            cut.push('…');
        }
        into.push_back(cut);
        while into.len() > limits.keep {
            into.pop_front();
        }
    }
}

/// A model's provider, as its mapping says (`InferenceProviderMapping`, hf_api.py).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub name: String,
    /// `live`, `staging` or `error` (anything else kept as it came).
    pub status: String,
    pub task: String,
}

/// The mapping as `ModelInfo` reads it: a dict keyed by provider (model_info) or a list with
/// `provider` in each entry (list_models). None when the answer has no mapping at all.
pub fn providers(body: &[u8]) -> Option<Vec<Provider>> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let one = |name: &str, e: &serde_json::Value| Provider {
        name: name.to_string(),
        status: e["status"].as_str().unwrap_or("").to_string(),
        task: e["task"].as_str().unwrap_or("").to_string(),
    };
    match &v["inferenceProviderMapping"] {
        serde_json::Value::Object(map) => Some(map.iter().map(|(k, e)| one(k, e)).collect()),
        serde_json::Value::Array(list) => Some(
            list.iter()
                .map(|e| one(e["provider"].as_str().unwrap_or(""), e))
                .collect(),
        ),
        _ => None,
    }
}

/// The retired serverless Inference API's host (data-plane.md §6; `constants.INFERENCE_ENDPOINT`
/// still defaults to it).
pub const LEGACY_INFERENCE_HOST: &str = "api-inference.huggingface.co";

/// The variables whose value points at the retired Inference API: `HF_INFERENCE_ENDPOINT`, or
/// a base URL another client reads (`OPENAI_BASE_URL=https://api-inference.huggingface.co/v1`).
/// Names only, sorted; a value is never kept.
pub fn legacy_inference_vars(env: &crate::world::env::Env) -> Vec<String> {
    let mut out: Vec<String> = env
        .iter()
        .filter(|(_, v)| {
            let v = v.to_string_lossy().to_ascii_lowercase();
            url::Url::parse(v.trim())
                .ok()
                .and_then(|u| u.host_str().map(|h| h == LEGACY_INFERENCE_HOST))
                .unwrap_or(false)
        })
        .map(|(k, _)| k.clone())
        .collect();
    out.sort();
    out
}

impl HubClient {
    /// `GET /api/spaces/{id}/runtime`.
    pub async fn space_runtime(
        &self,
        id: &str,
        token: Option<&Secret>,
    ) -> Result<Answer, CallError> {
        self.get(&format!("/api/spaces/{id}/runtime"), token).await
    }

    /// The names of a Space's secrets and of its variables (`/secrets`, `/variables`): the
    /// answers (bodies dropped: a variable's value is not the doctor's to keep) and the names
    /// when the answer was 200 with a JSON object.
    pub async fn space_setting_names(
        &self,
        id: &str,
        what: &str,
        token: Option<&Secret>,
    ) -> Result<(Answer, Option<Vec<String>>), CallError> {
        let mut answer = self.get(&format!("/api/spaces/{id}/{what}"), token).await?;
        let names = (answer.status == 200)
            .then(|| answer.json::<serde_json::Map<String, serde_json::Value>>())
            .flatten()
            .map(|m| m.keys().cloned().collect());
        if answer.status == 200 {
            answer.body.clear();
        }
        Ok((answer, names))
    }

    /// `GET /api/models/{id}?expand=inferenceProviderMapping`, as `model_info(expand=[…])`
    /// sends it.
    pub async fn provider_mapping(
        &self,
        model: &str,
        token: Option<&Secret>,
    ) -> Result<Answer, CallError> {
        self.get(
            &format!("/api/models/{model}?expand=inferenceProviderMapping"),
            token,
        )
        .await
    }

    /// The last lines of a Space's build or run log, read within `limits`.
    pub async fn space_logs(
        &self,
        id: &str,
        kind: LogKind,
        token: Option<&Secret>,
        limits: LogLimits,
    ) -> Result<Logs, CallError> {
        let Some(http) = &self.http else {
            return Err(CallError::BadEndpoint);
        };
        let url = format!(
            "{}/api/spaces/{id}/logs/{}",
            self.endpoint.url,
            kind.as_str()
        );
        let request = http
            .get(url)
            .header(reqwest::header::ACCEPT, "text/event-stream");
        let (request, authorized) = self.bearer(request, token);
        let started = Instant::now();
        let mut response = match tokio::time::timeout(limits.max_time, request.send()).await {
            Err(_) => return Err(CallError::Timeout),
            Ok(r) => r.map_err(super::call_error)?,
        };
        let mut answer = super::answer_head(&response, authorized);
        if let Some(id) = &answer.request_id {
            self.request_ids
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(id.clone());
        }
        let streaming = answer.status == 200;
        let mut lines = std::collections::VecDeque::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut read = 0usize;
        let mut cut = false;
        // Keep-alives are bytes but no news: quiet is counted from the last log event.
        let mut last_event = Instant::now();
        loop {
            let left = limits.max_time.saturating_sub(started.elapsed());
            let quiet_left = limits.quiet.saturating_sub(last_event.elapsed());
            if streaming && quiet_left.is_zero() {
                // Quiet for a while: what was buffered is in.
                break;
            }
            if left.is_zero() || read >= limits.max_bytes {
                cut = true;
                break;
            }
            let wait = if streaming {
                left.min(quiet_left)
            } else {
                left
            };
            let chunk = match tokio::time::timeout(wait, response.chunk()).await {
                Err(_) => {
                    cut = !streaming || started.elapsed() >= limits.max_time;
                    break;
                }
                Ok(Err(_)) | Ok(Ok(None)) => break,
                Ok(Ok(Some(c))) => c,
            };
            read += chunk.len();
            if !streaming {
                let room = MAX_BODY.saturating_sub(answer.body.len());
                answer
                    .body
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
                continue;
            }
            pending.extend_from_slice(&chunk);
            while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                if let Some(data) = sse_data(String::from_utf8_lossy(&line).trim_end()) {
                    push_lines(&mut lines, &data, &limits);
                    last_event = Instant::now();
                }
            }
        }
        if let Some(data) = sse_data(String::from_utf8_lossy(&pending).trim_end()) {
            push_lines(&mut lines, &data, &limits);
        }
        Ok(Logs {
            answer,
            lines: lines.into_iter().collect(),
            cut,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_stage_and_the_unknown_as_it_came() {
        for s in [
            "NO_APP_FILE",
            "CONFIG_ERROR",
            "BUILDING",
            "BUILD_ERROR",
            "RUNNING",
            "RUNNING_BUILDING",
            "RUNTIME_ERROR",
            "DELETING",
            "STOPPED",
            "PAUSED",
            "APP_STARTING",
            "RUNNING_APP_STARTING",
            "SLEEPING",
        ] {
            assert!(!matches!(Stage::parse(s), Stage::Unknown(_)), "{s}");
        }
        assert_eq!(
            Stage::parse("MIGRATING"),
            Stage::Unknown("MIGRATING".into())
        );
        assert_eq!(
            Stage::parse("BUILD_ERROR").failing_log(),
            Some(LogKind::Build)
        );
        assert_eq!(
            Stage::parse("RUNTIME_ERROR").failing_log(),
            Some(LogKind::Run)
        );
        assert_eq!(Stage::parse("PAUSED").failing_log(), None);
    }

    #[test]
    fn sse_events_and_keepalives() {
        assert_eq!(
            sse_data(r#"data: {"data": "Step 1/5\n", "timestamp": "2026-01-01T00:00:00Z"}"#),
            Some("Step 1/5\n".into())
        );
        assert_eq!(sse_data("data: "), None);
        assert_eq!(sse_data(": keep-alive"), None);
        assert_eq!(sse_data("event: message"), None);
        let limits = LogLimits {
            keep: 2,
            line_chars: 5,
            ..LogLimits::within(Duration::from_secs(1))
        };
        let mut q = std::collections::VecDeque::new();
        push_lines(&mut q, "one\n\ntwo\nthree-long\n", &limits);
        assert_eq!(q, ["two", "three…"]);
    }

    #[test]
    fn provider_mapping_as_dict_or_list() {
        let dict = br#"{"id":"a/b","inferenceProviderMapping":{"together":{"status":"live","providerId":"x","task":"conversational"}}}"#;
        assert_eq!(
            providers(dict),
            Some(vec![Provider {
                name: "together".into(),
                status: "live".into(),
                task: "conversational".into()
            }])
        );
        let list = br#"{"inferenceProviderMapping":[{"provider":"groq","status":"staging","task":"t","providerId":"y"}]}"#;
        assert_eq!(providers(list).unwrap()[0].name, "groq");
        assert_eq!(providers(br#"{"id":"a/b"}"#), None);
        assert_eq!(
            providers(br#"{"inferenceProviderMapping":{}}"#),
            Some(vec![])
        );
    }
}
