//! From evidence to ranked causes. Three kinds of signal add up per cause:
//! - the answer the text reports (status, `X-Error-Code` when shown, the Hub's message, the
//!   host and route of its URL), classified by the Hub layer's own table
//!   (`hub::classify_signals`), the one the checks use for live answers, then read as causes
//!   here (`kind_causes`);
//! - the families of `checks/_explain.toml`: one fact in the words of every stack;
//! - each check's phrase patterns (`[[explain]]` in checks/<id>.toml).
//!
//! Then the host decides between a cause and its look-alike: a connection failure on a storage
//! host while the API answered is `storage-blocked`, an auth failure through a mirror is
//! `mirror-endpoint`. How the weights were set and measured: docs/notes/explain.md.

use std::collections::BTreeMap;

use crate::engine::finding::Cause;
use crate::explain::evidence::{self, Extracted};
use crate::explain::patterns::{compiled, line_at, Candidate, Evidence};
use crate::hub::route::{Host, Route};
use crate::hub::{GateState, Kind, Signals};

/// Ranked causes for a text, and what it says about the request. Empty when nothing is
/// recognised.
pub fn analyse(text: &[u8]) -> (Vec<Candidate>, Extracted) {
    let c = compiled();
    let mut board = Board::default();
    let mut positions = Vec::new();
    let mut family_hits: Vec<&str> = Vec::new();
    for i in c.set.matches(text).into_iter() {
        let (re, check, id, causes) = &c.patterns[i];
        let at = re.find(text).map(|m| m.start());
        if let Some(at) = at {
            positions.push(at);
        }
        let line = at.map(|at| line_at(text, at)).unwrap_or_default();
        if check.is_empty() {
            family_hits.push(id);
        }
        let name = if check.is_empty() {
            format!("family/{id}")
        } else {
            format!("{check}/{id}")
        };
        for (cause, weight) in causes {
            board.add(
                *cause,
                *weight,
                &name,
                &line,
                (!check.is_empty()).then_some(check),
            );
        }
    }
    let focus = evidence::focus(text, &positions);
    let x = evidence::extract(&focus);
    // The status the error is about counts whole; others the text shows (a HEAD's 404
    // before a GET's 429) count half.
    let message = x.server_message.clone().unwrap_or_default();
    for (i, status) in x.status.iter().chain(&x.other_statuses).enumerate() {
        let status = *status;
        let signals = Signals {
            status,
            error_code: x.error_code.as_deref(),
            message: &message,
            host: x.host_kind.unwrap_or(Host::Hub),
            route: x.route.unwrap_or(Route::Other),
        };
        let kind = crate::hub::classify_signals(&signals);
        let line = status_line(&focus, status);
        let name = format!("answer/{}", kind_name(&kind));
        for (cause, weight) in kind_causes(&kind, &signals, &x) {
            let weight = if i == 0 { weight } else { weight / 2 };
            board.add(cause, weight, &name, &line, None);
        }
    }
    by_host(&mut board, &x, &family_hits, &focus);
    (board.ranked(), x)
}

/// Ranked causes only.
pub fn classify(text: &[u8]) -> Vec<Candidate> {
    analyse(text).0
}

