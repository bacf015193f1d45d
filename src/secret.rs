//! `Secret` holds every token and every raw value that may contain one. It has no `Display`,
//! its `Debug` is masked, and the only way to the text is `expose()`, which is called where a
//! comparison or a header needs it and nowhere that prints.

use std::fmt;

/// Prefixes that say what kind of token it is; showing them leaks nothing and helps a lot.
const KNOWN_PREFIXES: &[&str] = &["hf_oauth_", "hf_jwt_", "api_org_", "hf_", "api_"];

/// How many characters must stay hidden before the last four may be shown.
const MIN_HIDDEN: usize = 12;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `hf_…Ab3d`: the type prefix and the last four characters, never more. Short or
    /// malformed values show less, so a masked form never gives most of a value away.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

/// The masked form of a value. Quotes around it stay visible (`"hf_…Ab3d"`): the client
/// strips only whitespace, so they are sent with the token and are what is wrong with it. A
/// BOM, invisible anyway, is left out.
pub fn mask(value: &str) -> String {
    let value = value.trim_matches('\u{feff}');
    let quote = |c: char| matches!(c, '"' | '\'' | '`');
    let inner = value.trim_matches(quote);
    if inner.len() == value.len() {
        return mask_bare(value);
    }
    let start = value.find(inner).unwrap_or(0);
    let (open, close) = if inner.is_empty() {
        (value, "")
    } else {
        (&value[..start], &value[start + inner.len()..])
    };
    format!("{open}{}{close}", mask_bare(inner))
}

fn mask_bare(value: &str) -> String {
    let prefix = KNOWN_PREFIXES
        .iter()
        .find(|p| value.starts_with(**p))
        .copied()
        .unwrap_or("");
    let rest: Vec<char> = value[prefix.len()..].chars().collect();
    if rest.len() >= MIN_HIDDEN + 4 {
        let tail: String = rest[rest.len() - 4..].iter().collect();
        // A tail that is not plain ASCII text (a BOM, a control character) is not shown: it
        // would garble the terminal and tells the reader nothing.
        if tail.chars().all(|c| c.is_ascii_graphic()) {
            return format!("{prefix}…{tail}");
        }
    }
    format!("{prefix}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_prefix_and_last_four() {
        let s = Secret::new("hf_abcdefghijklmnopqrstuvwxyzABCDEFGH");
        assert_eq!(s.masked(), "hf_…EFGH");
        assert_eq!(format!("{s:?}"), "Secret(hf_…EFGH)");
        assert_eq!(
            mask("api_org_abcdefghijklmnopqrstuvwxyzABCDEFGH"),
            "api_org_…EFGH"
        );
        assert_eq!(mask("hf_oauth_abcdefghijklmnopqrstu"), "hf_oauth_…rstu");
    }

    #[test]
    fn short_or_unknown_values_reveal_little() {
        assert_eq!(mask("hf_short"), "hf_…");
        assert_eq!(mask("hunter2"), "…");
        assert_eq!(mask(""), "…");
        assert_eq!(mask("sk-abcdefghijklmnopqrstuvwxyz"), "…wxyz");
        assert_eq!(mask("\"hf_abcdefghijklmnopqrstu\""), "\"hf_…rstu\"");
        assert_eq!(mask("'hf_abcdefghijklmnopqrstu"), "'hf_…rstu");
        assert_eq!(mask("\u{feff}\"hf_abcdefghijklmnopqrstu\""), "\"hf_…rstu\"");
        assert_eq!(mask("\u{feff}hf_abcdefghijklmnopqrstu"), "hf_…rstu");
        assert_eq!(mask("hf_abcdefghijklmnopqrstu\u{1f}"), "hf_…");
    }
}
