//! Command-line definitions.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::lang::Lang;
use crate::repo::RepoType;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  nothing failed (warnings allowed, unless --strict)
  1  a check failed, timed out or crashed (or warned, with --strict)
  2  usage error: unknown flag, value or check id
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

    /// Make no network request; checks that need the network say skip.
    #[arg(long, global = true)]
    pub offline: bool,

    /// Seconds each check may take before it is reported as a timeout.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_timeout, global = true)]
    pub timeout: Duration,

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
    #[arg(long, value_enum, global = true)]
    pub lang: Option<Lang>,

    /// CI preflight: one line, exit 0 only when the token in effect can do this to --repo.
    #[arg(long, value_enum, value_name = "ACCESS")]
    pub require: Option<Access>,

    /// In reports, replace account, org and repo names with stable placeholders.
    #[arg(long, global = true)]
    pub anonymize: bool,

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
