//! git-remote: every remote of this repository whose host is the Hub (or looks like a typo of
//! it): the URL form (https, ssh, scp-like), the type prefix, a URL pasted from the browser,
//! plain http, a missing namespace, a token written into the URL; online, whether the repo it
//! names exists as that type.

use std::sync::Arc;

use futures_util::future::join_all;

use crate::context::{Context, GitRemote};
use crate::engine::finding::Found;
use crate::hub::{Kind, WhoamiResult};
use crate::git::remote::{RemoteUrl, Transport};
use crate::hub::repo::RepoType;
use crate::engine::runner::CheckFuture;
use crate::shell::quote;

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        NoHubRemote = "no-hub-remote",
        HostTypo = "host-typo",
        CredentialsInUrl = "credentials-in-url",
        CredentialsInUrlInvalid = "credentials-in-url-invalid",
        BrowserUrl = "browser-url",
        PlainHttp = "plain-http",
        NoNamespace = "no-namespace",
        WrongRepoType = "wrong-repo-type",
    }
}

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Context) -> Vec<Found> {
    // The remotes come from the shared read of git's config; a git that does not answer is a
    // timeout here, not "no Hub remote".
    if let Some(seconds) = ctx.git_config_timeout() {
        return vec![Found::new(crate::engine::runner::Outcome::Timeout).with(crate::engine::runner::SECONDS, seconds)];
    }
    let endpoint_host = ctx.endpoint().host.clone();
    let mut out = Vec::new();
    for remote in ctx.git_remotes() {
        let Some(url) = &remote.parsed else { continue };
        if url.is_hub(endpoint_host.as_deref()) {
            out.extend(judge(ctx, remote, url).await);
        } else if url.host_typo() {
            // SSH goes to hf.co (the docs' host for SSH), https to huggingface.co.
            let good = if url.transport == Transport::Ssh {
                "hf.co"
            } else {
                "huggingface.co"
            };
            let fixed = url.clean_url(good).unwrap_or_default();
            out.push(
                at(remote, Outcome::HostTypo)
                    .with("host", url.host.clone())
                    .param("fix_cmd", set_url(remote, &fixed)),
            );
        }
    }
    if out.is_empty() {
        out.push(Found::new(Outcome::NoHubRemote).with("count", ctx.git_remotes().len().to_string()));
    }
    out
}

fn at(remote: &GitRemote, outcome: Outcome) -> Found {
    Found::new(outcome)
        .with("remote", remote.name.clone())
        .with("url", remote.masked_url())
}

/// The command that gives the remote its right URL.
fn set_url(remote: &GitRemote, url: &str) -> String {
    format!("git remote set-url {} {}", quote(&remote.name), quote(url))
}

async fn judge(ctx: &Context, remote: &GitRemote, url: &RemoteUrl) -> Vec<Found> {
    let host = if url.transport == Transport::Ssh {
        url.host.clone()
    } else {
        // Keep the host the user chose (hf.co or huggingface.co) unless it is www.
        url.host.trim_start_matches("www.").to_string()
    };
    let clean = url.clean_url(&host).unwrap_or_default();
    let fix = set_url(remote, &clean);
    let mut out = Vec::new();
    if let Some(password) = &url.password {
        // Judge the token found in the URL too: it is what git sends, before any helper.
        let judged = if ctx.options.offline || !ctx.hub().may_send_token() {
            None
        } else {
            Some(ctx.hub().whoami(password).await)
        };
        let (outcome, account) = match judged {
            Some(WhoamiResult::Refused(a)) if a.kind() == Kind::InvalidToken => {
                (Outcome::CredentialsInUrlInvalid, "-".to_string())
            }
            Some(WhoamiResult::Valid(w, _)) => (Outcome::CredentialsInUrl, w.name.clone()),
            _ => (Outcome::CredentialsInUrl, "?".to_string()),
        };
        out.push(
            at(remote, outcome)
                .with("masked", password.masked())
                .with("account", account)
                .param("fix_cmd", fix.clone()),
        );
    }
    if let Some(suffix) = &url.browser_suffix {
        out.push(
            at(remote, Outcome::BrowserUrl)
                .with("suffix", suffix.clone())
                .param("fix_cmd", fix.clone()),
        );
    }
    if url.transport == Transport::Http && !crate::hub::endpoint::is_loopback_host(&url.host) {
        out.push(at(remote, Outcome::PlainHttp).param("fix_cmd", fix.clone()));
    }
    if !url.has_namespace() && url.repo_id.is_some() {
        out.push(at(remote, Outcome::NoNamespace).with("repo", url.repo_id.clone().unwrap_or_default()));
    }
    if let Some(found) = wrong_type(ctx, remote, url, &host).await {
        out.push(found);
    }
    if out.is_empty() {
        out.push(
            at(remote, Outcome::Ok)
                .with("repo", url.repo_id.clone().unwrap_or_default())
                .with("type", url.repo_type.as_str()),
        );
    }
    out
}

/// Online: the remote names a repo that does not exist as its type while another type has it.
async fn wrong_type(
    ctx: &Context,
    remote: &GitRemote,
    url: &RemoteUrl,
    host: &str,
) -> Option<Found> {
    if ctx.options.offline || !url.has_namespace() {
        return None;
    }
    let id = url.repo_id.as_deref()?;
    let hub = ctx.hub();
    let token = ctx.token_sent();
    // The same requests repo-access makes for this target: shared, not repeated.
    let paths: Vec<(RepoType, String)> = RepoType::ALL
        .into_iter()
        .map(|t| (t, format!("{}/{id}", t.api())))
        .collect();
    let answers = join_all(paths.iter().map(|(_, p)| hub.get_shared(p, token))).await;
    let exists = |t: RepoType| {
        paths
            .iter()
            .zip(&answers)
            .any(|((pt, _), a)| *pt == t && matches!(a, Ok(a) if a.kind() == Kind::Ok))
    };
    if exists(url.repo_type) {
        return None;
    }
    let actual = RepoType::ALL.into_iter().find(|t| exists(*t))?;
    let fixed = RemoteUrl {
        repo_type: actual,
        ..url.clone()
    };
    let clean = fixed.clean_url(host)?;
    Some(
        at(remote, Outcome::WrongRepoType)
            .with("repo", id.to_string())
            .with("type", url.repo_type.as_str())
            .with("actual", actual.as_str())
            .with("right_url", clean.clone())
            .param("fix_cmd", set_url(remote, &clean))
            .verified(),
    )
}
