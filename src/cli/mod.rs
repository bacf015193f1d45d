//! Command-line definitions (clap), and one module per command: `run` (the checks), `explain`,
//! `wrap` (`hfdoctor -- CMD`), `report`, `require`, `list`, and `docs` (generate-docs,
//! completions, man). `main.rs` only parses and dispatches. Every command writes through the
//! one redaction boundary, `render::redact` (docs/redaction.md).

pub mod docs;
pub mod explain;
pub mod fix;
pub mod list;
pub mod report;
pub mod require;
pub mod run;
pub mod wrap;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::checks::{self, REGISTRY};
use crate::context::{Context, Options, Target};
use crate::engine::runner::CheckDef;
use crate::hub::repo::{parse_repo_arg, RepoType};
use crate::lang::{lang_from_env, Lang};
use crate::render::redact::{self, Redactor};
use crate::render::Words;

pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERNAL: i32 = 3;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  nothing failed (warnings allowed, unless --strict)
  1  a check failed, timed out or crashed (or warned, with --strict)
  2  usage error: unknown flag, value or check id, or a flag the mode cannot honour
  3  hfdoctor itself could not run";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// A report for a support ticket (same as `hfdoctor report`).
    Markdown,
    /// Text plus GitHub Actions annotations (`::error`, `::warning`).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Access {
    Read,
    Write,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Parser)]
