//! Findings are plain data: what a check reached (its outcome code and the facts that fill the
//! catalog's words). The words themselves are looked up at render time, in the reader's language.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
    Timeout,
    Crash,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Warn,
        Status::Fail,
        Status::Skip,
        Status::Timeout,
        Status::Crash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Timeout => "timeout",
            Status::Crash => "crash",
        }
    }

    /// Makes the run fail (exit 1). A check that could not finish is no proof that all is well.
    pub fn is_failure(self, strict: bool) -> bool {
        matches!(self, Status::Fail | Status::Timeout | Status::Crash)
            || (strict && self == Status::Warn)
    }
}

/// The root-cause vocabulary shared by checks, `explain` and reports (DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    InvalidToken,
    NoToken,
    ReadOnlyToken,
    FineGrainedScope,
    GatedNotAccepted,
    RepoNotFound,
    WrongRepoType,
    NoNamespaceRights,
    GitPasswordAuth,
    StaleGitCredential,
    LfsMissing,
    LargeFileRejected,
    Proxy,
    Tls,
    NetworkUnreachable,
    OfflineMode,
    MirrorEndpoint,
    RateLimited,
    EnvConflict,
}

impl Cause {
    pub const ALL: [Cause; 19] = [
        Cause::InvalidToken,
        Cause::NoToken,
        Cause::ReadOnlyToken,
        Cause::FineGrainedScope,
        Cause::GatedNotAccepted,
        Cause::RepoNotFound,
        Cause::WrongRepoType,
        Cause::NoNamespaceRights,
        Cause::GitPasswordAuth,
        Cause::StaleGitCredential,
        Cause::LfsMissing,
        Cause::LargeFileRejected,
        Cause::Proxy,
        Cause::Tls,
        Cause::NetworkUnreachable,
        Cause::OfflineMode,
        Cause::MirrorEndpoint,
        Cause::RateLimited,
        Cause::EnvConflict,
    ];

    pub fn parse(s: &str) -> Option<Cause> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// A value for a placeholder: plain text, or a key of a shared message that is itself
/// translated (so a check can say "it is quoted" in every language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Msg(&'static str),
}

/// What a check reports: an outcome of its catalog, the values for its words, and facts.
#[derive(Debug, Clone)]
pub struct Found {
    pub outcome: &'static str,
    pub params: Vec<(&'static str, Param)>,
    /// Facts shown under `-v` and in JSON `details`. Never a secret: masked forms only.
    pub details: Vec<(String, String)>,
}

impl Found {
    pub fn new(outcome: &'static str) -> Self {
        Found {
            outcome,
            params: Vec::new(),
            details: Vec::new(),
        }
    }

    /// A placeholder value that is also a detail.
    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        self.details.push((key.to_string(), value.clone()));
        self.params.push((key, Param::Text(value)));
        self
    }

    /// A placeholder value that is not a detail (a form of a detail made for the words, such as
    /// a shell-quoted path).
    pub fn param(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.params.push((key, Param::Text(value.into())));
        self
    }

    /// A placeholder whose words come from `checks/_messages.toml`.
    pub fn with_msg(mut self, key: &'static str, msg: &'static str) -> Self {
        self.details.push((key.to_string(), msg.to_string()));
        self.params.push((key, Param::Msg(msg)));
        self
    }

    pub fn detail(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.details.push((key.into(), value.into()));
        self
    }
}

/// A finding as the runner hands it to renderers.
#[derive(Debug, Clone)]
pub struct Finding {
    pub check: &'static str,
    pub outcome: &'static str,
    pub status: Status,
    pub cause: Option<Cause>,
    pub params: Vec<(&'static str, Param)>,
    pub details: Vec<(String, String)>,
    pub duration_ms: u64,
}

impl Finding {
    pub fn code(&self) -> String {
        format!("{}/{}", self.check, self.outcome)
    }
}
