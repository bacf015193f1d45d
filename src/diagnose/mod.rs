//! From findings to a verdict: the root causes, in the order the user meets them, each once,
//! with the finding whose words and fixes speak for it. Pure: no network, no files, no words
//! (the renderers look the words up), so every rule here is unit-tested on plain findings.
//!
//! The rules (docs/diagnosis.md):
//! - One entry per root cause among the findings that warn, fail, time out or crash; findings
//!   that are consequences of another cause present in the same run are merged into it (a proxy
//!   that refuses connections explains every "unreachable"; a repo found under another type
//!   explains every "not found").
//! - Order: the cause of the wrapped command's failure first, then fail before timeout or crash
//!   before warn, then what blocks the user's intent (the target, writing, the push a Hub remote
//!   implies) before what does not, then the order the user meets them on the way to the Hub
//!   (the way out, the address, who you are, what you may do, what you send).
//! - The lead of an entry is its finding that tested its own fix (`verified`), else its worst,
//!   else its first: its fixes are the entry's, shown once.

use crate::checks::{
    gated_access, git_credential, git_lfs, git_remote, git_ssh, id, repo_access, token_valid,
};
use crate::engine::finding::{Cause, Finding, Owned, Status};

/// What the user is doing, as far as the run knows.
#[derive(Debug, Clone, Default)]
pub struct Intent {
    /// A target repository is known (`--repo`, or a Hub remote).
    pub target: bool,
    /// Writing is meant: `--write`, `--require write`, or the push a Hub remote implies.
    pub write: bool,
    /// The cause `explain` found in the wrapped command's output, when it ran one and failed.
    pub wrapped: Option<Cause>,
}

impl Diagnosis {
    /// The finding whose summary and fixes speak for this entry.
    pub fn lead(&self) -> usize {
        self.findings[0]
    }
}

impl Intent {
    /// What the run's options and the repository around it say the user is doing.
    pub fn of(ctx: &crate::context::Context) -> Self {
        Intent {
            target: ctx.target().is_some(),
            write: ctx.needs_write(),
            wrapped: None,
        }
    }
}

/// One root cause, with the findings it explains (indexes into the findings given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// `None` for a finding that names no cause (a timeout, a world-readable token file): it is
    /// its own entry.
    pub cause: Option<Cause>,
    pub status: Status,
    /// Every finding this entry explains, the lead (whose summary and fixes speak for the
    /// entry) first; never empty.
    pub findings: Vec<usize>,
    /// The lead tested its first fix.
    pub verified: bool,
    /// It stands between the user and what they are doing.
    pub blocks: bool,
}

/// The causes in the order a request meets them, which is the order to fix them in: nothing
/// else can be judged while the way out is broken, and a right token is refused at a wrong
/// address. Causes no finding gives come last, in their list order.
const PRECEDENCE: &[Cause] = &[
    Cause::OfflineMode,
    Cause::Proxy,
    Cause::Tls,
    Cause::NetworkUnreachable,
    Cause::MirrorEndpoint,
    Cause::ServerError,
    Cause::RateLimited,
    Cause::WrongRepoType,
    Cause::RepoNotFound,
    Cause::EnvConflict,
    Cause::InvalidToken,
    Cause::NoToken,
    Cause::GitPasswordAuth,
    Cause::StaleGitCredential,
    Cause::ReadOnlyToken,
    Cause::FineGrainedScope,
    Cause::NoNamespaceRights,
    Cause::GatedNotAccepted,
    Cause::NoProvider,
    Cause::InferenceCredits,
    Cause::StorageBlocked,
    Cause::CacheUnwritable,
    Cause::DiskFull,
    Cause::CacheLocked,
    Cause::CacheCorrupt,
    Cause::ClientOutdated,
    Cause::LfsMissing,
    Cause::LargeFileRejected,
    Cause::SpaceError,
];

/// `(consequence, roots)`: a finding of the first cause is explained by any of the roots when
/// one is in the run. Kept short and certain: a merge hides a finding's own fix.
const CONSEQUENCES: &[(Cause, &[Cause])] = &[
    // Every request through a broken proxy fails to connect.
    (
        Cause::NetworkUnreachable,
        &[Cause::Proxy, Cause::OfflineMode],
    ),
    // A repo asked as the wrong type is "not found", to git and to the API alike.
    (Cause::RepoNotFound, &[Cause::WrongRepoType]),
];

/// `(root, consequences)`: when a finding of the root cause tested its fix (another token
/// source may do what the token in effect may not), the refusals of the token in effect are
/// that cause too: fixing it fixes them.
const EXPLAINED_WHEN_VERIFIED: &[(Cause, &[Cause])] = &[(
    Cause::EnvConflict,
    &[
        Cause::InvalidToken,
        Cause::ReadOnlyToken,
        Cause::FineGrainedScope,
        Cause::NoNamespaceRights,
        Cause::RepoNotFound,
        Cause::GatedNotAccepted,
    ],
)];

/// The finding is of the check whose outcomes `O` are (named through its type, so a renamed
/// check does not compile).
fn of<O: Owned>(f: &Finding) -> bool {
    f.check == id::<O>()
}

/// Checks whose findings stand between the user and the target or the push.
fn blocks_intent(f: &Finding, intent: &Intent) -> bool {
    if of::<repo_access::Outcome>(f) || of::<gated_access::Outcome>(f) {
        intent.target
    } else if of::<git_remote::Outcome>(f)
        || of::<git_credential::Outcome>(f)
        || of::<git_ssh::Outcome>(f)
        || of::<git_lfs::Outcome>(f)
    {
        intent.write
    } else if of::<token_valid::Outcome>(f) {
        intent.target || intent.write
    } else {
        false
    }
}

