//! Layer 1: what is on this machine besides the network: the Hub cache on disk, and the facts a
//! support report needs (OS, git, Python and client versions, the variables that matter).

pub mod cache;
pub mod edit;
pub mod facts;
pub mod python;
pub mod rc_files;
pub mod space_repo;
pub mod verify;
pub mod windows_fs;
