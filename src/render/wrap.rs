//! Text that fits the terminal: the width to wrap at ([`terminal_width`]), one paragraph
//! wrapped with a hanging indent ([`hanging`]), and the text another program printed made
//! safe to show ([`strip_ansi`]).
//!
//! Wrapping is `textwrap`'s (widths from `unicode-width`, ANSI colour escapes count zero,
//! break opportunities from the Unicode line breaking algorithm, UAX #14). On top of it,
//! [`hanging`] keeps two rules of its own: English breaks only at spaces (UAX #14 would break
//! a URL or a path after a `/`), and Chinese never breaks before a full-width closing mark nor
//! after an opening one, quotes included (UAX #14 lets “” break on either side next to CJK).

use textwrap::core::Word;
use textwrap::{Options, WordSeparator, WordSplitter, WrapAlgorithm};
use unicode_width::UnicodeWidthChar;

use crate::world::env::Env;

/// Narrower than this, wrapping does more harm than good: a narrower terminal gets this.
pub const MIN_WIDTH: usize = 40;

/// The width to wrap at: the terminal's when stdout is one, else `COLUMNS` when it is a
/// positive number, else `None` (do not wrap). Output sent to a file (`--output`) is not
/// wrapped. At least [`MIN_WIDTH`].
pub fn terminal_width(env: &Env) -> Option<usize> {
    if crate::render::redact::output_is_file() {
        return None;
    }
    let width = match terminal_size::terminal_size() {
        Some((terminal_size::Width(w), _)) if w > 0 => Some(w as usize),
        _ => env
            .get("COLUMNS")
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|c| *c > 0),
    };
    width.map(|w| w.max(MIN_WIDTH))
}

/// Full-width (and CJK) closing marks: no line starts with one.
const CLOSING: &[char] = &[
    '，', '。', '：', '；', '）', '」', '』', '”', '’', '、', '！', '？', '》', '〉', '】', '〕',
    '］', '｝',
];

/// Opening marks: no line ends with one.
const OPENING: &[char] = &[
    '（', '「', '『', '“', '‘', '《', '〈', '【', '〔', '［', '｛',
];

/// One paragraph wrapped to `width` columns: `first` before its first line, `rest` (the
/// hanging indent) before each further one. Wide characters count two columns, ANSI colour
/// escapes none; a word wider than the line (a URL, a path) stays whole on a line of its
/// own; no line ends in a space. A `\n` in `text` starts a new line (with `rest`).
pub fn hanging(text: &str, width: usize, first: &str, rest: &str) -> String {
    let options = Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(WordSplitter::NoHyphenation)
        .word_separator(WordSeparator::Custom(words))
        .wrap_algorithm(WrapAlgorithm::FirstFit);
    let lines = textwrap::wrap(text, options);
    let mut out = String::with_capacity(text.len() + lines.len() * rest.len());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line.trim_end());
    }
    out
}

/// The words of one line: UAX #14's break opportunities, less those the rules above forbid.
fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let pieces: Vec<Word> = WordSeparator::UnicodeBreakProperties
        .find_words(line)
        .collect();
    let base = line.as_ptr() as usize;
    let mut out = Vec::with_capacity(pieces.len());
    let mut start = 0;
    for (i, piece) in pieces.iter().enumerate() {
        // Each piece is a slice of `line`: its word, then its spaces.
        let end = piece.whitespace.as_ptr() as usize - base + piece.whitespace.len();
        let cut = pieces.get(i + 1).is_none_or(|next| may_break(piece, next));
        if cut {
            out.push(Word::from(&line[start..end]));
            start = end;
        }
    }
    if start < line.len() {
        out.push(Word::from(&line[start..]));
    }
    Box::new(out.into_iter())
}

/// May a line end after `before` and the next begin with `after`?
fn may_break(before: &Word, after: &Word) -> bool {
    let last = visible(before.word).chars().next_back();
    let next = visible(after.word).chars().next();
    if next.is_some_and(|c| CLOSING.contains(&c)) || last.is_some_and(|c| OPENING.contains(&c)) {
        return false;
    }
    if !before.whitespace.is_empty() {
        return true;
    }
    let wide = |c: Option<char>| c.is_some_and(|c| c.width().unwrap_or(0) >= 2);
    // Between two narrow characters with no space (inside a URL, a path, `a/b`): never.
    wide(last) || wide(next)
}

