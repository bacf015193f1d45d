//! `hfdoctor -- CMD ARGS…`: run the command with its output passed through untouched; when it
//! fails, explain what it printed and check this machine (the diagnosis on stderr).

use crate::cli::{self, Cli};
use crate::explain::confirm;
use crate::render::redact;

pub fn run(cli: &Cli) -> i32 {
    let mut target = match cli::target(cli) {
        Ok(t) => t,
        Err(message) => return cli::usage(&message),
    };
    if let Err(message) = cli::select(cli) {
        return cli::usage(&message);
    }
    let captured = match confirm::run_wrapped(&cli.command_line) {
        Ok((0, _)) => return 0,
        // Passed through untouched; what is explained has no colours or cursor moves.
        Ok((code, captured)) => (code, crate::render::wrap::strip_ansi_bytes(captured)),
        Err(message) => {
            redact::eprintln(&format!("hfdoctor: {message}"));
            return 127;
        }
    };
    let analysis = crate::explain::analyse(&captured.1);
    if target.is_none() {
        target = cli::explain::target_from(&analysis.1);
    }
    let (ctx, words) = cli::context(cli, target);
    match cli::runtime() {
        Ok(rt) => rt.block_on(cli::explain::diagnose(
            cli,
            ctx,
            words,
            &captured.1,
            analysis,
            true,
            Some(captured.0),
        )),
        Err(code) => code,
    }
}
