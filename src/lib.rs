//! hfdoctor: finds what is wrong with this machine's access to the Hugging Face Hub and says
//! how to fix it. The binary (`main.rs`) is a thin shell around this library.

pub mod catalog;
pub mod checks;
pub mod cli;
pub mod context;
pub mod diagnose;
pub mod docs;
pub mod endpoint;
pub mod explain;
pub mod facts;
pub mod finding;
pub mod git;
pub mod hub;
pub mod lang;
pub mod proxy;
pub mod remote;
pub mod render;
pub mod repo;
pub mod runner;
pub mod secret;
pub mod shell;
pub mod tls;
pub mod token;
pub mod world;
