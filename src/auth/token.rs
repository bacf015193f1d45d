//! Token discovery exactly as `huggingface_hub` 2.x resolves it (`utils/_auth.py::get_token`,
//! `constants.py`), keeping every source found, not only the winner, with where it came from.
//!
//! Order (docs/notes/token-discovery.md, "Precedence"): OIDC (`HF_OIDC_RESOURCE`) > `HF_TOKEN` or
//! `HUGGING_FACE_HUB_TOKEN` (Python `or` on the raw values, then `_clean_token`) > the token
//! file. `stored_tokens` is read to name tokens, never to pick one.

use std::path::{Path, PathBuf};

use crate::secret::Secret;
use crate::world::env::Env;
use crate::world::fs::{read_bounded, ReadError};
pub use crate::world::paths::{display_path, expanduser, expandvars, py_dirname, py_join};

/// At most this much of a token file is read: a token is 37 bytes.
pub const MAX_TOKEN_FILE: usize = 64 * 1024;

/// stored_tokens holds a few dozen lines; 1 MiB is far past any real one.
const MAX_STORED_TOKENS: usize = 1 << 20;

pub const ENV_TOKEN_VARS: [&str; 2] = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"];

/// Where the client looks for its token file, and how that path was arrived at.
#[derive(Debug, Clone)]
pub struct TokenPaths {
    /// `constants.HF_TOKEN_PATH`, as the client's string (may be relative or empty).
    pub token_path: String,
    pub stored_tokens_path: String,
    /// Which variable decided the token path.
    pub decided_by: PathOrigin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathOrigin {
    HfTokenPath,
    HfHome,
    XdgCacheHome,
    Default,
    Staging,
}

impl TokenPaths {
    pub fn resolve(env: &Env, home: Option<&Path>) -> Self {
        let expand = |p: &str| expandvars(&expanduser(p, home), env);
        let home_str = home
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_else(|| "~".into());
        let hf_home = crate::world::paths::hf_home(env, home);
        let (raw_token_path, mut decided_by) = match env.get("HF_TOKEN_PATH") {
            Some(v) => (v, PathOrigin::HfTokenPath),
            None => (
                py_join(&hf_home, "token"),
                if env.is_set("HF_HOME") {
                    PathOrigin::HfHome
                } else if env.is_set("XDG_CACHE_HOME") {
                    PathOrigin::XdgCacheHome
                } else {
                    PathOrigin::Default
                },
            ),
        };
        let mut token_path = expand(&raw_token_path);
        // Computed before the staging override, as in constants.py.
        let stored_tokens_path = py_join(&py_dirname(&token_path), "stored_tokens");
        if env.is_true("HUGGINGFACE_CO_STAGING") {
            token_path = py_join(&py_join(&home_str, ".cache"), "huggingface_staging/token");
            decided_by = PathOrigin::Staging;
        }
        TokenPaths {
            token_path,
            stored_tokens_path,
            decided_by,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cleaning and the shape of a token.

/// `_clean_token`: every CR and LF removed anywhere, then Unicode whitespace stripped at both
/// ends; an empty result is no token. A BOM is not whitespace to Python and stays.
pub fn clean_token(raw: &str) -> Option<String> {
    let joined: String = raw.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let stripped = joined.trim_matches(is_py_whitespace);
    (!stripped.is_empty()).then(|| stripped.to_string())
}

/// The token a malformed value most likely meant: the client's cleaning, then a BOM, quotes
/// or backticks around it and whitespace inside dropped. `None` when that changes nothing (or
/// leaves nothing), so only a value with such a flaw is worth asking the Hub about again.
pub fn repaired(raw: &str) -> Option<String> {
    let cleaned = clean_token(raw)?;
    let quote = |c: char| c == '"' || c == '\'' || c == '`';
    let unwrapped = cleaned
        .trim_start_matches('\u{feff}')
        .trim_matches(|c: char| quote(c) || is_py_whitespace(c));
    let repaired: String = unwrapped
        .chars()
        .filter(|c| !is_py_whitespace(*c))
        .collect();
    (!repaired.is_empty() && repaired != cleaned).then_some(repaired)
}

/// Python's `str.isspace()` for `strip()`: Rust's `char::is_whitespace` plus the four
/// separators Python also strips (FS, GS, RS, US).
fn is_py_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// What kind of credential a value looks like, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    User,
    OAuth,
    Jwt,
    OrgApi,
    OldApi,
    Unknown,
}

pub fn kind_of(token: &str) -> TokenKind {
    if token.starts_with("hf_oauth_") {
        TokenKind::OAuth
    } else if token.starts_with("hf_jwt_") {
        TokenKind::Jwt
    } else if token.starts_with("hf_") {
        TokenKind::User
    } else if token.starts_with("api_org_") {
        TokenKind::OrgApi
    } else if token.starts_with("api_") {
        TokenKind::OldApi
    } else {
        TokenKind::Unknown
    }
}

/// The first thing wrong with a raw value, in the order that explains the failure best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Empty,
    /// A UTF-8 byte-order mark: `\ufeff` reaches the header and the client crashes.
    Bom,
    /// Any other non-ASCII character: same crash (`UnicodeEncodeError`). Holds the char and
    /// its 1-based position.
    NonAscii(char, usize),
    Quoted,
    /// Text on several lines: the client joins the lines into one token that matches none.
    SeveralLines,
    InnerWhitespace,
    OrgToken,
    NotHfToken,
    /// Starts with `hf_` but is not 34 letters after it. A heuristic only.
    UnusualShape,
}

impl Problem {
    /// The catalog key of the words for this problem (`checks/_messages.toml`).
    pub fn message_key(&self) -> &'static str {
        match self {
            Problem::Empty => "problem-empty",
            Problem::Bom => "problem-bom",
            Problem::NonAscii(..) => "problem-non-ascii",
            Problem::Quoted => "problem-quoted",
            Problem::SeveralLines => "problem-several-lines",
            Problem::InnerWhitespace => "problem-inner-whitespace",
            Problem::OrgToken => "problem-org-token",
            Problem::NotHfToken => "problem-not-hf-token",
            Problem::UnusualShape => "problem-unusual-shape",
        }
    }

