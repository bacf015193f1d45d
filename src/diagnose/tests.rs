//! The diagnosis on plain findings: statuses and causes come from the real catalog, so a
//! change of an outcome's cause shows here.

use super::*;
use crate::checks::common::Outcome as Common;
use crate::checks::{env_conflicts, git_credential, git_remote, network, proxy, repo_access};
use crate::checks::{token_file, token_valid};
use crate::engine::finding::VERIFIED;
use crate::engine::finding::{Namespace, OutcomeId};
use crate::engine::runner::Outcome as Runner;

/// A finding of `check` with that outcome, as the runner would make it.
fn of(check: &'static str, outcome: impl Into<OutcomeId>) -> Finding {
    let outcome = outcome.into();
    let words = crate::checks::catalog()
        .outcome(check, outcome)
        .unwrap_or_else(|| panic!("no words for {check}/{outcome}"));
    Finding {
        check,
        outcome,
        status: words.status,
        cause: words.cause,
        params: Vec::new(),
        details: Vec::new(),
        duration_ms: 0,
    }
}

fn own(outcome: impl Into<OutcomeId>) -> Finding {
    let outcome = outcome.into();
    let Namespace::Check(check) = outcome.namespace() else {
        panic!("use `of` for shared outcomes");
    };
    of(check, outcome)
}

fn verified(mut f: Finding) -> Finding {
    f.details.push((VERIFIED.as_str().into(), "yes".into()));
    f
}

fn pass(check: &'static str) -> Finding {
    let mut f = of("token-file", token_file::Outcome::Ok);
    f.check = check;
    f
}

fn codes(findings: &[Finding], d: &Diagnosis) -> Vec<String> {
    d.findings.iter().map(|&i| findings[i].code()).collect()
}

fn causes(ds: &[Diagnosis]) -> Vec<Option<Cause>> {
    ds.iter().map(|d| d.cause).collect()
}

const PUSH: Intent = Intent {
    target: true,
    write: true,
    wrapped: None,
};

#[test]
fn nothing_wrong_is_an_empty_diagnosis() {
    let findings = vec![pass("token-file"), own(token_valid::Outcome::Valid)];
    assert_eq!(diagnose(&findings, &PUSH), []);
    assert_eq!(diagnose(&[], &Intent::default()), []);
}

#[test]
fn skips_are_no_cause() {
    let findings = vec![of("repo-access", Runner::SkippedNoTarget)];
    assert_eq!(diagnose(&findings, &Intent::default()), []);
}