/// The answer's meaning, read as causes with weights. Where one answer fits several causes
/// (a 401 with no message: a typo, a private repo, no token) each gets a share and none wins
/// alone; the checks decide.
pub fn kind_causes(kind: &Kind, s: &Signals, x: &Extracted) -> Vec<(Cause, u32)> {
    use Cause::*;
    let git = s.route.is_git() || matches!(x.client.as_deref(), Some("git" | "git-lfs"));
    match kind {
        Kind::Ok => vec![],
        Kind::InvalidToken => vec![(InvalidToken, 12)],
        Kind::AnonymousNotFound if git => {
            vec![
                (StaleGitCredential, 4),
                (InvalidToken, 3),
                (NoToken, 3),
                (RepoNotFound, 3),
            ]
        }
        Kind::AnonymousNotFound => vec![(RepoNotFound, 4), (NoToken, 4), (InvalidToken, 1)],
        Kind::NotFound => vec![(RepoNotFound, 7), (WrongRepoType, 3)],
        Kind::Gated(GateState::NotLoggedIn) => vec![(NoToken, 8), (GatedNotAccepted, 4)],
        Kind::Gated(_) => vec![(GatedNotAccepted, 12)],
        Kind::FineGrainedGated => vec![(FineGrainedScope, 14)],
        Kind::Disabled => vec![(RepoNotFound, 8)],
        // "read access" is the user's permission on the repo, not the token's role
        // (docs/notes/hub-answers.md W1): the namespace first, a read token second.
        Kind::ReadOnly => vec![(NoNamespaceRights, 8), (ReadOnlyToken, 6)],
        Kind::ContributorOnly => vec![(NoNamespaceRights, 8), (FineGrainedScope, 3)],
        Kind::OrgPolicy => vec![(FineGrainedScope, 10)],
        Kind::RevisionNotFound => vec![(RepoNotFound, 4)],
        Kind::EntryNotFound => vec![(RepoNotFound, 2), (WrongRepoType, 2)],
        Kind::RateLimited => vec![(RateLimited, 12)],
        Kind::ServerError if s.host.is_storage() => vec![(StorageBlocked, 6)],
        Kind::ServerError => vec![(ServerError, 6)],
        Kind::ProxyAuth => vec![(Proxy, 14)],
        Kind::RangeNotSatisfiable => vec![(CacheCorrupt, 12)],
        Kind::InferenceForbidden => vec![(FineGrainedScope, 14)],
        Kind::InferenceRetired => vec![(NoProvider, 12)],
        Kind::StorageRefused => vec![(StorageBlocked, 8), (Proxy, 2)],
        Kind::GitCredentialsRefused => vec![
            (StaleGitCredential, 5),
            (InvalidToken, 4),
            (GitPasswordAuth, 3),
            (NoToken, 2),
        ],
        Kind::WriteRefused => vec![
            (ReadOnlyToken, 6),
            (NoNamespaceRights, 5),
            (StaleGitCredential, 3),
        ],
        Kind::Other => match (s.status, s.route) {
            (404, Route::Inference) => vec![(NoProvider, 10)],
            (403, Route::Inference) => vec![(FineGrainedScope, 6), (NoProvider, 3)],
            (403, Route::Resolve | Route::RepoInfo | Route::Tree) => {
                vec![(GatedNotAccepted, 8), (FineGrainedScope, 4)]
            }
            (403, _) if git => vec![
                (ReadOnlyToken, 5),
                (StaleGitCredential, 4),
                (NoNamespaceRights, 4),
            ],
            (404, Route::Resolve | Route::RepoInfo | Route::Tree) => {
                vec![(RepoNotFound, 5), (WrongRepoType, 3), (NoToken, 1)]
            }
            (404, _) if git => vec![(RepoNotFound, 5), (WrongRepoType, 3), (NoToken, 2)],
            _ => vec![],
        },
    }
}

