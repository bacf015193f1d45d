//! The registry: the one list of checks, in the order they run and print. Each check is a file
//! here (what it probes, which outcome it reaches) and a file of the same name under `checks/`
//! at the top (what each outcome means and how to fix it).

pub mod env_conflicts;
pub mod gated_access;
pub mod git_credential;
pub mod git_lfs;
pub mod git_remote;
pub mod git_ssh;
pub mod network;
pub mod proxy;
pub mod repo_access;
pub mod token_file;
pub mod token_valid;

use crate::runner::{CheckDef, Run};

pub const REGISTRY: &[CheckDef] = &[
    CheckDef {
        id: "token-file",
        run: Run::Blocking(token_file::run),
    },
    CheckDef {
        id: "env-conflicts",
        run: Run::Blocking(env_conflicts::run),
    },
    CheckDef {
        id: "proxy",
        run: Run::Async(proxy::run),
    },
    CheckDef {
        id: "network",
        run: Run::Async(network::run),
    },
    CheckDef {
        id: "token-valid",
        run: Run::Async(token_valid::run),
    },
    CheckDef {
        id: "repo-access",
        run: Run::Async(repo_access::run),
    },
    CheckDef {
        id: "gated-access",
        run: Run::Async(gated_access::run),
    },
    CheckDef {
        id: "git-remote",
        run: Run::Async(git_remote::run),
    },
    CheckDef {
        id: "git-credential",
        run: Run::Async(git_credential::run),
    },
    CheckDef {
        id: "git-ssh",
        run: Run::Async(git_ssh::run),
    },
    CheckDef {
        id: "git-lfs",
        run: Run::Blocking(git_lfs::run),
    },
];

pub fn ids() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|c| c.id)
}