    /// Problems that make the client send something the Hub refuses, or crash before sending.
    pub fn is_fatal(&self) -> bool {
        !matches!(self, Problem::UnusualShape)
    }
}

/// Judge a raw value (env var or file content) the way the client will use it.
pub fn problem_of(raw: &str) -> Option<Problem> {
    let Some(token) = clean_token(raw) else {
        return Some(Problem::Empty);
    };
    if token.starts_with('\u{feff}') {
        return Some(Problem::Bom);
    }
    if let Some((i, c)) = token.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        return Some(Problem::NonAscii(c, i + 1));
    }
    let quote = |c: char| c == '"' || c == '\'' || c == '`';
    if token.starts_with(quote) || token.ends_with(quote) {
        return Some(Problem::Quoted);
    }
    let inner = raw.trim_matches(is_py_whitespace);
    if inner.contains(['\n', '\r']) {
        return Some(Problem::SeveralLines);
    }
    if token.contains(is_py_whitespace) {
        return Some(Problem::InnerWhitespace);
    }
    match kind_of(&token) {
        TokenKind::OrgApi => Some(Problem::OrgToken),
        TokenKind::OldApi | TokenKind::Unknown => Some(Problem::NotHfToken),
        TokenKind::User => {
            let body = &token[3..];
            let letters_only = body.chars().all(|c| c.is_ascii_alphabetic());
            (body.len() != 34 || !letters_only).then_some(Problem::UnusualShape)
        }
        TokenKind::OAuth | TokenKind::Jwt => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Sources.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Env(&'static str),
    File(PathBuf),
    Stored(String),
    Oidc(String),
}

impl Source {
    /// The short, language-neutral name used inside sentences: `HF_TOKEN`, `~/…/token`.
    pub fn label(&self, home: Option<&Path>) -> String {
        match self {
            Source::Env(name) => name.to_string(),
            Source::File(p) => display_path(home, p),
            Source::Stored(name) => name.clone(),
            Source::Oidc(_) => "HF_OIDC_RESOURCE".to_string(),
        }
    }

    /// The JSON form: `env:HF_TOKEN`, `file:~/.cache/huggingface/token`, `stored:NAME`, `oidc:…`.
    pub fn id(&self, home: Option<&Path>) -> String {
        match self {
            Source::Env(name) => format!("env:{name}"),
            Source::File(p) => format!("file:{}", display_path(home, p)),
            Source::Stored(name) => format!("stored:{name}"),
            Source::Oidc(resource) => format!("oidc:{resource}"),
        }
    }
}

/// One environment variable that may hold a token.
#[derive(Debug, Clone)]
pub struct EnvToken {
    pub name: &'static str,
    /// The raw value, as set (may be empty, whitespace, quoted…).
    pub raw: Secret,
    /// The value holds bytes that are not UTF-8.
    pub not_utf8: bool,
    pub cleaned: Option<Secret>,
}

#[derive(Debug, Clone)]
pub enum FileState {
    Missing,
    IsDirectory,
    /// Exists but cannot be read as a regular file (permissions, a FIFO, a path through a file).
    Unreadable(String),
    NotUtf8,
    Read {
        raw: Secret,
        cleaned: Option<Secret>,
        size: u64,
        truncated: bool,
        /// Unix permission bits, when known.
        mode: Option<u32>,
        modified: Option<std::time::SystemTime>,
    },
}

#[derive(Debug, Clone)]
pub struct TokenFile {
    /// The path as the client computes it (may be relative or empty).
    pub client_path: String,
    /// Where it resolves from the current directory.
    pub path: PathBuf,
    pub state: FileState,
}

impl TokenFile {
    pub fn cleaned(&self) -> Option<&Secret> {
        match &self.state {
            FileState::Read { cleaned, .. } => cleaned.as_ref(),
            _ => None,
        }
    }

    /// The client raises instead of returning a token (anything but "not found" propagates).
    pub fn makes_client_raise(&self) -> bool {
        matches!(
            self.state,
            FileState::IsDirectory | FileState::Unreadable(_) | FileState::NotUtf8
        )
    }
}

#[derive(Debug, Clone)]
pub struct StoredToken {
    pub name: String,
    pub token: Secret,
    pub is_oauth: bool,
}

#[derive(Debug, Clone, Default)]
pub struct StoredTokens {
    pub path: PathBuf,
    pub exists: bool,
    pub entries: Vec<StoredToken>,
    /// The file exists but the client treats it as empty (`Error parsing stored tokens file`).
    pub parse_error: Option<String>,
}

impl StoredTokens {
    pub fn name_of(&self, token: &Secret) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.token == *token)
            .map(|e| e.name.as_str())
    }
}