/// The host decides between look-alikes.
fn by_host(board: &mut Board, x: &Extracted, families: &[&str], text: &[u8]) {
    const NETWORK: &[&str] = &[
        "dns",
        "refused",
        "unreachable",
        "connect-timeout",
        "read-timeout-or-reset",
        "connect-generic",
    ];
    let network = families.iter().any(|f| NETWORK.contains(f));
    // A connection that fails on a storage host: the API answered (it sent the client there),
    // the bytes' host is the one blocked. The network score moves to storage-blocked.
    // A name that does not resolve, with nothing to show the API answered, may be no network
    // at all: storage-blocked comes second then, for the checks to decide.
    if network && x.names_storage() && !families.contains(&"proxy") {
        let moved = board.score(Cause::NetworkUnreachable);
        let api_answered =
            families.contains(&"xet-storage") || x.names(Host::Hub) && !families.contains(&"dns");
        let weight = if api_answered || !families.contains(&"dns") {
            moved + 4
        } else {
            moved / 2
        };
        let line = x.host.clone().unwrap_or_default();
        board.add(Cause::StorageBlocked, weight, "host/storage", &line, None);
    }
    // Through a mirror: what needs an account (a token, a gated or private repo, a push) or
    // Xet fails there, whatever the message says. A plain 404 is not among them: a mirror
    // serves public repos, and its 404 is as likely the Hub's.
    let mirror = x.names(Host::Mirror) || memchr::memmem::find(text, b"hf-mirror").is_some();
    if mirror {
        let auth = [
            Cause::InvalidToken,
            Cause::NoToken,
            Cause::GatedNotAccepted,
            Cause::ReadOnlyToken,
            Cause::NoNamespaceRights,
            Cause::StorageBlocked,
        ]
        .iter()
        .map(|c| board.score(*c))
        .max()
        .unwrap_or(0);
        // The mirror itself answered with a refusal: it cannot serve this.
        let refused_there =
            x.host_kind == Some(Host::Mirror) && x.status.is_some_and(|s| (400..500).contains(&s));
        let line = x.url.clone().unwrap_or_else(|| "hf-mirror.com".into());
        // The host that fails is the mirror itself, or the Hub's storage the mirror hands the
        // bytes on to (Xet through a mirror, docs/notes/download-path.md): the server the user
        // chose with HF_ENDPOINT cannot serve this, which is the mirror-endpoint cause, ahead
        // of the network or the storage hosts in general.
        let mirror_fails = x.host_kind == Some(Host::Mirror) && network;
        let passed_on = x.names_storage() && board.score(Cause::StorageBlocked) > 0;
        if mirror_fails || passed_on {
            let over = board
                .score(Cause::NetworkUnreachable)
                .max(board.score(Cause::StorageBlocked));
            board.add(Cause::MirrorEndpoint, over + 3, "host/mirror", &line, None);
        } else if auth > 0 || refused_there {
            let weight = if auth > 0 { auth / 2 + 4 } else { 6 };
            board.add(Cause::MirrorEndpoint, weight, "host/mirror", &line, None);
        }
    }
}

/// The line of the text that carries the status, as evidence.
fn status_line(text: &[u8], status: u16) -> String {
    let digits = status.to_string();
    memchr::memmem::find(text, digits.as_bytes())
        .map(|at| line_at(text, at))
        .unwrap_or_default()
}

fn kind_name(kind: &Kind) -> String {
    let debug = format!("{kind:?}");
    // `Gated(Pending)` → `gated-pending`, `InvalidToken` → `invalid-token`.
    let mut out = String::new();
    for (i, ch) in debug.chars().enumerate() {
        match ch {
            '(' => out.push('-'),
            ')' => {}
            c if c.is_ascii_uppercase() => {
                if i > 0 && !out.ends_with('-') {
                    out.push('-');
                }
                out.push(c.to_ascii_lowercase());
            }
            c => out.push(c),
        }
    }
    out
}

/// The checks whose outcomes name a cause: the ones that decide it on this machine.
pub fn checks_for(cause: Cause) -> Vec<String> {
    crate::checks::catalog()
        .checks
        .iter()
        .filter(|c| c.outcome.values().any(|o| o.cause == Some(cause)))
        .map(|c| c.id.clone())
        .collect()
}

#[derive(Default)]
struct Board {
    by_cause: BTreeMap<Cause, Candidate>,
    /// The largest single weight each cause got: one strong signal, not many weak ones, makes
    /// a confident answer.
    strongest: BTreeMap<Cause, u32>,
}

impl Board {
    fn add(
        &mut self,
        cause: Cause,
        weight: u32,
        pattern: &str,
        line: &str,
        check: Option<&String>,
    ) {
        let entry = self.by_cause.entry(cause).or_insert_with(|| Candidate {
            cause,
            score: 0,
            confidence: "low",
            evidence: Vec::new(),
            checks: Vec::new(),
        });
        entry.score += weight;
        let best = self.strongest.entry(cause).or_default();
        *best = (*best).max(weight);
        if !line.is_empty()
            && !entry.evidence.iter().any(|e| e.line == line)
            && entry.evidence.len() < 5
        {
            entry.evidence.push(Evidence {
                pattern: pattern.to_string(),
                line: line.to_string(),
            });
        }
        if let Some(check) = check {
            if !entry.checks.contains(check) {
                entry.checks.push(check.clone());
            }
        }
    }

    fn score(&self, cause: Cause) -> u32 {
        self.by_cause.get(&cause).map_or(0, |c| c.score)
    }

