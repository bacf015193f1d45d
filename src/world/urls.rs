//! Small URL facts every layer needs, each written once: percent-decoding, the scheme a bare
//! `host:port` gets, and `host[:port]` as git and HTTP write it.

/// Percent-decoding as URLs define it (RFC 3986): `%2B` is `+` and a `+` stays a `+`. Form
/// decoding (`+` → space) is for query strings, never for userinfo: a proxy password `p+w`
/// must reach the proxy as `p+w`. Invalid UTF-8 after decoding is replaced, never a panic.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A proxy or endpoint value with `http://` in front when it has no scheme, as httpx2 and
/// urllib read `HTTPS_PROXY=proxy:3128` (docs/notes/proxy.md).
pub fn with_default_scheme(value: &str) -> String {
    if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    }
}

/// `host` or `host:port`, as git's credential protocol and an HTTP `Host` header write it.
/// An IPv6 address gets its brackets.
pub fn host_port(host: &str, port: Option<u16>) -> String {
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    match port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_stays_plus_and_odd_input_never_panics() {
        assert_eq!(percent_decode("p+w%2Bx"), "p+w+x");
        assert_eq!(percent_decode("p%40ss"), "p@ss");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        // A multi-byte character right after `%` once panicked a hand-written decoder.
        assert_eq!(percent_decode("%aé"), "%aé");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }

    #[test]
    fn default_scheme_and_host_port() {
        assert_eq!(with_default_scheme("proxy:3128"), "http://proxy:3128");
        assert_eq!(with_default_scheme("https://p:1"), "https://p:1");
        assert_eq!(host_port("hf.co", None), "hf.co");
        assert_eq!(host_port("127.0.0.1", Some(8080)), "127.0.0.1:8080");
        assert_eq!(host_port("::1", Some(8080)), "[::1]:8080");
        assert_eq!(host_port("[::1]", Some(1)), "[::1]:1");
    }
}
