//! Layer 5: pasted error text to evidence (`evidence`), then ranked causes (`decide`, with
//! the phrase patterns and families of `patterns`), and the checks that confirm them on this
//! machine, with the wrapped `-- CMD` (`confirm`).

pub mod confirm;
pub mod decide;
pub mod evidence;
pub mod patterns;

pub use decide::{analyse, classify};
