//! Layer 1: the way out of this machine: proxy variables as the Python client reads them
//! (docs/notes/proxy.md) and TLS roots, handshakes and presented certificates
//! (docs/notes/tls.md).

pub mod proxy;
pub mod tls;
