//! Layer 3: what runs checks and gives their findings words: findings and typed outcomes, the
//! catalog (words in three languages), and the runner (deadlines, crash isolation, order).
//! The registry that names the checks is a layer above, in `checks/mod.rs`.

pub mod catalog;
pub mod finding;
pub mod runner;
