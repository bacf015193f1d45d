//! The one redaction boundary (docs/redaction.md): every byte hfdoctor writes, on stdout or
//! stderr, in every mode and format, goes through [`print`] or [`eprint`], which apply the one
//! [`Redactor`] of this run. Under `--output FILE` ([`output_to`]), what [`print`] writes goes
//! to that file instead of stdout, through the same Redactor. The renderers and checks mask what they know (defence in depth);
//! this is what guarantees it.
//!
//! The Redactor knows every secret value the run has seen (token sources, URL userinfo, proxy
//! credentials, credential-helper text, pasted text) and masks them and their encoded forms
//! (percent-encoding, base64, base64 of `user:token` as in a Basic header), plus any string
//! shaped like a Hub token. A broken pipe on stdout ends the run quietly with exit 0.

use std::io::Write;
use std::sync::{OnceLock, RwLock};

use base64::Engine;
use regex::Regex;

use crate::context::Context;
use crate::engine::finding::Finding;
use crate::render::anonymize::Anonymizer;
use crate::secret::mask;
use crate::world::urls::percent_decode;

/// Literal secrets shorter than this are not searched for in free text (they would match
/// ordinary words); in URLs they are still masked by the userinfo rule.
const MIN_LITERAL: usize = 8;

/// Below this length a literal secret is masked only where it stands as a whole word (not
/// inside a longer run of letters and digits).
const WHOLE_WORD_BELOW: usize = 16;

/// What is shown instead of a secret that is not shaped like a Hub token (a proxy password).
pub const HIDDEN: &str = "****";

/// Build the boundary's patterns now, on whatever thread calls this, so the first write does
/// not wait for them (main calls it on a thread of its own at start).
pub fn warm_up() {
    token_shape();
    userinfo_re();
    percent_run();
    base64_run();
    Redactor::default().learn_text("");
}

fn token_shape() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // The shapes of Hub tokens (`hf_` and at least ten letters or digits; OAuth and org API
    // tokens too). `hf_transfer`, `hf_xet`, `hf_hub_download` stay: they are names, not tokens.
    RE.get_or_init(|| {
        // A JWT keeps its dots; any other token ends before one (the end of a sentence).
        Regex::new(
            r"hf_jwt_[A-Za-z0-9_\-]{10,}(?:\.[A-Za-z0-9_\-]+)*|(?:hf_oauth_|hf_|api_org_)[A-Za-z0-9]{10,}[A-Za-z0-9_\-]*",
        )
        .expect("valid regex")
    })
}

fn userinfo_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<info>[^/@\s'`<>]+)@")
            .expect("valid regex")
    })
}

fn percent_run() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9._~+\-]*(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._~+\-]*)+")
            .expect("valid regex")
    })
}

fn base64_run() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[A-Za-z0-9+/_\-]{16,}={0,2}").expect("valid regex"))
}

/// Every byte but the unreserved ones percent-encoded (what `quote(s, safe="")` gives), and
/// the fully encoded form (every byte `%XX`) that some tools write.
fn percent_forms(s: &str) -> Vec<String> {
    let mut some = String::new();
    let mut all = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            some.push(b as char);
        } else {
            some.push_str(&format!("%{b:02X}"));
        }
        all.push_str(&format!("%{b:02X}"));
    }
    let lower_all = all.to_ascii_lowercase();
    vec![some, all, lower_all]
}

fn base64_forms(s: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let mut v = Vec::new();
    for e in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        v.push(e.encode(s));
    }
    v
}

fn decode_base64(s: &str) -> Option<String> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    let cfg = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let std = GeneralPurpose::new(&base64::alphabet::STANDARD, cfg);
    let url = GeneralPurpose::new(&base64::alphabet::URL_SAFE, cfg);
    let bytes = std.decode(s).or_else(|_| url.decode(s)).ok()?;
    String::from_utf8(bytes).ok()
}

/// Is this a value people would take for a token: a Hub token shape, or long and dense?
fn token_like(v: &str) -> bool {
    token_shape().is_match(v)
        || (v.len() >= 16
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
            && v.chars().any(|c| c.is_ascii_digit())
            && v.chars().any(|c| c.is_ascii_alphabetic()))
}

/// The masked form of a secret: `hf_…Ab3d` for a Hub token, `****` for anything else.
fn masked(value: &str) -> String {
    let trimmed = value.trim_matches(|c| matches!(c, '"' | '\'' | '`' | '\u{feff}'));
    if token_shape().find(trimmed).is_some_and(|m| m.start() == 0) {
        mask(trimmed)
    } else {
        HIDDEN.to_string()
    }
}

