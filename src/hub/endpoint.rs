//! The Hub endpoint as `huggingface_hub.constants.ENDPOINT` computes it, with where it came from
//! and what kind of server it names.

use crate::world::env::Env;

pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";
pub const STAGING_ENDPOINT: &str = "https://hub-ci.huggingface.co";

/// Hosts that are the Hub itself (aliases included).
pub const HUB_HOSTS: &[&str] = &[
    "huggingface.co",
    "hf.co",
    "www.huggingface.co",
    "hub-ci.huggingface.co",
];

/// Public mirrors people set `HF_ENDPOINT` to. They serve public files only: no private or
/// gated repos (they have no account of yours), and no pushes.
pub const KNOWN_MIRRORS: &[&str] = &["hf-mirror.com"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    Default,
    /// `HF_ENDPOINT` as set (raw value kept for diagnosis).
    Env(String),
    /// `HUGGINGFACE_CO_STAGING` forces the CI Hub whatever `HF_ENDPOINT` says.
    Staging,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointKind {
    Hub,
    Empty,
    /// No `http://` or `https://`: every request fails in the client.
    NoScheme,
    KnownMirror(String),
    Loopback(String),
    Other(String),
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    /// What the client uses: the variable with trailing slashes removed.
    pub url: String,
    pub source: EndpointSource,
    pub kind: EndpointKind,
    pub host: Option<String>,
    pub scheme: Option<String>,
}

impl Endpoint {
    pub fn from_env(env: &Env) -> Self {
        if env.is_true("HUGGINGFACE_CO_STAGING") {
            return Self::classify(STAGING_ENDPOINT.into(), EndpointSource::Staging);
        }
        match env.get("HF_ENDPOINT") {
            None => Self::classify(DEFAULT_ENDPOINT.into(), EndpointSource::Default),
            Some(raw) => {
                let url = raw.trim_end_matches('/').to_string();
                Self::classify(url, EndpointSource::Env(raw))
            }
        }
    }

    fn classify(url: String, source: EndpointSource) -> Self {
        if url.is_empty() {
            return Endpoint {
                url,
                source,
                kind: EndpointKind::Empty,
                host: None,
                scheme: None,
            };
        }
        let parsed = url::Url::parse(&url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        let Some(parsed) = parsed else {
            return Endpoint {
                url,
                source,
                kind: EndpointKind::NoScheme,
                host: None,
                scheme: None,
            };
        };
        let host = parsed
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let kind = if HUB_HOSTS.contains(&host.as_str()) {
            EndpointKind::Hub
        } else if KNOWN_MIRRORS.contains(&host.as_str()) {
            EndpointKind::KnownMirror(host.clone())
        } else if is_loopback_host(&host) {
            EndpointKind::Loopback(host.clone())
        } else {
            EndpointKind::Other(host.clone())
        };
        Endpoint {
            url,
            source,
            kind,
            host: Some(host),
            scheme: Some(parsed.scheme().to_string()),
        }
    }

    /// The endpoint is this machine (a stand-in, a local mirror, a tunnel).
    pub fn is_loopback(&self) -> bool {
        matches!(self.kind, EndpointKind::Loopback(_))
    }

    /// Plain http to a host that is not this machine: a token would cross the network in clear.
    pub fn is_insecure(&self) -> bool {
        self.scheme.as_deref() == Some("http") && !matches!(self.kind, EndpointKind::Loopback(_))
    }
}

pub fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(pairs: &[(&str, &str)]) -> Endpoint {
        Endpoint::from_env(&Env::from_pairs(pairs.iter().copied()))
    }

    #[test]
    fn default_and_overrides() {
        assert_eq!(ep(&[]).url, DEFAULT_ENDPOINT);
        assert_eq!(ep(&[]).kind, EndpointKind::Hub);
        assert_eq!(
            ep(&[("HF_ENDPOINT", "https://hf.co//")]).url,
            "https://hf.co"
        );
        assert_eq!(ep(&[("HF_ENDPOINT", "")]).kind, EndpointKind::Empty);
        assert_eq!(
            ep(&[("HF_ENDPOINT", "huggingface.co")]).kind,
            EndpointKind::NoScheme
        );
        assert_eq!(
            ep(&[("HF_ENDPOINT", "ftp://huggingface.co")]).kind,
            EndpointKind::NoScheme
        );
        assert_eq!(
            ep(&[("HF_ENDPOINT", "https://hf-mirror.com")]).kind,
            EndpointKind::KnownMirror("hf-mirror.com".into())
        );
        assert!(matches!(
            ep(&[("HF_ENDPOINT", "http://127.0.0.1:8080")]).kind,
            EndpointKind::Loopback(_)
        ));
        assert!(!ep(&[("HF_ENDPOINT", "http://127.0.0.1:8080")]).is_insecure());
        assert!(ep(&[("HF_ENDPOINT", "http://hub.corp.example")]).is_insecure());
        let staged = ep(&[
            ("HUGGINGFACE_CO_STAGING", "yes"),
            ("HF_ENDPOINT", "https://x.example"),
        ]);
        assert_eq!(staged.url, STAGING_ENDPOINT);
        assert_eq!(staged.source, EndpointSource::Staging);
    }
}
