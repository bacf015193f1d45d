//! The common namespace: findings any network check gives when a request got no answer, and
//! the one implementation of the rate-limited finding and of the Hub hosts a check judges. Their words are in
//! `checks/_common.toml`; no check's own catalog may define these names (tests/catalog.rs).

use crate::context::Context;
use crate::engine::finding::{Found, Namespace, Owned};
use crate::hub::{Answer, CallError, Said};

crate::outcomes! {
    pub enum Outcome {
        Unreachable = "unreachable",
        NoAnswer = "no-answer",
        TlsFailed = "tls-failed",
        BadEndpoint = "bad-endpoint",
        ServerError = "server-error",
    }
}

impl Owned for Outcome {
    const NAMESPACE: Namespace = Namespace::Common;
}

/// A request that got no answer, as a finding any network check can give.
pub fn call_failed(ctx: &Context, err: &CallError) -> Found {
    let outcome = match err {
        CallError::Tls(_) => Outcome::TlsFailed,
        CallError::BadEndpoint => Outcome::BadEndpoint,
        CallError::Timeout => Outcome::NoAnswer,
        _ => Outcome::Unreachable,
    };
    let found = Found::new(outcome)
        .with("endpoint", ctx.endpoint().url.clone())
        .with("error", err.describe());
    match outcome {
        Outcome::Unreachable => found.with_msg("failure", failure(&err.describe())),
        _ => found,
    }
}

/// What happened to a connection that failed, from the error's own words: a refusal, a reset
/// and a name that does not resolve are each said as such, never as "no answer".
fn failure(error: &str) -> &'static str {
    let e = error.to_ascii_lowercase();
    if e.contains("refused") {
        "failure-refused"
    } else if e.contains("reset") || e.contains("broken pipe") {
        "failure-reset"
    } else if e.contains("dns")
        || e.contains("lookup address")
        || e.contains("name or service not known")
        || e.contains("no such host")
        || e.contains("nodename nor servname")
        || e.contains("name resolution")
    {
        "failure-dns"
    } else {
        "failure-other"
    }
}

/// The request a server error answered, named in the reader's language.
#[derive(Debug, Clone, Copy)]
pub enum Request<'a> {
    Whoami,
    WhoamiForGit,
    RepoInfo(&'a str),
    WriteCheck(&'a str),
    AccessCheck(&'a str),
    PushDiscovery(&'a str),
}

/// A 5xx: the Hub, or a gateway or proxy in front of it, failed. The message says what came
/// back, never nothing (docs/notes/hub-answers.md).
pub fn server_error(ctx: &Context, request: Request, answer: &Answer) -> Found {
    let (phrase, repo) = match request {
        Request::Whoami => ("request-whoami", None),
        Request::WhoamiForGit => ("request-whoami-git", None),
        Request::RepoInfo(r) => ("request-repo-info", Some(r)),
        Request::WriteCheck(r) => ("request-write-check", Some(r)),
        Request::AccessCheck(r) => ("request-access-check", Some(r)),
        Request::PushDiscovery(r) => ("request-push-discovery", Some(r)),
    };
    let found = Found::new(Outcome::ServerError)
        .with("endpoint", ctx.endpoint().url.clone())
        .with("status", answer.status.to_string())
        .param("status_line", answer.status_line())
        .with_msg("request", phrase);
    match repo {
        Some(r) => found.with("repo", r),
        None => found,
    }
    .with_said("message", answer)
    .detail("request_id", answer.request_id.clone().unwrap_or_default())
}

/// What an answer said, as the placeholder `key` (and a detail of the same name): the server's
/// own message as it came, else a phrase in the reader's language ("no message, an empty
/// body"), whose JSON detail is the phrase's stable key (`said-empty-body`).
pub trait WithSaid {
    fn with_said(self, key: &'static str, answer: &Answer) -> Self;
}

impl WithSaid for Found {
    fn with_said(self, key: &'static str, answer: &Answer) -> Self {
        match answer.said() {
            Said::Message(m) => self.with(key, m),
            Said::EmptyBody => self.with_msg(key, "said-empty-body"),
            Said::NotJson => self.with_msg(key, "said-not-json"),
            Said::HtmlPage(None) => self.with_msg(key, "said-html-page"),
            Said::HtmlPage(Some(title)) => self
                .with_msg(key, "said-html-titled")
                .with("page_title", title),
        }
    }
}

/// A 429: `{reset}` is the seconds until the window resets (`?` when the Hub did not say).
/// The outcome stays the check's own: what a 429 means differs between whoami-v2 (strictly
/// limited, says nothing about the token) and a repo request (anonymous traffic shares a limit),
/// and so do the fixes.
pub fn rate_limited(found: Found, answer: &Answer) -> Found {
    found.with(
        "reset",
        answer.reset_secs.map_or("?".into(), |s| s.to_string()),
    )
}

/// Hosts a download or push touches besides the endpoint (LFS/CDN and Xet storage the Hub
/// redirects to, docs/notes/proxy.md "Hosts a download or push reaches"). Best known names; a redirect elsewhere is possible.
pub const STORAGE_HOSTS: &[&str] = &["cdn-lfs.huggingface.co", "cas-bridge.xethub.hf.co"];

/// The hosts (with scheme and port) to judge: the endpoint's, then the storage hosts when the
/// endpoint is the Hub.
pub fn hub_urls(ctx: &Context) -> Vec<url::Url> {
    let mut urls = Vec::new();
    if let Ok(u) = url::Url::parse(&ctx.endpoint().url) {
        if u.host_str().is_some() {
            urls.push(u);
        }
    }
    if matches!(ctx.endpoint().kind, crate::hub::endpoint::EndpointKind::Hub) {
        for h in STORAGE_HOSTS {
            if let Ok(u) = url::Url::parse(&format!("https://{h}")) {
                urls.push(u);
            }
        }
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::failure;

    #[test]
    fn failures_say_what_happened() {
        let cases = [
            (
                "tcp connect error: Connection refused (os error 111)",
                "failure-refused",
            ),
            ("Connection reset by peer (os error 104)", "failure-reset"),
            (
                "dns error: failed to lookup address information: Name or service not known",
                "failure-dns",
            ),
            ("No route to host (os error 113)", "failure-other"),
        ];
        for (error, key) in cases {
            assert_eq!(failure(error), key, "{error}");
        }
    }
}