    fn ranked(self) -> Vec<Candidate> {
        let strongest = self.strongest;
        let mut ranked: Vec<Candidate> = self.by_cause.into_values().collect();
        for c in &mut ranked {
            for id in checks_for(c.cause) {
                if !c.checks.contains(&id) {
                    c.checks.push(id);
                }
            }
        }
        ranked.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.cause.as_str().cmp(&b.cause.as_str()))
        });
        let top = ranked.first().map_or(0, |c| c.score);
        let second = ranked.get(1).map_or(0, |c| c.score);
        let rivals: Vec<Cause> = ranked.iter().skip(1).map(|c| c.cause).collect();
        for (i, c) in ranked.iter_mut().enumerate() {
            // A failed connection or handshake says where it broke, not why: a proxy that is
            // needed and not set, offline on purpose, a storage host, an inspecting firewall.
            // Those are never `high` from the text alone.
            let symptom = matches!(
                c.cause,
                Cause::NetworkUnreachable | Cause::StorageBlocked | Cause::Tls
            );
            // A refused token says the token was bad, not which source sent it: with another
            // source in the running (git's helper, HF_TOKEN), the checks decide.
            let sources_named = c.cause == Cause::InvalidToken
                && [Cause::EnvConflict, Cause::StaleGitCredential]
                    .iter()
                    .any(|r| rivals.contains(r));
            let decisive =
                !symptom && !sources_named && strongest.get(&c.cause).copied().unwrap_or(0) >= 10;
            c.confidence = if i == 0 && decisive && top >= 12 && top >= second * 2 {
                "high"
            } else if i == 0 && top >= 5 && top > second {
                "medium"
            } else {
                "low"
            };
        }
        ranked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_kebab_case() {
        assert_eq!(kind_name(&Kind::InvalidToken), "invalid-token");
        assert_eq!(kind_name(&Kind::Gated(GateState::Pending)), "gated-pending");
    }

    #[test]
    fn every_cause_the_table_names_has_words() {
        let catalog = crate::checks::catalog();
        for c in Cause::ALL {
            assert!(
                catalog.causes.contains_key(&c),
                "{} has no entry in _causes.toml",
                c.as_str()
            );
        }
    }

    /// The table explain reads answers with gives the cause the checks give for the same
    /// answer: a 401 "Invalid credentials" is invalid-token whether it came over the wire to
    /// repo-access or was pasted.
    #[test]
    fn pasted_answers_mean_what_live_ones_do() {
        let catalog = crate::checks::catalog();
        let outcome_cause = |check: &str, outcome: &str| {
            catalog
                .check(check)
                .and_then(|c| c.outcome.get(outcome))
                .and_then(|o| o.cause)
        };
        let x = Extracted::default();
        let s = Signals {
            status: 401,
            error_code: None,
            message: "",
            host: Host::Hub,
            route: Route::Resolve,
        };
        for (kind, check, outcome) in [
            (Kind::InvalidToken, "repo-access", "token-invalid"),
            (
                Kind::Gated(GateState::NotRequested),
                "gated-access",
                "not-requested",
            ),
            (Kind::Gated(GateState::Pending), "gated-access", "pending"),
            (Kind::FineGrainedGated, "gated-access", "fine-grained"),
            (Kind::RateLimited, "repo-access", "rate-limited"),
            (Kind::NotFound, "repo-access", "repo-not-found"),
            (Kind::Disabled, "repo-access", "disabled"),
            (Kind::OrgPolicy, "repo-access", "org-policy"),
            (
                Kind::Gated(GateState::NotLoggedIn),
                "gated-access",
                "not-logged-in",
            ),
            (Kind::ContributorOnly, "repo-access", "contributor"),
        ] {
            let live = outcome_cause(check, outcome)
                .unwrap_or_else(|| panic!("{check}/{outcome} has no cause"));
            let pasted = kind_causes(&kind, &s, &x);
            assert_eq!(
                pasted.first().map(|(c, _)| *c),
                Some(live),
                "{kind:?}: explain reads {pasted:?}, {check}/{outcome} says {}",
                live.as_str()
            );
        }
    }
}