/// The text without its ANSI escapes (the pieces are short: no parser needed beyond CSI).
fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\x1b') {
        std::borrow::Cow::Owned(strip_ansi(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Text another program printed, safe to show: ANSI/VT escape sequences (CSI such as colours
/// and cursor moves, OSC such as titles and hyperlinks, DCS, a lone ESC) removed, and every
/// other control character too (C0, DEL, C1) but `\n` and `\t`. A `\r\n` becomes `\n`.
pub fn strip_ansi(s: &str) -> String {
    if has_controls(s.as_bytes()) {
        String::from_utf8_lossy(&strip(s.as_bytes())).into_owned()
    } else {
        s.to_string()
    }
}

/// [`strip_ansi`] for bytes that may not be UTF-8 (pasted logs, a wrapped command's output;
/// invalid UTF-8 becomes U+FFFD only where something is removed). Bytes with nothing to
/// remove come back as they are, not copied (a 50 MB log).
pub fn strip_ansi_bytes(bytes: Vec<u8>) -> Vec<u8> {
    if has_controls(&bytes) {
        strip(&bytes)
    } else {
        bytes
    }
}

/// Is there an escape or a control character (but `\n`, `\t`) to remove?
fn has_controls(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, b)| match b {
        b'\n' | b'\t' => false,
        0x00..=0x1f | 0x7f => true,
        // C1 controls, as UTF-8: U+0080..U+009F.
        0xc2 => bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)),
        _ => false,
    })
}

