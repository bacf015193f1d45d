//! env-conflicts: which token wins and what it shadows, and every environment variable that
//! silently changes what the client does (offline mode, implicit token, endpoint, paths, OIDC).


use crate::context::{is_true_value, Context};
use crate::hub::endpoint::{EndpointKind, EndpointSource};
use crate::engine::finding::Found;
use crate::shell::quote;
use crate::auth::token::{problem_of, FileState, PathOrigin, Problem, Source, TokenDiscovery};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        EnvEmpty = "env-empty",
        WhitespaceHidesLegacy = "whitespace-hides-legacy",
        LegacyDiffers = "legacy-differs",
        EnvMalformed = "env-malformed",
        EnvUnusualShape = "env-unusual-shape",
        EnvNeedsCleaning = "env-needs-cleaning",
        EnvShadowsFile = "env-shadows-file",
        TokenPathUnusable = "token-path-unusable",
        RelativeTokenPath = "relative-token-path",
        StagingMode = "staging-mode",
        StoredUnreadable = "stored-unreadable",
        StoredNoActive = "stored-no-active",
        Oidc = "oidc",
        OidcNoIdToken = "oidc-no-id-token",
        OidcGithubNoPermission = "oidc-github-no-permission",
        ImplicitTokenDisabled = "implicit-token-disabled",
        OfflineMode = "offline-mode",
        OfflineBlocksTarget = "offline-blocks-target",
        OfflineValueIgnored = "offline-value-ignored",
        EndpointEmpty = "endpoint-empty",
        EndpointNoScheme = "endpoint-no-scheme",
        EndpointMirror = "endpoint-mirror",
        EndpointCustom = "endpoint-custom",
        EndpointInsecure = "endpoint-insecure",
        InstalledClientDiffers = "installed-client-differs",
    }
}

pub fn run(ctx: &Context) -> Vec<Found> {
    let disc = ctx.token();
    let mut out = Vec::new();
    token_variables(ctx, disc, &mut out);
    token_paths(ctx, disc, &mut out);
    stored_tokens(ctx, disc, &mut out);
    oidc(ctx, disc, &mut out);
    if disc.implicit_disabled {
        let value = ctx
            .env
            .get("HF_HUB_DISABLE_IMPLICIT_TOKEN")
            .unwrap_or_default();
        out.push(Found::new(Outcome::ImplicitTokenDisabled).with("value", value));
    }
    offline(ctx, &mut out);
    endpoint(ctx, disc, &mut out);
    out.extend(installed_client_differs(ctx, disc));
    if out.is_empty() {
        let source = disc
            .in_effect
            .as_ref()
            .map(|e| e.source.id(ctx.home.as_deref()))
            .unwrap_or_else(|| "-".into());
        out.push(Found::new(Outcome::Ok).detail("source", source));
    }
    out
}

/// Where the installed huggingface_hub (the environment downloads run in: hf's, else
/// python3's, else python's) resolves the token otherwise than the 2.x rules this check
/// follows (docs/notes/token-discovery.md, "By version"; hub-semantics.md §1.4): OIDC from
/// 1.19, HF_TOKEN_PATH from 0.23, HF_TOKEN from 0.19. Said only where the difference changes
/// what is read here.
fn installed_client_differs(ctx: &Context, disc: &TokenDiscovery) -> Vec<Found> {
    // (what the rule reads, from which version, its message): only the rules whose input is
    // there can differ, and only then are the Pythons looked for.
    let rules = [
        (disc.oidc_resource.is_some(), "1.19", "resolve-no-oidc"),
        (ctx.env.is_set("HF_TOKEN_PATH"), "0.23", "resolve-no-token-path"),
        (disc.env_token("HF_TOKEN").is_some(), "0.19", "resolve-no-hf-token"),
    ];
    if !rules.iter().any(|(set, _, _)| *set) {
        return Vec::new();
    }
    let pythons = ctx.pythons();
    let Some(env) = ["hf", "python3", "python"]
        .into_iter()
        .find_map(|n| pythons.by_name(n).filter(|e| e.version("huggingface_hub").is_some()))
    else {
        return Vec::new();
    };
    let version = env.version("huggingface_hub").unwrap_or_default();
    rules
        .into_iter()
        .filter(|(set, floor, _)| *set && !crate::local::python::at_least(version, floor))
        .map(|(_, _, key)| {
            Found::new(Outcome::InstalledClientDiffers)
                .with("version", version.to_string())
                .with("python", ctx.display_path(std::path::Path::new(&env.executable)))
                .with_msg("how", key)
        })
        .collect()
}

