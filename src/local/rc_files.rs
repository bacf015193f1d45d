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

/// The lines of `files` that assign `var` (sh `VAR=`/`export VAR=`, `declare -x`, csh
/// `setenv`, fish `set -gx`), at most 10, each as `{display(file)}:{line}`. `read` gives a
/// file's text or `None` (the caller bounds the read).
pub fn find_assignments(
    files: &[PathBuf],
    var: &str,
    read: impl Fn(&Path) -> Option<String>,
    display: impl Fn(&Path) -> String,
) -> Vec<String> {
    let pattern = format!(
        r"^\s*(?:export\s+|declare\s+-x\s+|setenv\s+|set\s+(?:-[a-zA-Z]+\s+)*)?{}(?:=|\s)",
        regex::escape(var)
    );
    let Ok(re) = regex::Regex::new(&pattern) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for file in files {
        let Some(text) = read(file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if re.is_match(line) {
                hits.push(format!("{}:{}", display(file), i + 1));
                if hits.len() >= 10 {
                    return hits;
                }
            }
        }
    }
    hits
}
