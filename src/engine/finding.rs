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

    /// Worst first: a failure, then a timeout or crash, a warning, a pass, a skip. A check's
    /// verdict is its most severe finding, and so is a diagnosis entry's status.
    pub fn severity(self) -> u8 {
        match self {
            Status::Fail => 0,
            Status::Timeout | Status::Crash => 1,
            Status::Warn => 2,
            Status::Pass => 3,
            Status::Skip => 4,
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
    StorageBlocked,
    ClientOutdated,
    DiskFull,
    CacheUnwritable,
    CacheCorrupt,
    CacheLocked,
    SpaceError,
    NoProvider,
    InferenceCredits,
    ServerError,
}

impl Cause {
    pub const ALL: [Cause; 29] = [
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
        Cause::StorageBlocked,
        Cause::ClientOutdated,
        Cause::DiskFull,
        Cause::CacheUnwritable,
        Cause::CacheCorrupt,
        Cause::CacheLocked,
        Cause::SpaceError,
        Cause::NoProvider,
        Cause::InferenceCredits,
        Cause::ServerError,
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

/// Which table of the catalog an outcome's words come from. A check's own outcomes live in its
/// `checks/<id>.toml`; the shared network failures in `checks/_common.toml`; what the runner
/// gives any check (it timed out, crashed, was skipped) in `checks/_runner.toml`. Two outcomes of
/// different namespaces never stand in for each other: the catalog lookup has no fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    /// A check's own outcomes, by check id.
    Check(&'static str),
    Common,
    Runner,
}

/// A set of outcomes: an enum declared with [`outcomes!`], each variant with its kebab-case
/// name as it appears in the JSON `code` and as the key in the catalog.
pub trait Outcomes: Copy + Eq + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    /// The variant as written in Rust (`Missing`), for the test that finds it in the source.
    fn variant(self) -> &'static str;
}

/// An outcome set that belongs to a namespace. A check's `Outcome` enum gets this from the one
/// registry line in `src/checks/mod.rs`, so the check id is written in one place only.
pub trait Owned: Outcomes {
    const NAMESPACE: Namespace;
}

/// One outcome of one namespace: what `Found::new` takes and what `Finding::is` compares. It
/// can only be made from an [`Owned`] enum, so a misspelt outcome does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OutcomeId {
    namespace: Namespace,
    name: &'static str,
}

impl OutcomeId {
    pub fn namespace(self) -> Namespace {
        self.namespace
    }

    /// The kebab-case name, the part of the JSON `code` after the check id.
    pub fn name(self) -> &'static str {
        self.name
    }
}

impl<T: Owned> From<T> for OutcomeId {
    fn from(o: T) -> Self {
        OutcomeId {
            namespace: T::NAMESPACE,
            name: o.name(),
        }
    }
}

impl std::fmt::Display for OutcomeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Declares an outcome enum: each variant with the kebab-case name the JSON `code` and the
/// catalog use (`Missing = "missing"`). The name is written out rather than derived so the
/// codes of the JSON contract (docs/json.md) can be found with grep; a test checks that every
/// name has catalog words and every catalog outcome a variant.
#[macro_export]
macro_rules! outcomes {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),*
        }

        impl $crate::engine::finding::Outcomes for $name {
            const ALL: &'static [Self] = &[$($name::$variant),*];
            fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $code),*
                }
            }
            fn variant(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),*
                }
            }
        }
    };
}

/// The key of a detail that code reads back (not only renders): declared once as a constant
/// and used both to write and to read it, so the two cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(pub &'static str);

impl Key {
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

/// A finding's detail saying that the check tested its first fix without changing anything
/// (asked the Hub with the other token, found the repo under its real type): `yes`. The
/// diagnosis reads it (docs/diagnosis.md).
pub const VERIFIED: Key = Key("verified");

/// A detail key as a check writes it: a plain literal, or a [`Key`] that is also read back.
pub trait IntoKey {
    fn key(self) -> &'static str;
}

impl IntoKey for &'static str {
    fn key(self) -> &'static str {
        self
    }
}

impl IntoKey for Key {
    fn key(self) -> &'static str {
        self.0
    }
}

fn detail_of(details: &[(String, String)], key: Key) -> Option<&str> {
    details
        .iter()
        .find(|(k, _)| k == key.0)
        .map(|(_, v)| v.as_str())
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
    pub outcome: OutcomeId,
    pub params: Vec<(&'static str, Param)>,
    /// Facts shown under `-v` and in JSON `details`. Never a secret: masked forms only.
    pub details: Vec<(String, String)>,
}

impl Found {
    /// A finding of a typed outcome. A string, or a variant that does not exist, does not
    /// compile:
    ///
    /// ```compile_fail
    /// hfdoctor::engine::finding::Found::new("missing");
    /// ```
    ///
    /// ```compile_fail
    /// hfdoctor::engine::finding::Found::new(hfdoctor::checks::token_file::Outcome::Mising);
    /// ```
    ///
    /// ```
    /// hfdoctor::engine::finding::Found::new(hfdoctor::checks::token_file::Outcome::Missing);
    /// ```
    pub fn new(outcome: impl Into<OutcomeId>) -> Self {
        Found {
            outcome: outcome.into(),
            params: Vec::new(),
            details: Vec::new(),
        }
    }

    /// This finding is that outcome.
    pub fn is(&self, outcome: impl Into<OutcomeId>) -> bool {
        self.outcome == outcome.into()
    }

    /// The value of a detail that code reads back.
    pub fn detail_of(&self, key: Key) -> Option<&str> {
        detail_of(&self.details, key)
    }

    /// A placeholder value that is also a detail.
    pub fn with(mut self, key: impl IntoKey, value: impl Into<String>) -> Self {
        let key = key.key();
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

    /// The check tested this finding's first fix without changing anything.
    pub fn verified(self) -> Self {
        self.detail(VERIFIED.as_str(), "yes")
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
    pub outcome: OutcomeId,
    pub status: Status,
    pub cause: Option<Cause>,
    pub params: Vec<(&'static str, Param)>,
    pub details: Vec<(String, String)>,
    pub duration_ms: u64,
}

impl Finding {
    /// The JSON `code`: `check/outcome`, whatever the outcome's namespace (a runner timeout of
    /// token-file is `token-file/timeout`).
    pub fn code(&self) -> String {
        format!("{}/{}", self.check, self.outcome)
    }

    /// This finding is that outcome (a check's own outcome names its check, so
    /// `is(token_file::Outcome::Ok)` never matches another check's `ok`).
    pub fn is(&self, outcome: impl Into<OutcomeId>) -> bool {
        self.outcome == outcome.into()
    }

    /// The value of a detail that code reads back.
    pub fn detail_of(&self, key: Key) -> Option<&str> {
        detail_of(&self.details, key)
    }

    /// The check tested this finding's first fix ([`Found::verified`]).
    pub fn is_verified(&self) -> bool {
        self.detail_of(VERIFIED) == Some("yes")
    }
}