fn token_variables(ctx: &Context, disc: &TokenDiscovery, out: &mut Vec<Found>) {
    let hf = disc.env_token("HF_TOKEN");
    let legacy = disc.env_token("HUGGING_FACE_HUB_TOKEN");

    // Empty or whitespace-only values: the `or` on raw values makes these differ.
    for t in [hf, legacy].into_iter().flatten() {
        if t.cleaned.is_some() {
            continue;
        }
        let whitespace = !t.raw.is_empty();
        let legacy_hidden =
            t.name == "HF_TOKEN" && whitespace && legacy.is_some_and(|l| l.cleaned.is_some());
        if legacy_hidden {
            out.push(
                Found::new(Outcome::WhitespaceHidesLegacy)
                    .with("var", t.name)
                    .where_set(ctx, t.name),
            );
        } else {
            let how = if whitespace {
                "value-whitespace"
            } else {
                "value-empty"
            };
            out.push(
                Found::new(Outcome::EnvEmpty)
                    .with("var", t.name)
                    .with_msg("how", how)
                    .where_set(ctx, t.name),
            );
        }
    }

    if let (Some(h), Some(l)) = (hf, legacy) {
        if let (Some(hc), Some(lc)) = (&h.cleaned, &l.cleaned) {
            if hc != lc && disc.env_selected == Some("HF_TOKEN") {
                out.push(
                    Found::new(Outcome::LegacyDiffers)
                        .with("masked", hc.masked())
                        .with("legacy_masked", lc.masked())
                        .where_set(ctx, "HUGGING_FACE_HUB_TOKEN"),
                );
            }
        }
    }

    // The variable in effect: is its value something the Hub can accept?
    let Some(winner) = disc.in_effect.as_ref().and_then(|e| match e.source {
        Source::Env(name) => disc.env_token(name),
        _ => None,
    }) else {
        return;
    };
    let raw = winner.raw.expose();
    match problem_of(raw) {
        Some(p) if p.is_fatal() => out.push(
            Found::new(Outcome::EnvMalformed)
                .with("var", winner.name)
                .with_msg("problem", p.message_key())
                .with(
                    "masked",
                    winner
                        .cleaned
                        .as_ref()
                        .map(|c| c.masked())
                        .unwrap_or_default(),
                )
                .where_set(ctx, winner.name),
        ),
        Some(Problem::UnusualShape) => out.push(
            Found::new(Outcome::EnvUnusualShape)
                .with("var", winner.name)
                .with(
                    "masked",
                    winner
                        .cleaned
                        .as_ref()
                        .map(|c| c.masked())
                        .unwrap_or_default(),
                ),
        ),
        _ => {
            // Clean for huggingface_hub, but git-xet and scripts send HF_TOKEN as it is.
            if raw != raw.trim() {
                out.push(Found::new(Outcome::EnvNeedsCleaning).with("var", winner.name));
            }
        }
    }

    // The env token shadows a different token in the file: `hf auth login` seems to do nothing.
    if let (Some(env_token), Some(file_token)) = (winner.cleaned.as_ref(), disc.file.cleaned()) {
        if env_token != file_token {
            let mut f = Found::new(Outcome::EnvShadowsFile)
                .with("var", winner.name)
                .with("masked", env_token.masked())
                .with("file_masked", file_token.masked())
                .with("path", ctx.display_path(&disc.file.path))
                .where_set(ctx, winner.name);
            // The names `hf auth login` stored them under tell people which is which.
            for (key, token) in [("env_name", env_token), ("file_name", file_token)] {
                if let Some(name) = disc.stored.name_of(token) {
                    f = f.detail(key, name);
                }
            }
            if let FileState::Read {
                modified: Some(m), ..
            } = disc.file.state
            {
                if let Ok(age) = m.elapsed() {
                    f = f.detail("file_age", human_age(age.as_secs()));
                }
            }
            out.push(f);
        }
    }
}