/// Secrets and names to hide, built once per run and applied to everything written.
#[derive(Default, Clone)]
pub struct Redactor {
    /// (needle, replacement), longest needle first.
    literals: Vec<(String, String)>,
    /// Known secret values (decoded), to recognise inside decoded percent or base64 runs.
    secrets: std::collections::BTreeSet<String>,
    /// The home directory, shown as `~` (reports only: other formats keep their paths).
    home: Option<String>,
    anonymizer: Option<Anonymizer>,
    /// The terminal is not UTF-8: the masks this writes use `...` as the text renderer does.
    ascii: bool,
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Remember a secret value: it, its cleaned form and its encoded forms are masked.
    pub fn add_secret(&mut self, value: &str) {
        self.push_secret(value);
        self.sort();
    }

    fn sort(&mut self) {
        self.literals
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        self.literals.dedup_by(|a, b| a.0 == b.0);
    }

    fn push_secret(&mut self, value: &str) {
        let value = value.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let cleaned = value.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
        for v in [value, cleaned] {
            // A masked form (`hf_…Ab3d`, `bob:****`) is what the boundary writes, not a secret.
            if v.chars().count() < MIN_LITERAL
                || v.contains('…')
                || v.contains(HIDDEN)
                || self.secrets.contains(v)
            {
                continue;
            }
            // A URL is a carrier, not a secret: its secrets are its userinfo (`add_url`).
            if v.contains("://") && !v.contains('@') {
                continue;
            }
            let replacement = masked(v);
            self.secrets.insert(v.to_string());
            let mut needles = vec![v.to_string()];
            // As JSON writes it (`\"`, `\\`) and as a Markdown table cell does (`\|`).
            let json = serde_json::to_string(v).unwrap_or_default();
            if let Some(inner) = json.get(1..json.len().saturating_sub(1)) {
                needles.push(inner.to_string());
            }
            needles.push(v.replace('|', "\\|"));
            needles.extend(percent_forms(v));
            needles.extend(base64_forms(v));
            for n in needles {
                self.literals.push((n, replacement.clone()));
            }
        }
    }

    /// Secrets inside a URL's userinfo: the password always, the user when it is shaped like a
    /// token (`https://hf_…@host`, `user:token@`, a token as the user of a proxy URL). Works on
    /// malformed URLs too: it takes what lies between `://` and the last `@` of the authority.
    pub fn add_url(&mut self, url: &str) {
        let url = url.trim();
        let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
        // A malformed URL may have a `/` or an `@` in its password: the userinfo up to the
        // first `@` and up to the last are both taken.
        let authority_end = rest.find([' ', '\t', '\n']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let (Some(first), Some(last)) = (authority.find('@'), authority.rfind('@')) else {
            return;
        };
        for info in [&authority[..first], &authority[..last]] {
            let info = info.trim_end_matches('@');
            let (user, password) = match info.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (info, None),
            };
            // `user:password` itself is not a literal: the password in it is masked, and a
            // Basic header (its base64) is caught by decoding.
            if let Some(p) = password {
                self.push_secret(p);
                self.push_secret(&percent_decode(p));
            }
            let user_decoded = percent_decode(user);
            // `https://hf_…@host`, `token:x-oauth-basic@`: a user shaped like a token is one.
            // A plain user name (`bob`, `git`) is left: the diagnosis talks about it.
            if token_like(&user_decoded) {
                self.push_secret(user);
                self.push_secret(&user_decoded);
            }
        }
        self.sort();
    }

