//! git-credential: which credential helpers are configured, and what git would send to the Hub
//! host (`git credential fill`, never interactive): nothing, a password, an invalid token, a
//! token of another account than the one in effect, or one stored for the other alias of the
//! host. With a Hub remote, it asks the remote what git asks before a push
//! (`info/refs?service=git-receive-pack`) with that credential.

use std::sync::Arc;
use std::time::Duration;

use crate::checks::common::{Request, WithSaid};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::git::GitError;
use crate::hub::{info_path, CallError, Kind, WhoamiResult};
use crate::git::remote::{RemoteUrl, Transport};
use crate::engine::runner::{self, CheckFuture, Outcome as Runner};
use crate::secret::Secret;

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        Unverified = "unverified",
        NoHelper = "no-helper",
        NoneStored = "none-stored",
        OtherHost = "other-host",
        Password = "password",
        Invalid = "invalid",
        OtherAccount = "other-account",
        Unsure = "unsure",
        FillTimeout = "fill-timeout",
        GitMissing = "git-missing",
        NoHost = "no-host",
        PushRefused = "push-refused",
        PushForbidden = "push-forbidden",
        PushNotFound = "push-not-found",
        PushUnsure = "push-unsure",
        PushStale = "push-stale",
        NothingNoPush = "nothing-no-push",
        PushReadOnly = "push-read-only",
    }
}

const FILL_DEADLINE: Duration = Duration::from_secs(3);

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move {
        let c = ctx.clone();
        // git runs as a subprocess: off the async threads.
        let local = tokio::task::spawn_blocking(move || local_facts(&c)).await;
        match local {
            Ok(Ok(facts)) => judge(&ctx, facts).await,
            Ok(Err(found)) => vec![found],
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    })
}

/// What git has, without the network.
struct Facts {
    protocol: String,
    host: String,
    helpers: String,
    username: Option<String>,
    password: Option<Secret>,
    /// The other alias (hf.co ↔ huggingface.co) has a credential while this host has none.
    other_host: Option<String>,
    /// The Hub remote to ask about pushing, when there is one over http(s).
    remote: Option<RemoteUrl>,
}

/// The host git would look up (the Hub remote's, else the endpoint's), and the Hub remote to
/// ask about pushing when there is one over http(s).
fn lookup_target(ctx: &Context) -> Option<(String, String, Option<RemoteUrl>)> {
    let (protocol, host) = ctx.git_credential_host()?;
    let remote = ctx
        .primary_hub_remote()
        .and_then(|r| r.parsed.clone())
        .filter(|p| p.transport != Transport::Ssh);
    Some((protocol, host, remote))
}

