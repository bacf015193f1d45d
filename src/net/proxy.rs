//! Proxy variables exactly as huggingface_hub 2.x's HTTP stack reads them: `urllib`'s
//! `getproxies_environment` (every `*_proxy` variable, any case; the lowercase one wins, and an
//! empty lowercase one removes it; `HTTP_PROXY` is ignored under CGI), then httpx2's
//! `get_environment_proxies` and `URLPattern` (NO_PROXY entries as host, `.suffix`, `*.suffix`,
//! IP, CIDR, `[v6]`, `host:port`, `scheme://…`; `*` turns every proxy off; unparsable entries
//! are dropped), matched most specific first.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::world::env::Env;

/// One proxy variable as the client ends up using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyVar {
    /// The variable that supplied it (`https_proxy`, `HTTPS_PROXY`, …).
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPat {
    Any,
    Exact(String),
    /// `*.example.com`: subdomains only.
    Subdomains(String),
    /// `*example.com`: the domain and its subdomains.
    DomainOrSub(String),
    Network(IpAddr, u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    /// None matches every scheme (`all://`).
    scheme: Option<String>,
    host: HostPat,
    port: Option<u16>,
    /// The NO_PROXY entry or variable it came from.
    source: String,
}

impl Pattern {
    /// httpx2 `URLPattern.priority`: with a port first, exact hosts before networks before
    /// no host, smaller networks first, longer hosts first, longer schemes first.
    fn priority(&self) -> (u8, u8, u128, i64, i64) {
        let port = if self.port.is_some() { 0 } else { 1 };
        let (kind, net, host_len) = match &self.host {
            HostPat::Any => (2, 0, 0),
            HostPat::Network(ip, bits) => {
                let total: u32 = if ip.is_ipv4() { 32 } else { 128 };
                let count = 1u128.checked_shl(total - *bits as u32).unwrap_or(u128::MAX);
                (1, count, 0)
            }
            HostPat::Exact(h) => (0, 0, h.len() as i64),
            HostPat::Subdomains(d) => (0, 0, d.len() as i64 + 2),
            HostPat::DomainOrSub(d) => (0, 0, d.len() as i64 + 1),
        };
        let scheme = self.scheme.as_ref().map_or(0, |s| s.len()) as i64;
        (port, kind, net, -host_len, -scheme)
    }

    fn matches(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        if let Some(s) = &self.scheme {
            if s != scheme {
                return false;
            }
        }
        let host_ok = match &self.host {
            HostPat::Any => true,
            HostPat::Exact(h) => h == host,
            HostPat::Subdomains(d) => host.len() > d.len() + 1 && host.ends_with(&format!(".{d}")),
            HostPat::DomainOrSub(d) => {
                host == d || (host.len() > d.len() && host.ends_with(&format!(".{d}")))
            }
            HostPat::Network(net, bits) => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| in_network(ip, *net, *bits)),
        };
        host_ok && (self.port.is_none() || self.port == port)
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits as u32)
            };
            (u32::from(a) & mask) == (u32::from(n) & mask)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits as u32)
            };
            (u128::from(a) & mask) == (u128::from(n) & mask)
        }
        _ => false,
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProxySettings {
    /// scheme (`http`, `https`, `all`, `no`, …) → the variable the client uses.
    pub vars: BTreeMap<String, ProxyVar>,
    /// Upper- and lower-case forms of one variable that are both set and differ.
    pub disagreements: Vec<(ProxyVar, ProxyVar)>,
    /// NO_PROXY entries the client drops (it cannot parse them).
    pub ignored: Vec<String>,
    /// NO_PROXY contains `*`: every proxy is off.
    pub no_proxy_all: bool,
    mounts: Vec<(Pattern, Option<String>)>,
}

/// A reqwest proxy that routes each URL exactly as the Python client picks its proxy
/// (`ProxySettings::route`), not as reqwest reads the process environment. None without any.
pub fn reqwest_proxy(settings: &ProxySettings) -> Option<reqwest::Proxy> {
    if !settings.any() {
        return None;
    }
    let settings = settings.clone();
    Some(reqwest::Proxy::custom(move |url| {
        match settings.route(url) {
            Route::Proxy { url, .. } => {
                url::Url::parse(&crate::world::urls::with_default_scheme(&url)).ok()
            }
            _ => None,
        }
    }))
}

