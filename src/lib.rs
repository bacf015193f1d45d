//! hfdoctor: finds what is wrong with this machine's access to the Hugging Face Hub and says
//! how to fix it. The binary (`main.rs`) is a thin shell around this library.
//!
//! The modules are layers (DESIGN.md, enforced by tests/layers.rs): a module imports only from
//! its own layer or below, and no check imports another.

// Layer 0: the raw facts of the machine, and values with no knowledge of the Hub.
pub mod lang;
pub mod secret;
pub mod shell;
pub mod world;

// Layer 1: the Hub, git, the network and the local side, each from plain arguments.
pub mod auth;
pub mod git;
pub mod hub;
pub mod local;
pub mod net;

// Layer 2: the injected world a check sees.
pub mod context;

// Layer 3: findings, the catalog of words, the runner.
pub mod engine;

// Layer 4: the checks and their registry.
pub mod checks;

// Layer 5: from findings to ordered root causes; from pasted text to causes, confirmed by
// the checks; from root causes to the local changes that fix them (`--fix`).
pub mod diagnose;
pub mod explain;
pub mod fix;

// Layer 6: every byte written, through one redaction boundary.
pub mod render;

// Layer 7: the commands.
pub mod cli;
