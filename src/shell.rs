//! Words for commands people paste into a shell: quoting for `sh`, and the user's shell
//! (`Shell`), into which the catalog's POSIX commands are translated before they are shown.

use crate::world::env::Env;

/// Quote a value for `sh` only where needed.
pub fn quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./+@%:,=".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// A displayed path (`~/…` for the home directory) made safe to paste: the `~/` stays
/// outside the quotes so the shell still expands it.
pub fn shell_path(display: &str) -> String {
    match display.strip_prefix("~/") {
        Some(rest) => format!("~/{}", quote(rest)),
        None if display == "~" => "~".into(),
        None => quote(display),
    }
}

/// The shell the user pastes commands into. The catalog writes POSIX `sh`; `adapt` says the
/// same in fish or PowerShell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shell {
    #[default]
    Sh,
    Fish,
    PowerShell,
}

impl Shell {
    /// From the environment: `SHELL` names the login shell (its basename `fish` is fish,
    /// anything else a POSIX shell); without `SHELL`, `PSModulePath` (set by PowerShell) or
    /// Windows means PowerShell.
    pub fn detect(env: &Env) -> Shell {
        Self::detect_on(env, cfg!(windows))
    }

    pub fn detect_on(env: &Env, windows: bool) -> Shell {
        match env.non_empty("SHELL") {
            Some(path) => {
                let base = path.rsplit(['/', '\\']).next().unwrap_or_default();
                match base.strip_suffix(".exe").unwrap_or(base) {
                    "fish" => Shell::Fish,
                    "pwsh" | "powershell" => Shell::PowerShell,
                    _ => Shell::Sh,
                }
            }
            None if windows || env.is_set("PSModulePath") => Shell::PowerShell,
            None => Shell::Sh,
        }
    }

    /// `cmd`, written for `sh`, said in this shell. A command in a form it does not know is
    /// returned as written.
    pub fn adapt(&self, cmd: &str) -> String {
        if *self == Shell::Sh {
            return cmd.to_string();
        }
        match parse(cmd) {
            Some(items) => self.emit(&items),
            None => cmd.to_string(),
        }
    }

    fn emit(&self, items: &[Item]) -> String {
        let mut out: Vec<String> = Vec::new();
        for item in items {
            match item {
                Item::Op(op) => out.push(self.op(op)),
                Item::Cmd(words) => out.push(self.command(words)),
            }
        }
        out.join(" ")
    }

    fn op(&self, op: &str) -> String {
        match (self, op) {
            (Shell::Fish, "&&") => "; and".into(),
            (Shell::Fish, "||") => "; or".into(),
            (_, ";") => ";".into(),
            _ => op.into(),
        }
    }

    /// One simple command (words and redirections).
    fn command(&self, words: &[Word]) -> String {
        let lit = |w: &Word| w.literal();
        let first = words.first().and_then(lit);
        // `unset A B`
        if first.as_deref() == Some("unset") && words.len() > 1 {
            let names: Vec<String> = words[1..].iter().filter_map(lit).collect();
            return match self {
                Shell::Fish => names
                    .iter()
                    .map(|n| format!("set -e {n}"))
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => {
                    let paths: Vec<String> = names.iter().map(|n| format!("Env:{n}")).collect();
                    format!("Remove-Item {}", paths.join(", "))
                }
            };
        }
        // `export A=value`
        if first.as_deref() == Some("export") && words.len() == 2 {
            if let Some((name, value)) = words[1].assignment() {
                return match self {
                    Shell::Fish => format!("set -gx {name} {}", self.word(&value)),
                    _ => format!("$env:{name} = {}", self.ps_string(&value)),
                };
            }
        }
        // `A=value cmd …`
        let prefix: Vec<(String, Word)> = words.iter().map_while(Word::assignment).collect();
        if !prefix.is_empty() && prefix.len() < words.len() {
            let rest = self.command(&words[prefix.len()..]);
            return match self {
                Shell::Fish => {
                    let sets: Vec<String> = prefix
                        .iter()
                        .map(|(n, v)| format!("{n}={}", self.word(v)))
                        .collect();
                    format!("env {} {rest}", sets.join(" "))
                }
                _ => {
                    let sets: Vec<String> = prefix
                        .iter()
                        .map(|(n, v)| format!("$env:{n} = {}; ", self.ps_string(v)))
                        .collect();
                    let unsets: Vec<String> =
                        prefix.iter().map(|(n, _)| format!("Env:{n}")).collect();
                    format!("{}{rest}; Remove-Item {}", sets.concat(), unsets.join(", "))
                }
            };
        }
        if *self == Shell::PowerShell {
            if let Some(ps) = self.powershell_command(first.as_deref(), words) {
                return ps;
            }
        }
        let mut parts: Vec<String> = Vec::new();
        let mut null_input = false;
        for w in words {
            if *self == Shell::PowerShell && w.literal().as_deref() == Some("</dev/null") {
                null_input = true;
                continue;
            }
            parts.push(self.word(w));
        }
        let line = parts.join(" ");
        if null_input {
            format!("$null | {line}")
        } else {
            line
        }
    }