/// What the client does for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Direct,
    /// Bypassed by this NO_PROXY entry.
    Bypassed(String),
    /// Through this proxy URL (as written, may hold credentials), chosen by this variable.
    Proxy {
        url: String,
        var: String,
    },
}

impl ProxySettings {
    pub fn from_env(env: &Env) -> Self {
        let mut s = ProxySettings::default();
        // urllib.request.getproxies_environment, pass 1: any case.
        let cgi = env.is_set("REQUEST_METHOD");
        let mut seen: BTreeMap<String, Vec<ProxyVar>> = BTreeMap::new();
        for (name, value) in env.iter() {
            let lower = name.to_ascii_lowercase();
            let Some(scheme) = lower.strip_suffix("_proxy") else {
                continue;
            };
            let value = value.to_string_lossy().into_owned();
            seen.entry(scheme.to_string()).or_default().push(ProxyVar {
                name: name.clone(),
                value: value.clone(),
            });
            if !value.is_empty() {
                s.vars.insert(
                    scheme.to_string(),
                    ProxyVar {
                        name: name.clone(),
                        value,
                    },
                );
            }
        }
        if cgi {
            s.vars.remove("http");
        }
        // Pass 2: lowercase names only, which win (and an empty one removes).
        for (name, value) in env.iter() {
            let Some(scheme) = name.strip_suffix("_proxy") else {
                continue;
            };
            let value = value.to_string_lossy().into_owned();
            if value.is_empty() {
                s.vars.remove(scheme);
            } else {
                s.vars.insert(
                    scheme.to_string(),
                    ProxyVar {
                        name: name.clone(),
                        value,
                    },
                );
            }
        }
        for vars in seen.values() {
            if let (Some(upper), Some(lower)) = (
                vars.iter()
                    .find(|v| v.name.chars().any(|c| c.is_ascii_uppercase())),
                vars.iter()
                    .find(|v| v.name.chars().all(|c| !c.is_ascii_uppercase())),
            ) {
                if upper.value != lower.value {
                    s.disagreements.push((upper.clone(), lower.clone()));
                }
            }
        }
        // httpx2 get_environment_proxies.
        for scheme in ["http", "https", "all"] {
            if let Some(v) = s.vars.get(scheme) {
                let url = crate::world::urls::with_default_scheme(&v.value);
                let pattern = Pattern {
                    scheme: (scheme != "all").then(|| scheme.to_string()),
                    host: HostPat::Any,
                    port: None,
                    source: v.name.clone(),
                };
                s.mounts.push((pattern, Some(url)));
            }
        }
        let no = s
            .vars
            .get("no")
            .map(|v| v.value.clone())
            .unwrap_or_default();
        for entry in no.split(',').map(str::trim) {
            if entry == "*" {
                s.no_proxy_all = true;
                s.mounts.clear();
                break;
            }
            if entry.is_empty() {
                continue;
            }
            match no_proxy_pattern(entry) {
                Some(p) => s.mounts.push((p, None)),
                None => s.ignored.push(entry.to_string()),
            }
        }
        if s.no_proxy_all {
            s.mounts.clear();
        }
        // Stable sort, like Python's sorted(): equal priorities keep insertion order.
        s.mounts.sort_by_key(|(p, _)| p.priority());
        s
    }

    /// The route for a URL, as httpx2's `_transport_for_url` picks it.
    pub fn route(&self, url: &url::Url) -> Route {
        let scheme = url.scheme();
        // httpx's URL.host has no brackets around an IPv6 address.
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        // httpx normalises a default port away.
        let port = url.port();
        for (pattern, proxy) in &self.mounts {
            if pattern.matches(scheme, &host, port) {
                return match proxy {
                    Some(p) => Route::Proxy {
                        url: p.clone(),
                        var: pattern.source.clone(),
                    },
                    None => Route::Bypassed(pattern.source.clone()),
                };
            }
        }
        Route::Direct
    }

