//! `hfdoctor list`: the registry's checks, as text or JSON.

use crate::cli::{self, Cli};
use crate::render::redact;
use crate::render::{list, Words};

pub fn run(cli: &Cli) -> i32 {
    let words = Words::new(cli::lang(cli, &crate::context::Env::from_process()));
    redact::print(&list::render(cli.format == cli::Format::Json, &words));
    0
}
