//! Text for people: a status symbol, the check's title and a one-line summary per finding; under
//! every finding that does not pass, the cause in plain words and the fixes with the exact
//! commands. Printed as results arrive, in registry order.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use owo_colors::OwoColorize;
use unicode_width::UnicodeWidthStr;

use crate::context::Context;
use crate::engine::finding::{Finding, Status};
use crate::render::{counts_line, Words};

pub struct Style {
    pub color: bool,
    /// The terminal's character set is UTF-8; otherwise symbols fall back to ASCII.
    pub utf8: bool,
    pub verbose: bool,
    /// Columns to wrap to (the terminal's, else COLUMNS); `None` writes lines whole.
    pub width: Option<usize>,
}

pub struct TextRenderer {
    words: Words,
    style: Style,
    title_width: usize,
    /// Cause-and-fix blocks already printed: the same block again (one unreachable endpoint
    /// seen by three checks) is not repeated.
    printed: std::cell::RefCell<std::collections::HashSet<String>>,
}

impl TextRenderer {
    pub fn new(words: Words, style: Style, check_ids: &[&str]) -> Self {
        let title_width = check_ids
            .iter()
            .map(|id| words.title(id).width())
            .max()
            .unwrap_or(0);
        TextRenderer {
            words,
            style,
            title_width,
            printed: Default::default(),
        }
    }

    fn symbol(&self, status: Status) -> String {
        let (u, a) = match status {
            Status::Pass => ("✓", "PASS"),
            Status::Warn => ("!", "WARN"),
            Status::Fail => ("✗", "FAIL"),
            Status::Skip => ("-", "SKIP"),
            Status::Timeout => ("⏱", "TIME"),
            Status::Crash => ("☠", "CRSH"),
        };
        let s = if self.style.utf8 { u } else { a };
        if !self.style.color {
            return s.to_string();
        }
        match status {
            Status::Pass => s.green().to_string(),
            Status::Warn => s.yellow().to_string(),
            Status::Fail => s.red().bold().to_string(),
            Status::Skip => s.dimmed().to_string(),
            Status::Timeout | Status::Crash => s.magenta().bold().to_string(),
        }
    }

    /// Replace the few typographic characters we use when the terminal is not UTF-8.
    fn chars(&self, s: String) -> String {
        if self.style.utf8 {
            return s;
        }
        s.replace('…', "...")
            .replace('—', "-")
            .replace('·', "|")
            .replace('→', "->")
            .replace(['‘', '’'], "'")
    }

    fn dim(&self, s: &str) -> String {
        if self.style.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }

    pub fn header(&self, ctx: &Context) -> String {
        let version = format!("hfdoctor {}", env!("CARGO_PKG_VERSION"));
        let endpoint = format!("{} {}", self.words.msg("endpoint"), ctx.endpoint().url);
        let line = self.words.token_line(ctx, ctx.token());
        self.chars(format!(
            "{} · {}\n{}\n\n",
            self.dim(&version),
            endpoint,
            line
        ))
    }

    pub fn finding(&self, f: &Finding) -> String {
        let w = &self.words;
        let title = w.title(f.check);
        let pad = " ".repeat(self.title_width.saturating_sub(title.width()));
        let symbol_width = if self.style.utf8 { 1 } else { 4 };
        let indent = " ".repeat(symbol_width + 1 + self.title_width + 2);
        let mut out = format!(
            "{} {}{}  {}",
            self.symbol(f.status),
            title,
            pad,
            w.summary(f)
        );
        if self.style.verbose {
            out.push_str(&self.dim(&format!(" ({} ms)", f.duration_ms)));
        }
        out.push('\n');
        let mut block = String::new();
        if f.status != Status::Pass && f.status != Status::Skip {
            let out = &mut block;
            if let Some(why) = w.why(f) {
                let colon = w.colon();
                out.push_str(&format!(
                    "{indent}{}{colon}{why}\n",
                    self.dim(&w.msg("cause"))
                ));
            }
            for fix in w.fixes(f) {
                out.push_str(&format!(
                    "{indent}{}{}{}\n",
                    self.dim(&w.msg("fix")),
                    w.colon(),
                    fix.text
                ));
                for cmd in &fix.commands {
                    let cmd = if self.style.color {
                        cmd.bold().to_string()
                    } else {
                        cmd.clone()
                    };
                    out.push_str(&format!("{indent}  $ {cmd}\n"));
                }
                if let Some(url) = &fix.url {
                    out.push_str(&format!("{indent}  {}{}{url}\n", w.msg("see"), w.colon()));
                }
            }
        }
        if !block.is_empty() {
            if self.printed.borrow_mut().insert(block.clone()) {
                out.push_str(&block);
            } else {
                out.push_str(&format!("{indent}{}\n", self.dim(&w.msg("as-above"))));
            }
        }
        if self.style.verbose {
            for (k, v) in &f.details {
                out.push_str(&self.dim(&format!("{indent}{k}: {v}")));
                out.push('\n');
            }
        }
        self.chars(out)
    }

