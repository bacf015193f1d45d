//! git-ssh: for `git@hf.co:` remotes, whether the Hub's SSH server accepts a key and for which
//! account (`ssh -T`, batch mode: "Hi anonymous" means none was), and whether the host key that
//! known_hosts holds for the Hub is one of the Hub's published fingerprints (docs/notes/git-servers.md), which tells
//! a genuine host from a stale entry or something answering in its place.

use std::sync::Arc;
use std::time::Duration;

use crate::context::Context;
use crate::engine::finding::{Found, Key};
use crate::git::GitError;
use crate::hub::WhoamiResult;
use crate::git::remote::Transport;
use crate::engine::runner::CheckFuture;

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        NoSshRemote = "no-ssh-remote",
        SshMissing = "ssh-missing",
        Offline = "offline",
        OtherAccount = "other-account",
        Anonymous = "anonymous",
        KeyRefused = "key-refused",
        HostUnknown = "host-unknown",
        HostKeyChanged = "host-key-changed",
        HostKeyNotGenuine = "host-key-not-genuine",
        Unreachable = "unreachable",
    }
}

/// The Hub's SSH host key fingerprints (docs/hub/security-git-ssh.md).
pub const GENUINE: &[&str] = &[
    "SHA256:aBG5R7IomF4BSsx/h6tNAUVLhEkkaNGB8Sluyh/Q/qY",
    "SHA256:dVjzGIdV7d6cwKIeZiCoRMa2gMvSKfGZAvHf4gMiMao",
    "SHA256:uqjYymysBGCXXiMVebB8L8RIuWbPSKGBxQQNhcT5a3Q",
    "SHA256:skgQjK2+RuzvdmHr24IIAJ6uLWQs0TGtEUt3FtzqirQ",
];
/// `{account}` of `ok`: read back to compare with the token's account.
const ACCOUNT: Key = Key("account");
const HUB_SSH_HOSTS: &[&str] = &["hf.co", "huggingface.co"];

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move {
        let c = ctx.clone();
        // ssh and ssh-keygen are subprocesses: off the async threads.
        let probed = tokio::task::spawn_blocking(move || probe(&c)).await;
        let (found, account) = match probed {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        let Some(account) = account else {
            return found;
        };
        // Whose key is it, compared with the token in effect (the shared whoami answer).
        let effect = match ctx.whoami_in_effect().await {
            Some(WhoamiResult::Valid(w, _)) => Some(w.name.clone()),
            _ => None,
        };
        found
            .into_iter()
            .map(|f| match &effect {
                Some(name) if f.is(Outcome::Ok) && *name != account => {
                    let mut other = Found::new(Outcome::OtherAccount);
                    other.params = f.params.clone();
                    other.details = f.details.clone();
                    other.with("token_account", name.clone())
                }
                _ => f,
            })
            .collect()
    })
}

fn probe(ctx: &Context) -> (Vec<Found>, Option<String>) {
    let found = probe_findings(ctx);
    let account = found
        .iter()
        .find(|f| f.is(Outcome::Ok))
        .and_then(|f| f.detail_of(ACCOUNT))
        .map(str::to_string);
    (found, account)
}

/// The ssh git would run: GIT_SSH_COMMAND, else core.sshCommand, else GIT_SSH, else ssh.
fn ssh_command(ctx: &Context) -> String {
    if let Some(c) = ctx.env.non_empty("GIT_SSH_COMMAND") {
        return c;
    }
    // From the shared read of git's config, not a git of its own.
    if let Some(c) = ctx
        .git_config()
        .ok()
        .and_then(|c| c.get("core.sshcommand"))
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        return c.to_string();
    }
    ctx.env
        .non_empty("GIT_SSH")
        .map(|p| crate::shell::quote(&p))
        .unwrap_or_else(|| "ssh".into())
}

/// Run ssh the way git does: through the shell, so GIT_SSH_COMMAND's words and quotes work.
fn ssh(
    ctx: &Context,
    command: &str,
    args: &[&str],
    deadline: Duration,
) -> Result<crate::git::GitOutput, GitError> {
    let script = format!("{command} \"$@\"");
    let mut all = vec!["-c", &script, "ssh"];
    all.extend_from_slice(args);
    let out = ctx.run("sh", &all, deadline)?;
    // The shell says 127 when the command itself is not found.
    if out.code == Some(127) {
        return Err(GitError::Missing);
    }
    Ok(out)
}