    /// The commands PowerShell has no `sh` equivalent for, said its way.
    fn powershell_command(&self, first: Option<&str>, words: &[Word]) -> Option<String> {
        let args = &words[1..];
        match first? {
            // A credential description for `git credential`: one string, `n for newlines.
            "printf" if !args.is_empty() => {
                let format = args[0].literal()?;
                let mut values = args[1..].iter();
                let mut out = String::from("\"");
                let mut chars = format.chars().peekable();
                while let Some(c) = chars.next() {
                    match (c, chars.peek()) {
                        ('\\', Some('n')) => {
                            chars.next();
                            out.push_str("`n");
                        }
                        ('%', Some('s')) => {
                            chars.next();
                            out.push_str(&self.ps_inner(values.next()?));
                        }
                        _ => out.push_str(&ps_escape(&c.to_string())),
                    }
                }
                // PowerShell ends what it pipes to a program with a newline of its own.
                let out = out.strip_suffix("`n").unwrap_or(&out).to_string();
                Some(format!("{out}\""))
            }
            // Only this user may read the file: no inherited entries, read and write for them.
            "chmod" if args.len() == 2 && args[0].literal().as_deref() == Some("600") => {
                Some(format!(
                    "icacls {} /inheritance:r /grant:r \"${{env:USERNAME}}:(R,W)\"",
                    self.word(&args[1])
                ))
            }
            "ls" if args.len() == 2 && args[0].literal().as_deref() == Some("-l") => {
                Some(format!("Get-Acl {} | Format-List", self.word(&args[1])))
            }
            "grep" => {
                let pattern = args.iter().rfind(|w| !w.is_flag())?;
                Some(format!("Select-String -Pattern {}", self.word(pattern)))
            }
            "curl" => {
                let rest: Vec<String> = args.iter().map(|w| self.word(w)).collect();
                Some(format!("curl.exe {}", rest.join(" ")))
            }
            _ => None,
        }
    }

    /// One word in this shell's quoting.
    fn word(&self, w: &Word) -> String {
        if w.is_redirect() {
            return w.sh.clone();
        }
        match self {
            Shell::Sh => w.sh.clone(),
            Shell::Fish => w
                .parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => fish_quote(s),
                    Part::Var(v) => format!("${v}"),
                    Part::Sub(c) => format!("({})", self.adapt(c)),
                    Part::Tilde => "~".into(),
                })
                .collect(),
            Shell::PowerShell => match w.literal() {
                Some(s) if s.chars().all(ps_safe) && !s.is_empty() && !s.starts_with('@') => s,
                Some(s) if !w.has_tilde() => format!("'{}'", s.replace('\'', "''")),
                _ => self.ps_string(w),
            },
        }
    }

    /// A word as a PowerShell double-quoted string.
    fn ps_string(&self, w: &Word) -> String {
        format!("\"{}\"", self.ps_inner(w))
    }

    fn ps_inner(&self, w: &Word) -> String {
        w.parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => ps_escape(s),
                Part::Var(v) if v == "HOME" => "$HOME".into(),
                Part::Var(v) => format!("$env:{v}"),
                Part::Sub(c) => format!("$({})", self.adapt(c)),
                Part::Tilde => "$HOME".into(),
            })
            .collect()
    }
}

fn ps_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-./:,=+@".contains(c)
}

fn ps_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '`' | '"' | '$') {
            out.push('`');
        }
        out.push(c);
    }
    out
}

