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
    SpaceRuntime(&'a str),
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
        Request::SpaceRuntime(r) => ("request-space-runtime", Some(r)),
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

/// Storage hosts to judge when the Hub cannot be asked which ones a download uses (offline,
/// or the route stopped before the storage hosts): data-plane.md §1.3 names these; they may
/// change, so a name of this list that does not resolve is not a failure of this machine
/// (docs/notes/download-path.md).
pub const FALLBACK_STORAGE_HOSTS: &[&str] = &[
    "us.aws.cdn.hf.co",
    "cas-bridge.xethub.hf.co",
    "cas-server.xethub.hf.co",
    "transfer.xethub.hf.co",
];

/// The endpoint's URL, when it has a host.
pub fn endpoint_url(ctx: &Context) -> Option<url::Url> {
    url::Url::parse(&ctx.endpoint().url)
        .ok()
        .filter(|u| u.host_str().is_some())
}

/// Where a check's storage hosts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostsFrom {
    /// The Hub's own answers (`Context::download_trace`).
    Hub,
    /// The built-in list: offline, or the route stopped before the storage hosts.
    Fallback,
    /// The route was still being followed when the check could wait no longer.
    NotReady,
}

/// The storage hosts a download of the target goes to, with the role of each: from the
/// Hub's own answers when online, else (on the Hub) the fallback list. `wait` bounds how long
/// a check waits for the route: a proxy or Hub that never answers must not cost the caller
/// its own findings.
pub async fn storage_urls(
    ctx: &std::sync::Arc<Context>,
    wait: std::time::Duration,
) -> (Vec<(url::Url, &'static str)>, HostsFrom) {
    if !ctx.options.offline && endpoint_url(ctx).is_some() {
        let Ok(trace) = tokio::time::timeout(wait, ctx.download_trace()).await else {
            return (Vec::new(), HostsFrom::NotReady);
        };
        let found: Vec<_> = trace
            .storage_hosts()
            .into_iter()
            .filter_map(|(host, port, role, https)| {
                let scheme = if https { "https" } else { "http" };
                let url = url::Url::parse(&format!("{scheme}://{host}:{port}")).ok()?;
                Some((url, role_label(role)))
            })
            .collect();
        if !found.is_empty() || trace.stopped.is_none() {
            return (found, HostsFrom::Hub);
        }
    }
    let fallback = fallback_urls(ctx)
        .into_iter()
        .map(|u| (u, "storage"))
        .collect();
    (fallback, HostsFrom::Fallback)
}

/// `FALLBACK_STORAGE_HOSTS` as URLs when the endpoint is the Hub (a mirror's storage is not
/// the Hub's to guess); none otherwise.
pub fn fallback_urls(ctx: &Context) -> Vec<url::Url> {
    if !matches!(ctx.endpoint().kind, crate::hub::endpoint::EndpointKind::Hub) {
        return Vec::new();
    }
    FALLBACK_STORAGE_HOSTS
        .iter()
        .filter_map(|h| url::Url::parse(&format!("https://{h}")).ok())
        .collect()
}

/// A size for people: `100 B`, `4 KiB` (rounded up), `1.0 MiB`, `2.5 GiB`.
pub fn size(bytes: u64) -> String {
    const G: f64 = (1u64 << 30) as f64;
    const M: f64 = (1u64 << 20) as f64;
    if bytes as f64 >= G {
        format!("{:.1} GiB", bytes as f64 / G)
    } else if bytes as f64 >= M {
        format!("{:.1} MiB", bytes as f64 / M)
    } else if bytes >= 1024 {
        format!("{} KiB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} B")
    }
}

/// A route role as the checks' details name it: the hosts' technical names, the same in
/// every language (like DNS and TLS).
pub fn role_label(role: crate::hub::trace::Role) -> &'static str {
    use crate::hub::trace::Role;
    match role {
        Role::Api => "API",
        Role::Cdn => "CDN",
        Role::Bridge => "Xet bridge",
        Role::XetToken => "xet token",
        Role::XetCas => "Xet CAS",
        Role::XetTransfer => "Xet transfer",
        Role::XetWriteToken => "xet write token",
    }
}

/// The token sources the client would not use, each with a token other than the one in effect
/// (one of a run of sources holding the same token), in the order the client would take them:
/// the ones worth asking the Hub about when the token in effect fails.
pub fn other_tokens(ctx: &Context) -> Vec<crate::auth::token::OtherToken> {
    let mut others: Vec<_> = ctx
        .token()
        .others()
        .into_iter()
        .filter(|o| !o.same_as_in_effect)
        .collect();
    others.dedup_by(|a, b| a.token == b.token);
    others
}

/// Another token source that may do what the token in effect may not: `path` answers 200 with
/// it. The others (at most four, each a different token) are asked together; the first that
/// works, in the order the client would take them, is the answer, with its account.
pub async fn other_source_that_can(
    ctx: &Context,
    path: &str,
) -> Option<(crate::auth::token::Source, String)> {
    let hub = ctx.hub();
    if !hub.may_send_token() || ctx.token().implicit_disabled {
        return None;
    }
    let mut others = other_tokens(ctx);
    others.truncate(4);
    let asked = futures_util::future::join_all(others.iter().map(|o| async {
        let answer = hub.get(path, Some(&o.token)).await;
        if !matches!(&answer, Ok(a) if a.status == 200) {
            return None;
        }
        match hub.whoami(&o.token).await {
            crate::hub::WhoamiResult::Valid(w, _) => Some(w.name.clone()),
            _ => Some("?".to_string()),
        }
    }))
    .await;
    others
        .into_iter()
        .zip(asked)
        .find_map(|(o, account)| account.map(|a| (o.source, a)))
}

/// The command that puts `other` in effect in place of `in_effect`: unset the variable that
/// wins, or switch the active stored token.
pub fn make_in_effect(
    in_effect: &crate::auth::token::Source,
    other: &crate::auth::token::Source,
) -> String {
    use crate::auth::token::Source;
    match (in_effect, other) {
        (Source::Env(var), _) => format!("unset {var}"),
        (_, Source::Stored(name)) => {
            format!("hf auth switch --token-name {}", crate::shell::quote(name))
        }
        _ => "hf auth login --force".to_string(),
    }
}

/// A finding about another source that can: `{other}`, `{other_account}`, `{fix_cmd}`, and
/// `{rc_hint}`, which says where the winning variable is set so it does not come back.
pub fn with_other_source(
    ctx: &Context,
    found: Found,
    other: &crate::auth::token::Source,
    other_account: String,
) -> Found {
    let home = ctx.home.as_deref();
    let disc = ctx.token();
    let Some(effect) = &disc.in_effect else {
        return found;
    };
    let found = found
        .param("source", effect.source.label(home))
        .detail("source", effect.source.id(home))
        .param("other", other.label(home))
        .detail("other", other.id(home))
        .with("other_account", other_account)
        .param("fix_cmd", make_in_effect(&effect.source, other))
        .verified();
    match &effect.source {
        crate::auth::token::Source::Env(var) => {
            let hits = ctx.where_set(var);
            let found = found.with("var", *var);
            if hits.is_empty() {
                found.with_msg("rc_hint", "rc-hint-unknown")
            } else {
                found
                    .with("where", hits.join(", "))
                    .with_msg("rc_hint", "rc-hint-env")
            }
        }
        _ => found.with_msg("rc_hint", "rc-hint-none"),
    }
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