#[test]
fn a_stale_git_credential_is_the_verdict_not_namespace_rights() {
    // git sends alice's old read token; the token in effect may push (tested).
    let findings = vec![
        own(token_valid::Outcome::Valid),
        own(repo_access::Outcome::WriteOk),
        verified(own(git_credential::Outcome::PushStale)),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(causes(&ds), [Some(Cause::StaleGitCredential)]);
    assert!(ds[0].verified);
    assert_eq!(ds[0].status, Status::Fail);
    assert_eq!(findings[ds[0].lead()].code(), "git-credential/push-stale");
}

#[test]
fn a_shadowing_variable_with_a_verified_other_source_is_one_cause() {
    // HF_TOKEN (bob) shadows the file (alice), and alice's token can see the repo.
    let findings = vec![
        own(env_conflicts::Outcome::EnvShadowsFile),
        verified(own(repo_access::Outcome::VisibleWithOther)),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(causes(&ds), [Some(Cause::EnvConflict)]);
    assert_eq!(
        ds[0].status,
        Status::Fail,
        "the warning is merged into the failure"
    );
    assert_eq!(
        codes(&findings, &ds[0]),
        [
            "repo-access/visible-with-other",
            "env-conflicts/env-shadows-file"
        ]
    );
}

#[test]
fn a_verified_other_source_explains_the_refusals_of_the_token_in_effect() {
    // The token in effect is read-only; the file's token may push: one cause, not two.
    let findings = vec![
        own(env_conflicts::Outcome::EnvShadowsFile),
        own(token_valid::Outcome::ReadOnly),
        verified(own(repo_access::Outcome::WritableWithOther)),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(causes(&ds), [Some(Cause::EnvConflict)]);
    assert_eq!(ds[0].findings.len(), 3);
}

#[test]
fn without_the_test_the_refusal_stays_its_own_cause() {
    let findings = vec![
        own(env_conflicts::Outcome::EnvShadowsFile),
        own(token_valid::Outcome::ReadOnly),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(
        causes(&ds),
        [Some(Cause::ReadOnlyToken), Some(Cause::EnvConflict)],
        "fail before warn"
    );
}

#[test]
fn a_quoted_token_that_is_valid_inside_is_one_verified_cause() {
    let findings = vec![
        own(token_file::Outcome::Quoted),
        verified(own(token_valid::Outcome::InvalidRepairedValid)),
        own(repo_access::Outcome::TokenInvalid),
    ];
    let ds = diagnose(&findings, &Intent::default());
    assert_eq!(causes(&ds), [Some(Cause::InvalidToken)]);
    assert!(ds[0].verified);
    assert_eq!(
        findings[ds[0].lead()].code(),
        "token-valid/invalid-repaired-valid"
    );
    assert_eq!(ds[0].findings.len(), 3);
}

#[test]
fn a_space_remote_without_spaces_is_one_cause_led_by_the_remote() {
    let findings = vec![
        own(repo_access::Outcome::WrongRepoType),
        own(git_remote::Outcome::WrongRepoType),
        own(git_credential::Outcome::PushNotFound),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(causes(&ds), [Some(Cause::WrongRepoType)]);
    assert_eq!(findings[ds[0].lead()].code(), "git-remote/wrong-repo-type");
    assert_eq!(ds[0].findings.len(), 3, "the push's not-found is merged");
}

#[test]
fn two_faults_at_once_give_both_causes_the_remote_first() {
    // A Space remote without /spaces/ and a read token.
    let findings = vec![
        own(token_valid::Outcome::ReadOnly),
        own(repo_access::Outcome::WrongRepoType),
        own(git_remote::Outcome::WrongRepoType),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(
        causes(&ds),
        [Some(Cause::WrongRepoType), Some(Cause::ReadOnlyToken)]
    );
}

#[test]
fn a_missing_repo_comes_before_an_endpoint_warning() {
    let findings = vec![
        own(env_conflicts::Outcome::EndpointCustom),
        own(repo_access::Outcome::RepoNotFound),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(
        causes(&ds),
        [Some(Cause::RepoNotFound), Some(Cause::MirrorEndpoint)]
    );
}

#[test]
fn a_broken_proxy_explains_every_unreachable_host_once() {
    let findings = vec![
        own(proxy::Outcome::Unreachable),
        own(network::Outcome::TcpFailed),
        of("token-valid", Common::Unreachable),
        of("repo-access", Common::Unreachable),
        of("git-credential", Runner::Timeout),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(causes(&ds), [Some(Cause::Proxy)]);
    assert_eq!(findings[ds[0].lead()].code(), "proxy/unreachable");
    assert_eq!(ds[0].findings.len(), 5);
}

#[test]
fn a_shared_finding_never_leads_when_a_check_has_its_own() {
    let findings = vec![
        of("token-valid", Common::Unreachable),
        own(network::Outcome::DnsFailed),
    ];
    let ds = diagnose(&findings, &Intent::default());
    assert_eq!(findings[ds[0].lead()].code(), "network/dns-failed");
}

#[test]
fn what_blocks_the_intent_comes_before_what_does_not() {
    // Both fail; git-lfs matters only for a push.
    let findings = vec![
        own(crate::checks::git_lfs::Outcome::Missing),
        own(repo_access::Outcome::RepoNotFound),
    ];
    let read = Intent {
        target: true,
        write: false,
        wrapped: None,
    };
    let ds = diagnose(&findings, &read);
    assert_eq!(causes(&ds)[0], Some(Cause::RepoNotFound));
    assert!(ds[0].blocks);
    assert!(!ds[1].blocks);
}

#[test]
fn the_wrapped_commands_cause_comes_first() {
    let findings = vec![
        own(repo_access::Outcome::RepoNotFound),
        own(crate::checks::git_lfs::Outcome::Missing),
    ];
    let intent = Intent {
        wrapped: Some(Cause::LfsMissing),
        ..PUSH
    };
    let ds = diagnose(&findings, &intent);
    assert_eq!(causes(&ds)[0], Some(Cause::LfsMissing));
}

#[test]
fn findings_without_a_cause_are_entries_of_their_own() {
    let findings = vec![
        own(token_file::Outcome::Permissions),
        of("network", Runner::Timeout),
    ];
    let ds = diagnose(&findings, &Intent::default());
    assert_eq!(ds.len(), 2);
    assert_eq!(ds[0].status, Status::Timeout, "a timeout before a warning");
    assert!(ds.iter().all(|d| d.cause.is_none()));
}

#[test]
fn each_finding_is_in_exactly_one_entry() {
    let findings = vec![
        own(token_file::Outcome::Permissions),
        own(env_conflicts::Outcome::EnvShadowsFile),
        own(token_valid::Outcome::ReadOnly),
        own(repo_access::Outcome::WrongRepoType),
        own(git_remote::Outcome::WrongRepoType),
        own(git_credential::Outcome::PushNotFound),
        own(proxy::Outcome::CaseDisagree),
    ];
    let ds = diagnose(&findings, &PUSH);
    let mut seen: Vec<usize> = ds.iter().flat_map(|d| d.findings.clone()).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..findings.len()).collect::<Vec<_>>());
    let mut cs = causes(&ds);
    cs.retain(|c| c.is_some());
    let n = cs.len();
    cs.dedup();
    assert_eq!(cs.len(), n, "each cause once");
}

#[test]
fn offline_mode_with_a_target_comes_first() {
    let findings = vec![
        own(token_file::Outcome::Permissions),
        own(env_conflicts::Outcome::OfflineBlocksTarget),
        of("repo-access", Runner::SkippedOffline),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(causes(&ds), [Some(Cause::OfflineMode), None]);
    assert_eq!(ds[0].status, Status::Fail);
}

#[test]
fn no_token_anywhere_is_one_cause_not_three() {
    // token-file says log in, token-valid says a push needs one, repo-access was refused.
    let findings = vec![
        own(token_file::Outcome::Missing),
        own(token_valid::Outcome::NoTokenNeeded),
        own(repo_access::Outcome::WriteNoToken),
    ];
    let ds = diagnose(&findings, &PUSH);
    assert_eq!(causes(&ds), [Some(Cause::NoToken)]);
    assert_eq!(ds[0].status, Status::Fail, "the warning joins the failures");
    assert_eq!(ds[0].findings.len(), 3);
    // The lead is a failure of what blocks the push, not the file's warning.
    assert_ne!(findings[ds[0].lead()].code(), "token-file/missing");
}
