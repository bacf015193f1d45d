//! space-status: for a Space target, what the Hub says of it (`/api/spaces/{id}/runtime`: the
//! stage, the hardware current and requested, the SDK, the error message) and, when the stage
//! is an error and the token may read it, the last lines of the failing log. In a clone of the
//! Space, the README's front matter against the files of the last pushed commit (app_file,
//! a Docker Space's EXPOSE of app_port, requirements.txt) and the names the code reads from
//! the environment against the Space's secrets and variables (names only, never values).
//! docs/notes/space-status.md

use std::sync::Arc;
use std::time::Instant;

use crate::checks::common::{call_failed, rate_limited, server_error, Request, WithSaid};
use crate::context::Context;
use crate::engine::finding::Found;
use crate::engine::runner::{CheckFuture, Outcome as Runner};
use crate::git::tree;
use crate::hub::repo::RepoType;
use crate::hub::space::{LogLimits, Logs, Runtime, Stage};
use crate::hub::{CallError, Kind};
use crate::local::space_repo::{self, EnvRead, FrontMatter};

crate::outcomes! {
    pub enum Outcome {
        NotASpace = "not-a-space",
        NotVisible = "not-visible",
        NotLoggedIn = "not-logged-in",
        TokenInvalid = "token-invalid",
        RateLimited = "rate-limited",
        Unsure = "unsure",
        Running = "running",
        RunningUpdating = "running-updating",
        Starting = "starting",
        WaitingHardware = "waiting-hardware",
        BuildError = "build-error",
        RuntimeError = "runtime-error",
        ConfigError = "config-error",
        NoAppFile = "no-app-file",
        Paused = "paused",
        Sleeping = "sleeping",
        Stopped = "stopped",
        Deleting = "deleting",
        UnknownStage = "unknown-stage",
        ConfigMatches = "config-matches",
        NoFrontMatter = "no-front-matter",
        AppFileNotPushed = "app-file-not-pushed",
        AppFileMissing = "app-file-missing",
        DockerfileMissing = "dockerfile-missing",
        PortNotExposed = "port-not-exposed",
        RequirementsMissing = "requirements-missing",
        ImportsNeedRequirements = "imports-need-requirements",
        Unpushed = "unpushed",
        EnvUndefined = "env-undefined",
        SettingsUnreadable = "settings-unreadable",
    }
}

/// Bytes of README.md and Dockerfile read from the pushed commit.
const TEXT_CAP: usize = 256 << 10;
/// Bytes of `git grep` output read for the environment and import scans.
const GREP_CAP: usize = 512 << 10;
/// Names shown in one finding; the rest are counted.
const MAX_NAMES: usize = 8;

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move { check(&ctx).await })
}

