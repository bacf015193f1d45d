//! Git remote URLs of the Hub: https, ssh and scp-like forms, what repo (and type) they name,
//! and what is wrong with them (a browser URL, plain http, no namespace, a token inside, a
//! misspelt host).

use crate::hub::endpoint::HUB_HOSTS;
use crate::hub::repo::{split_repo_path, RepoPath, RepoType};
use crate::secret::Secret;
use crate::world::urls::percent_decode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Https,
    Http,
    Ssh,
}

#[derive(Debug, Clone)]
pub struct RemoteUrl {
    pub transport: Transport,
    pub host: String,
    pub port: Option<u16>,
    pub user: Option<String>,
    /// A password or token written into the URL (https://user:TOKEN@host/…).
    pub password: Option<Secret>,
    /// The path after the host, without leading slash or `.git`.
    pub path: String,
    pub repo_type: RepoType,
    /// `namespace/name` (or a bare `name` when the URL has no namespace).
    pub repo_id: Option<String>,
    /// What follows the repo in a URL pasted from the browser (`/tree/main`, `/blob/…`).
    pub browser_suffix: Option<String>,
}

impl RemoteUrl {
    pub fn parse(url: &str) -> Option<RemoteUrl> {
        let (transport, rest) = if let Some(r) = url.strip_prefix("https://") {
            (Transport::Https, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (Transport::Http, r)
        } else if let Some(r) = url.strip_prefix("ssh://") {
            (Transport::Ssh, r)
        } else if let Some((left, right)) = url.split_once(':') {
            // scp-like `user@host:path`: a colon before any slash, and not a Windows drive.
            if left.contains('/') || left.len() < 2 {
                return None;
            }
            return Self::from_parts(Transport::Ssh, left, None, right);
        } else {
            return None;
        };
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (authority, port) = match authority.rsplit_once(':') {
            Some((a, p))
                if !a.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() =>
            {
                (a, p.parse().ok())
            }
            _ => (authority, None),
        };
        Self::from_parts(transport, authority, port, path)
    }

    fn from_parts(
        transport: Transport,
        authority: &str,
        port: Option<u16>,
        path: &str,
    ) -> Option<RemoteUrl> {
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo.map(|u| u.split_once(':').unwrap_or((u, ""))) {
            Some((u, p)) => (
                (!u.is_empty()).then(|| percent_decode(u)),
                (!p.is_empty()).then(|| Secret::new(percent_decode(p))),
            ),
            None => (None, None),
        };
        let host = host.to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        let path = path.trim_start_matches('/').trim_end_matches('/');
        let RepoPath {
            repo_type,
            id: repo_id,
            suffix: browser_suffix,
        } = split_repo_path(path);
        Some(RemoteUrl {
            transport,
            host,
            port,
            user,
            password,
            path: path.trim_end_matches(".git").to_string(),
            repo_type,
            repo_id,
            browser_suffix,
        })
    }

    /// The host is the Hub (or the configured endpoint's host).
    /// The URL git asks before a push: `…/info/refs?service=git-receive-pack`. None without a
    /// repo id or over SSH.
    pub fn receive_pack_discovery_url(&self) -> Option<String> {
        let scheme = match self.transport {
            Transport::Http => "http",
            Transport::Https => "https",
            _ => return None,
        };
        let host = crate::world::urls::host_port(&self.host, self.port);
        let id = self.repo_id.as_ref()?;
        Some(format!(
            "{scheme}://{host}/{}{id}/info/refs?service=git-receive-pack",
            self.repo_type.url_prefix()
        ))
    }

    pub fn is_hub(&self, endpoint_host: Option<&str>) -> bool {
        HUB_HOSTS.contains(&self.host.as_str()) || Some(self.host.as_str()) == endpoint_host
    }

    /// A host that looks like a misspelt huggingface.co (huggingface.com, hugginface.co, …).
    pub fn host_typo(&self) -> bool {
        !HUB_HOSTS.contains(&self.host.as_str())
            && (strsim::levenshtein(&self.host, "huggingface.co") <= 3
                || self.host.starts_with("huggingface.")
                || self.host.starts_with("hugginface.")
                || self.host.starts_with("hugging-face."))
    }

    pub fn has_namespace(&self) -> bool {
        self.repo_id.as_deref().is_some_and(|id| id.contains('/'))
    }

    /// The URL this remote should have: https, the Hub host, the type prefix, the repo id, no
    /// credentials, no browser suffix.
    pub fn clean_url(&self, host: &str) -> Option<String> {
        let id = self.repo_id.as_deref()?;
        let prefix = self.repo_type.url_prefix();
        if self.transport == Transport::Ssh {
            return Some(format!("git@{host}:{prefix}{id}"));
        }
        // A server on this machine (a local Hub, a test) keeps its scheme; the Hub is https.
        let local = crate::hub::endpoint::is_loopback_host(host);
        let scheme = if local && self.transport == Transport::Http {
            "http"
        } else {
            "https"
        };
        let port = match (local, self.port) {
            (true, Some(p)) => format!(":{p}"),
            _ => String::new(),
        };
        Some(format!("{scheme}://{host}{port}/{prefix}{id}"))
    }
}

/// The URL with a password shown masked: safe to print.
pub fn masked_url(url: &str) -> String {
    let Some(parsed) = RemoteUrl::parse(url) else {
        return url.to_string();
    };
    let Some(password) = &parsed.password else {
        return url.to_string();
    };
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let at = url[scheme_end..].find('@').map(|i| i + scheme_end);
    match at {
        Some(at) => {
            let user = parsed.user.as_deref().unwrap_or("");
            format!(
                "{}{}:{}{}",
                &url[..scheme_end],
                user,
                password.masked(),
                &url[at..]
            )
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(url: &str) -> RemoteUrl {
        RemoteUrl::parse(url).unwrap_or_else(|| panic!("{url}"))
    }

    #[test]
    fn forms() {
        let r = p("https://huggingface.co/spaces/acme/demo");
        assert_eq!(
            (r.transport, r.repo_type),
            (Transport::Https, RepoType::Space)
        );
        assert_eq!(r.repo_id.as_deref(), Some("acme/demo"));
        assert!(r.is_hub(None));
        let r = p("https://hf.co/datasets/acme/d.git");
        assert_eq!(r.repo_type, RepoType::Dataset);
        assert_eq!(r.repo_id.as_deref(), Some("acme/d"));
        let r = p("git@hf.co:spaces/acme/demo");
        assert_eq!((r.transport, r.host.as_str()), (Transport::Ssh, "hf.co"));
        assert_eq!(r.user.as_deref(), Some("git"));
        assert_eq!(r.repo_id.as_deref(), Some("acme/demo"));
        let r = p("ssh://git@hf.co:22/acme/model");
        assert_eq!(
            (r.port, r.repo_id.as_deref()),
            (Some(22), Some("acme/model"))
        );
        let r = p("https://huggingface.co/acme/model/tree/main");
        assert_eq!(r.browser_suffix.as_deref(), Some("/tree/main"));
        assert_eq!(r.repo_id.as_deref(), Some("acme/model"));
        let r = p("https://huggingface.co/spaces/demo");
        assert!(!r.has_namespace());
        let r = p("http://127.0.0.1:8080/acme/model");
        assert_eq!((r.transport, r.port), (Transport::Http, Some(8080)));
        assert!(r.is_hub(Some("127.0.0.1")));
        assert!(RemoteUrl::parse("/srv/git/repo.git").is_none());
        assert!(RemoteUrl::parse("C:/repo").is_none());
    }

    #[test]
    fn credentials_are_found_and_masked() {
        let url = "https://alice:hf_abcdefghijklmnopqrstuvwxyzABCDEFGH@huggingface.co/acme/m";
        let r = p(url);
        assert_eq!(r.user.as_deref(), Some("alice"));
        assert_eq!(
            r.password.as_ref().unwrap().expose(),
            "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"
        );
        let m = masked_url(url);
        assert_eq!(m, "https://alice:hf_…EFGH@huggingface.co/acme/m");
        assert!(!m.contains("abcdefghijkl"));
        assert_eq!(
            masked_url("https://huggingface.co/x/y"),
            "https://huggingface.co/x/y"
        );
    }

    #[test]
    fn typos() {
        for host in [
            "huggingface.com",
            "hugginface.co",
            "huggingface.c",
            "hugging-face.co",
            "huggingfase.co",
        ] {
            assert!(p(&format!("https://{host}/a/b")).host_typo(), "{host}");
        }
        for host in ["huggingface.co", "hf.co", "github.com", "gitlab.com"] {
            assert!(!p(&format!("https://{host}/a/b")).host_typo(), "{host}");
        }
    }

    #[test]
    fn clean_urls() {
        let r = p("http://alice:x@huggingface.co/spaces/acme/demo/blob/main/app.py");
        assert_eq!(
            r.clean_url("huggingface.co").unwrap(),
            "https://huggingface.co/spaces/acme/demo"
        );
        let r = p("git@hf.co:datasets/acme/d");
        assert_eq!(r.clean_url("hf.co").unwrap(), "git@hf.co:datasets/acme/d");
    }
}
