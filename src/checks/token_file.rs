//! token-file: the token file the client reads (`HF_TOKEN_PATH`, `$HF_HOME/token`, …) is
//! present, readable, holds one well-formed token, and is private to its owner.

use crate::context::Context;
use crate::engine::finding::Found;
use crate::shell::shell_path;
use crate::auth::token::{kind_of, problem_of, FileState, Problem, Source, TokenKind, MAX_TOKEN_FILE};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        ShortLived = "short-lived",
        Missing = "missing",
        MissingEnvInEffect = "missing-env-in-effect",
        IsDirectory = "is-directory",
        Unreadable = "unreadable",
        NotUtf8 = "not-utf8",
        ShadowedBroken = "shadowed-broken",
        Empty = "empty",
        Bom = "bom",
        NonAscii = "non-ascii",
        Quoted = "quoted",
        SeveralLines = "several-lines",
        InnerWhitespace = "inner-whitespace",
        OrgToken = "org-token",
        NotHfToken = "not-hf-token",
        UnusualShape = "unusual-shape",
        Huge = "huge",
        Permissions = "permissions",
    }
}

pub fn run(ctx: &Context) -> Vec<Found> {
    let disc = ctx.token();
    let file = &disc.file;
    let path = ctx.display_path(&file.path);
    let path_sh = shell_path(&path);
    let at = |outcome: Outcome| {
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
            Some(source) => with_source(at(Outcome::ShadowedBroken).with_msg("problem", problem), source),
            None => at(match problem {
                "problem-directory" => Outcome::IsDirectory,
                "problem-not-utf8" => Outcome::NotUtf8,
                _ => Outcome::Unreadable,
            }),
        }
    };

    let mut out = Vec::new();
    match &file.state {
        FileState::Missing => out.push(match &shadowing {
            Some(source) => with_source(at(Outcome::MissingEnvInEffect), source),
            None => at(Outcome::Missing),
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
                at(Outcome::Huge)
                    .with("size", size.to_string())
                    .with("limit", MAX_TOKEN_FILE.to_string())
            } else {
                judge_content(raw.expose(), cleaned.as_ref().map(|c| c.expose()), &at)
            };
            let content = match (&shadowing, content.outcome) {
                // A latent problem: it bites as soon as the other source goes away.
                (Some(source), _) if is_fatal(&content) => {
                    let problem = problem_of(raw.expose()).map(|p| p.message_key());
                    with_source(
                        at(Outcome::ShadowedBroken)
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
                out.push(at(Outcome::Permissions).with("mode", format!("{mode:03o}")));
            }
        }
    }
    out
}

/// The content would stop the client if this file were the source in effect.
fn is_fatal(found: &Found) -> bool {
    ![
        Outcome::Ok,
        Outcome::ShortLived,
        Outcome::UnusualShape,
        Outcome::Empty,
        Outcome::Permissions,
    ]
    .into_iter()
    .any(|o| found.is(o))
}

fn judge_content(raw: &str, cleaned: Option<&str>, at: &dyn Fn(Outcome) -> Found) -> Found {
    let masked = cleaned.map(crate::secret::mask).unwrap_or_default();
    let with_masked = |f: Found| f.with("masked", masked.clone());
    match problem_of(raw) {
        Some(Problem::Empty) => at(Outcome::Empty),
        Some(Problem::Bom) => with_masked(at(Outcome::Bom)),
        Some(Problem::NonAscii(c, pos)) => with_masked(
            at(Outcome::NonAscii)
                .with("char", format!("U+{:04X}", c as u32))
                .with("position", pos.to_string()),
        ),
        Some(Problem::Quoted) => with_masked(at(Outcome::Quoted)),
        Some(Problem::SeveralLines) => {
            let lines = raw.lines().filter(|l| !l.trim().is_empty()).count();
            with_masked(at(Outcome::SeveralLines).with("lines", lines.to_string()))
        }
        Some(Problem::InnerWhitespace) => with_masked(at(Outcome::InnerWhitespace)),
        Some(Problem::OrgToken) => with_masked(at(Outcome::OrgToken)),
        Some(Problem::NotHfToken) => with_masked(at(Outcome::NotHfToken)),
        Some(Problem::UnusualShape) => with_masked(at(Outcome::UnusualShape).with(
            "length",
            cleaned.map_or(0, |c| c.chars().count()).to_string(),
        )),
        None => {
            let kind = cleaned.map(kind_of);
            match kind {
                Some(TokenKind::OAuth) => with_masked(at(Outcome::ShortLived).with("kind", "hf_oauth_")),
                Some(TokenKind::Jwt) => with_masked(at(Outcome::ShortLived).with("kind", "hf_jwt_")),
                _ => with_masked(at(Outcome::Ok)),
            }
        }
    }
}
