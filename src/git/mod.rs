//! git subprocesses, through the one runner of `world::proc` (environment snapshot, never
//! interactive, output capped, a deadline, the whole process group killed at it; see
//! docs/notes/processes.md). Layer 1: it takes plain values (`Git`), not the Context.
//!
//! git's configuration is read once (`git config --list -z --show-scope`) into `GitConfig`,
//! which every git check shares instead of asking git again for each key.

pub mod remote;
pub mod tree;

use std::path::Path;
use std::time::Duration;

use crate::world::env::Env;
use crate::world::proc::{Output, ProcError, ProcRunner, Spec};

pub type GitOutput = Output;
pub type GitError = ProcError;

/// How long reading git's configuration may take.
pub const CONFIG_DEADLINE: Duration = Duration::from_secs(3);

/// Where and how git runs.
#[derive(Clone, Copy)]
pub struct Git<'a> {
    pub proc: &'a dyn ProcRunner,
    pub env: &'a Env,
    pub dir: &'a Path,
    /// The default deadline of one command.
    pub deadline: Duration,
}

impl<'a> Git<'a> {
    /// `git args` with the default deadline.
    pub fn run(&self, args: &[&str]) -> Result<Output, ProcError> {
        self.run_for(args, self.deadline)
    }

    pub fn run_for(&self, args: &[&str], deadline: Duration) -> Result<Output, ProcError> {
        self.proc
            .run(self.env, &Spec::new("git", args, self.dir, deadline))
    }

    /// `git args` with `input` on stdin.
    pub fn run_with_input(
        &self,
        args: &[&str],
        input: &[u8],
        deadline: Duration,
    ) -> Result<Output, ProcError> {
        self.proc.run(
            self.env,
            &Spec::new("git", args, self.dir, deadline).input(input),
        )
    }

    /// A spec for `git args` in this directory, for pipelines and caps.
    pub fn spec(&self, args: &[&str], deadline: Duration) -> Spec {
        Spec::new("git", args, self.dir, deadline)
    }

    /// Every setting git sees here (system, global, local, worktree, command line), in order.
    pub fn config(&self) -> Result<GitConfig, ProcError> {
        let out = self.run_for(&["config", "--list", "-z", "--show-scope"], CONFIG_DEADLINE)?;
        // Outside a repository with no config files at all, git exits 0 with nothing; a
        // non-zero exit (a broken config file) leaves what it could read.
        Ok(GitConfig::parse(&out.stdout))
    }
}

/// One setting: its scope (`global`, `local`, …), key (section and name lower-cased, the
/// subsection as written) and value (`None` for a bare boolean key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub scope: String,
    pub key: String,
    pub value: Option<String>,
}

/// git's configuration as `git config --list -z --show-scope` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitConfig {
    pub entries: Vec<Entry>,
}

impl GitConfig {
    /// `scope NUL key LF value NUL`, repeated (a key without value has no LF).
    pub fn parse(text: &str) -> Self {
        let mut entries = Vec::new();
        let mut fields = text.split('\0');
        while let (Some(scope), Some(kv)) = (fields.next(), fields.next()) {
            if scope.is_empty() && kv.is_empty() {
                break;
            }
            let (key, value) = match kv.split_once('\n') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (kv, None),
            };
            entries.push(Entry {
                scope: scope.to_string(),
                key: key.to_string(),
                value,
            });
        }
        GitConfig { entries }
    }

    /// Every value of `key` (lower-case section and name), in order.
    pub fn all<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s Entry> + 's {
        self.entries
            .iter()
            .filter(move |e| e.key.eq_ignore_ascii_case(key))
    }

    /// The value git uses for `key`: the last one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.key.eq_ignore_ascii_case(key))
            .and_then(|e| e.value.as_deref())
    }

    /// Any key with this prefix (e.g. `filter.lfs.`).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.entries.iter().any(|e| {
            e.key.len() >= prefix.len() && e.key[..prefix.len()].eq_ignore_ascii_case(prefix)
        })
    }

    /// The remotes' fetch URLs (and push URLs where set), in config order, without repeats.
    pub fn remotes(&self) -> Vec<Remote> {
        let mut remotes: Vec<Remote> = Vec::new();
        for e in &self.entries {
            let Some(url) = &e.value else { continue };
            let Some(name) = e.key.strip_prefix("remote.").and_then(|k| {
                k.strip_suffix(".url")
                    .or_else(|| k.strip_suffix(".pushurl"))
            }) else {
                continue;
            };
            let remote = Remote {
                name: name.to_string(),
                url: url.to_string(),
            };
            if !remotes.contains(&remote) {
                remotes.push(remote);
            }
        }
        remotes
    }

    /// `credential.helper` values with their scope, as `helper (scope)`.
    pub fn credential_helpers(&self) -> Vec<String> {
        self.all("credential.helper")
            .map(|e| format!("{} ({})", e.value.as_deref().unwrap_or(""), e.scope))
            .collect()
    }

    /// Some helper is scoped to a URL (`credential.<url>.helper`): only then is git asked which
    /// of them match the host (`--get-urlmatch`, whose matching rules git owns).
    pub fn has_url_scoped_helper(&self) -> bool {
        self.entries.iter().any(|e| {
            let k = e.key.to_ascii_lowercase();
            k.starts_with("credential.") && k.ends_with(".helper") && k != "credential.helper"
        })
    }
}

/// A remote of the current repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub name: String,
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_list_is_parsed_with_scopes_and_bare_keys() {
        let text = "global\0credential.helper\nstore\0local\0remote.Origin.url\nhttps://huggingface.co/a/b\0local\0remote.Origin.pushurl\nhttps://huggingface.co/a/c\0local\0core.bare\nfalse\0local\0x.flag\0command\0credential.https://hf.co.helper\ncache\0";
        let c = GitConfig::parse(text);
        assert_eq!(c.entries.len(), 6);
        assert_eq!(c.credential_helpers(), ["store (global)"]);
        assert!(c.has_url_scoped_helper());
        assert_eq!(c.get("core.bare"), Some("false"));
        assert_eq!(c.all("x.flag").next().unwrap().value, None);
        let r = c.remotes();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].name, "Origin");
        assert_eq!(r[1].url, "https://huggingface.co/a/c");
        assert!(GitConfig::parse("").entries.is_empty());
    }
}
