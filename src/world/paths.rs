//! Paths the way Python's `os.path` computes them (the client's token and cache paths depend on
//! its exact quirks), and paths as people should read them.

use std::path::Path;

use regex::Regex;

use crate::world::env::Env;

/// `os.path.expanduser` for the forms that matter here: a leading `~` alone or `~/`.
pub fn expanduser(path: &str, home: Option<&Path>) -> String {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            let home = home.to_string_lossy();
            let home = home.trim_end_matches('/');
            format!("{home}{rest}")
        }
        _ => path.to_string(),
    }
}

/// `os.path.expandvars` (POSIX): `$NAME` and `${NAME}` replaced when set, left as is otherwise.
pub fn expandvars(path: &str, env: &Env) -> String {
    if !path.contains('$') {
        return path.to_string();
    }
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\$([A-Za-z0-9_]+|\{[^}]*\})").expect("valid regex"));
    let mut out = String::with_capacity(path.len());
    let mut last = 0;
    for caps in re.captures_iter(path) {
        let whole = caps.get(0).expect("group 0");
        let name = caps[1].trim_start_matches('{').trim_end_matches('}');
        let braced = caps[1].starts_with('{');
        let name = if braced { name } else { &caps[1] };
        out.push_str(&path[last..whole.start()]);
        match env.get(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(whole.as_str()),
        }
        last = whole.end();
    }
    out.push_str(&path[last..]);
    out
}

/// `os.path.join(a, b)` for two parts.
/// `HF_HOME` as constants.py computes it: `HF_HOME`, else `XDG_CACHE_HOME/huggingface`, else
/// `~/.cache/huggingface`, then `~` and `$VARS` expanded. A variable set to the empty string
/// wins (a relative path). The token paths and the cache paths both start from it.
pub fn hf_home(env: &Env, home: Option<&Path>) -> String {
    let home_str = home
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_else(|| "~".into());
    let raw = match env.get("HF_HOME") {
        Some(v) => v,
        None => py_join(
            &env.get("XDG_CACHE_HOME")
                .unwrap_or_else(|| py_join(&home_str, ".cache")),
            "huggingface",
        ),
    };
    expandvars(&expanduser(&raw, home), env)
}

pub fn py_join(a: &str, b: &str) -> String {
    if b.starts_with('/') || a.is_empty() {
        b.to_string()
    } else if a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// `os.path.dirname`.
pub fn py_dirname(p: &str) -> String {
    let head = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    let trimmed = head.trim_end_matches('/');
    if trimmed.is_empty() && !head.is_empty() {
        head.to_string()
    } else {
        trimmed.to_string()
    }
}

pub fn display_path(home: Option<&Path>, path: &Path) -> String {
    if let Some(home) = home.filter(|h| h.as_os_str().len() > 1) {
        if let Ok(rest) = path.strip_prefix(home) {
            if rest.as_os_str().is_empty() {
                return "~".into();
            }
            return format!("~/{}", rest.display());
        }
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_is_shown_as_tilde() {
        let home = Path::new("/home/alice");
        assert_eq!(
            display_path(Some(home), Path::new("/home/alice/.cache/x")),
            "~/.cache/x"
        );
        assert_eq!(display_path(Some(home), Path::new("/home/alice")), "~");
        assert_eq!(
            display_path(Some(home), Path::new("/home/alicex/y")),
            "/home/alicex/y"
        );
        assert_eq!(display_path(Some(home), Path::new("token")), "token");
    }
}