/// The token `get_token()` returns, with its source.
#[derive(Debug, Clone)]
pub struct InEffect {
    pub source: Source,
    /// `None` for OIDC: the token only exists after an exchange hfdoctor does not make.
    pub token: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct OtherToken {
    pub source: Source,
    pub token: Secret,
    pub same_as_in_effect: bool,
}

#[derive(Debug, Clone)]
pub struct TokenDiscovery {
    pub paths: TokenPaths,
    pub env: Vec<EnvToken>,
    /// The variable whose raw value the `or` picked (it may still clean to nothing).
    pub env_selected: Option<&'static str>,
    pub file: TokenFile,
    pub stored: StoredTokens,
    pub oidc_resource: Option<String>,
    pub in_effect: Option<InEffect>,
    /// `HF_HUB_DISABLE_IMPLICIT_TOKEN`: the token resolves, but downloads go out anonymous.
    pub implicit_disabled: bool,
}

impl TokenDiscovery {
    /// Every source, from the environment snapshot, the home directory as Python's
    /// `expanduser` sees it, and the directory relative paths are opened from.
    pub fn discover(env: &Env, home: Option<&Path>, cwd: &Path) -> Self {
        let absolute = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                cwd.join(p)
            }
        };
        let paths = TokenPaths::resolve(env, home);
        let env_tokens: Vec<EnvToken> = ENV_TOKEN_VARS
            .iter()
            .filter_map(|name| {
                let raw = env.raw(name)?;
                let text = raw.to_string_lossy();
                Some(EnvToken {
                    name,
                    not_utf8: raw.to_str().is_none(),
                    cleaned: clean_token(&text).map(Secret::new),
                    raw: Secret::new(text.into_owned()),
                })
            })
            .collect();
        // `os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")`
        let env_selected = if env.non_empty("HF_TOKEN").is_some() {
            Some("HF_TOKEN")
        } else if env.is_set("HUGGING_FACE_HUB_TOKEN") {
            Some("HUGGING_FACE_HUB_TOKEN")
        } else {
            None
        };
        let file = read_token_file(&absolute, &paths.token_path);
        let stored = read_stored_tokens(absolute(Path::new(&paths.stored_tokens_path)));
        let oidc_resource = env.non_empty("HF_OIDC_RESOURCE");

