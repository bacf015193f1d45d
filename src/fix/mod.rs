//! `--fix` (docs/notes/fix.md): the local, reversible changes behind the diagnosis, planned
//! from the findings and what the Context saw, applied only where the file or state is still
//! what hfdoctor saw, each with a backup or a way back.
//!
//! What it may change: the token file (rewritten without BOM, quotes or surrounding
//! whitespace, mode 600), the start-up file line that sets a shadowing token variable
//! (commented out), the cache's leftovers (`.incomplete` files and broken snapshot links, moved
//! into a trash folder in the cache), a remote's URL to the type the Hub has the repo as, and
//! git-lfs's filters in the global git config. Nothing else; never a certificate store, a
//! system file, a blob something references, or a token sent anywhere.

use std::path::{Path, PathBuf};

use crate::context::Context;
use crate::engine::finding::Finding;
use crate::local::edit::{self, Seen};

/// One change, as planned.
#[derive(Debug, Clone)]
pub struct Change {
    /// The finding it answers (`token-file/quoted`) and its check.
    pub code: String,
    /// The findings whose absence afterwards says it worked (the code itself, or for the
    /// cache's leftovers the two findings they come from).
    pub answers: Vec<String>,
    pub check: &'static str,
    /// What it does, as a catalog message key with its parameters.
    pub what: &'static str,
    pub params: Vec<(&'static str, String)>,
    /// The change shown before it is made: a unified diff with every token masked, or the
    /// paths it moves.
    pub shown: String,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// Replace the file's bytes (and mode); a backup beside it.
    Rewrite {
        path: PathBuf,
        seen: Seen,
        new: Vec<u8>,
        mode: u32,
    },
    /// Move these leftovers, each as it was found, into `trash` under the cache `root`.
    Trash {
        root: PathBuf,
        files: Vec<(PathBuf, Fingerprint)>,
    },
    /// Replace git's stored credential for `protocol`/`host` (whose password was `old` when the
    /// plan was made) with the token in effect, through git's own helper: `git credential
    /// reject`, then `approve`. The old credential is kept in `backup_dir` (mode 600).
    Credential {
        protocol: String,
        host: String,
        old: crate::secret::Secret,
        username: String,
        new: crate::secret::Secret,
        backup_dir: PathBuf,
    },
    /// Run `git args` in `dir`, which changes the config `file` (seen as `seen`, None where
    /// it does not exist yet); the file is backed up first and put back if git fails.
    Git {
        dir: PathBuf,
        args: Vec<String>,
        file: PathBuf,
        seen: Option<Seen>,
    },
}

type Fingerprint = (u64, Option<std::time::SystemTime>, Option<PathBuf>);

/// What became of a change.
#[derive(Debug, Clone)]
pub enum Done {
    Applied {
        /// Where the old state is kept, and the commands that put it back.
        backup: String,
        undo: Vec<String>,
        /// What the user still has to do themselves (an `unset` for the current shell).
        then: Vec<String>,
        /// What may be deleted once the user is sure (the trash folder).
        cleanup: Option<String>,
        /// Variables a new shell no longer has: the re-check runs without them.
        unset: Vec<String>,
    },
    /// Not applied: a message key saying why (changed since it was read, declined, …).
    Skipped(&'static str),
    /// Applied in part or not at all because the system refused: nothing was left half done.
    Failed(String),
}

/// The changes for these findings, in the order given (the diagnosis order), each once.
/// `in_effect` is what the Hub said of the token in effect, where it said it is valid.
pub fn plan(
    ctx: &Context,
    findings: &[&Finding],
    in_effect: Option<&crate::hub::Whoami>,
) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    for f in findings {
        let code = f.code();
        let change = match code.as_str() {
            "token-file/bom" | "token-file/quoted" | "token-file/permissions" => token_file(ctx, f),
            "env-conflicts/env-shadows-file" => shadowing_line(ctx, f),
            "hf-cache/incomplete" | "hf-cache/broken-links" => cache_leftovers(ctx, f),
            "git-remote/wrong-repo-type" => remote_url(ctx, f),
            "git-lfs/not-initialised" => lfs_install(ctx, f),
            "git-credential/invalid" | "git-credential/other-account" => {
                credential(ctx, f, in_effect)
            }
            _ => None,
        };
        let Some(change) = change else { continue };
        // Two findings about one file make one rewrite (a quoted token in a 644 file).
        let same = out.iter().any(|c| match (&c.kind, &change.kind) {
            (Kind::Rewrite { path: a, .. }, Kind::Rewrite { path: b, .. }) => a == b,
            (Kind::Trash { .. }, Kind::Trash { .. }) => true,
            (Kind::Git { args: a, .. }, Kind::Git { args: b, .. }) => a == b,
            (Kind::Credential { .. }, Kind::Credential { .. }) => true,
            _ => false,
        });
        if !same {
            out.push(change);
        }
    }
    out
}

/// The token file as `hf auth login` writes it: the token alone, no BOM, no quotes, no
/// whitespace around it, mode 600 (docs/notes/token-discovery.md).
fn token_file(ctx: &Context, f: &Finding) -> Option<Change> {
    let path = ctx.absolute(&ctx.token().file.path);
    let seen = edit::seen(&path)?;
    let text = String::from_utf8(seen.bytes.clone()).ok()?;
    let token = clean_token(&text)?;
    let new = token.as_bytes().to_vec();
    let mode = 0o600;
    if new == seen.bytes && seen.mode == mode {
        return None;
    }
    let shown_path = ctx.display_path(&path);
    let masked = crate::secret::mask(&token);
    let mut shown = format!(
        "--- {shown_path}\n+++ {shown_path}\n-{}\n+{}\n",
        visible(&text, &token, &masked),
        masked
    );
    if seen.mode != mode {
        shown.push_str(&format!("chmod {:03o} → {mode:03o}\n", seen.mode));
    }
    Some(Change {
        code: f.code(),
        answers: vec![f.code()],
        check: f.check,
        what: "fix-token-file",
        params: vec![("path", shown_path)],
        shown,
        kind: Kind::Rewrite {
            path,
            seen,
            new,
            mode,
        },
    })
}

/// The token in a file's text: BOM, surrounding whitespace and one pair of matching quotes
/// removed; None unless what is left has a token's shape (hf_ and letters/digits only).
pub fn clean_token(text: &str) -> Option<String> {
    let t = text.trim_start_matches('\u{feff}').trim();
    let t = ['"', '\'']
        .iter()
        .find_map(|q| t.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
        .unwrap_or(t)
        .trim();
    let ok = t.starts_with("hf_")
        && t.len() > 10
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    ok.then(|| t.to_string())
}

/// The old content as one visible line: the token masked, a BOM, CR and LF written out.
fn visible(text: &str, token: &str, masked: &str) -> String {
    text.replace(token, masked)
        .replace('\u{feff}', "<BOM>")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
}

/// The start-up file line that exports the variable shadowing the token file, commented out
/// (`# ` and a note), with a backup; the current shell keeps the variable until `unset`.
fn shadowing_line(ctx: &Context, f: &Finding) -> Option<Change> {
    let var = f.detail_of(crate::engine::finding::Key("var"))?.to_string();
    let (path, line_no) = ctx.where_set_at(&var)?;
    let seen = edit::seen(&path)?;
    let text = String::from_utf8(seen.bytes.clone()).ok()?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let old = *lines.get(line_no - 1)?;
    let body = old.trim_end_matches(['\n', '\r']);
    let ending = &old[body.len()..];
    let new_line = format!("# {body}  # commented out by hfdoctor --fix{ending}");
    let mut new = String::new();
    for (i, l) in lines.iter().enumerate() {
        new.push_str(if i + 1 == line_no { &new_line } else { l });
    }
    let shown_path = ctx.display_path(&path);
    let mask = |s: &str| mask_secrets(ctx, s.trim_end_matches(['\n', '\r']));
    let shown = format!(
        "--- {shown_path}\n+++ {shown_path}\n@@ -{line_no} +{line_no} @@\n-{}\n+{}\n",
        mask(old),
        mask(&new_line)
    );
    Some(Change {
        code: f.code(),
        answers: vec![f.code()],
        check: f.check,
        what: "fix-shadowing-line",
        params: vec![
            ("var", var),
            ("path", shown_path),
            ("line", line_no.to_string()),
        ],
        shown,
        kind: Kind::Rewrite {
            path,
            mode: seen.mode,
            seen,
            new: new.into_bytes(),
        },
    })
}

/// Every token the run knows of, masked in `s`.
fn mask_secrets(ctx: &Context, s: &str) -> String {
    let disc = ctx.token();
    let mut out = s.to_string();
    for t in disc.all_tokens() {
        out = out.replace(t.expose(), &t.masked());
    }
    out
}

/// The cache's leftovers the scan found (`.incomplete` files, broken snapshot links), each
/// with its size, time and link target as found: moved into a trash folder in the cache.
fn cache_leftovers(ctx: &Context, _f: &Finding) -> Option<Change> {
    let paths = crate::local::cache::CachePaths::resolve(&ctx.env, ctx.home.as_deref(), &ctx.cwd);
    let scan = crate::local::cache::scan(&paths.hub, crate::local::cache::SCAN_BUDGET);
    let mut files: Vec<PathBuf> = scan.incomplete.iter().map(|l| l.path.clone()).collect();
    // The lock file of each unfinished blob goes with it (checked again, unheld, before it
    // moves; the client makes a new one when it next downloads the blob).
    let locks: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| lock_of(&paths.hub, f))
        .filter(|l| l.exists())
        .collect();
    files.extend(scan.broken_links.iter().cloned());
    files.extend(locks);
    let files: Vec<(PathBuf, Fingerprint)> = files
        .into_iter()
        .filter_map(|p| edit::fingerprint(&p).map(|fp| (p, fp)))
        .collect();
    if files.is_empty() {
        return None;
    }
    let shown: String = files
        .iter()
        .map(|(p, _)| format!("- {}\n", ctx.display_path(p)))
        .collect();
    Some(Change {
        code: "hf-cache/leftovers".into(),
        answers: vec!["hf-cache/incomplete".into(), "hf-cache/broken-links".into()],
        check: "hf-cache",
        what: "fix-cache-leftovers",
        params: vec![
            ("count", files.len().to_string()),
            ("path", ctx.display_path(&paths.hub)),
        ],
        shown,
        kind: Kind::Trash {
            root: paths.hub,
            files,
        },
    })
}

/// How long one git command of a fix may take.
const GIT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// git in `dir` with the run's environment. Not the Context's runner: its deadline is the
/// checks', over by the time a change is applied.
fn git_in<'a>(env: &'a crate::world::env::Env, dir: &'a Path) -> crate::git::Git<'a> {
    crate::git::Git {
        proc: &crate::world::proc::Real,
        env,
        dir,
        deadline: GIT_DEADLINE,
    }
}

/// `git args` in `dir`: its trimmed stdout when it succeeds.
fn git(ctx: &Context, dir: &Path, args: &[&str]) -> Option<String> {
    let out = git_in(&ctx.env, dir).run(args).ok()?;
    out.ok().then(|| out.stdout.trim().to_string())
}

/// `git remote set-url REMOTE URL` to the URL git-remote found and tested under the right
/// type (`/spaces/`, `/datasets/`); it changes the repository's `.git/config`.
fn remote_url(ctx: &Context, f: &Finding) -> Option<Change> {
    use crate::engine::finding::Key;
    let remote = f.detail_of(Key("remote"))?.to_string();
    let url = f.detail_of(Key("right_url"))?.to_string();
    let git_dir = git(ctx, &ctx.cwd, &["rev-parse", "--absolute-git-dir"])?;
    let file = PathBuf::from(git_dir).join("config");
    let seen = Some(edit::seen(&file)?);
    let old = f.detail_of(Key("url")).unwrap_or("?").to_string();
    Some(Change {
        code: f.code(),
        answers: vec![f.code()],
        check: f.check,
        what: "fix-remote-url",
        params: vec![("remote", remote.clone()), ("url", url.clone())],
        shown: format!("$ git remote set-url {remote} {url}\n  ({old} → {url})\n"),
        kind: Kind::Git {
            dir: ctx.cwd.clone(),
            args: vec!["remote".into(), "set-url".into(), remote, url],
            file,
            seen,
        },
    })
}

/// What git's helper answers for `protocol`/`host` now: (username, password).
fn filled(ctx: &Context, protocol: &str, host: &str) -> Option<(String, crate::secret::Secret)> {
    let input = format!("protocol={protocol}\nhost={host}\n\n");
    // Never a prompt: a helper that has nothing answers nothing.
    let env = ctx.env.with("GIT_TERMINAL_PROMPT", "0");
    let out = git_in(&env, &ctx.cwd)
        .run_with_input(&["credential", "fill"], input.as_bytes(), GIT_DEADLINE)
        .ok()
        .filter(|o| o.ok())?;
    let field = |k: &str| {
        out.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    Some((
        field("username")?,
        crate::secret::Secret::new(field("password")?),
    ))
}

/// git's stored credential refused by the Hub, or another account's: replaced by the token in
/// effect, only where the Hub said that token is valid, and, when the run is about writing,
/// that its role may write (a fine-grained token's rights per repo stay the user's call).
fn credential(ctx: &Context, f: &Finding, who: Option<&crate::hub::Whoami>) -> Option<Change> {
    let (protocol, host) = ctx.git_credential_host()?;
    let token = ctx.token().in_effect_token()?.clone();
    let who = who?.clone();
    let role = who.role().unwrap_or("-");
    if ctx.needs_write() && !matches!(role, "write" | "admin") {
        return None;
    }
    let (_, old) = filled(ctx, &protocol, &host)?;
    if old == token {
        return None;
    }
    let home = ctx.home.clone()?;
    Some(Change {
        code: f.code(),
        answers: vec![f.code()],
        check: f.check,
        what: "fix-git-credential",
        params: vec![
            ("host", host.clone()),
            ("old", old.masked()),
            ("new", token.masked()),
            ("account", who.name.clone()),
        ],
        shown: format!(
            "$ git credential reject   (protocol={protocol} host={host}: {})\n$ git credential approve  (protocol={protocol} host={host} username={}: {})\n",
            old.masked(),
            who.name,
            token.masked()
        ),
        kind: Kind::Credential {
            protocol,
            host,
            old,
            username: who.name,
            new: token,
            backup_dir: home,
        },
    })
}

/// `git lfs install --skip-repo`: the LFS filters in the global git config only (not this
/// repository's hooks, which git lfs would also write when run inside one).
fn lfs_install(ctx: &Context, f: &Finding) -> Option<Change> {
    let file = global_git_config(ctx)?;
    let seen = edit::seen(&file);
    if seen.is_none() && file.exists() {
        return None;
    }
    Some(Change {
        code: f.code(),
        answers: vec![f.code()],
        check: f.check,
        what: "fix-lfs-install",
        params: vec![("path", ctx.display_path(&file))],
        shown: "$ git lfs install --skip-repo\n".to_string(),
        kind: Kind::Git {
            dir: ctx.cwd.clone(),
            args: vec!["lfs".into(), "install".into(), "--skip-repo".into()],
            file,
            seen,
        },
    })
}

/// The file `git config --global` writes: GIT_CONFIG_GLOBAL, else `~/.gitconfig`, unless that
/// does not exist and `$XDG_CONFIG_HOME/git/config` (or `~/.config/git/config`) does.
fn global_git_config(ctx: &Context) -> Option<PathBuf> {
    if let Some(p) = ctx.env.non_empty("GIT_CONFIG_GLOBAL") {
        return Some(ctx.absolute(Path::new(&p)));
    }
    let home = ctx.home.clone()?;
    let dot = home.join(".gitconfig");
    let xdg = ctx
        .env
        .non_empty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".config"))
        .join("git/config");
    Some(if !dot.exists() && xdg.exists() {
        xdg
    } else {
        dot
    })
}