fn fill(
    ctx: &Context,
    protocol: &str,
    host: &str,
) -> Result<(Option<String>, Option<Secret>), GitError> {
    let input = format!("protocol={protocol}\nhost={host}\n\n");
    // The helper runs in git's process group: at the deadline it dies with git, and so does
    // anything it forked (docs/notes/processes.md).
    let out = ctx
        .git()
        .run_with_input(&["credential", "fill"], input.as_bytes(), FILL_DEADLINE)?;
    if !out.ok() {
        return Ok((None, None));
    }
    let field = |k: &str| {
        out.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    Ok((field("username"), field("password").map(Secret::new)))
}

fn local_facts(ctx: &Context) -> Result<Facts, Found> {
    let Some((protocol, host, remote)) = lookup_target(ctx) else {
        return Err(Found::new(Outcome::NoHost));
    };
    // The shared configuration read (one git for every git check), not a git of our own.
    let config = match ctx.git_config() {
        Err(GitError::Missing) => return Err(Found::new(Outcome::GitMissing)),
        Err(GitError::Timeout) => {
            let seconds = ctx.git_config_timeout().unwrap_or_default();
            return Err(Found::new(Runner::Timeout).with(runner::SECONDS, seconds));
        }
        Err(GitError::Failed(e)) => return Err(Found::new(Runner::Crash).with(runner::MESSAGE, e.clone())),
        Ok(config) => config,
    };
    let mut helpers = config.credential_helpers();
    // URL-scoped helpers (credential.https://huggingface.co.helper), which huggingface_hub's
    // own listing misses. git owns the URL-matching rules, so git is asked, but only when some
    // helper is URL-scoped at all.
    if config.has_url_scoped_helper() {
        if let Ok(out) = ctx.git().run_for(
            &[
                "config",
                "--get-urlmatch",
                "credential.helper",
                &format!("{protocol}://{host}"),
            ],
            FILL_DEADLINE,
        ) {
            for h in out.stdout.lines().filter(|l| !l.is_empty()) {
                if !helpers.iter().any(|x| x.starts_with(&format!("{h} ("))) {
                    helpers.push(format!("{h} (for {host})"));
                }
            }
        }
    }
    // Without any helper git has nothing to fill in (prompts and askpass are off): no need to
    // ask it, for this host or the other alias.
    let (username, password) = if helpers.is_empty() {
        (None, None)
    } else {
        match fill(ctx, &protocol, &host) {
            Ok(v) => v,
            Err(GitError::Timeout) => return Err(Found::new(Outcome::FillTimeout).with("host", host)),
            Err(_) => (None, None),
        }
    };
    let other_host = if password.is_none() && !helpers.is_empty() {
        let alias = match host.as_str() {
            "huggingface.co" => Some("hf.co"),
            "hf.co" => Some("huggingface.co"),
            _ => None,
        };
        alias
            .filter(|a| matches!(fill(ctx, &protocol, a), Ok((_, Some(_)))))
            .map(str::to_string)
    } else {
        None
    };
    Ok(Facts {
        protocol,
        host,
        helpers: if helpers.is_empty() {
            "-".into()
        } else {
            helpers.join(", ")
        },
        username,
        password,
        other_host,
        remote,
    })
}

async fn judge(ctx: &Context, facts: Facts) -> Vec<Found> {
    let base = |outcome: Outcome| {
        Found::new(outcome)
            .with("host", facts.host.clone())
            .with("helpers", facts.helpers.clone())
    };
    // Nothing stored matters only to a push over https, which a Hub remote here implies (as
    // for git-lfs); `--write` alone may mean an upload over the API, which needs no git
    // credential. Without one it is a fact to know before the first push, not a warning that
    // fails --strict.
    let pushing = facts.remote.is_some();
    let Some(password) = facts.password.clone() else {
        if !pushing {
            return vec![base(Outcome::NothingNoPush)];
        }
        return vec![match &facts.other_host {
            Some(other) => base(Outcome::OtherHost).with("other", other.clone()),
            None if facts.helpers == "-" => base(Outcome::NoHelper),
            None => base(Outcome::NoneStored),
        }];
    };
    let username = facts.username.clone().unwrap_or_default();
    let reject = format!(
        "printf 'protocol={}\\nhost={}\\nusername={}\\n\\n' | git credential reject",
        facts.protocol, facts.host, username
    );
    let with_secret = |f: Found| {
        f.with("masked", password.masked())
            .with("username", username.clone())
            .param("reject", reject.clone())
    };
    if !password.expose().starts_with("hf_") {
        return vec![with_secret(base(Outcome::Password))];
    }
    if ctx.options.offline || !ctx.hub().may_send_token() {
        return vec![with_secret(base(Outcome::Unverified))];
    }
    let hub = ctx.hub();
    // With a Hub remote, the Hub's write check for its repo and the push discovery go out
    // beside the whoamis, for git's token and for the token in effect (the latter shared with
    // repo-access): one round trip, not a chain.
    let write_path = facts.remote.as_ref().and_then(|r| {
        let id = r.repo_id.as_ref()?;
        Some(format!("{}/auth-check/write", info_path(r.repo_type, id)))
    });
    let effect_token = ctx.token_sent().filter(|t| **t != password);
    let (git_who, effect_who, git_may, effect_may, discovery) = tokio::join!(
        hub.whoami(&password),
        ctx.whoami_in_effect(),
        async {
            match &write_path {
                Some(p) => hub.get(p, Some(&password)).await.ok(),
                None => None,
            }
        },
        async {
            match (&write_path, effect_token) {
                (Some(p), Some(t)) => hub.get_shared(p, Some(t)).await.ok(),
                _ => None,
            }
        },
        async {
            match &facts.remote {
                Some(remote) => push_discovery(ctx, remote, &username, &password).await,
                None => None,
            }
        }
    );
    let checks = WriteChecks {
        git: git_may,
        effect: effect_token.cloned().zip(effect_may),
    };
    let mut out = Vec::new();
    match &git_who {
        WhoamiResult::Refused(a) if a.kind() == Kind::InvalidToken => {
            out.push(with_secret(base(Outcome::Invalid)))
        }
        WhoamiResult::Valid(who, _) => {
            let effect_account = match &effect_who {
                Some(WhoamiResult::Valid(w, _)) => Some(w.name.clone()),
                _ => None,
            };
            let same_token = ctx.token().in_effect_token() == Some(&password);
            match effect_account {
                Some(account) if !same_token && account != who.name => out.push(
                    with_secret(base(Outcome::OtherAccount))
                        .with("git_account", who.name.clone())
                        .with("account", account),
                ),
                _ => out.push(
                    with_secret(base(Outcome::Ok))
                        .with("git_account", who.name.clone())
                        .with_msg("same", if same_token { "yes" } else { "no" }),
                ),
            }
        }
        WhoamiResult::Refused(a) if a.is_server_error() => out.push(
            crate::checks::common::server_error(ctx, Request::WhoamiForGit, a),
        ),
        WhoamiResult::Refused(a) => out.push(
            with_secret(base(Outcome::Unsure))
                .with("status", a.status.to_string())
                .with_said("message", a),
        ),
        WhoamiResult::Failed(e) => out.push(crate::checks::common::call_failed(ctx, e)),
    }
    // With a Hub remote a push is what the user is doing: judge git's token for it, with the
    // Hub's own write check, and the token in effect beside it (docs/notes/git-servers.md).
    let mut judged_for_push = false;
    if let (Some(remote), WhoamiResult::Valid(git_account, _)) = (&facts.remote, &git_who) {
        let start = with_secret(base(Outcome::PushStale))
            .param("store", store_command(&facts.protocol, &facts.host));
        if let Some(f) = judge_for_push(remote, git_account, &checks, start) {
            judged_for_push = true;
            // The credential is valid but not for this push: that is the verdict, not a pass.
            out.retain(|o| !o.is(Outcome::Ok));
            out.push(f);
        }
    }
    if let Some(f) = discovery {
        // A refusal already explained by the write check says nothing new.
        let explained =
            judged_for_push && (f.is(Outcome::PushRefused) || f.is(Outcome::PushForbidden));
        if !explained {
            out.push(f);
        }
    }
    out
}

/// The Hub's write check for the remote's repo, with git's token and with the token in effect.
struct WriteChecks {
    git: Option<crate::hub::Answer>,
    effect: Option<(Secret, crate::hub::Answer)>,
}

/// git's token may not push to the remote's repo (the Hub's write check says so): is the token
/// in effect one that may? Then storing it for git is the fix, and it is tested.
fn judge_for_push(
    remote: &RemoteUrl,
    git_account: &crate::hub::Whoami,
    checks: &WriteChecks,
    start: Found,
) -> Option<Found> {
    let repo = remote.repo_id.clone()?;
    if checks.git.as_ref()?.status == 200 {
        return None;
    }
    let found = start
        .with("repo", repo)
        .with("git_account", git_account.name.clone())
        .with("git_role", git_account.role().unwrap_or("?").to_string());
    match &checks.effect {
        Some((t, a)) if a.status == 200 => {
            Some(found.with("effect_masked", t.masked()).verified())
        }
        _ if git_account.role() == Some("read") => Some(Found {
            outcome: Outcome::PushReadOnly.into(),
            ..found
        }),
        _ => None,
    }
}

/// Store the token in effect for the host git talks to (as `hf auth login
/// --add-to-git-credential` does, but for this host and port), the one the `reject` line names.
fn store_command(protocol: &str, host: &str) -> String {
    format!(
        "printf 'protocol={protocol}\\nhost={host}\\nusername=hf_user\\npassword=%s\\n\\n' \"$(hf auth token)\" | git credential approve"
    )
}

/// What git asks before a push: `GET {remote}/info/refs?service=git-receive-pack` with the
/// credential. docs/notes/git-servers.md "Uncertain": a 200 here does not prove write rights (the Hub may refuse at the
/// pre-receive hook); repo-access's write check is the authority on those.
async fn push_discovery(
    ctx: &Context,
    remote: &RemoteUrl,
    user: &str,
    password: &Secret,
) -> Option<Found> {
    let hub = ctx.hub();
    let Some(url) = remote.receive_pack_discovery_url() else {
        return Some(crate::checks::common::call_failed(ctx, &CallError::BadEndpoint));
    };
    let to_hub = remote.is_hub(hub.endpoint.host.as_deref());
    let answer = hub
        .git_receive_pack_refs(&url, to_hub, user, password)
        .await;
    let repo = remote.repo_id.clone().unwrap_or_default();
    let answer = match answer {
        Ok(a) => a,
        Err(e) => return Some(crate::checks::common::call_failed(ctx, &e)),
    };
    let f = |outcome: Outcome| {
        Found::new(outcome)
            .with("repo", repo.clone())
            .with("status", answer.status.to_string())
            .with_said("message", &answer)
    };
    Some(match answer.status {
        200 => return None,
        401 => f(Outcome::PushRefused),
        403 => f(Outcome::PushForbidden),
        404 => f(Outcome::PushNotFound),
        500..=599 => crate::checks::common::server_error(ctx, Request::PushDiscovery(&repo), &answer),
        _ => f(Outcome::PushUnsure),
    })
}

#[cfg(test)]
mod tests {
    //! In process, with a fake subprocess runner: no git, no HOME of the developer's.
    use super::*;
    use crate::context::{Env, Options};
    use crate::engine::finding::OutcomeId;
    use crate::world::proc::FakeProc;

    const CONFIG: &[&str] = &["config", "--list", "-z", "--show-scope"];
    const FILL: &[&str] = &["credential", "fill"];

    /// Offline, outside a repository.
    fn ctx(fake: Arc<FakeProc>) -> Arc<Context> {
        let env = Env::from_pairs([("HOME", "/nonexistent-home")]);
        let options = Options {
            offline: true,
            ..Options::default()
        };
        Context::with_proc(env, std::env::temp_dir(), options, fake)
    }

    fn outcomes(found: Vec<Found>) -> Vec<OutcomeId> {
        found.iter().map(|f| f.outcome).collect()
    }

    #[tokio::test]
    async fn a_password_from_the_helper_is_the_password_outcome() {
        let fake = Arc::new(
            FakeProc::new()
                .answer("git", CONFIG, 0, "global\0credential.helper\nstore\0")
                .answer("git", FILL, 0, "username=alice\npassword=hunter2hunter2\n"),
        );
        let found = run(ctx(fake.clone())).await;
        assert_eq!(outcomes(found), [Outcome::Password.into()]);
        assert_eq!(
            fake.calls(),
            ["git config --list -z --show-scope", "git credential fill"]
        );
    }

    #[tokio::test]
    async fn a_fill_that_hangs_is_fill_timeout() {
        let fake = Arc::new(
            FakeProc::new()
                .answer("git", CONFIG, 0, "global\0credential.helper\nstore\0")
                .hang("git", FILL),
        );
        assert_eq!(outcomes(run(ctx(fake)).await), [Outcome::FillTimeout.into()]);
    }

    #[tokio::test]
    async fn without_a_helper_git_is_not_asked_to_fill() {
        let fake = Arc::new(FakeProc::new().answer("git", CONFIG, 0, ""));
        // Outside a repository nothing pushes: no warning either (tests/git_checks.rs has
        // the no-helper warning with a Hub remote).
        assert_eq!(
            outcomes(run(ctx(fake.clone())).await),
            [Outcome::NothingNoPush.into()]
        );
        assert_eq!(fake.calls(), ["git config --list -z --show-scope"]);
    }

    #[tokio::test]
    async fn a_config_read_that_hangs_is_a_timeout() {
        let fake = Arc::new(FakeProc::new().hang_all("git"));
        assert_eq!(outcomes(run(ctx(fake)).await), [Runner::Timeout.into()]);
    }
}