    /// One check: a verdict line with its worst status and that finding's summary, then its
    /// other findings as points under it. Causes and fixes are in "what to do" at the end.
    pub fn check(&self, found: &[Finding]) -> String {
        let Some(verdict) = found
            .iter()
            .enumerate()
            .min_by_key(|(i, f)| (f.status.severity(), *i))
            .map(|(_, f)| f)
        else {
            return String::new();
        };
        let w = &self.words;
        let title = w.title(verdict.check);
        let pad = " ".repeat(self.title_width.saturating_sub(title.width()));
        let indent = " ".repeat(self.symbol_width() + 1 + self.title_width + 2);
        let first = format!("{} {}{}  ", self.symbol(verdict.status), title, pad);
        let mut summary = w.summary(verdict);
        if self.style.verbose {
            summary.push_str(&self.dim(&format!(" ({} ms)", verdict.duration_ms)));
        }
        let mut out = self.para(&first, &summary, &indent);
        self.verbose_details(&mut out, verdict, &indent);
        let point_rest = format!("{indent}{}", " ".repeat(self.symbol_width() + 1));
        for f in found.iter().filter(|f| !std::ptr::eq(*f, verdict)) {
            let first = format!("{indent}{} ", self.symbol(f.status));
            out.push_str(&self.para(&first, &w.summary(f), &point_rest));
            self.verbose_details(&mut out, f, &indent);
        }
        self.chars(out)
    }

    fn verbose_details(&self, out: &mut String, f: &Finding, indent: &str) {
        if !self.style.verbose {
            return;
        }
        if let Some(why) = self.words.why(f) {
            let label = self.dim(&self.words.msg("cause"));
            out.push_str(&format!("{indent}  {label}: {why}\n"));
        }
        for (k, v) in &f.details {
            out.push_str(&self.dim(&format!("{indent}  {k}: {v}")));
            out.push('\n');
        }
    }

    /// One paragraph with a hanging indent, wrapped to the width when there is one. Commands
    /// and URLs are never passed here: they are written whole, to be copied.
    fn para(&self, first: &str, text: &str, rest: &str) -> String {
        match self.style.width {
            Some(width) => crate::render::wrap::hanging(text, width, first, rest) + "\n",
            None => format!("{first}{text}\n"),
        }
    }

    fn symbol_width(&self) -> usize {
        if self.style.utf8 {
            1
        } else {
            4
        }
    }

    /// The closing section: the root causes in order, each with its fixes once; nothing when
    /// nothing is wrong.
    pub fn what_to_do(&self, entries: &[crate::render::diagnosis::Entry]) -> String {
        if entries.is_empty() {
            return String::new();
        }
        let w = &self.words;
        let mut out = format!("\n{}\n", self.bold(&w.msg("what-to-do")));
        for (n, e) in entries.iter().enumerate() {
            let number = format!("{}.", n + 1);
            let indent = " ".repeat(number.width() + 1);
            out.push_str(&format!(
                "{number} {} {}",
                self.symbol(e.status),
                self.bold(&e.title)
            ));
            if e.verified {
                out.push_str(&format!("  {}", self.dim(&w.msg("verified-tag"))));
            }
            out.push('\n');
            out.push_str(&self.para(&indent, &e.summary, &indent));
            if let Some(why) = &e.why {
                out.push_str(&self.para(&indent, &self.dim(why), &indent));
            }
            let fix_rest = format!("{indent}  ");
            for fix in &e.fixes {
                let first = format!("{indent}{} ", self.dim("→"));
                out.push_str(&self.para(&first, &fix.text, &fix_rest));
                for cmd in &fix.commands {
                    out.push_str(&format!("{indent}    $ {}\n", self.bold(cmd)));
                }
                if let Some(url) = &fix.url {
                    out.push_str(&format!("{indent}    {}{}{url}\n", w.msg("see"), w.colon()));
                }
            }
        }
        self.chars(out)
    }

    fn bold(&self, s: &str) -> String {
        if self.style.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }

    pub fn footer(&self, findings: &[Finding]) -> String {
        let line = counts_line(&self.words, findings);
        self.chars(format!("\n{line}\n"))
    }
}

/// A one-line spinner on stderr naming the check still running. Only on a terminal, never in
/// CI; cleared before anything is printed on stdout.
#[derive(Clone)]
pub struct Spinner {
    state: Arc<Mutex<Option<String>>>,
}

impl Spinner {
    pub fn wanted(ctx: &Context) -> bool {
        std::io::stderr().is_terminal() && ctx.env.get("CI").is_none()
    }

    pub fn start(label: String, utf8: bool) -> Self {
        let state = Arc::new(Mutex::new(Some(label)));
        let shared = state.clone();
        tokio::spawn(async move {
            let frames: Vec<&str> = if utf8 {
                vec!["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            } else {
                vec!["|", "/", "-", "\\"]
            };
            // Quick checks finish before the spinner would show: wait a little first.
            tokio::time::sleep(Duration::from_millis(150)).await;
            for i in 0.. {
                {
                    let guard = shared.lock().unwrap_or_else(|e| e.into_inner());
                    let Some(label) = guard.as_ref() else { break };
                    crate::render::redact::eprint(&format!(
                        "\r\x1b[2K{} {label}",
                        frames[i % frames.len()]
                    ));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        Spinner { state }
    }

    /// Clear the spinner line, print `text` on stdout, then spin on `next` (or stop). The lock
    /// is held throughout so the spinner never writes between the two.
    pub fn print(&self, text: &str, next: Option<String>) {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        crate::render::redact::eprint("\r\x1b[2K");
        crate::render::redact::print(text);
        *guard = next;
    }
}
