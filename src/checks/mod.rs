//! The registry: the one list of checks, in the order they run and print. Each check is a file
//! here (what it probes, which outcome it reaches: its `Outcome` enum and its `run`) and a file
//! of the same name under `checks/` at the top (what each outcome means and how to fix it).
//!
//! Adding a check touches its `.rs`, its `.toml`, one line of `registry!` below and its tests;
//! the runner's list, the catalog sources, `hfdoctor list` and docs/checks/ all come from here.

pub mod common;

use crate::engine::catalog::{Catalog, Need};
use crate::engine::finding::{Namespace, Outcomes, Owned};
use crate::engine::runner::{CheckDef, Run};

/// `module => "id", Blocking|Async, [needs];` declares the check: its module, its id (which
/// names its catalog file `checks/<id>.toml` and the namespace of its `Outcome` enum), how it
/// runs, and what it cannot run without (`Network`, `Git`, `Target`).
macro_rules! registry {
    ($($module:ident => $id:literal, $run:ident, [$($need:ident),*];)*) => {
        $(pub mod $module;)*

        $(impl Owned for $module::Outcome {
            const NAMESPACE: Namespace = Namespace::Check($id);
        })*

        pub const REGISTRY: &[CheckDef] = &[$(CheckDef {
            id: $id,
            run: Run::$run($module::run),
            catalog: include_str!(concat!("../../checks/", $id, ".toml")),
            needs: &[$(Need::$need),*],
            outcomes: || {
                <$module::Outcome as Outcomes>::ALL
                    .iter()
                    .map(|o| (o.name(), o.variant()))
                    .collect()
            },
        }),*];
    };
}

// The order is the run and print order, in four phases (tests/catalog.rs holds the registry to
// it): what the machine holds (checks that need nothing), the way out (category `network`),
// what the Hub says (checks that need the network), then git (category `git`). A finding then
// reads after the ones it depends on; within a phase, a new check goes where it reads best.
registry! {
    token_file => "token-file", Blocking, [];
    env_conflicts => "env-conflicts", Blocking, [];
    hf_cache => "hf-cache", Async, [];
    python_env => "python-env", Async, [];
    proxy => "proxy", Async, [];
    network => "network", Async, [];
    download_path => "download-path", Async, [Network];
    token_valid => "token-valid", Async, [Network];
    repo_access => "repo-access", Async, [Network, Target];
    gated_access => "gated-access", Async, [Network, Target];
    space_status => "space-status", Async, [Network, Target];
    inference_access => "inference-access", Async, [Network];
    git_remote => "git-remote", Async, [Git];
    git_credential => "git-credential", Async, [];
    git_ssh => "git-ssh", Async, [Git];
    git_lfs => "git-lfs", Blocking, [];
}

/// The one parsed catalog of the registered checks, with the runner's, common, message and
/// cause words (parsed on first use; a test parses it, so a broken file never ships).
pub fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| Catalog::parse(REGISTRY).unwrap_or_else(|e| panic!("catalog: {e}")))
}

/// Run these checks with the registry's catalog: `on_ready` gets each check's findings, in
/// order, as soon as it and every one before it are done.
pub async fn run(
    ctx: std::sync::Arc<crate::context::Context>,
    checks: &[CheckDef],
    on_ready: impl FnMut(usize, Vec<crate::engine::finding::Finding>),
) -> Vec<crate::engine::finding::Finding> {
    crate::engine::runner::run(ctx, catalog, checks, on_ready).await
}

/// `run`, with `on_started` called once every check has started (the text header is printed
/// there, while the checks work).
pub async fn run_and_then(
    ctx: std::sync::Arc<crate::context::Context>,
    checks: &[CheckDef],
    on_started: impl FnOnce(),
    on_ready: impl FnMut(usize, Vec<crate::engine::finding::Finding>),
) -> Vec<crate::engine::finding::Finding> {
    crate::engine::runner::run_and_then(ctx, catalog, checks, on_started, on_ready).await
}

/// The registered check with this id.
pub fn def(id: &str) -> Option<&'static CheckDef> {
    REGISTRY.iter().find(|c| c.id == id)
}

pub fn ids() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|c| c.id)
}

/// The id of the check whose outcomes `O` are, e.g. `id::<repo_access::Outcome>()`: code that
/// names a check does so through its type, so a renamed check does not compile.
pub const fn id<O: Owned>() -> &'static str {
    match O::NAMESPACE {
        Namespace::Check(id) => id,
        _ => panic!("not a check's outcomes"),
    }
}