/// `HF_TOKEN_PATH`, `HF_HOME`, `XDG_CACHE_HOME`: values that make the token path surprising.
fn token_paths(ctx: &Context, disc: &TokenDiscovery, out: &mut Vec<Found>) {
    let env = &ctx.env;
    if let Some(value) = env.get("HF_TOKEN_PATH") {
        let state = if value.is_empty() {
            Some("path-empty")
        } else {
            match &disc.file.state {
                FileState::Missing => Some("path-missing"),
                FileState::IsDirectory => Some("path-directory"),
                _ => None,
            }
        };
        if let Some(state) = state {
            out.push(
                Found::new(Outcome::TokenPathUnusable)
                    .with("value", value)
                    .with_msg("what", state),
            );
        }
    }
    let relative_because = match disc.paths.decided_by {
        PathOrigin::HfHome if env.get("HF_HOME").is_some_and(|v| v.is_empty()) => Some("HF_HOME"),
        PathOrigin::XdgCacheHome if env.get("XDG_CACHE_HOME").is_some_and(|v| v.is_empty()) => {
            Some("XDG_CACHE_HOME")
        }
        _ => None,
    };
    if let Some(var) = relative_because {
        out.push(
            Found::new(Outcome::RelativeTokenPath)
                .with("var", var)
                .with("path", disc.paths.token_path.clone())
                .with("cwd", ctx.display_path(&ctx.cwd)),
        );
    }
    if disc.paths.decided_by == PathOrigin::Staging {
        out.push(Found::new(Outcome::StagingMode).with("path", ctx.display_path(&disc.file.path)));
    }
}

fn stored_tokens(ctx: &Context, disc: &TokenDiscovery, out: &mut Vec<Found>) {
    let stored = &disc.stored;
    let path = ctx.display_path(&stored.path);
    if let Some(error) = &stored.parse_error {
        out.push(
            Found::new(Outcome::StoredUnreadable)
                .with("path", path.clone())
                .with("error", first_line(error)),
        );
        return;
    }
    if let Some(file_token) = disc.file.cleaned() {
        if !stored.entries.is_empty() && stored.name_of(file_token).is_none() {
            let names: Vec<&str> = stored.entries.iter().map(|e| e.name.as_str()).collect();
            out.push(
                Found::new(Outcome::StoredNoActive)
                    .with("path", path)
                    .with("file_masked", file_token.masked())
                    .with("names", names.join(", "))
                    .with("first_name", quote(names[0])),
            );
        }
    }
}

fn oidc(ctx: &Context, disc: &TokenDiscovery, out: &mut Vec<Found>) {
    let Some(resource) = &disc.oidc_resource else {
        return;
    };
    let env = &ctx.env;
    let github = env.get("GITHUB_ACTIONS").as_deref() == Some("true");
    let shadowed: Vec<String> = disc
        .others()
        .iter()
        .filter(|o| !matches!(o.source, Source::Stored(_)))
        .map(|o| o.source.id(ctx.home.as_deref()))
        .collect();
    let shadowed = if shadowed.is_empty() {
        "-".to_string()
    } else {
        shadowed.join(", ")
    };
    if env.non_empty("HF_OIDC_ID_TOKEN").is_some() {
        out.push(
            Found::new(Outcome::Oidc)
                .with("resource", resource.clone())
                .with("id_token_from", "HF_OIDC_ID_TOKEN")
                .with("shadowed", shadowed),
        );
    } else if !github {
        out.push(Found::new(Outcome::OidcNoIdToken).with("resource", resource.clone()));
    } else if env.non_empty("ACTIONS_ID_TOKEN_REQUEST_URL").is_none()
        || env.non_empty("ACTIONS_ID_TOKEN_REQUEST_TOKEN").is_none()
    {
        out.push(Found::new(Outcome::OidcGithubNoPermission).with("resource", resource.clone()));
    } else {
        out.push(
            Found::new(Outcome::Oidc)
                .with("resource", resource.clone())
                .with("id_token_from", "GitHub Actions")
                .with("shadowed", shadowed),
        );
    }
}

