//! Layer 1: what is on this machine besides the network: for now the facts a support report
//! needs (OS, git, Python and client versions, the variables that matter).

pub mod facts;
pub mod rc_files;