async fn check(ctx: &Arc<Context>) -> Vec<Found> {
    let Some(target) = ctx.target().cloned() else {
        return vec![Found::new(Runner::SkippedNoTarget)];
    };
    let space = target.repo_id.clone();
    if target.repo_type != RepoType::Space {
        return vec![Found::new(Outcome::NotASpace)
            .with("repo", space)
            .with("type", target.repo_type.as_str())];
    }
    let started = Instant::now();
    // What the clone holds is read by git while the Hub is asked.
    let local = {
        let ctx = ctx.clone();
        let space = space.clone();
        tokio::task::spawn_blocking(move || read_clone(&ctx, &space))
    };
    let hub = ctx.hub();
    let token = ctx.token_sent();
    let url = format!("{}/spaces/{space}", ctx.endpoint().url);
    let base = |o: Outcome| {
        Found::new(o)
            .with("space", space.clone())
            .param("space_url", url.clone())
    };
    let answer = match hub.space_runtime(&space, token).await {
        Ok(a) => a,
        Err(e) => return vec![call_failed(ctx, &e)],
    };
    let local = local.await.ok().flatten();
    let mut out = Vec::new();
    match answer.kind() {
        Kind::Ok => {}
        Kind::RateLimited => return vec![rate_limited(base(Outcome::RateLimited), &answer)],
        Kind::InvalidToken => return vec![base(Outcome::TokenInvalid)],
        Kind::AnonymousNotFound if !answer.authorized => {
            return vec![base(Outcome::NotLoggedIn).with_msg("reason", ctx.anonymous_reason())]
        }
        Kind::NotFound | Kind::AnonymousNotFound | Kind::Disabled => {
            return vec![base(Outcome::NotVisible).with("status", answer.status.to_string())]
        }
        Kind::ServerError => {
            return vec![server_error(ctx, Request::SpaceRuntime(&space), &answer)]
        }
        _ => {
            return vec![base(Outcome::Unsure)
                .with("status", answer.status.to_string())
                .with_said("message", &answer)]
        }
    }
    let Some(runtime) = answer.json::<Runtime>().filter(|r| r.stage.is_some()) else {
        return vec![base(Outcome::Unsure)
            .with("status", answer.status.to_string())
            .with_msg("message", "space-runtime-no-stage")];
    };
    let raw_stage = runtime.stage.clone().unwrap_or_default();
    let stage = Stage::parse(&raw_stage);
    // The log that says why, read within what is left of the check's deadline.
    let logs = match stage.failing_log() {
        Some(kind) => {
            let left = ctx
                .options
                .timeout
                .mul_f64(0.8)
                .saturating_sub(started.elapsed());
            Some(
                hub.space_logs(&space, kind, token, LogLimits::within(left))
                    .await,
            )
        }
        None => None,
    };
    let mut stage_found = stage_finding(&base, &stage, &raw_stage, &runtime);
    if let Some(logs) = logs {
        stage_found = with_log(stage_found, logs);
    }
    if let Some(local) = &local {
        out.extend(local.findings(&base));
        if let Some(found) = env_finding(ctx, &base, &space, local).await {
            out.push(found);
        }
    }
    // The mismatch that explains an error leads: its fix is the line to change.
    let problems = out
        .iter()
        .any(|f| !f.is(Outcome::ConfigMatches) && !f.is(Outcome::Unpushed));
    if problems {
        out.push(stage_found);
    } else {
        out.insert(0, stage_found);
    }
    out
}

/// The finding of the stage, with the runtime's facts as details.
fn stage_finding(
    base: &(dyn Fn(Outcome) -> Found + Sync),
    stage: &Stage,
    raw: &str,
    rt: &Runtime,
) -> Found {
    let current = rt.hardware.current.clone();
    let requested = rt.hardware.requested.clone();
    let waiting = requested.is_some() && requested != current;
    let outcome = match stage {
        Stage::Running => Outcome::Running,
        Stage::RunningBuilding | Stage::RunningAppStarting => Outcome::RunningUpdating,
        Stage::Building | Stage::AppStarting if waiting => Outcome::WaitingHardware,
        Stage::Building | Stage::AppStarting => Outcome::Starting,
        Stage::BuildError => Outcome::BuildError,
        Stage::RuntimeError => Outcome::RuntimeError,
        Stage::ConfigError => Outcome::ConfigError,
        Stage::NoAppFile => Outcome::NoAppFile,
        Stage::Paused => Outcome::Paused,
        Stage::Sleeping => Outcome::Sleeping,
        Stage::Stopped => Outcome::Stopped,
        Stage::Deleting => Outcome::Deleting,
        Stage::Unknown(_) => Outcome::UnknownStage,
    };
    let none = || "-".to_string();
    let found = base(outcome)
        .with("stage", raw)
        .with("hardware", current.unwrap_or_else(none))
        .with("requested_hardware", requested.unwrap_or_else(none))
        .with("sdk", rt.sdk.clone().unwrap_or_else(none))
        .with("sdk_version", rt.sdk_version.clone().unwrap_or_else(none))
        .detail(
            "sleep_time",
            rt.gc_timeout.map_or_else(none, |s| s.to_string()),
        );
    match rt
        .error_message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(m) => found
            .with("error_message", one_line(m, 400))
            .with_msg("error", "space-error-said"),
        None => found.with_msg("error", "space-error-none"),
    }
}

