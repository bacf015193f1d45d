//! Layer 0: the raw facts of this machine, read once or through one bounded door: the
//! environment snapshot, paths, file reads that never block, and the subprocess runner.
//! Nothing here knows of checks, findings or the Context.

pub mod env;
pub mod fs;
pub mod paths;
pub mod proc;
pub mod signals;
pub mod urls;
