//! Words for commands people paste into a POSIX shell.

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
}