/// `HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE`, with the client's exact truthiness: the first
/// non-empty raw value decides, and only 1/ON/YES/TRUE mean offline.
fn offline(ctx: &Context, out: &mut Vec<Found>) {
    let env = &ctx.env;
    let Some((var, value)) = env.offline_setting() else {
        return;
    };
    if is_true_value(&value) {
        // With a repo to reach (--repo, or a Hub remote to push to) offline mode is what
        // stops it, whatever the cache holds; without one it is a choice the user may have made.
        let found = match ctx.target() {
            Some(t) => Found::new(Outcome::OfflineBlocksTarget).with("repo", t.repo_id.clone()),
            None => Found::new(Outcome::OfflineMode),
        };
        out.push(found.with("var", var).with("value", value));
        return;
    }
    let plainly_false = matches!(
        value.to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    );
    if !plainly_false {
        out.push(
            Found::new(Outcome::OfflineValueIgnored)
                .with("var", var)
                .with("value", value),
        );
    } else if var == "HF_HUB_OFFLINE" && env.is_true("TRANSFORMERS_OFFLINE") {
        out.push(
            Found::new(Outcome::OfflineValueIgnored)
                .with("var", "TRANSFORMERS_OFFLINE")
                .with("value", env.get("TRANSFORMERS_OFFLINE").unwrap_or_default())
                .detail("overridden_by", format!("HF_HUB_OFFLINE={value}")),
        );
    }
}

fn endpoint(ctx: &Context, disc: &TokenDiscovery, out: &mut Vec<Found>) {
    let ep = ctx.endpoint();
    if ep.source == EndpointSource::Staging {
        // Reported with the token path under `staging-mode`.
        return;
    }
    let value = match &ep.source {
        EndpointSource::Env(raw) => raw.clone(),
        _ => return,
    };
    let found = match &ep.kind {
        EndpointKind::Hub if !ep.is_insecure() => return,
        EndpointKind::Empty => Found::new(Outcome::EndpointEmpty),
        EndpointKind::NoScheme => Found::new(Outcome::EndpointNoScheme).with(
            "suggestion",
            format!("https://{}", value.trim_start_matches("//")),
        ),
        _ if ep.is_insecure() && disc.in_effect.is_some() => {
            Found::new(Outcome::EndpointInsecure).with("host", ep.host.clone().unwrap_or_default())
        }
        EndpointKind::KnownMirror(host) => Found::new(Outcome::EndpointMirror).with("host", host.clone()),
        EndpointKind::Loopback(host) | EndpointKind::Other(host) => {
            Found::new(Outcome::EndpointCustom).with("host", host.clone())
        }
        EndpointKind::Hub => {
            Found::new(Outcome::EndpointCustom).with("host", ep.host.clone().unwrap_or_default())
        }
    };
    out.push(found.with("value", value));
}

/// Shell start-up files that may set a variable, each with the line, e.g. `~/.bashrc:12`.
/// Bounded: a handful of files, each read up to 1 MiB.
trait WhereSet {
    fn where_set(self, ctx: &Context, var: &str) -> Self;
}

impl WhereSet for Found {
    /// `{where}`: the files and lines, or words saying none of the usual files sets it.
    fn where_set(self, ctx: &Context, var: &str) -> Self {
        let hits = ctx.where_set(var);
        if hits.is_empty() {
            self.with_msg("where", "where-unknown")
        } else {
            self.with("where", hits.join(", "))
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

fn human_age(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86400),
    }
}
