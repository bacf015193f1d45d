//! Layer 5: pasted error text to evidence and ranked causes (`patterns`), and the checks that
//! confirm them on this machine, with the wrapped `-- CMD` (`confirm`).

pub mod confirm;
pub mod patterns;