/// The failing log's last lines as `{log}`, or why there are none.
fn with_log(found: Found, logs: Result<Logs, CallError>) -> Found {
    match logs {
        Ok(l) if l.answer.status == 200 && !l.lines.is_empty() => {
            let tail = l
                .lines
                .iter()
                .map(|line| format!("    | {line}"))
                .collect::<Vec<_>>()
                .join("\n");
            found
                .param("log_lines", tail)
                .detail("log_tail", l.lines.join("\n"))
                .detail("log_cut", if l.cut { "yes" } else { "no" })
                .with_msg("log", "space-log-tail")
        }
        Ok(l) if l.answer.status == 200 => found.with_msg("log", "space-log-empty"),
        Ok(l) => found
            .with("log_status", l.answer.status.to_string())
            .with_msg("log", "space-log-refused"),
        Err(e) => found
            .with("log_error", e.describe())
            .with_msg("log", "space-log-no-answer"),
    }
}

/// One line of at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

/// What a clone of the Space holds: the last pushed commit's files and texts as this clone
/// knows them (`<remote>/HEAD`), and what its code reads from the environment.
struct Clone {
    remote: String,
    pushed: String,
    ahead: u32,
    files: Vec<String>,
    front: Option<FrontMatter>,
    dockerfile: Option<String>,
    /// Names read without a default, each with where (`app.py:3`).
    env: Vec<(String, String)>,
    /// Modules imported that need installing, each with where.
    imports: Vec<(String, String)>,
    /// `app_file` is in the work tree (not pushed, or not committed).
    app_file_local: bool,
}

/// The clone of `space` this run is in, read through git; None when the current directory is
/// not one, or git cannot say what was pushed.
fn read_clone(ctx: &Context, space: &str) -> Option<Clone> {
    let remote = ctx.hub_remotes().into_iter().find(|r| {
        r.parsed
            .as_ref()
            .is_some_and(|p| p.repo_type == RepoType::Space && p.repo_id.as_deref() == Some(space))
    })?;
    let git = ctx.git();
    let top = tree::top_level(&git)?;
    let git = crate::git::Git { dir: &top, ..git };
    let pushed = tree::pushed_ref(&git, &remote.name)?;
    let files = tree::files(&git, &pushed)?;
    let has = |p: &str| files.iter().any(|f| f == p);
    let front = has("README.md")
        .then(|| tree::show(&git, &pushed, "README.md", TEXT_CAP))
        .flatten()
        .and_then(|t| FrontMatter::parse(&t));
    let dockerfile = has("Dockerfile")
        .then(|| tree::show(&git, &pushed, "Dockerfile", TEXT_CAP))
        .flatten();
    let deadline = ctx.options.timeout.mul_f64(0.5);
    let code = ["*.py", "*.js", "*.mjs", "*.cjs", "*.ts"];
    let mut env: Vec<(String, String)> = Vec::new();
    let mut optional: Vec<String> = Vec::new();
    for hit in tree::grep(
        &git,
        &pushed,
        r"environ|getenv|process\.env",
        &code,
        GREP_CAP,
        deadline,
    ) {
        for EnvRead {
            name, has_default, ..
        } in space_repo::env_reads(&hit.text)
        {
            if has_default || space_repo::provided_by_runtime(&name) {
                optional.push(name);
            } else if !env.iter().any(|(n, _)| *n == name) {
                env.push((name, format!("{}:{}", hit.path, hit.line)));
            }
        }
    }
    let python_sdk = matches!(
        front.as_ref().and_then(|f| f.sdk()),
        Some("gradio" | "streamlit")
    );
    let mut imports: Vec<(String, String)> = Vec::new();
    if python_sdk && !has("requirements.txt") {
        let own = |m: &str| {
            files.iter().any(|f| {
                f.strip_suffix(".py")
                    .is_some_and(|s| s.rsplit('/').next() == Some(m))
                    || f.split('/').next() == Some(m) && f.contains('/')
            })
        };
        for hit in tree::grep(
            &git,
            &pushed,
            r"^\s*(import|from)\s",
            &["*.py"],
            GREP_CAP,
            deadline,
        ) {
            for m in space_repo::python_imports(&hit.text) {
                if !space_repo::preinstalled_in_gradio_image(&m)
                    && m != "streamlit"
                    && !own(&m)
                    && !imports.iter().any(|(n, _)| *n == m)
                {
                    imports.push((m, format!("{}:{}", hit.path, hit.line)));
                }
            }
        }
    }
    let app_file_local = front
        .as_ref()
        .and_then(|f| f.app_file.as_ref())
        .is_some_and(|f| ctx.read_file(&top.join(&f.value), 1).is_ok());
    Some(Clone {
        ahead: tree::ahead_of(&git, &pushed).unwrap_or(0),
        remote: remote.name.clone(),
        pushed,
        files,
        front,
        dockerfile,
        env,
        imports,
        app_file_local,
    })
}