    /// Every secret in a piece of text: Hub token shapes, Bearer and Basic values, URL
    /// userinfo, `password=` lines (credential helpers), percent-encoded tokens.
    pub fn learn_text(&mut self, text: &str) {
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| {
            Regex::new(
                r"(?xi)
                bearer\s+(?P<bearer>[A-Za-z0-9._~+/=\-]{12,})
                | basic\s+(?P<basic>[A-Za-z0-9+/_\-]{8,}={0,2})
                | (?:^|[\s;{'\x22(])password=(?P<pw>[^\s;'`\x22&|)}]{6,})",
            )
            .expect("valid regex")
        });
        let mut found: std::collections::BTreeSet<String> = Default::default();
        for c in re.captures_iter(text) {
            if let Some(b) = c.name("bearer").filter(|b| token_like(b.as_str())) {
                found.insert(b.as_str().to_string());
            } else if let Some(b) = c.name("basic") {
                // Only what decodes to `user:password` is a Basic credential ("Basic
                // authentication failed" is a sentence).
                let decoded = decode_base64(b.as_str())
                    .filter(|d| d.chars().all(|c| !c.is_control()) && d.contains(':'));
                if let Some((user, pass)) = decoded.as_deref().and_then(|d| d.split_once(':')) {
                    found.insert(b.as_str().to_string());
                    found.insert(pass.to_string());
                    if token_like(user) {
                        found.insert(user.to_string());
                    }
                }
            } else if let Some(p) = c.name("pw") {
                found.insert(p.as_str().to_string());
            }
        }
        for m in token_shape().find_iter(text) {
            found.insert(m.as_str().to_string());
        }
        for m in percent_run().find_iter(text) {
            let decoded = percent_decode(m.as_str());
            for t in token_shape().find_iter(&decoded) {
                found.insert(t.as_str().to_string());
            }
        }
        let urls: Vec<String> = userinfo_re()
            .find_iter(text)
            .map(|m| m.as_str().to_string())
            .collect();
        // A masked form (`hf_…Ab3d`) is no secret.
        for f in found.iter().filter(|f| !f.contains('…')) {
            self.push_secret(f);
        }
        self.sort();
        for u in urls {
            self.add_url(&u);
        }
    }

    /// What the findings carry that the context did not: the text of credential helpers
    /// (`!f() { echo password=…; }; f`), server messages, URLs.
    pub fn learn_findings(&mut self, findings: &[Finding]) {
        for f in findings {
            for (_, v) in &f.details {
                self.learn_text(v);
            }
        }
    }

    /// Every secret the context knows of: each token source (raw and cleaned), the
    /// userinfo of HF_ENDPOINT, of every `*_proxy` variable and of every git remote, the
    /// values of variables named like secrets, and token shapes in any variable.
    pub fn from_context(ctx: &Context) -> Self {
        let mut r = Redactor::new();
        r.learn_context(ctx);
        r
    }

    pub fn learn_context(&mut self, ctx: &Context) {
        let disc = ctx.token();
        for t in &disc.env {
            self.add_secret(t.raw.expose());
            if let Some(c) = &t.cleaned {
                self.add_secret(c.expose());
            }
        }
        if let crate::auth::token::FileState::Read { raw, cleaned, .. } = &disc.file.state {
            self.learn_text(raw.expose());
            for line in raw.expose().lines() {
                self.add_secret(line);
            }
            if let Some(c) = cleaned {
                self.add_secret(c.expose());
            }
        }
        for s in &disc.stored.entries {
            self.add_secret(s.token.expose());
        }
        for (name, value) in ctx.env.iter() {
            let value = value.to_string_lossy();
            let upper = name.to_ascii_uppercase();
            if crate::local::facts::is_secret_name(name) {
                self.add_secret(&value);
            }
            if upper.ends_with("_PROXY") || upper == "HF_ENDPOINT" || value.contains("://") {
                self.add_url(&value);
            }
            self.learn_text(&value);
        }
        for remote in ctx.git_remotes() {
            self.add_url(&remote.url);
        }
    }

    /// Show the home directory as `~` (the support report).
    pub fn set_home(&mut self, ctx: &Context) {
        self.home = ctx
            .home
            .as_ref()
            .and_then(|h| h.to_str())
            .filter(|h| h.len() > 1)
            .map(|h| h.trim_end_matches('/').to_string());
    }

    pub fn set_ascii(&mut self, ascii: bool) {
        self.ascii = ascii;
    }

    pub fn set_anonymizer(&mut self, a: Option<Anonymizer>) {
        self.anonymizer = a;
    }

    pub fn anonymizer(&self) -> Option<&Anonymizer> {
        self.anonymizer.as_ref()
    }

    fn contains_secret(&self, decoded: &str) -> Option<String> {
        if let Some(m) = token_shape().find(decoded) {
            return Some(mask(m.as_str()));
        }
        self.secrets
            .iter()
            .filter(|s| s.len() >= MIN_LITERAL)
            .find(|s| decoded.contains(s.as_str()))
            .map(|s| masked(s))
    }

    /// The text with every secret masked (and names replaced, under --anonymize).
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (needle, with) in &self.literals {
            if out.contains(needle.as_str()) {
                out = replace_literal(&out, needle, with);
            }
        }
        // URL userinfo: the password always, a user shaped like a token too.
        out = userinfo_re()
            .replace_all(&out, |c: &regex::Captures| {
                let info = &c["info"];
                // A password already masked (`hf_…Writ`, `****`) stays as the check wrote it.
                let password = |p: &str| {
                    if p.contains('…') || p.contains("...") || p == HIDDEN {
                        p.to_string()
                    } else {
                        masked(&percent_decode(p))
                    }
                };
                let shown = match info.split_once(':') {
                    Some((user, p)) if token_like(&percent_decode(user)) => {
                        format!("{}:{}", masked(&percent_decode(user)), password(p))
                    }
                    Some((user, p)) => format!("{user}:{}", password(p)),
                    None if token_like(&percent_decode(info)) => masked(&percent_decode(info)),
                    None => info.to_string(),
                };
                format!("{}{shown}@", &c["scheme"])
            })
            .into_owned();
        out = token_shape()
            .replace_all(&out, |c: &regex::Captures| mask(&c[0]))
            .into_owned();
        out = percent_run()
            .replace_all(&out, |c: &regex::Captures| {
                let decoded = percent_decode(&c[0]);
                match self.contains_secret(&decoded) {
                    Some(m) => m,
                    None => c[0].to_string(),
                }
            })
            .into_owned();
        out = base64_run()
            .replace_all(&out, |c: &regex::Captures| {
                match decode_base64(&c[0]).and_then(|d| self.contains_secret(&d)) {
                    Some(m) => m,
                    None => c[0].to_string(),
                }
            })
            .into_owned();
        if let Some(home) = &self.home {
            out = out.replace(home.as_str(), "~");
        }
        if let Some(a) = &self.anonymizer {
            out = a.apply(&out);
        }
        if self.ascii {
            out = out.replace('…', "...");
        }
        out
    }
}

/// Replace `needle`; a short one only where it is not part of a longer alphanumeric run.
fn replace_literal(text: &str, needle: &str, with: &str) -> String {
    if needle.len() >= WHOLE_WORD_BELOW {
        return text.replace(needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(needle) {
        if at < last {
            continue;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        let alnum = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        if alnum(before) || alnum(after) {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(with);
        last = at + needle.len();
    }
    out.push_str(&text[last..]);
    out
}

// ---------------------------------------------------------------------------------------------
// The writer: the only way hfdoctor writes.

fn active() -> &'static RwLock<Redactor> {
    static ACTIVE: OnceLock<RwLock<Redactor>> = OnceLock::new();
    ACTIVE.get_or_init(|| RwLock::new(Redactor::new()))
}

/// Make this the run's Redactor (before it, the token shapes and URL passwords are masked).
pub fn install(r: Redactor) {
    *active().write().unwrap_or_else(|e| e.into_inner()) = r;
}

/// Teach the run's Redactor more secrets (findings as they arrive, pasted text).
pub fn learn(f: impl FnOnce(&mut Redactor)) {
    f(&mut active().write().unwrap_or_else(|e| e.into_inner()));
}

/// The text as it may be written.
pub fn redact(text: &str) -> String {
    active()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .apply(text)
}

/// A copy of the run's Redactor (for the JSON path, which anonymizes values, not keys).
pub fn current() -> Redactor {
    active().read().unwrap_or_else(|e| e.into_inner()).clone()
}

// ---------------------------------------------------------------------------------------------
// The output's character set: UTF-8, or the locale's Chinese charset (Big5, GBK, GB2312,
// GB18030) for what people read. `cli::lang` sets it once at start-up from the locale; it
// says whether stdout carries text (text, markdown, github) or JSON, which stays UTF-8
// (RFC 8259) whatever the locale. stderr is always text for people.

#[derive(Clone, Copy)]
struct Transcode {
    encoding: &'static encoding_rs::Encoding,
    /// GB2312 is written through GBK: characters outside GB2312's rows become `?`.
    gb2312_only: bool,
}

#[derive(Clone, Copy, Default)]
struct Charsets {
    stdout: Option<Transcode>,
    stderr: Option<Transcode>,
}

fn charsets() -> &'static RwLock<Charsets> {
    static CHARSETS: OnceLock<RwLock<Charsets>> = OnceLock::new();
    CHARSETS.get_or_init(|| RwLock::new(Charsets::default()))
}

/// Transcode what is written into `charset`: stderr always, stdout when it carries text.
pub fn set_charset(charset: crate::lang::Charset, stdout_is_text: bool) {
    let t = charset.encoding().map(|(encoding, gb2312_only)| Transcode {
        encoding,
        gb2312_only,
    });
    *charsets().write().unwrap_or_else(|e| e.into_inner()) = Charsets {
        stdout: t.filter(|_| stdout_is_text),
        stderr: t,
    };
}

/// What stands for a character the charset lacks: an ASCII look-alike, else `?`.
fn ascii_for(c: char) -> &'static str {
    match c {
        '…' => "...",
        '—' | '–' | '─' => "-",
        '·' | '•' => "-",
        '“' | '”' => "\"",
        '‘' | '’' => "'",
        '→' => "->",
        _ => "?",
    }
}

/// `text` in the charset: never mojibake, a missing character is written as [`ascii_for`].
fn transcode(text: &str, t: Transcode) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        let (bytes, _, unmappable) = t.encoding.encode(c.encode_utf8(&mut buf));
        // GB2312 is the GBK rows with both bytes in A1..FE.
        let outside =
            t.gb2312_only && !(bytes.len() == 2 && bytes.iter().all(|b| *b >= 0xA1 && *b != 0xFF));
        if unmappable || outside {
            out.extend_from_slice(ascii_for(c).as_bytes());
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

fn encoded(text: String, t: Option<Transcode>) -> Vec<u8> {
    match t {
        Some(t) => transcode(&text, t),
        None => text.into_bytes(),
    }
}

/// Write to stdout through the boundary. A reader that went away (`hfdoctor man | head -1`)
/// ends the run with exit 0 and nothing more, as ripgrep does.
pub fn print(text: &str) {
    let t = charsets().read().unwrap_or_else(|e| e.into_inner()).stdout;
    write_stdout(&encoded(redact(text), t));
}

/// Where the boundary's "stdout" goes: `--output FILE` sends it to that file, opened once.
fn output_file() -> &'static OnceLock<(std::path::PathBuf, std::sync::Mutex<std::fs::File>)> {
    static FILE: OnceLock<(std::path::PathBuf, std::sync::Mutex<std::fs::File>)> = OnceLock::new();
    &FILE
}

/// Why `--output FILE` cannot be used.
#[derive(Debug)]
pub enum OutputError {
    /// The path is a directory: a usage error.
    IsDirectory,
    /// The file cannot be created or opened for writing.
    Create(std::io::Error),
}

/// From now on, what [`print`] writes goes to `path` instead of stdout (stderr stays
/// stderr). The file is created (truncated if it exists), with mode 0600 on unix when it is
/// new: a report or diagnosis may be attached to a ticket and is nobody else's to read. Call
/// it once, before anything is printed.
pub fn output_to(path: &std::path::Path) -> Result<(), OutputError> {
    if path.is_dir() {
        return Err(OutputError::IsDirectory);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::IsADirectory {
            OutputError::IsDirectory
        } else {
            OutputError::Create(e)
        }
    })?;
    let _ = output_file().set((path.to_path_buf(), std::sync::Mutex::new(file)));
    Ok(())
}

/// Does [`print`] write to a file (`--output`) rather than stdout? Then there is no
/// terminal to colour, animate or fit.
pub fn output_is_file() -> bool {
    output_file().get().is_some()
}

/// Bytes already redacted (the JSON path) or bytes that hold no secret (generated docs, the
/// man page, completions are still passed through the Redactor by [`print`]).
fn write_stdout(bytes: &[u8]) {
    if let Some((path, file)) = output_file().get() {
        let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = file.write_all(bytes).and_then(|_| file.flush()) {
            // A full disk or a vanished mount: one line, and hfdoctor could not do its job.
            eprintln(&format!("hfdoctor: cannot write {}: {e}", path.display()));
            std::process::exit(3);
        }
        return;
    }
    let mut out = std::io::stdout().lock();
    let result = out.write_all(bytes).and_then(|_| out.flush());
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// Write to stderr through the boundary.
pub fn eprint(text: &str) {
    let t = charsets().read().unwrap_or_else(|e| e.into_inner()).stderr;
    let bytes = encoded(redact(text), t);
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(&bytes);
    let _ = err.flush();
}

/// `eprint` with a newline.
pub fn eprintln(text: &str) {
    eprint(&format!("{text}\n"));
}

/// `print` with a newline.
pub fn println(text: &str) {
    print(&format!("{text}\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "hf_CanaryTokenAAAAAAAAAAAAAAAAAAAAAAAAAb3d";

    #[test]
    fn token_shapes_and_their_encodings() {
        let mut r = Redactor::new();
        r.add_secret("S3cretProxyPass");
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("alice:{T}"));
        let text = format!(
            "a {T} b hf%5F{} c Basic {b64} d http://bob:S3cretProxyPass@p:1 e S3cretProxyPass",
            &T[3..]
        );
        let out = r.apply(&text);
        assert!(!out.contains(&T[3..20]), "{out}");
        assert!(!out.contains(&b64), "{out}");
        assert!(!out.contains("S3cretProxyPass"), "{out}");
        assert!(out.contains("hf_…Ab3d"), "{out}");
        assert!(out.contains("http://bob:****@p:1"), "{out}");
    }

    #[test]
    fn escaped_forms() {
        let mut r = Redactor::new();
        r.add_secret("pa\"ss|wo\\rd1");
        let json = serde_json::to_string("x pa\"ss|wo\\rd1 y").unwrap();
        assert_eq!(r.apply(&json), "\"x **** y\"");
        assert_eq!(r.apply("| pa\"ss\\|wo\\rd1 |"), "| **** |");
    }

    #[test]
    fn a_sentence_keeps_its_dot_and_a_jwt_is_masked_whole() {
        let r = Redactor::new();
        assert_eq!(r.apply(&format!("see {T}.")), "see hf_…Ab3d.");
        let jwt = "hf_jwt_eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlU2VjcmV0";
        let out = r.apply(&format!("token {jwt} end"));
        assert!(
            !out.contains("eyJzdWIi") && !out.contains("c2lnbmF0"),
            "{out}"
        );
    }

    #[test]
    fn names_that_look_like_tokens_stay() {
        let r = Redactor::new();
        let text = "hf_xet 1.0 · hf_transfer · hf_hub_download · hf_token = ";
        assert_eq!(r.apply(text), text);
    }

    #[test]
    fn userinfo_user_when_token_like() {
        let mut r = Redactor::new();
        r.add_url(&format!("https://{T}@huggingface.co/acme/x"));
        r.add_url("ssh://git@hf.co/acme/x");
        let out = r.apply(&format!("https://{T}@huggingface.co/acme/x git@hf.co"));
        assert_eq!(out, "https://hf_…Ab3d@huggingface.co/acme/x git@hf.co");
    }

    #[test]
    fn malformed_proxy_password() {
        let mut r = Redactor::new();
        r.add_url("http://bob:pa/ss:word1@@proxy:bad");
        let out = r.apply("proxy http://bob:pa/ss:word1@@proxy:bad is malformed; pa/ss:word1");
        assert!(!out.contains("pa/ss:word1"), "{out}");
    }

    /// The boundary is the only writer: no other file prints or takes stdout/stderr to write
    /// (docs/redaction.md). The wrapped command's own output, passed through untouched, is the
    /// one exception (`diagnose::run_wrapped`).
    #[test]
    fn nothing_else_writes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if rel == "render/redact.rs" || rel == "explain/confirm.rs" || !rel.ends_with(".rs")
                {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    let writes = ["println!", "print!(", "eprintln!", "eprint!(", "dbg!("]
                        .iter()
                        .any(|m| code.contains(m))
                        || (code.contains("io::stdout()") || code.contains("io::stderr()"))
                            && !code.contains("is_terminal")
                            // Flushing what the boundary already wrote adds no byte.
                            && !code.contains("io::stdout().flush()");
                    if writes {
                        offenders.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "write through render::redact:\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn percent_decoding_keeps_plus() {}

    #[test]
    fn transcoding_writes_the_charset_or_a_stand_in() {
        let big5 = Transcode {
            encoding: encoding_rs::BIG5,
            gb2312_only: false,
        };
        let out = transcode("token 檔案：hf_…Ab3d ✓", big5);
        let (text, _, bad) = encoding_rs::BIG5.decode(&out);
        assert!(!bad);
        // Big5 has the ellipsis; the check mark becomes `?`.
        assert_eq!(text, "token 檔案：hf_…Ab3d ?");
        let gb2312 = Transcode {
            encoding: encoding_rs::GBK,
            gb2312_only: true,
        };
        // 檔 is in GBK, not in GB2312.
        let out = transcode("文件 檔", gb2312);
        assert_eq!(encoding_rs::GBK.decode(&out).0, "文件 ?");
    }
}
