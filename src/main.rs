//! Parse the command line and dispatch to the command's module in `cli/` (ripgrep's
//! crates/core/main.rs is the model). Nothing here writes but through the redaction boundary.

use clap::Parser;

use hfdoctor::cli::{self, Cli, Command, Format};
use hfdoctor::render::redact;

fn main() {
    // First, before any thread: SIGTERM, SIGHUP and SIGINT kill what hfdoctor started, then
    // hfdoctor (docs/notes/processes.md).
    hfdoctor::world::signals::install();
    // A panic inside a check becomes a `crash` finding; nothing should print a Rust backtrace
    // at people. Set HFDOCTOR_DEBUG=1 to see panics as Rust prints them.
    if std::env::var_os("HFDOCTOR_DEBUG").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let code = std::panic::catch_unwind(dispatch).unwrap_or_else(|_| {
        redact::eprintln("hfdoctor: internal error; run again with HFDOCTOR_DEBUG=1 and report it");
        cli::EXIT_INTERNAL
    });
    // A check abandoned at its deadline may still wait on a subprocess: its process group
    // goes with us (docs/notes/processes.md).
    hfdoctor::world::proc::kill_all_live();
    // Exit without waiting for checks abandoned at their deadline.
    std::process::exit(code);
}

fn dispatch() -> i32 {
    // The catalog (fourteen TOML files) and the boundary's patterns take milliseconds to
    // build: build them beside the parsing of flags and the reading of the machine, not after.
    std::thread::spawn(|| {
        hfdoctor::checks::catalog();
    });
    std::thread::spawn(redact::warm_up);
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli::clap_exit(e),
    };
    if let Err(message) = cli::check_flags(&cli) {
        return cli::usage(&message);
    }
    if let Err(code) = cli::open_output(&cli) {
        return code;
    }
    match &cli.command {
        Some(Command::List) => cli::list::run(&cli),
        Some(Command::GenerateDocs { check, dir }) => cli::docs::generate(*check, dir),
        Some(Command::Completions { shell }) => cli::docs::completions(*shell),
        Some(Command::Man) => cli::docs::man(),
        Some(Command::Explain { .. }) => cli::explain::run(&cli),
        None if !cli.command_line.is_empty() => cli::wrap::run(&cli),
        _ if cli.require.is_some() => cli::require::run(&cli),
        Some(Command::Report) => cli::report::run(&cli),
        None if cli.format == Format::Markdown => cli::report::run(&cli),
        None if cli.fix => cli::fix::run(&cli),
        None => cli::run::run(&cli),
    }
}