    pub fn any(&self) -> bool {
        ["http", "https", "all"]
            .iter()
            .any(|s| self.vars.contains_key(*s))
    }
}

fn is_ipv4(s: &str) -> bool {
    s.split('/')
        .next()
        .is_some_and(|h| h.parse::<std::net::Ipv4Addr>().is_ok())
}

fn is_ipv6(s: &str) -> bool {
    s.split('/')
        .next()
        .is_some_and(|h| h.parse::<std::net::Ipv6Addr>().is_ok())
}

fn valid_host_chars(h: &str) -> bool {
    !h.is_empty()
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '*'))
}

/// `(host, port)` from `host[:port]`; None when the port is not a number.
fn split_port(s: &str) -> Option<(String, Option<u16>)> {
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Some((h.to_string(), Some(p.parse().ok()?))),
        _ => Some((s.to_string(), None)),
    }
}

/// One NO_PROXY entry as httpx2 turns it into a pattern (None: it drops the entry).
fn no_proxy_pattern(entry: &str) -> Option<Pattern> {
    let source = entry.to_string();
    if let Some((scheme, rest)) = entry.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        let (host, port) = split_port(rest.trim_end_matches('/'))?;
        let host = host.to_ascii_lowercase();
        let host = if host.is_empty() || host == "*" {
            HostPat::Any
        } else if let Some(d) = host.strip_prefix("*.") {
            HostPat::Subdomains(d.to_string())
        } else if let Some(d) = host.strip_prefix('*') {
            HostPat::DomainOrSub(d.to_string())
        } else if valid_host_chars(&host) {
            HostPat::Exact(host)
        } else {
            return None;
        };
        return Some(Pattern {
            scheme: (scheme != "all").then_some(scheme),
            host,
            port,
            source,
        });
    }
    if is_ipv4(entry) || is_ipv6(entry) {
        // An address, or a network in CIDR form (httpx2 turns both into patterns).
        let (addr, bits) = match entry.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (entry, None),
        };
        let ip: IpAddr = addr.parse().ok()?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        return Some(Pattern {
            scheme: None,
            host: match bits {
                Some(b) => HostPat::Network(ip, b.parse().ok().filter(|b| *b <= max)?),
                None => HostPat::Exact(ip.to_string()),
            },
            port: None,
            source,
        });
    }
    if entry.eq_ignore_ascii_case("localhost") {
        return Some(Pattern {
            scheme: None,
            host: HostPat::Exact("localhost".into()),
            port: None,
            source,
        });
    }
    if let Some(rest) = entry.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        let ip: std::net::Ipv6Addr = addr.parse().ok()?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some(Pattern {
            scheme: None,
            host: HostPat::Exact(ip.to_string()),
            port,
            source,
        });
    }
    if entry.contains('/') {
        return None;
    }
    let (host, port) = split_port(entry)?;
    let host = host.to_ascii_lowercase();
    if !valid_host_chars(&host) {
        return None;
    }
    let pat = if let Some(d) = host.strip_prefix("*.") {
        HostPat::Subdomains(d.to_string())
    } else if let Some(d) = host.strip_prefix('.') {
        HostPat::Subdomains(d.to_string())
    } else {
        HostPat::DomainOrSub(host.trim_start_matches('*').to_string())
    };
    Some(Pattern {
        scheme: None,
        host: pat,
        port,
        source,
    })
}

/// A proxy URL with its password masked: safe to print.
pub fn masked_proxy(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return mask_userinfo(url);
    };
    format!("{scheme}://{}", mask_userinfo(rest))
}

fn mask_userinfo(rest: &str) -> String {
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{user}:****@{host}{path}")
            } else {
                format!("{user}@{host}{path}")
            }
        }
        None => rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking() {
        assert_eq!(
            masked_proxy("http://bob:s3cret@proxy:3128"),
            "http://bob:****@proxy:3128"
        );
        assert_eq!(masked_proxy("proxy:3128"), "proxy:3128");
        assert_eq!(masked_proxy("bob:pw@proxy:3128"), "bob:****@proxy:3128");
    }
}