fn fish_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./+@%:,=^".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        // Inside fish's single quotes only `\\` and `\'` are escapes.
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::from("'");
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1);
            if c == '\'' || (c == '\\' && matches!(next, None | Some('\\') | Some('\''))) {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('\'');
        out
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Lit(String),
    /// `$NAME` or `${NAME}`.
    Var(String),
    /// `$(…)`, its text as written for `sh`.
    Sub(String),
    /// A leading `~` (home).
    Tilde,
}

#[derive(Debug, Clone)]
struct Word {
    parts: Vec<Part>,
    /// The word as written.
    sh: String,
}

impl Word {
    /// The word when it is plain text (quoted or not), without expansions.
    fn literal(&self) -> Option<String> {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => Some(s.as_str()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat())
    }

    fn has_tilde(&self) -> bool {
        self.parts.contains(&Part::Tilde)
    }

    /// `2>&1`, `>>`, `>`, `<`: written the same in fish and PowerShell (but `</dev/null`).
    fn is_redirect(&self) -> bool {
        let s = self.sh.trim_start_matches(|c: char| c.is_ascii_digit());
        matches!(s, ">" | ">>" | ">&1" | ">&2" | "<")
    }

    fn is_flag(&self) -> bool {
        self.literal().is_some_and(|s| s.starts_with('-'))
    }

    /// `NAME=value`: the name and the value as a word of its own.
    fn assignment(&self) -> Option<(String, Word)> {
        let Some(Part::Lit(first)) = self.parts.first() else {
            return None;
        };
        let eq = self.sh.find('=')?;
        let name = &self.sh[..eq];
        let valid = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        // The name must be written bare, before any quote.
        if !valid || !first.starts_with(&format!("{name}=")) {
            return None;
        }
        let mut parts = self.parts.clone();
        let rest = first[name.len() + 1..].to_string();
        if rest.is_empty() {
            parts.remove(0);
        } else {
            parts[0] = Part::Lit(rest);
        }
        if parts.is_empty() {
            parts.push(Part::Lit(String::new()));
        }
        Some((
            name.to_string(),
            Word {
                parts,
                sh: self.sh[eq + 1..].to_string(),
            },
        ))
    }
}

#[derive(Debug, Clone)]
enum Item {
    Cmd(Vec<Word>),
    /// `|`, `&&`, `||`, `;`.
    Op(String),
}