/// Apply one change, if what it changes is still what the plan saw.
pub fn apply(ctx: &Context, change: &Change) -> Done {
    let stamp = edit::stamp();
    match &change.kind {
        Kind::Rewrite {
            path,
            seen,
            new,
            mode,
        } => {
            if edit::seen(path).as_ref() != Some(seen) {
                return Done::Skipped("fix-skip-changed");
            }
            let backup = match edit::backup(path, seen, &stamp) {
                Ok(b) => b,
                Err(e) => return Done::Failed(e.to_string()),
            };
            if let Err(e) = edit::atomic_write(path, new, *mode) {
                edit::remove(&backup);
                return Done::Failed(e.to_string());
            }
            let (shown, at) = (ctx.display_path(&backup), ctx.display_path(path));
            let mut undo = vec![format!("mv -f {shown} {at}")];
            if seen.mode != 0o600 {
                undo.push(format!("chmod {:03o} {at}", seen.mode));
            }
            let unset: Vec<String> = match change.what {
                "fix-shadowing-line" => change
                    .params
                    .iter()
                    .filter(|(k, _)| *k == "var")
                    .map(|(_, v)| v.clone())
                    .collect(),
                _ => Vec::new(),
            };
            Done::Applied {
                backup: shown,
                undo,
                then: unset.iter().map(|v| format!("unset {v}")).collect(),
                cleanup: None,
                unset,
            }
        }
        Kind::Credential {
            protocol,
            host,
            old,
            username,
            new,
            backup_dir,
        } => {
            let Some((old_user, now)) = filled(ctx, protocol, host) else {
                return Done::Skipped("fix-skip-changed");
            };
            if now != *old {
                return Done::Skipped("fix-skip-changed");
            }
            // The old credential, in git's own format, for the undo to give back to git.
            let kept = format!(
                "protocol={protocol}\nhost={host}\nusername={old_user}\npassword={}\n",
                old.expose()
            );
            let backup = backup_dir.join(format!(".hfdoctor-git-credential-{stamp}"));
            if let Err(e) = edit::atomic_write(&backup, kept.as_bytes(), 0o600) {
                return Done::Failed(e.to_string());
            }
            let git = |args: &[&str], input: String| {
                git_in(&ctx.env, &ctx.cwd)
                    .run_with_input(args, input.as_bytes(), GIT_DEADLINE)
                    .is_ok_and(|o| o.ok())
            };
            let fresh = format!(
                "protocol={protocol}\nhost={host}\nusername={username}\npassword={}\n\n",
                new.expose()
            );
            if !git(&["credential", "reject"], format!("{kept}\n"))
                || !git(&["credential", "approve"], fresh)
            {
                // Give git back what it had.
                git(&["credential", "approve"], format!("{kept}\n"));
                edit::remove(&backup);
                return Done::Failed("git credential reject/approve failed".into());
            }
            let shown = ctx.display_path(&backup);
            Done::Applied {
                undo: vec![
                    format!(
                        "printf 'protocol={protocol}\\nhost={host}\\n\\n' | git credential reject"
                    ),
                    format!("git credential approve < {shown}"),
                    format!("rm {shown}"),
                ],
                backup: shown,
                then: Vec::new(),
                cleanup: None,
                unset: Vec::new(),
            }
        }
        Kind::Git {
            dir,
            args,
            file,
            seen,
        } => {
            if edit::seen(file) != *seen || (seen.is_none() && file.exists()) {
                return Done::Skipped("fix-skip-changed");
            }
            let at = ctx.display_path(file);
            let (backup, mut undo) = match seen {
                Some(seen) => match edit::backup(file, seen, &stamp) {
                    Ok(b) => {
                        let shown = ctx.display_path(&b);
                        let mut undo = vec![format!("mv -f {shown} {at}")];
                        if seen.mode != 0o600 {
                            undo.push(format!("chmod {:03o} {at}", seen.mode));
                        }
                        (Some(b), undo)
                    }
                    Err(e) => return Done::Failed(e.to_string()),
                },
                None => (None, vec![format!("rm {at}")]),
            };
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            if git(ctx, dir, &argv).is_none() {
                // Put the file back as it was: git may have written part of it.
                match (seen, &backup) {
                    (Some(seen), Some(b)) => {
                        let _ = edit::atomic_write(file, &seen.bytes, seen.mode);
                        edit::remove(b);
                    }
                    _ => {
                        edit::remove(file);
                    }
                }
                return Done::Failed(format!("git {} failed", args.join(" ")));
            }
            if backup.is_none() {
                undo = vec![format!("rm {at}")];
            }
            Done::Applied {
                backup: backup.map_or_else(|| "-".to_string(), |b| ctx.display_path(&b)),
                undo,
                then: Vec::new(),
                cleanup: None,
                unset: Vec::new(),
            }
        }
        Kind::Trash { root, files } => {
            let trash = root.join(format!(".hfdoctor-trash-{stamp}"));
            let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
            let mut changed = false;
            for (file, fp) in files {
                // Still as found (a download that resumed has grown it), and no live process
                // holds the lock of its blob.
                if edit::fingerprint(file).as_ref() != Some(fp) || lock_held_for(root, file) {
                    changed = true;
                    continue;
                }
                match edit::move_to_trash(file, root, &trash) {
                    Ok(to) => moved.push((file.clone(), to)),
                    Err(e) => {
                        // Put back what was moved: all or nothing.
                        for (from, to) in moved.iter().rev() {
                            edit::move_back(to, from);
                        }
                        return Done::Failed(e.to_string());
                    }
                }
            }
            if moved.is_empty() {
                return Done::Skipped(if changed {
                    "fix-skip-changed"
                } else {
                    "fix-skip-nothing"
                });
            }
            let shown = ctx.display_path(&trash);
            let undo = moved
                .iter()
                .map(|(from, to)| format!("mv {} {}", ctx.display_path(to), ctx.display_path(from)))
                .collect();
            Done::Applied {
                then: Vec::new(),
                cleanup: Some(format!("rm -rf {shown}")),
                backup: shown,
                undo,
                unset: Vec::new(),
            }
        }
    }
}

/// The lock of the blob `file` belongs to: `.locks/<repo folder>/<etag>.lock`; a lock file is
/// its own.
fn lock_of(root: &Path, file: &Path) -> Option<PathBuf> {
    let rel = file.strip_prefix(root).ok()?;
    let repo = rel.components().next()?;
    if repo.as_os_str() == ".locks" {
        return Some(file.to_path_buf());
    }
    let name = file.file_name()?.to_string_lossy();
    let etag = name.split('.').next()?;
    Some(
        root.join(".locks")
            .join(repo.as_os_str())
            .join(format!("{etag}.lock")),
    )
}

/// Whether a live process holds the lock of `file` (a blob, or a lock file itself).
fn lock_held_for(root: &Path, file: &Path) -> bool {
    lock_of(root, file).is_some_and(|lock| crate::local::cache::lock_held(&lock) == Some(true))
}
