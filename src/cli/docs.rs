//! `generate-docs` (docs/checks/*.md from the catalog), `completions` and `man`.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, EXIT_INTERNAL};
use crate::render::redact;

pub fn generate(check: bool, dir: &Path) -> i32 {
    match crate::render::docs::generate(dir, &crate::checks::catalog().checks, check) {
        Ok(stale) if check && !stale.is_empty() => {
            redact::eprintln(&format!("out of date: {}", stale.join(", ")));
            1
        }
        Ok(stale) => {
            for name in stale {
                redact::println(&format!("wrote {}", dir.join(name).display()));
            }
            0
        }
        Err(e) => {
            redact::eprintln(&format!("hfdoctor: {e}"));
            EXIT_INTERNAL
        }
    }
}

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "hfdoctor", &mut out);
    redact::print(&String::from_utf8_lossy(&out));
    0
}

pub fn man() -> i32 {
    let mut out = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut out) {
        Ok(()) => {
            redact::print(&String::from_utf8_lossy(&out));
            0
        }
        Err(e) => {
            redact::eprintln(&format!("hfdoctor man: {e}"));
            EXIT_INTERNAL
        }
    }
}