        let env_winner = env_selected.and_then(|name| {
            env_tokens
                .iter()
                .find(|t| t.name == name)
                .and_then(|t| t.cleaned.clone().map(|c| (name, c)))
        });
        let in_effect = if let Some(resource) = &oidc_resource {
            Some(InEffect {
                source: Source::Oidc(resource.clone()),
                token: None,
            })
        } else if let Some((name, token)) = env_winner {
            Some(InEffect {
                source: Source::Env(name),
                token: Some(token),
            })
        } else {
            file.cleaned().map(|t| InEffect {
                source: Source::File(file.path.clone()),
                token: Some(t.clone()),
            })
        };
        TokenDiscovery {
            paths,
            env: env_tokens,
            env_selected,
            file,
            stored,
            oidc_resource,
            in_effect,
            implicit_disabled: env.is_true("HF_HUB_DISABLE_IMPLICIT_TOKEN"),
        }
    }

    pub fn env_token(&self, name: &str) -> Option<&EnvToken> {
        self.env.iter().find(|t| t.name == name)
    }

    /// Every token a source holds (the variables, the file, the stored ones), to mask them.
    pub fn all_tokens(&self) -> Vec<&Secret> {
        let mut out: Vec<&Secret> = self.env.iter().filter_map(|t| t.cleaned.as_ref()).collect();
        out.extend(self.file.cleaned());
        out.extend(self.stored.entries.iter().map(|e| &e.token));
        out
    }

    pub fn in_effect_token(&self) -> Option<&Secret> {
        self.in_effect.as_ref().and_then(|e| e.token.as_ref())
    }

    /// Every other source that holds a token, and whether it is the one in effect.
    pub fn others(&self) -> Vec<OtherToken> {
        let winner = self.in_effect.as_ref();
        let active = self.in_effect_token();
        let mut out = Vec::new();
        let mut push = |source: Source, token: &Secret| {
            if winner.is_some_and(|w| w.source == source) {
                return;
            }
            out.push(OtherToken {
                same_as_in_effect: active == Some(token),
                source,
                token: token.clone(),
            });
        };
        for t in &self.env {
            if let Some(c) = &t.cleaned {
                push(Source::Env(t.name), c);
            }
        }
        if let Some(c) = self.file.cleaned() {
            push(Source::File(self.file.path.clone()), c);
        }
        for e in &self.stored.entries {
            push(Source::Stored(e.name.clone()), &e.token);
        }
        out
    }
}

fn read_token_file(absolute: &dyn Fn(&Path) -> PathBuf, client_path: &str) -> TokenFile {
    // `Path("")` is `.`: an empty HF_TOKEN_PATH reads the current directory and fails.
    let rel = if client_path.is_empty() {
        "."
    } else {
        client_path
    };
    let path = absolute(Path::new(rel));
    let state = read_state(&path);
    TokenFile {
        client_path: client_path.to_string(),
        path,
        state,
    }
}