fn strip(bytes: &[u8]) -> Vec<u8> {
    struct Keep(String);
    impl vte::Perform for Keep {
        fn print(&mut self, c: char) {
            if !c.is_control() {
                self.0.push(c);
            }
        }
        fn execute(&mut self, byte: u8) {
            if byte == b'\n' || byte == b'\t' {
                self.0.push(byte as char);
            }
        }
    }
    let mut keep = Keep(String::with_capacity(bytes.len()));
    let mut parser = vte::Parser::new();
    parser.advance(&mut keep, bytes);
    keep.0.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn columns(line: &str) -> usize {
        strip_ansi(line).width()
    }

    fn lines(text: &str) -> Vec<&str> {
        text.split('\n').collect()
    }

    #[test]
    fn english_breaks_at_spaces_with_a_hanging_indent() {
        let text =
            "The client takes HF_TOKEN before the token file, always, and it shadows the file.";
        let out = hanging(text, 40, "cause: ", "       ");
        assert_eq!(
            out,
            "cause: The client takes HF_TOKEN before\n       the token file, always, and it\n       shadows the file."
        );
        for l in lines(&out) {
            assert!(columns(l) <= 40, "{l:?}");
        }
    }

    #[test]
    fn chinese_at_30_columns() {
        let text = "用戶端總是先採用 HF_TOKEN，再讀取 token 檔案（若有）；請在「設定」頁面建立新的存取權杖，然後執行 `hf auth login` 重新登入。";
        let out = hanging(text, 30, "原因：", "      ");
        let ls = lines(&out);
        assert!(ls.len() > 2, "{out}");
        for l in &ls {
            assert!(columns(l) <= 30, "{} columns: {l:?}", columns(l));
            assert!(!l.ends_with(' '), "{l:?}");
        }
        for l in &ls[1..] {
            let body = l.trim_start();
            let c = body.chars().next().unwrap();
            assert!(!CLOSING.contains(&c), "a line starts with {c}: {out}");
        }
        for l in &ls {
            let c = l.chars().next_back().unwrap();
            assert!(!OPENING.contains(&c), "a line ends with {c}: {out}");
        }
        // Nothing lost, nothing added but the indents.
        let joined: String = ls.iter().map(|l| l.trim_start()).collect::<String>();
        assert_eq!(
            joined.replace(' ', ""),
            ("原因：".to_string() + text).replace(' ', "")
        );
    }

    #[test]
    fn no_break_before_a_closing_mark_or_after_an_opening_one() {
        // At 10 columns the natural break would fall right before `，` or after `“`.
        for text in [
            "一二三四，五六七八九十",
            "一二三四“设置”五六七八",
            "一二三（四）五六七八",
        ] {
            for width in 4..12 {
                let out = hanging(text, width, "", "");
                for l in lines(&out).iter().skip(1) {
                    let c = l.chars().next().unwrap();
                    assert!(!CLOSING.contains(&c), "{width}: {out:?}");
                }
                for l in lines(&out) {
                    let c = l.chars().next_back().unwrap();
                    assert!(!OPENING.contains(&c), "{width}: {out:?}");
                }
            }
        }
    }

    #[test]
    fn ansi_colour_counts_zero() {
        let plain = "fix: unset HF_TOKEN here and remove it where it is set in your shell profile";
        let coloured =
            "\x1b[1;32mfix:\x1b[0m unset \x1b[33mHF_TOKEN\x1b[0m here and remove it where it is set in your shell profile";
        let a = hanging(plain, 40, "", "     ");
        let b = hanging(coloured, 40, "", "     ");
        assert_eq!(strip_ansi(&b), a);
        assert!(b.contains('\x1b'), "the colour is kept: {b:?}");
        for l in lines(&b) {
            assert!(columns(l) <= 40);
        }
        // A coloured mark in the indent counts by what it shows too.
        let marked = hanging(plain, 40, "\x1b[32m✓\x1b[0m ", "  ");
        assert_eq!(strip_ansi(&marked), hanging(plain, 40, "✓ ", "  "));
    }

    #[test]
    fn a_long_url_or_path_stays_whole() {
        let url =
            "https://huggingface.co/settings/tokens/new?tokenType=write&canReadGatedRepos=true";
        let out = hanging(
            &format!("Create a token at {url} and log in."),
            40,
            "",
            "  ",
        );
        assert!(lines(&out).iter().any(|l| l.trim() == url), "{out}");
        let zh = format!("請到{url}建立權杖。");
        let out = hanging(&zh, 30, "", "");
        assert!(lines(&out).iter().any(|l| l.contains(url)), "{out}");
        let path = "在~/.cache/huggingface/hub/models--acme--demo/snapshots/中";
        let out = hanging(path, 20, "", "");
        assert!(
            out.contains("~/.cache/huggingface/hub/models--acme--demo/snapshots/"),
            "{out}"
        );
    }

    #[test]
    fn no_trailing_spaces_and_newlines_kept() {
        let out = hanging("one two   \nthree   ", 40, "- ", "  ");
        assert_eq!(out, "- one two\n  three");
        assert_eq!(hanging("", 40, "x ", "  "), "");
    }

    #[test]
    fn width_from_columns() {
        // Tests run with stdout captured: not a terminal.
        if terminal_size::terminal_size().is_some() {
            return;
        }
        let env = |v: &str| Env::from_pairs([("COLUMNS", v)]);
        assert_eq!(terminal_width(&env("100")), Some(100));
        assert_eq!(terminal_width(&env("12")), Some(MIN_WIDTH));
        assert_eq!(terminal_width(&env("0")), None);
        assert_eq!(terminal_width(&env("wide")), None);
        assert_eq!(terminal_width(&Env::default()), None);
    }

    #[test]
    fn strip_ansi_removes_escapes_and_controls() {
        assert_eq!(
            strip_ansi("\x1b[31m401 Client Error\x1b[0m"),
            "401 Client Error"
        );
        assert_eq!(
            strip_ansi("\x1b]0;title\x07a\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\b"),
            "alinkb"
        );
        assert_eq!(strip_ansi("a\x1b[2K\rb\x08c\x00d\x7f"), "abcd");
        assert_eq!(strip_ansi("tab\there\r\nnext\x1b"), "tab\there\nnext");
        assert_eq!(strip_ansi("lone \x1bc esc"), "lone  esc");
        // A C1 control alone goes (UTF-8 terminals do not take U+009B for a CSI).
        assert_eq!(strip_ansi("中文「設定」\u{9b}31m"), "中文「設定」31m");
        let plain = "no escapes: ~/.cache/huggingface/token";
        assert_eq!(strip_ansi(plain), plain);
        let bytes = b"plain \xff bytes\n".to_vec();
        assert_eq!(strip_ansi_bytes(bytes.clone()), bytes);
        assert_eq!(
            strip_ansi_bytes(b"\x1b[1mNot \xffFound\x1b[0m\r\n".to_vec()),
            "Not \u{fffd}Found\n".as_bytes()
        );
    }
}