fn probe_findings(ctx: &Context) -> Vec<Found> {
    // The remotes come from the shared read of git's config.
    if let Some(seconds) = ctx.git_config_timeout() {
        return vec![Found::new(crate::engine::runner::Outcome::Timeout).with(crate::engine::runner::SECONDS, seconds)];
    }
    let remote = ctx
        .hub_remotes()
        .into_iter()
        .find(|r| {
            r.parsed
                .as_ref()
                .is_some_and(|p| p.transport == Transport::Ssh)
        })
        .cloned();
    let Some(remote) = remote else {
        return vec![Found::new(Outcome::NoSshRemote)];
    };
    let url = remote.parsed.clone().expect("filtered on parsed");
    let user = url.user.clone().unwrap_or_else(|| "git".into());
    let target = format!("{user}@{}", url.host);
    let base = |o: Outcome| {
        Found::new(o)
            .with("remote", remote.name.clone())
            .with("host", url.host.clone())
    };
    // The effective host as ssh sees it (ssh_config may map it elsewhere).
    let command = ssh_command(ctx);
    let effective = match ssh(ctx, &command, &["-G", &target], Duration::from_secs(3)) {
        Err(GitError::Missing) => return vec![base(Outcome::SshMissing)],
        Err(_) => String::new(),
        Ok(o) => o.stdout,
    };
    let setting = |key: &str| {
        effective
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key} ")))
            .map(str::to_string)
    };
    let hostname = setting("hostname").unwrap_or_else(|| url.host.clone());
    let port = setting("port").unwrap_or_else(|| "22".into());
    let identity = setting("hostkeyalias").unwrap_or_else(|| hostname.clone());
    let lookup = if port == "22" || setting("hostkeyalias").is_some() {
        identity.clone()
    } else {
        format!("[{identity}]:{port}")
    };
    let known_files: Vec<String> = setting("userknownhostsfile")
        .unwrap_or_else(|| "~/.ssh/known_hosts".into())
        .split_whitespace()
        .map(|f| crate::auth::token::expanduser(f, ctx.home.as_deref()))
        .collect();
    let mut known = Vec::new();
    for file in &known_files {
        if let Ok(out) = ctx.run(
            "ssh-keygen",
            &["-l", "-F", &lookup, "-f", file],
            Duration::from_secs(3),
        ) {
            known.extend(
                out.stdout
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("SHA256:")))
                    .map(str::to_string),
            );
        }
    }
    let mut out = Vec::new();
    let genuine_host = HUB_SSH_HOSTS.contains(&identity.as_str());
    if genuine_host && !known.is_empty() && !known.iter().any(|k| GENUINE.contains(&k.as_str())) {
        out.push(
            base(Outcome::HostKeyNotGenuine)
                .with("fingerprint", known.join(", "))
                .param("lookup", lookup.clone()),
        );
        return out;
    }
    if ctx.options.offline {
        out.push(base(Outcome::Offline).with(
            "known",
            if known.is_empty() {
                "-".into()
            } else {
                known.join(", ")
            },
        ));
        return out;
    }
    let said = match ssh(
        ctx,
        &command,
        &[
            "-T",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=5",
            &target,
        ],
        Duration::from_secs(8),
    ) {
        Err(GitError::Timeout) => {
            // The run's deadline may have cut it first.
            let secs = Duration::from_secs(8)
                .min(ctx.options.timeout)
                .as_secs()
                .max(1);
            return vec![base(Outcome::Unreachable).with("error", format!("no answer within {secs} s"))];
        }
        Err(e) => return vec![base(Outcome::Unreachable).with("error", format!("{e:?}"))],
        Ok(o) => format!("{}\n{}", o.stdout, o.stderr),
    };
    let greeting = said
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Hi ")
                .and_then(|r| r.split(',').next())
        })
        .map(str::to_string);
    let found = match greeting.as_deref() {
        Some("anonymous") => base(Outcome::Anonymous),
        Some(account) => base(Outcome::Ok).with(ACCOUNT, account.to_string()),
        None if said.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") => {
            base(Outcome::HostKeyChanged).param("lookup", lookup.clone())
        }
        None if said.contains("Host key verification failed") => {
            base(Outcome::HostUnknown).param("lookup", lookup.clone())
        }
        None if said.contains("Permission denied") => {
            base(Outcome::KeyRefused).with("user", user.clone())
        }
        None => base(Outcome::Unreachable).with(
            "error",
            said.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim()
                .to_string(),
        ),
    };
    out.push(found);
    out
}