fn read_state(path: &Path) -> FileState {
    // A FIFO would block `read_text()` forever and a device is not a token either: the bounded
    // reader refuses both without opening them (docs/notes/bounded-reads.md).
    let read = match read_bounded(path, MAX_TOKEN_FILE) {
        Ok(r) => r,
        Err(ReadError::NotFound) => return FileState::Missing,
        Err(ReadError::IsDirectory) => return FileState::IsDirectory,
        Err(e) => return FileState::Unreadable(e.to_string()),
    };
    let truncated = read.truncated;
    let text = match String::from_utf8(read.bytes) {
        Ok(t) => t,
        // A cut in the middle of a character at the 64 KiB mark is our doing, not the file's.
        Err(e) if truncated && e.utf8_error().error_len().is_none() => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
        Err(_) => return FileState::NotUtf8,
    };
    FileState::Read {
        cleaned: clean_token(&text).map(Secret::new),
        raw: Secret::new(text),
        size: read.meta.len(),
        truncated,
        mode: file_mode(&read.meta),
        modified: read.meta.modified().ok(),
    }
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn file_mode(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

fn read_stored_tokens(path: PathBuf) -> StoredTokens {
    let text = match read_bounded(&path, MAX_STORED_TOKENS) {
        Ok(read) => read.bytes,
        Err(ReadError::NotFound) => {
            return StoredTokens {
                path,
                ..Default::default()
            }
        }
        // There but unusable (a FIFO the client would hang on, a directory, no permission):
        // say so rather than pretend it is absent.
        Err(e) => {
            return StoredTokens {
                path,
                exists: true,
                parse_error: Some(e.to_string()),
                ..Default::default()
            }
        }
    };
    let mut stored = StoredTokens {
        path,
        exists: true,
        ..Default::default()
    };
    let text = match String::from_utf8(text) {
        Ok(t) => t,
        Err(_) => {
            stored.parse_error = Some("not UTF-8".into());
            return stored;
        }
    };
    if let Some(error) = python_configparser_error(&text) {
        stored.parse_error = Some(error);
        return stored;
    }
    // Case-sensitive section names (token names); keys are matched case-insensitively below,
    // as configparser lowercases option names.
    let mut ini = configparser::ini::Ini::new_cs();
    match ini.read(text) {
        Ok(map) => {
            for (section, fields) in map {
                let field = |key: &str| {
                    fields
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .and_then(|(_, v)| v.clone())
                };
                if let Some(token) = field("hf_token") {
                    stored.entries.push(StoredToken {
                        name: section,
                        is_oauth: field("refresh_token").is_some(),
                        token: Secret::new(token),
                    });
                }
            }
            stored.entries.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Err(e) => stored.parse_error = Some(e),
    }
    stored
}

/// The errors Python's `configparser` raises that the Rust crate tolerates: a key before any
/// `[section]` (MissingSectionHeaderError) and a section given twice (DuplicateSectionError).
/// On either the client treats the whole file as empty, so must we.
fn python_configparser_error(text: &str) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut in_section = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            let name = &t[1..t.len() - 1];
            if !seen.insert(name.to_string()) {
                return Some(format!("section '{name}' appears twice (line {})", i + 1));
            }
            in_section = true;
        } else if !in_section {
            return Some(format!("line {}: text before the first [section]", i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn clean_token_matches_python() {
        assert_eq!(clean_token(" hf_A\r\nB \n").as_deref(), Some("hf_AB"));
        assert_eq!(clean_token("hf_A B").as_deref(), Some("hf_A B"));
        assert_eq!(clean_token("  \n"), None);
        assert_eq!(clean_token(""), None);
        assert_eq!(
            clean_token("\u{feff}hf_BOM\r\n").as_deref(),
            Some("\u{feff}hf_BOM")
        );
        assert_eq!(clean_token("\u{1f}hf_x\u{a0}").as_deref(), Some("hf_x"));
    }

    #[test]
    fn repaired_drops_what_the_client_keeps() {
        assert_eq!(repaired("\"hf_abc\"\n").as_deref(), Some("hf_abc"));
        assert_eq!(repaired("'hf_abc'").as_deref(), Some("hf_abc"));
        assert_eq!(repaired("\u{feff}hf_abc").as_deref(), Some("hf_abc"));
        assert_eq!(repaired("hf_a bc").as_deref(), Some("hf_abc"));
        // Nothing to repair, or nothing left.
        assert_eq!(repaired("hf_abc\n"), None);
        assert_eq!(repaired("\"\""), None);
    }

    #[test]
    fn path_helpers_match_os_path() {
        assert_eq!(py_join("", "token"), "token");
        assert_eq!(py_join("/x/", "token"), "/x/token");
        assert_eq!(py_join("/x", "/abs"), "/abs");
        assert_eq!(py_dirname("token"), "");
        assert_eq!(py_dirname("/y/tok"), "/y");
        assert_eq!(py_dirname("/tok"), "/");
        let e = env(&[("A", "/a"), ("EMPTY", "")]);
        assert_eq!(expandvars("$A/x/${A}/$NOPE/${}", &e), "/a/x//a/$NOPE/${}");
        assert_eq!(expandvars("$EMPTY/t", &e), "/t");
        let home = Path::new("/home/u");
        assert_eq!(expanduser("~/hfh", Some(home)), "/home/u/hfh");
        assert_eq!(expanduser("~", Some(home)), "/home/u");
        assert_eq!(expanduser("~bob/x", Some(home)), "~bob/x");
        assert_eq!(expanduser("a/~/b", Some(home)), "a/~/b");
    }

    #[test]
    fn token_paths_follow_constants_py() {
        let home = Some(Path::new("/h"));
        let p = |pairs: &[(&str, &str)]| TokenPaths::resolve(&env(pairs), home);
        assert_eq!(p(&[]).token_path, "/h/.cache/huggingface/token");
        assert_eq!(
            p(&[]).stored_tokens_path,
            "/h/.cache/huggingface/stored_tokens"
        );
        assert_eq!(p(&[("HF_HOME", "/x")]).token_path, "/x/token");
        assert_eq!(
            p(&[("XDG_CACHE_HOME", "/x")]).token_path,
            "/x/huggingface/token"
        );
        assert_eq!(p(&[("XDG_CACHE_HOME", "")]).token_path, "huggingface/token");
        assert_eq!(p(&[("HF_HOME", "")]).token_path, "token");
        assert_eq!(p(&[("HF_HOME", "")]).stored_tokens_path, "stored_tokens");
        let both = p(&[("HF_HOME", "/x"), ("HF_TOKEN_PATH", "/y/tok")]);
        assert_eq!(both.token_path, "/y/tok");
        assert_eq!(both.stored_tokens_path, "/y/stored_tokens");
        assert_eq!(both.decided_by, PathOrigin::HfTokenPath);
        assert_eq!(p(&[("HF_TOKEN_PATH", "")]).token_path, "");
        assert_eq!(p(&[("HF_HOME", "~/hfh")]).token_path, "/h/hfh/token");
        assert_eq!(
            p(&[("HF_HOME", "$HOME/hfh2"), ("HOME", "/h")]).token_path,
            "/h/hfh2/token"
        );
        let staging = p(&[("HUGGINGFACE_CO_STAGING", "1"), ("HF_HOME", "/x")]);
        assert_eq!(staging.token_path, "/h/.cache/huggingface_staging/token");
        assert_eq!(staging.stored_tokens_path, "/x/stored_tokens");
    }

    #[test]
    fn problems_in_priority_order() {
        let ok = "hf_abcdefghijklmnopqrstuvwxyzabcdefgh";
        assert_eq!(problem_of(ok), None);
        assert_eq!(problem_of(&format!("{ok}\n")), None);
        assert_eq!(problem_of("   "), Some(Problem::Empty));
        assert_eq!(problem_of(&format!("\u{feff}{ok}")), Some(Problem::Bom));
        assert_eq!(problem_of("hf_réad"), Some(Problem::NonAscii('é', 5)));
        assert_eq!(problem_of(&format!("\"{ok}\"")), Some(Problem::Quoted));
        assert_eq!(problem_of(&format!("'{ok}'")), Some(Problem::Quoted));
        assert_eq!(
            problem_of(&format!("{ok}\n{ok}\n")),
            Some(Problem::SeveralLines)
        );
        assert_eq!(
            problem_of("hf_abc defghijklmnopqrstuvwxyzabcdefgh"),
            Some(Problem::InnerWhitespace)
        );
        assert_eq!(
            problem_of("api_org_abcdefghijklmnopqrstuvwxyzabcdefgh"),
            Some(Problem::OrgToken)
        );
        assert_eq!(problem_of("hunter2"), Some(Problem::NotHfToken));
        assert_eq!(problem_of("hf_short"), Some(Problem::UnusualShape));
        assert_eq!(
            problem_of("hf_abcdefghijklmnopqrstuvwxyzabcdefg1"),
            Some(Problem::UnusualShape)
        );
        assert_eq!(problem_of("hf_oauth_whatever123"), None);
        assert_eq!(problem_of("hf_jwt_eyJhbGciOi"), None);
    }
}
