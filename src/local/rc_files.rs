//! Where a variable is set: the shell start-up files (and the `.env` of the current directory)
//! that assign it, as `file:line`. Used to say where to remove a variable that shadows a token,
//! never to show its value.

use std::path::{Path, PathBuf};

/// The files a login or interactive shell reads, relative to the home directory.
pub const RC_FILES: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".profile",
    ".zshrc",
    ".zprofile",
    ".zshenv",
    ".config/fish/config.fish",
];

/// The files to scan: the start-up files in `home`, then `cwd/.env`.
pub fn candidates(home: Option<&Path>, cwd: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = home
        .iter()
        .flat_map(|h| RC_FILES.iter().map(move |f| h.join(f)))
        .collect();
    files.push(cwd.join(".env"));
    files
}

/// The line that sets a variable: its file, its 1-based number, and whether it sets the value
/// itself (`exact`) rather than computing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub file: PathBuf,
    pub line: usize,
    pub exact: bool,
}

/// The start-up file line that sets `var` to `in_effect`, the value the process has: the last
/// such line, in the order of `files`. A line that sets another value, unsets it or is a
/// comment is not where it is set; a value built from an expansion (`$(cat …)`, `$OTHER`)
/// cannot be checked and counts only when no line sets the value itself. `read` gives a
/// file's text or `None` (the caller bounds the read).
pub fn find_assignment(
    files: &[PathBuf],
    var: &str,
    in_effect: &str,
    read: impl Fn(&Path) -> Option<String>,
) -> Option<Assignment> {
    let (mut exact, mut expanded) = (None, None);
    for file in files {
        let Some(text) = read(file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let at = |exact| Assignment {
                file: file.clone(),
                line: i + 1,
                exact,
            };
            match line_sets(line, var) {
                Some(LineSets::Value(v)) if v == in_effect => exact = Some(at(true)),
                Some(LineSets::Expansion) => expanded = Some(at(false)),
                _ => {}
            }
        }
    }
    exact.or(expanded)
}

#[derive(Debug, PartialEq)]
enum LineSets {
    /// The value the line gives, quotes removed.
    Value(String),
    /// A value the shell computes.
    Expansion,
    /// `unset VAR`, `set -e VAR`, `unsetenv VAR`.
    Unset,
}

/// What a line of a start-up file does to `var`: sh (`VAR=…`, `export VAR=…`, `declare -x`),
/// fish (`set -gx VAR …`, `set -e VAR`), csh (`setenv VAR …`) and .env (`VAR=…`).
fn line_sets(line: &str, var: &str) -> Option<LineSets> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let first = *words.first()?;
    if first.starts_with('#') {
        return None;
    }
    match first {
        "unset" | "unsetenv" if words[1..].contains(&var) => return Some(LineSets::Unset),
        "set" => {
            let rest: Vec<&str> = words[1..]
                .iter()
                .copied()
                .skip_while(|w| w.starts_with('-'))
                .collect();
            let erase = words[1..]
                .iter()
                .take_while(|w| w.starts_with('-'))
                .any(|w| {
                    *w == "-e" || *w == "--erase" || (!w.starts_with("--") && w.contains('e'))
                });
            if rest.first() != Some(&var) {
                return None;
            }
            if erase {
                return Some(LineSets::Unset);
            }
            let value = line[line.find(var)? + var.len()..].trim();
            return Some(shell_value(value));
        }
        "setenv" => {
            if words.get(1) != Some(&var) {
                return None;
            }
            let value = line[line.find(var)? + var.len()..].trim();
            return Some(shell_value(value));
        }
        _ => {}
    }
    let body = line.trim_start();
    let body = ["export ", "declare -x ", "typeset -x "]
        .iter()
        .find_map(|p| body.strip_prefix(p))
        .unwrap_or(body)
        .trim_start();
    let value = body.strip_prefix(var)?.strip_prefix('=')?;
    Some(shell_value(value))
}

/// A value as the shell gives it: quotes removed, up to an unquoted space, `;` or `#`.
fn shell_value(raw: &str) -> LineSets {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '$' | '`' => return LineSets::Expansion,
                        '\\' => out.extend(chars.next()),
                        c => out.push(c),
                    }
                }
            }
            '$' | '`' => return LineSets::Expansion,
            '\\' => out.extend(chars.next()),
            c if c.is_whitespace() || c == ';' || c == '#' => break,
            c => out.push(c),
        }
    }
    LineSets::Value(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<LineSets> {
        Some(LineSets::Value(s.into()))
    }

    #[test]
    fn what_a_line_does() {
        let t = "HF_TOKEN";
        assert_eq!(line_sets("export HF_TOKEN=hf_a", t), v("hf_a"));
        assert_eq!(line_sets("  export HF_TOKEN=\"hf_a\" # work", t), v("hf_a"));
        assert_eq!(line_sets("HF_TOKEN='\"hf_a\"'", t), v("\"hf_a\""));
        assert_eq!(line_sets("set -gx HF_TOKEN hf_a", t), v("hf_a"));
        assert_eq!(line_sets("setenv HF_TOKEN hf_a", t), v("hf_a"));
        assert_eq!(line_sets("export HF_TOKEN=", t), v(""));
        assert_eq!(line_sets("# export HF_TOKEN=hf_a", t), None);
        assert_eq!(line_sets("unset HF_TOKEN", t), Some(LineSets::Unset));
        assert_eq!(line_sets("set -e HF_TOKEN", t), Some(LineSets::Unset));
        assert_eq!(
            line_sets("export HF_TOKEN=$(cat ~/.t)", t),
            Some(LineSets::Expansion)
        );
        assert_eq!(line_sets("export HF_TOKEN_PATH=/x", t), None);
        assert_eq!(line_sets("echo HF_TOKEN=x", t), None);
    }
}
