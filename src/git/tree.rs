//! The files of a commit as git holds them, read without a checkout: the commit a remote
//! branch is at (the last push this clone knows of), its file list, one file's text, and the
//! lines of its files that match a pattern. Every read is one bounded git command.

use std::time::Duration;

use crate::git::Git;

/// The commit `remote`'s default branch is at, as this clone last saw it (`<remote>/HEAD`,
/// else `<remote>/main`): the ref name when there is one.
pub fn pushed_ref(git: &Git, remote: &str) -> Option<String> {
    [format!("{remote}/HEAD"), format!("{remote}/main")]
        .into_iter()
        .find(|r| {
            git.run(&[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{r}^{{commit}}"),
            ])
            .is_ok_and(|o| o.ok())
        })
}

/// The top of the work tree (git runs there for every other read).
pub fn top_level(git: &Git) -> Option<std::path::PathBuf> {
    let out = git.run(&["rev-parse", "--show-toplevel"]).ok()?;
    let top = out.stdout.trim();
    (out.ok() && !top.is_empty()).then(|| std::path::PathBuf::from(top))
}

/// Every file path of `rev`, from the top of the tree.
pub fn files(git: &Git, rev: &str) -> Option<Vec<String>> {
    let out = git
        .run(&["ls-tree", "-r", "--name-only", "--full-tree", "-z", rev])
        .ok()?;
    out.ok().then(|| {
        out.stdout
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    })
}

/// The text of `path` at `rev`, at most `cap` bytes; None when it is not there.
pub fn show(git: &Git, rev: &str, path: &str, cap: usize) -> Option<String> {
    let mut spec = git.spec(&["show", &format!("{rev}:{path}")], git.deadline);
    spec.cap = cap;
    let out = git.proc.run(git.env, &spec).ok()?;
    out.ok().then_some(out.stdout)
}

/// One line a `grep` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub path: String,
    pub line: usize,
    pub text: String,
}

/// The lines of `rev`'s text files under these pathspecs that match the extended regex
/// `pattern`, at most `cap` bytes of them.
pub fn grep(
    git: &Git,
    rev: &str,
    pattern: &str,
    pathspecs: &[&str],
    cap: usize,
    deadline: Duration,
) -> Vec<Hit> {
    let mut args = vec!["grep", "-I", "-n", "-z", "-E", "-e", pattern, rev, "--"];
    args.extend_from_slice(pathspecs);
    let mut spec = git.spec(&args, deadline);
    spec.cap = cap;
    let Ok(out) = git.proc.run(git.env, &spec) else {
        return Vec::new();
    };
    let prefix = format!("{rev}:");
    out.stdout
        .lines()
        .filter_map(|l| {
            // `rev:path\0line\0text` with -z.
            let mut parts = l.splitn(3, '\0');
            let path = parts.next()?.strip_prefix(&prefix)?.to_string();
            let line = parts.next()?.parse().ok()?;
            Some(Hit {
                path,
                line,
                text: parts.next()?.to_string(),
            })
        })
        .collect()
}

/// How many commits `HEAD` has that `rev` has not: work not pushed yet.
pub fn ahead_of(git: &Git, rev: &str) -> Option<u32> {
    let out = git
        .run(&["rev-list", "--count", &format!("{rev}..HEAD")])
        .ok()?;
    out.ok().then(|| out.stdout.trim().parse().ok()).flatten()
}
