//! Repository ids and types as huggingface_hub 2.4.0 validates them (`validate_repo_id`,
//! docs/notes/hub-answers.md, "Repo ids"), and the URL forms of each type.

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
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    let parsed = split_repo_path(path);
    let id = parsed.id.unwrap_or_default();
    match validate_repo_id(&id) {
        None => Ok((id, parsed.repo_type)),
        Some(e) => Err(e),
    }
}

/// A path of the Hub's web, API or git URLs, split the one way every part of hfdoctor reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPath {
    pub repo_type: RepoType,
    /// `namespace/name` (or a bare name), `.git` trimmed; None for an empty path.
    pub id: Option<String>,
    /// What follows the repo in a URL from the browser: `/tree/main`, `/blob/…`.
    pub suffix: Option<String>,
}

/// `spaces/acme/x/tree/main` → (space, `acme/x`, `/tree/main`); `api/datasets/acme/d/…` and
/// `acme/m.git` likewise. The repo is at most two segments before a page of it.
pub fn split_repo_path(path: &str) -> RepoPath {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let api = segments.first() == Some(&"api");
    if api {
        segments.remove(0);
    }
    let repo_type = match segments.first() {
        Some(&"datasets") => RepoType::Dataset,
        Some(&"spaces") => RepoType::Space,
        _ => RepoType::Model,
    };
    if repo_type != RepoType::Model || (api && segments.first() == Some(&"models")) {
        segments.remove(0);
    }
    let cut = segments.iter().position(|s| {
        matches!(
            *s,
            "tree" | "blob" | "resolve" | "raw" | "commit" | "discussions" | "settings"
        )
    });
    let repo = &segments[..cut.unwrap_or(segments.len()).min(2)];
    RepoPath {
        repo_type,
        id: (!repo.is_empty()).then(|| repo.join("/").trim_end_matches(".git").to_string()),
        suffix: cut.map(|i| format!("/{}", segments[i..].join("/"))),
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
    fn repo_paths() {
        let p = split_repo_path("spaces/acme/x/tree/main");
        assert_eq!(p.repo_type, RepoType::Space);
        assert_eq!(p.id.as_deref(), Some("acme/x"));
        assert_eq!(p.suffix.as_deref(), Some("/tree/main"));
        let p = split_repo_path("api/datasets/acme/d/revision/main");
        assert_eq!(
            (p.repo_type, p.id.as_deref()),
            (RepoType::Dataset, Some("acme/d"))
        );
        let p = split_repo_path("api/models/acme/m");
        assert_eq!(
            (p.repo_type, p.id.as_deref()),
            (RepoType::Model, Some("acme/m"))
        );
        assert_eq!(split_repo_path("acme/m.git").id.as_deref(), Some("acme/m"));
        assert_eq!(split_repo_path("").id, None);
    }

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
