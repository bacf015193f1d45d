//! token-file: the token file the client reads (`HF_TOKEN_PATH`, `$HF_HOME/token`, …) is
//! present, readable, holds one well-formed token, and is private to its owner.

use crate::context::Context;
use crate::finding::Found;
use crate::shell::shell_path;
use crate::token::{kind_of, problem_of, FileState, Problem, Source, TokenKind, MAX_TOKEN_FILE};

pub fn run(ctx: &Context) -> Vec<Found> {
    let disc = ctx.token();
    let file = &disc.file;
    let path = ctx.display_path(&file.path);
    let path_sh = shell_path(&path);
    let at = |outcome: &'static str| {
        Found::new(outcome)
            .with("path", path.clone())
            .param("path_sh", path_sh.clone())
    };
    // Another source wins, so the client never opens the file (the `or` short-circuits).
    let shadowing = disc
        .in_effect
        .as_ref()
        .filter(|e| !matches!(e.source, Source::File(_)))
        .map(|e| e.source.clone());
    let with_source = |f: Found, source: &Source| {
        f.param("source", source.label(ctx.home.as_deref()))
            .detail("source", source.id(ctx.home.as_deref()))
    };

    let broken = |problem: &'static str| -> Found {
        match &shadowing {
            Some(source) => with_source(at("shadowed-broken").with_msg("problem", problem), source),
            None => at(match problem {
                "problem-directory" => "is-directory",
                "problem-not-utf8" => "not-utf8",
                _ => "unreadable",
            }),
        }
    };

    let mut out = Vec::new();
    match &file.state {
        FileState::Missing => out.push(match &shadowing {
            Some(source) => with_source(at("missing-env-in-effect"), source),
            None => at("missing"),
        }),
        FileState::IsDirectory => out.push(broken("problem-directory")),
        FileState::NotUtf8 => out.push(broken("problem-not-utf8")),
        FileState::Unreadable(reason) => {
            out.push(broken("problem-unreadable").with("reason", reason.clone()))
        }
        FileState::Read {
            raw,
            cleaned,
            size,
            truncated,
            mode,
            ..
        } => {
            let content = if *truncated {
                at("huge")
                    .with("size", size.to_string())
                    .with("limit", MAX_TOKEN_FILE.to_string())
            } else {
                judge_content(raw.expose(), cleaned.as_ref().map(|c| c.expose()), &at)
            };
            let content = match (&shadowing, content.outcome) {
                // A latent problem: it bites as soon as the other source goes away.
                (Some(source), o) if is_fatal_outcome(o) => {
                    let problem = problem_of(raw.expose()).map(|p| p.message_key());
                    with_source(
                        at("shadowed-broken")
                            .with_msg("problem", problem.unwrap_or("problem-huge")),
                        source,
                    )
                }
                _ => content,
            };
            let named = cleaned
                .as_ref()
                .and_then(|c| disc.stored.name_of(c))
                .map(str::to_string);
            out.push(match named {
                Some(name) => content.detail("stored_name", name),
                None => content,
            });
            if let Some(mode) = mode.filter(|m| m & 0o044 != 0) {
                out.push(at("permissions").with("mode", format!("{mode:03o}")));
            }
        }
    }
    out
}

fn is_fatal_outcome(outcome: &str) -> bool {
    !matches!(
        outcome,
        "ok" | "short-lived" | "unusual-shape" | "empty" | "permissions"
    )
}

fn judge_content(raw: &str, cleaned: Option<&str>, at: &dyn Fn(&'static str) -> Found) -> Found {
    let masked = cleaned.map(crate::secret::mask).unwrap_or_default();
    let with_masked = |f: Found| f.with("masked", masked.clone());
    match problem_of(raw) {
        Some(Problem::Empty) => at("empty"),
        Some(Problem::Bom) => with_masked(at("bom")),
        Some(Problem::NonAscii(c, pos)) => with_masked(
            at("non-ascii")
                .with("char", format!("U+{:04X}", c as u32))
                .with("position", pos.to_string()),
        ),
        Some(Problem::Quoted) => with_masked(at("quoted")),
        Some(Problem::SeveralLines) => {
            let lines = raw.lines().filter(|l| !l.trim().is_empty()).count();
            with_masked(at("several-lines").with("lines", lines.to_string()))
        }
        Some(Problem::InnerWhitespace) => with_masked(at("inner-whitespace")),
        Some(Problem::OrgToken) => with_masked(at("org-token")),
        Some(Problem::NotHfToken) => with_masked(at("not-hf-token")),
        Some(Problem::UnusualShape) => with_masked(at("unusual-shape").with(
            "length",
            cleaned.map_or(0, |c| c.chars().count()).to_string(),
        )),
        None => {
            let kind = cleaned.map(kind_of);
            match kind {
                Some(TokenKind::OAuth) => with_masked(at("short-lived").with("kind", "hf_oauth_")),
                Some(TokenKind::Jwt) => with_masked(at("short-lived").with("kind", "hf_jwt_")),
                _ => with_masked(at("ok")),
            }
        }
    }
}