/// A check that asks the Hub: its timeout, when the way out is broken, is that.
fn asks_the_hub(f: &Finding) -> bool {
    of::<token_valid::Outcome>(f)
        || of::<repo_access::Outcome>(f)
        || of::<gated_access::Outcome>(f)
        || of::<git_credential::Outcome>(f)
}

/// Passes and skips are no cause.
fn is_candidate(status: Status) -> bool {
    !matches!(status, Status::Pass | Status::Skip)
}

fn precedence(cause: Option<Cause>) -> usize {
    cause
        .and_then(|c| PRECEDENCE.iter().position(|p| *p == c))
        .unwrap_or(PRECEDENCE.len())
}

/// A finding of the runner or the common namespace (a timeout, "unreachable") says less than
/// a check's own finding of the same cause: it never leads when another can.
fn is_generic(f: &Finding) -> bool {
    !matches!(
        f.outcome.namespace(),
        crate::engine::finding::Namespace::Check(_)
    )
}

/// Which finding of a group leads: the one that tested its fix, then the worst, then a check's
/// own over a shared one, then for a wrong address the remote's (its fix is the one a push
/// needs), then the first.
fn lead_of(findings: &[Finding], members: &[usize], cause: Option<Cause>) -> usize {
    let remote_first = matches!(cause, Some(Cause::WrongRepoType | Cause::RepoNotFound));
    *members
        .iter()
        .min_by_key(|&&i| {
            let f = &findings[i];
            (
                !f.is_verified(),
                f.status.severity(),
                is_generic(f),
                !(remote_first && of::<git_remote::Outcome>(f)),
                i,
            )
        })
        .unwrap_or(&members[0])
}

type Groups = Vec<(Option<Cause>, Vec<usize>)>;

/// Move the members of every group `explained` picks into the group of `root`.
fn merge_into(
    groups: &mut Groups,
    root: Cause,
    explained: impl Fn(Option<Cause>, &[usize]) -> bool,
) {
    let mut moved = Vec::new();
    groups.retain(|(c, members)| {
        let merge = *c != Some(root) && explained(*c, members);
        if merge {
            moved.extend(members.iter().copied());
        }
        !merge
    });
    if let Some((_, into)) = groups.iter_mut().find(|(c, _)| *c == Some(root)) {
        into.extend(moved);
    }
}

/// The ordered root causes of these findings. Empty when nothing warns or fails.
pub fn diagnose(findings: &[Finding], intent: &Intent) -> Vec<Diagnosis> {
    // Group by cause; a finding without a cause is a group of its own.
    let mut groups: Groups = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if !is_candidate(f.status) {
            continue;
        }
        let cause = f.cause;
        match groups
            .iter_mut()
            .find(|(c, _)| cause.is_some() && *c == cause)
        {
            Some((_, members)) => members.push(i),
            None => groups.push((cause, vec![i])),
        }
    }
    // A timeout of a Hub request when the way out itself is broken is that.
    let network_root = groups.iter().find_map(|(c, _)| {
        c.filter(|c| {
            matches!(
                c,
                Cause::Proxy | Cause::Tls | Cause::NetworkUnreachable | Cause::OfflineMode
            )
        })
    });
    if let Some(root) = network_root {
        merge_into(&mut groups, root, |cause, members| {
            cause.is_none()
                && members
                    .iter()
                    .all(|&i| findings[i].status == Status::Timeout && asks_the_hub(&findings[i]))
        });
    }
    for (consequence, roots) in CONSEQUENCES {
        let present = |r: &&Cause| groups.iter().any(|(c, _)| *c == Some(**r));
        if let Some(root) = roots.iter().find(present) {
            merge_into(&mut groups, *root, |c, _| c == Some(*consequence));
        }
    }
    for (root, consequences) in EXPLAINED_WHEN_VERIFIED {
        let verified_root = groups
            .iter()
            .any(|(c, m)| *c == Some(*root) && m.iter().any(|&i| findings[i].is_verified()));
        if verified_root {
            merge_into(&mut groups, *root, |c, _| {
                c.is_some_and(|c| consequences.contains(&c))
            });
        }
    }
    let mut out: Vec<Diagnosis> = groups
        .into_iter()
        .map(|(cause, mut members)| {
            members.sort_unstable();
            let lead = lead_of(findings, &members, cause);
            members.retain(|&i| i != lead);
            members.insert(0, lead);
            let status = members
                .iter()
                .map(|&i| findings[i].status)
                .min_by_key(|s| s.severity())
                .unwrap_or(Status::Warn);
            Diagnosis {
                cause,
                status,
                verified: findings[lead].is_verified(),
                blocks: members.iter().any(|&i| blocks_intent(&findings[i], intent)),
                findings: members,
            }
        })
        .collect();
    order(&mut out, intent);
    out
}

/// Put the entries in the order to fix them (the rules above); `explain` calls it again once
/// it knows the wrapped command's cause.
pub fn order(ds: &mut [Diagnosis], intent: &Intent) {
    ds.sort_by_key(|d| {
        (
            !(intent.wrapped.is_some() && d.cause == intent.wrapped),
            d.status.severity(),
            !d.blocks,
            precedence(d.cause),
            d.lead(),
        )
    });
}

#[cfg(test)]
mod tests;
