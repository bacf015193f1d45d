//! Layer 1: which token the client sends, found exactly as huggingface_hub finds it, with
//! every other source kept and where each came from (docs/notes/token-discovery.md).

pub mod token;