/// The commands and operators of a one-line `sh` command; `None` for anything this parser
/// does not know (backquotes, unbalanced quotes), which is then shown as written.
fn parse(cmd: &str) -> Option<Vec<Item>> {
    let chars: Vec<char> = cmd.chars().collect();
    let mut items = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut i = 0;
    let flush = |words: &mut Vec<Word>, items: &mut Vec<Item>| {
        if !words.is_empty() {
            items.push(Item::Cmd(std::mem::take(words)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if two == "&&" || two == "||" {
            flush(&mut words, &mut items);
            items.push(Item::Op(two));
            i += 2;
            continue;
        }
        if c == '|' || c == ';' {
            flush(&mut words, &mut items);
            items.push(Item::Op(c.to_string()));
            i += 1;
            continue;
        }
        let (word, next) = parse_word(&chars, i)?;
        words.push(word);
        i = next;
    }
    flush(&mut words, &mut items);
    Some(items)
}

fn parse_word(chars: &[char], start: usize) -> Option<(Word, usize)> {
    let mut parts: Vec<Part> = Vec::new();
    let mut lit = String::new();
    let mut i = start;
    let push_lit = |lit: &mut String, parts: &mut Vec<Part>| {
        if !lit.is_empty() {
            parts.push(Part::Lit(std::mem::take(lit)));
        }
    };
    if chars.get(i) == Some(&'~') && matches!(chars.get(i + 1), None | Some('/')) {
        parts.push(Part::Tilde);
        i += 1;
    }
    let mut in_double = false;
    while i < chars.len() {
        let c = chars[i];
        if !in_double && (c.is_whitespace() || c == '|' || c == ';' || c == '&') {
            // `2>&1` is one word.
            if c == '&' && i > start && chars[i - 1] == '>' {
                lit.push(c);
                i += 1;
                continue;
            }
            break;
        }
        match c {
            '`' => return None,
            '\'' if !in_double => {
                let end = chars[i + 1..].iter().position(|&c| c == '\'')? + i + 1;
                lit.extend(&chars[i + 1..end]);
                i = end + 1;
            }
            '"' => {
                in_double = !in_double;
                i += 1;
            }
            '\\' => {
                let next = *chars.get(i + 1)?;
                if in_double && !matches!(next, '"' | '\\' | '$' | '`') {
                    lit.push('\\');
                }
                lit.push(next);
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                let mut depth = 0;
                let mut end = None;
                for (j, &ch) in chars.iter().enumerate().skip(i + 1) {
                    match ch {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let end = end?;
                push_lit(&mut lit, &mut parts);
                parts.push(Part::Sub(chars[i + 2..end].iter().collect()));
                i = end + 1;
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let end = chars[i + 2..].iter().position(|&c| c == '}')? + i + 2;
                push_lit(&mut lit, &mut parts);
                parts.push(Part::Var(chars[i + 2..end].iter().collect()));
                i = end + 1;
            }
            '$' if chars
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_') =>
            {
                let len = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .count();
                push_lit(&mut lit, &mut parts);
                parts.push(Part::Var(chars[i + 1..i + 1 + len].iter().collect()));
                i += 1 + len;
            }
            _ => {
                lit.push(c);
                i += 1;
            }
        }
    }
    if in_double {
        return None;
    }
    push_lit(&mut lit, &mut parts);
    if parts.is_empty() {
        parts.push(Part::Lit(String::new()));
    }
    let sh = chars[start..i].iter().collect();
    Some((Word { parts, sh }, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("/a/b.txt"), "/a/b.txt");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(
            shell_path("~/.cache/huggingface/token"),
            "~/.cache/huggingface/token"
        );
        assert_eq!(shell_path("~/My Files/token"), "~/'My Files/token'");
    }

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().map(|(k, v)| (*k, *v)))
    }

    #[test]
    fn detection() {
        assert_eq!(
            Shell::detect_on(&env(&[("SHELL", "/usr/bin/fish")]), false),
            Shell::Fish
        );
        assert_eq!(
            Shell::detect_on(&env(&[("SHELL", "/bin/bash")]), false),
            Shell::Sh
        );
        assert_eq!(
            Shell::detect_on(&env(&[("SHELL", "/bin/zsh"), ("PSModulePath", "x")]), false),
            Shell::Sh
        );
        assert_eq!(
            Shell::detect_on(&env(&[("PSModulePath", "C:\\x")]), false),
            Shell::PowerShell
        );
        assert_eq!(Shell::detect_on(&env(&[]), true), Shell::PowerShell);
        assert_eq!(Shell::detect_on(&env(&[]), false), Shell::Sh);
    }

    const F: Shell = Shell::Fish;
    const P: Shell = Shell::PowerShell;

    #[test]
    fn sh_is_left_as_written() {
        for c in [
            "unset HF_TOKEN",
            "export A=b",
            "printf 'a\\n' | git credential fill",
        ] {
            assert_eq!(Shell::Sh.adapt(c), c);
        }
    }

    #[test]
    fn unset() {
        assert_eq!(F.adapt("unset HF_TOKEN"), "set -e HF_TOKEN");
        assert_eq!(
            F.adapt("unset HF_HUB_OFFLINE TRANSFORMERS_OFFLINE"),
            "set -e HF_HUB_OFFLINE; set -e TRANSFORMERS_OFFLINE"
        );
        assert_eq!(P.adapt("unset HF_TOKEN"), "Remove-Item Env:HF_TOKEN");
        assert_eq!(
            P.adapt("unset HF_HUB_OFFLINE TRANSFORMERS_OFFLINE"),
            "Remove-Item Env:HF_HUB_OFFLINE, Env:TRANSFORMERS_OFFLINE"
        );
    }

    #[test]
    fn export() {
        assert_eq!(
            F.adapt("export HTTPS_PROXY=http://PROXY_HOST:PORT"),
            "set -gx HTTPS_PROXY http://PROXY_HOST:PORT"
        );
        assert_eq!(
            P.adapt("export HTTPS_PROXY=http://PROXY_HOST:PORT"),
            "$env:HTTPS_PROXY = \"http://PROXY_HOST:PORT\""
        );
        assert_eq!(
            F.adapt("export SSL_CERT_FILE=\"${REQUESTS_CA_BUNDLE}\""),
            "set -gx SSL_CERT_FILE $REQUESTS_CA_BUNDLE"
        );
        assert_eq!(
            P.adapt("export SSL_CERT_FILE=\"${REQUESTS_CA_BUNDLE}\""),
            "$env:SSL_CERT_FILE = \"$env:REQUESTS_CA_BUNDLE\""
        );
        assert_eq!(
            F.adapt("export HF_ENDPOINT='https://a b'"),
            "set -gx HF_ENDPOINT 'https://a b'"
        );
        assert_eq!(
            P.adapt("export HF_ENDPOINT='it'\\''s'"),
            "$env:HF_ENDPOINT = \"it's\""
        );
    }

    #[test]
    fn prefix_assignments() {
        assert_eq!(
            F.adapt("GIT_TRACE_CURL=1 git push --dry-run 2>&1 | tail -20"),
            "env GIT_TRACE_CURL=1 git push --dry-run 2>&1 | tail -20"
        );
        assert_eq!(
            P.adapt("GIT_TRACE_CURL=1 git push --dry-run"),
            "$env:GIT_TRACE_CURL = \"1\"; git push --dry-run; Remove-Item Env:GIT_TRACE_CURL"
        );
    }

    #[test]
    fn substitution() {
        assert_eq!(
            F.adapt("ssh-keygen -t ed25519 -C \"$USER@$(hostname)\""),
            "ssh-keygen -t ed25519 -C $USER@(hostname)"
        );
        assert_eq!(
            P.adapt("ssh-keygen -t ed25519 -C \"$USER@$(hostname)\""),
            "ssh-keygen -t ed25519 -C \"$env:USER@$(hostname)\""
        );
    }

    #[test]
    fn git_credential_lines() {
        let approve = "printf 'protocol=https\\nhost=hf.co:8443\\nusername=hf_user\\npassword=%s\\n\\n' \"$(hf auth token)\" | git credential approve";
        assert_eq!(
            F.adapt(approve),
            "printf 'protocol=https\\nhost=hf.co:8443\\nusername=hf_user\\npassword=%s\\n\\n' (hf auth token) | git credential approve"
        );
        assert_eq!(
            P.adapt(approve),
            "\"protocol=https`nhost=hf.co:8443`nusername=hf_user`npassword=$(hf auth token)`n\" | git credential approve"
        );
        assert_eq!(
            P.adapt("printf 'protocol=http\\nhost=127.0.0.1:9\\n\\n' | git credential reject"),
            "\"protocol=http`nhost=127.0.0.1:9`n\" | git credential reject"
        );
    }

    #[test]
    fn chmod_and_friends() {
        assert_eq!(
            F.adapt("chmod 600 ~/.cache/huggingface/token"),
            "chmod 600 ~/.cache/huggingface/token"
        );
        assert_eq!(
            P.adapt("chmod 600 ~/.cache/huggingface/token"),
            "icacls \"$HOME/.cache/huggingface/token\" /inheritance:r /grant:r \"${env:USERNAME}:(R,W)\""
        );
        assert_eq!(
            P.adapt("ls -l ~/'My Files/token'"),
            "Get-Acl \"$HOME/My Files/token\" | Format-List"
        );
        assert_eq!(
            P.adapt("openssl s_client -connect hf.co:443 </dev/null"),
            "$null | openssl s_client -connect hf.co:443"
        );
        assert_eq!(
            P.adapt("ssh -vT git@hf.co 2>&1 | grep -i offering"),
            "ssh -vT git@hf.co 2>&1 | Select-String -Pattern offering"
        );
        assert_eq!(
            P.adapt("curl -sS -m 30 -o /dev/null -w '%{http_code}\\n' https://hf.co/api/x"),
            "curl.exe -sS -m 30 -o /dev/null -w '%{http_code}\\n' https://hf.co/api/x"
        );
    }

    #[test]
    fn unknown_forms_stay_as_written() {
        assert_eq!(F.adapt("echo `date`"), "echo `date`");
        assert_eq!(F.adapt("hf auth login"), "hf auth login");
        assert_eq!(P.adapt("git lfs install"), "git lfs install");
    }
}