/// "a, b, c" of at most `MAX_NAMES`, and "(+n more)" past that.
fn names(list: &[(String, String)], f: impl Fn(&(String, String)) -> String) -> String {
    let mut shown: Vec<String> = list.iter().take(MAX_NAMES).map(f).collect();
    if list.len() > MAX_NAMES {
        shown.push(format!("+{}", list.len() - MAX_NAMES));
    }
    shown.join(", ")
}

impl Clone {
    fn has(&self, path: &str) -> bool {
        self.files.iter().any(|f| f == path)
    }

    /// The README's promises against the pushed files, each mismatch with the line to change.
    fn findings(&self, base: &(dyn Fn(Outcome) -> Found + Sync)) -> Vec<Found> {
        let at = |f: Found| {
            f.with("remote", self.remote.clone())
                .with("pushed", self.pushed.clone())
        };
        let mut out = Vec::new();
        if self.ahead > 0 {
            out.push(at(base(Outcome::Unpushed)).with("ahead", self.ahead.to_string()));
        }
        let Some(front) = &self.front else {
            out.push(at(base(Outcome::NoFrontMatter)));
            return out;
        };
        let sdk = front.sdk().unwrap_or("-").to_string();
        let mut problems = 0;
        if sdk == "docker" {
            problems += self.docker(base, front, &mut out);
        } else if let Some(app) = &front.app_file {
            if !self.has(&app.value) {
                problems += 1;
                let found = at(base(if self.app_file_local {
                    Outcome::AppFileNotPushed
                } else {
                    Outcome::AppFileMissing
                }))
                .with("app_file", app.value.clone())
                .with("line", app.line.to_string())
                .with("line_text", app.text.clone())
                .param("app_file_q", crate::shell::quote(&app.value));
                out.push(match self.candidate_app_file() {
                    Some(c) => found
                        .with("candidate", c)
                        .with_msg("change", "space-change-app-file"),
                    None => found.with_msg("change", "space-add-app-file"),
                });
            }
        }
        if !self.imports.is_empty() && !self.has("requirements.txt") {
            problems += 1;
            out.push(
                base(Outcome::ImportsNeedRequirements)
                    .with("modules", names(&self.imports, |(m, _)| m.clone()))
                    .with("where", names(&self.imports, |(_, w)| w.clone()))
                    .with("sdk", sdk.clone()),
            );
        }
        if problems == 0 {
            out.push(
                at(base(Outcome::ConfigMatches))
                    .with("sdk", sdk.clone())
                    .with(
                        "app",
                        match (&front.app_file, sdk.as_str()) {
                            (_, "docker") => format!(
                                "app_port {}",
                                front.app_port().unwrap_or(space_repo::DEFAULT_APP_PORT)
                            ),
                            (Some(f), _) => format!("app_file {}", f.value),
                            (None, _) => "app_file -".to_string(),
                        },
                    ),
            );
        }
        out
    }

