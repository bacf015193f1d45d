//! Repository ids and types as huggingface_hub 2.4.0 validates them (`validate_repo_id`,
//! hub-semantics §5.3), and the URL forms of each type.

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RepoType {
    Model,
    Dataset,
    Space,
}

impl RepoType {
    pub const ALL: [RepoType; 3] = [RepoType::Model, RepoType::Dataset, RepoType::Space];

    pub fn as_str(self) -> &'static str {
        match self {
            RepoType::Model => "model",
            RepoType::Dataset => "dataset",
            RepoType::Space => "space",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// `/api/{models|datasets|spaces}`
    pub fn api(self) -> &'static str {
        match self {
            RepoType::Model => "/api/models",
            RepoType::Dataset => "/api/datasets",
            RepoType::Space => "/api/spaces",
        }
    }

    /// The web and git URL prefix: nothing for models.
    pub fn url_prefix(self) -> &'static str {
        match self {
            RepoType::Model => "",
            RepoType::Dataset => "datasets/",
            RepoType::Space => "spaces/",
        }
    }
}

/// A repo named on the command line: an id, or a URL of the Hub pasted from the browser
/// (`https://huggingface.co/spaces/acme/x/tree/main` → `acme/x`, space).
pub fn parse_repo_arg(arg: &str, default_type: RepoType) -> Result<(String, RepoType), String> {
    let arg = arg.trim_end_matches('/');
    let Some(rest) = arg
        .strip_prefix("https://")
        .or_else(|| arg.strip_prefix("http://"))
    else {
        return match validate_repo_id(arg) {
            None => Ok((arg.to_string(), default_type)),
            Some(e) => Err(e),
        };
    };
    let mut parts = rest.split('/').skip(1).peekable();
    let repo_type = match parts.peek() {
        Some(&"datasets") => RepoType::Dataset,
        Some(&"spaces") => RepoType::Space,
        _ => RepoType::Model,
    };
    if repo_type != RepoType::Model {
        parts.next();
    }
    let segments: Vec<&str> = parts
        .take_while(|p| {
            !matches!(
                *p,
                "tree" | "blob" | "resolve" | "raw" | "discussions" | "commit" | "settings"
            )
        })
        .take(2)
        .collect();
    let id = segments.join("/");
    match validate_repo_id(&id) {
        None => Ok((id, repo_type)),
        Some(e) => Err(e),
    }
}

/// The client's own error message for an invalid id, or None when it is valid.
pub fn validate_repo_id(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() > 2 {
        return Some(format!(
            "Repo id must be in the form 'repo_name' or 'namespace/repo_name': '{id}'. Use `repo_type` argument if needed."
        ));
    }
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 96
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && !p.starts_with(['-', '.'])
            && !p.ends_with(['-', '.'])
    };
    if !parts.iter().all(|p| part_ok(p)) {
        return Some(format!(
            "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and the maximum length is 96: '{id}'."
        ));
    }
    if id.contains("--") || id.contains("..") {
        return Some(format!("Cannot have -- or .. in repo_id: '{id}'."));
    }
    if id.ends_with(".git") {
        return Some(format!("Repo_id cannot end by '.git': '{id}'."));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_from_the_browser() {
        let p = |s| parse_repo_arg(s, RepoType::Model).unwrap();
        assert_eq!(p("acme/x"), ("acme/x".to_string(), RepoType::Model));
        assert_eq!(
            p("https://huggingface.co/spaces/acme/x/tree/main"),
            ("acme/x".to_string(), RepoType::Space)
        );
        assert_eq!(
            p("https://hf.co/datasets/acme/d/blob/main/a.csv"),
            ("acme/d".to_string(), RepoType::Dataset)
        );
        assert_eq!(
            p("https://huggingface.co/gpt2"),
            ("gpt2".to_string(), RepoType::Model)
        );
        assert!(parse_repo_arg("acme/x/y", RepoType::Model).is_err());
    }

    #[test]
    fn repo_id_rules() {
        for ok in ["gpt2", "acme/model", "a_b/c.d-e", "x/y1"] {
            assert_eq!(validate_repo_id(ok), None, "{ok}");
        }
        for bad in [
            "datasets/acme/x",
            "acme/x ",
            "café/model",
            "-a/b",
            "a/b.",
            "a--b/c",
            "a/b..c",
            "a/b.git",
            "",
            "a/",
            &"x".repeat(97),
        ] {
            assert!(validate_repo_id(bad).is_some(), "{bad}");
        }
        assert!(validate_repo_id("datasets/acme/x")
            .unwrap()
            .starts_with("Repo id must be in the form"));
    }
}