#[command(
    name = "hfdoctor",
    version,
    about = "Finds what is wrong with this machine's access to the Hugging Face Hub, and how to fix it.",
    after_help = EXIT_CODES,
    args_conflicts_with_subcommands = false
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run only these checks (ids from `hfdoctor list`, comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "IDS", global = true)]
    pub only: Vec<String>,

    /// Do not run these checks.
    #[arg(long, value_delimiter = ',', value_name = "IDS", global = true)]
    pub skip: Vec<String>,

    /// The repository to check: `namespace/name` (or its https://huggingface.co/… URL).
    #[arg(long, value_name = "ID", global = true)]
    pub repo: Option<String>,

    /// The type of --repo.
    #[arg(
        long,
        value_enum,
        default_value = "model",
        value_name = "TYPE",
        global = true
    )]
    pub repo_type: RepoType,

    /// You mean to push or upload: check write access too.
    #[arg(long, global = true)]
    pub write: bool,

    /// Also check Inference Providers: may the token call them, which providers serve --repo
    /// (a model), whether a retired inference endpoint is configured.
    #[arg(long, global = true)]
    pub inference: bool,

    /// Make no network request; checks that need the network say skip.
    #[arg(long, global = true)]
    pub offline: bool,

    /// Also check each cached blob's bytes against its hash name (the target's first), reading
    /// at most SIZE (e.g. 500M, 20G, all; default 2G) within --timeout.
    #[arg(
        long,
        value_name = "SIZE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "2G",
        value_parser = crate::local::verify::parse_budget,
        global = true
    )]
    pub verify_cache: Option<u64>,

    /// Seconds each check may take before it is reported as a timeout.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_timeout, global = true)]
    pub timeout: Duration,

    /// Apply the local fixes of the diagnosis (token file, a shadowing start-up line, the
    /// cache's leftovers), each shown first, asked for on a terminal, kept in a backup, and
    /// checked again afterwards.
    #[arg(long)]
    pub fix: bool,

    /// With --fix: show every change and make none.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,

    /// With --fix: apply without asking (for scripts; never implied by CI).
    #[arg(long, requires = "fix", conflicts_with = "dry_run")]
    pub yes: bool,

    /// Warnings fail the run too (exit code 1).
    #[arg(long, global = true)]
    pub strict: bool,

    /// Show details and per-check timings.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Output format.
    #[arg(long, value_enum, default_value = "text", global = true)]
    pub format: Format,

    /// Colour: auto uses it on a terminal unless NO_COLOR or CI is set.
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        global = true,
        value_name = "WHEN"
    )]
    pub color: ColorChoice,

    /// Language of the output; default from LC_ALL, LC_MESSAGES or LANG.
    #[arg(long, value_parser = crate::lang::LangParser, value_name = "LANG", global = true)]
    pub lang: Option<Lang>,

    /// CI preflight: one line, exit 0 only when the token in effect can do this to --repo.
    #[arg(long, value_enum, value_name = "ACCESS")]
    pub require: Option<Access>,

    /// Replace account, org and repo names with stable placeholders (every format, report,
    /// explain, --require; not list, completions, man or -- CMD).
    #[arg(long, global = true)]
    pub anonymize: bool,

    /// Write the output to FILE instead of stdout (created with mode 0600; no colour). With
    /// `-- CMD` the command's own output still passes through; the diagnosis goes to FILE.
    #[arg(short, long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,

    /// `hfdoctor -- CMD ARGS…`: run the command, pass its output through, and when it fails,
    /// explain its output and check this machine.
    #[arg(last = true, value_name = "CMD")]
    pub command_line: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain an error: from arguments, --file, or standard input. With a check id or a
    /// cause as the only argument, print its page.
    Explain {
        /// The error text (or a check id, or a cause).
        text: Vec<String>,
        /// Read the text from this file.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Only classify the text; run no check.
        #[arg(long)]
        no_check: bool,
    },
    /// List the checks: id, category, what each needs, title.
    List,
    /// A Markdown report for a support ticket or a forum post (review it before sending).
    Report,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Write docs/checks/*.md from the catalog (for hfdoctor's developers).
    #[command(hide = true)]
    GenerateDocs {
        /// Fail instead of writing when a page is out of date.
        #[arg(long)]
        check: bool,
        /// Where the pages go.
        #[arg(default_value = "docs/checks")]
        dir: PathBuf,
    },
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err(format!(
            "{s} is out of range: use more than 0 and at most 3600"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A clap error (or `--help`, `--version`): through the boundary, and its exit code.
pub fn clap_exit(e: clap::Error) -> i32 {
    let text = e.render().to_string();
    if e.use_stderr() {
        redact::eprint(&text);
        EXIT_USAGE
    } else {
        redact::print(&text);
        0
    }
}

/// A usage error: one line on stderr, exit 2.
pub fn usage(message: &str) -> i32 {
    redact::eprintln(&format!("hfdoctor: {message}"));
    EXIT_USAGE
}

/// `--output FILE`: from here on the boundary writes there. A directory is a usage error
/// (exit 2); a file that cannot be created means hfdoctor cannot run (exit 3). `Err` is the
/// exit code, the one line already said.
pub fn open_output(cli: &Cli) -> Result<(), i32> {
    let Some(path) = &cli.output else {
        return Ok(());
    };
    match redact::output_to(path) {
        Ok(()) => Ok(()),
        Err(redact::OutputError::IsDirectory) => Err(usage(&format!(
            "--output {}: is a directory; name the file to write",
            path.display()
        ))),
        Err(redact::OutputError::Create(e)) => {
            redact::eprintln(&format!("hfdoctor: cannot create {}: {e}", path.display()));
            Err(EXIT_INTERNAL)
        }
    }
}

/// Flags the chosen mode cannot honour are errors, never ignored (docs/redaction.md).
pub fn check_flags(cli: &Cli) -> Result<(), String> {
    if cli.anonymize {
        let mode = match &cli.command {
            Some(Command::List) => Some("list"),
            Some(Command::Completions { .. }) => Some("completions"),
            Some(Command::Man) => Some("man"),
            Some(Command::GenerateDocs { .. }) => Some("generate-docs"),
            // The command's own output passes through untouched: its names cannot be hidden.
            None if !cli.command_line.is_empty() => Some("-- CMD"),
            _ => None,
        };
        if let Some(mode) = mode {
            return Err(format!(
                "--anonymize does not apply to `{mode}`; it works with the checks (text, json, markdown, github), `report`, `explain` and --require"
            ));
        }
    }
    // `--format`: explain and `-- CMD` say text or JSON; list too; the generators one format.
    let formats: &[Format] = match &cli.command {
        Some(Command::Man | Command::Completions { .. } | Command::GenerateDocs { .. }) => {
            &[Format::Text]
        }
        Some(Command::List | Command::Explain { .. }) => &[Format::Text, Format::Json],
        None if !cli.command_line.is_empty() => &[Format::Text, Format::Json],
        _ => &[],
    };
    if !formats.is_empty() && !formats.contains(&cli.format) {
        let name = match cli.format {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Github => "github",
        };
        return Err(format!(
            "--format {name} does not apply here; this mode writes {}",
            formats
                .iter()
                .map(|f| if *f == Format::Json { "json" } else { "text" })
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    Ok(())
}

/// `--repo`, parsed; a bad value is a usage error.
pub fn target(cli: &Cli) -> Result<Option<Target>, String> {
    match &cli.repo {
        None => Ok(None),
        Some(arg) => parse_repo_arg(arg, cli.repo_type)
            .map(|(repo_id, repo_type)| {
                Some(Target {
                    repo_id,
                    repo_type,
                    from: "--repo".into(),
                })
            })
            .map_err(|message| format!("--repo: {message}")),
    }
}

/// The language: --lang, else the environment's. Decided once per run, with the output's
/// character set: text, Markdown and GitHub output is transcoded into the locale's Chinese
/// charset (`zh_TW.Big5`), JSON stays UTF-8; Chinese where the charset has none falls back
/// to English with a note (docs/notes/chinese-style.md).
pub fn lang(cli: &Cli, env: &crate::context::Env) -> Lang {
    let lang = cli.lang.unwrap_or_else(|| lang_from_env(env));
    let text = cli.format != Format::Json;
    redact::set_charset(crate::lang::charset_from_env(env), text);
    if !text {
        return lang;
    }
    let (lang, note) = crate::lang::displayable(lang, env);
    static NOTED: std::sync::Once = std::sync::Once::new();
    if let Some(note) = note {
        NOTED.call_once(|| redact::eprintln(&note));
    }
    lang
}

/// The run's world, with its Redactor installed before anything is written: every secret
/// the context can see is known to the boundary from here on.
pub fn context(cli: &Cli, target: Option<Target>) -> (Arc<Context>, Words) {
    context_and_then(cli, target, |_| {})
}

/// `context`, with `early` called as soon as the Context exists, before anything waits on it
/// (to start slow subprocesses the checks will ask for).
fn context_and_then(
    cli: &Cli,
    target: Option<Target>,
    early: impl FnOnce(&Arc<Context>),
) -> (Arc<Context>, Words) {
    let options = Options {
        offline: cli.offline,
        timeout: cli.timeout,
        target,
        write: cli.write || cli.require == Some(Access::Write),
        verify_cache: cli.verify_cache,
    };
    let ctx = Context::from_process(options);
    // git's configuration (the remotes, the credential helpers) is read on a thread from now
    // on; the target (--repo, else a Hub remote of this repository) waits for it only when it
    // comes from a remote.
    ctx.prefetch_git_config();
    early(&ctx);
    let _ = ctx.target();
    redact::learn(|r| r.learn_context(&ctx));
    let words = Words::new(lang(cli, &ctx.env)).for_run(&ctx);
    (ctx, words)
}

/// What a command that runs checks starts from: the context and its words, and the checks
/// --only and --skip select. `Err` is the exit code of a usage error already said.
pub fn prepare(cli: &Cli) -> Result<(Arc<Context>, Words, Vec<CheckDef>), i32> {
    let target = target(cli).map_err(|m| usage(&m))?;
    let selected = select(cli).map_err(|m| usage(&m))?;
    use crate::checks::{git_lfs, id};
    let with_lfs = selected.iter().any(|c| c.id == id::<git_lfs::Outcome>());
    let (ctx, words) = context_and_then(cli, target, |ctx| {
        if with_lfs {
            git_lfs::start_early(ctx);
        }
    });
    Ok((ctx, words, selected))
}

/// A run of the checks prepared (`prepare`) with the runtime to run them on.
pub type Prepared = (Arc<Context>, Words, Vec<CheckDef>, tokio::runtime::Runtime);

/// `prepare` and `runtime` together, as every command that runs the checks needs them.
pub fn prepare_run(cli: &Cli) -> Result<Prepared, i32> {
    let (ctx, words, selected) = prepare(cli)?;
    Ok((ctx, words, selected, runtime()?))
}

/// The checks to run after --only and --skip; an unknown id is a usage error.
pub fn select(cli: &Cli) -> Result<Vec<CheckDef>, String> {
    let known: Vec<&str> = checks::ids().collect();
    for id in cli.only.iter().chain(&cli.skip) {
        if !known.contains(&id.as_str()) {
            let hint = nearest(id, known.iter().copied())
                .map(|n| format!(" did you mean '{n}'?"))
                .unwrap_or_default();
            return Err(format!(
                "unknown check id '{id}';{hint} known ids: {} (see `hfdoctor list`)",
                known.join(", ")
            ));
        }
    }
    // inference-access runs only when asked (--inference, or named in --only).
    let asked = |c: &CheckDef| {
        c.id != crate::checks::id::<crate::checks::inference_access::Outcome>()
            || cli.inference
            || cli.only.iter().any(|o| o == c.id)
    };
    Ok(REGISTRY
        .iter()
        .filter(|c| asked(c))
        .filter(|c| cli.only.is_empty() || cli.only.iter().any(|o| o == c.id))
        .filter(|c| !cli.skip.iter().any(|s| s == c.id))
        .copied()
        .collect())
}

/// The known name closest to a misspelt one (`token-vaild` → `token-valid`), when it is close
/// enough to be what was meant: at most a third of its letters (and 3) typed wrong, a swap of
/// two counting one.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.trim().to_ascii_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&word, k), k))
        .filter(|(d, k)| *d <= 3 && *d * 3 <= k.chars().count().max(word.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

pub fn runtime() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            redact::eprintln(&format!("hfdoctor: cannot start: {e}"));
            EXIT_INTERNAL
        })
}

/// Under --anonymize: the names of this run, known to the boundary from now on.
pub fn anonymize(
    cli: &Cli,
    ctx: &Context,
    findings: &[crate::engine::finding::Finding],
    extra: &[String],
) {
    if cli.anonymize {
        let a = crate::render::anonymize::Anonymizer::for_run(ctx, findings, extra);
        redact::learn(|r| r.set_anonymizer(Some(a)));
    }
}

/// Learn what the findings carry (credential-helper text, server messages) before they are
/// written.
pub fn learn_findings(findings: &[crate::engine::finding::Finding]) {
    redact::learn(|r: &mut Redactor| r.learn_findings(findings));
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest_names_a_close_id_only() {
        let ids = ["token-file", "token-valid", "git-lfs", "proxy", "network"];
        let near = |w: &str| super::nearest(w, ids.iter().copied());
        assert_eq!(near("token-vaild"), Some("token-valid"));
        assert_eq!(near("Token-File"), Some("token-file"));
        assert_eq!(near("gitlfs"), Some("git-lfs"));
        assert_eq!(near("proxi"), Some("proxy"));
        assert_eq!(near("dns"), None);
        assert_eq!(near("kubernetes"), None);
    }
}