    /// A Docker Space: its Dockerfile, the port it exposes, the requirements it copies.
    fn docker(
        &self,
        base: &(dyn Fn(Outcome) -> Found + Sync),
        front: &FrontMatter,
        out: &mut Vec<Found>,
    ) -> usize {
        let Some(dockerfile) = &self.dockerfile else {
            out.push(base(Outcome::DockerfileMissing).with("pushed", self.pushed.clone()));
            return 1;
        };
        let mut problems = 0;
        let port = front.app_port().unwrap_or(space_repo::DEFAULT_APP_PORT);
        let exposed = space_repo::exposed_ports(dockerfile);
        if !exposed.iter().any(|(p, _)| *p == port) {
            problems += 1;
            let found = base(Outcome::PortNotExposed).with("port", port.to_string());
            let found = match &front.app_port {
                Some(f) => found
                    .with("app_port_line", f.line.to_string())
                    .with_msg("port_from", "space-port-set"),
                None => found.with_msg("port_from", "space-port-default"),
            };
            out.push(match exposed.as_slice() {
                [(other, line)] => found
                    .with("exposed", other.to_string())
                    .with("expose_line", line.to_string())
                    .with_msg("change", "space-change-port"),
                [] => found
                    .with("exposed", "-")
                    .with_msg("change", "space-add-expose"),
                more => found
                    .with(
                        "exposed",
                        more.iter()
                            .map(|(p, _)| p.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                    .with_msg("change", "space-add-expose"),
            });
        }
        if let Some(used) = space_repo::requirements_use(dockerfile) {
            if !self.has("requirements.txt") {
                problems += 1;
                out.push(
                    base(Outcome::RequirementsMissing)
                        .with("line", used.line.to_string())
                        .with("line_text", used.text),
                );
            }
        }
        problems
    }

    /// A Python file of the pushed commit that looks like the app (it imports the SDK), to
    /// name in `app_file`: `app.py` first.
    fn candidate_app_file(&self) -> Option<String> {
        let py: Vec<&String> = self
            .files
            .iter()
            .filter(|f| f.ends_with(".py") && !f.contains('/'))
            .collect();
        ["app.py", "main.py", "streamlit_app.py"]
            .iter()
            .find(|c| py.iter().any(|f| f == *c))
            .map(|c| c.to_string())
            .or_else(|| (py.len() == 1).then(|| py[0].clone()))
    }
}

/// The names the code reads that the Space defines neither as a secret nor as a variable, or
/// that the token may not look up.
async fn env_finding(
    ctx: &Context,
    base: &(dyn Fn(Outcome) -> Found + Sync),
    space: &str,
    local: &Clone,
) -> Option<Found> {
    if local.env.is_empty() {
        return None;
    }
    let hub = ctx.hub();
    let token = ctx.token_sent();
    let (secrets, variables) = tokio::join!(
        hub.space_setting_names(space, "secrets", token),
        hub.space_setting_names(space, "variables", token)
    );
    let all = names(&local.env, |(n, _)| n.clone());
    let secret_flags = local
        .env
        .iter()
        .take(MAX_NAMES)
        .map(|(n, _)| format!("-s {n}"))
        .collect::<Vec<_>>()
        .join(" ");
    match (secrets, variables) {
        (Ok((_, Some(s))), Ok((_, Some(v)))) => {
            let undefined: Vec<(String, String)> = local
                .env
                .iter()
                .filter(|(n, _)| !s.contains(n) && !v.contains(n))
                .cloned()
                .collect();
            if undefined.is_empty() {
                return None;
            }
            let flags = undefined
                .iter()
                .take(MAX_NAMES)
                .map(|(n, _)| format!("-s {n}"))
                .collect::<Vec<_>>()
                .join(" ");
            Some(
                base(Outcome::EnvUndefined)
                    .with("names", names(&undefined, |(n, _)| n.clone()))
                    .with("where", names(&undefined, |(_, w)| w.clone()))
                    .param("secret_flags", flags),
            )
        }
        (s, v) => {
            let status = [s, v]
                .into_iter()
                .find_map(|r| match r {
                    Ok((a, None)) => Some(a.status.to_string()),
                    Err(e) => Some(e.describe()),
                    _ => None,
                })
                .unwrap_or_default();
            Some(
                base(Outcome::SettingsUnreadable)
                    .with("names", all)
                    .with("where", names(&local.env, |(_, w)| w.clone()))
                    .with("status", status)
                    .param("secret_flags", secret_flags),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn names_are_bounded() {
        let list: Vec<(String, String)> = (0..10)
            .map(|i| (format!("N{i}"), format!("a.py:{i}")))
            .collect();
        assert_eq!(
            names(&list, |(n, _)| n.clone()),
            "N0, N1, N2, N3, N4, N5, N6, N7, +2"
        );
        assert_eq!(one_line("a\n  b", 10), "a b");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }

    #[test]
    fn deadlines_leave_room() {
        let limits = LogLimits::within(Duration::from_millis(500));
        assert!(limits.max_time <= Duration::from_millis(500));
        assert!(limits.quiet <= limits.max_time);
    }
}
