//! Where a request went, read from its URL: which kind of host (the Hub, a mirror, a storage
//! host the bytes come from, the inference router) and which route of it (whoami, repo info,
//! resolve, git, LFS, Xet tokens, …). The live checks know the route of what they send; explain
//! reads it from the URLs in pasted text; both classify answers with the same table
//! (`hub::classify_signals`). Host names: docs/notes/explain.md "Hosts and routes".

use crate::hub::endpoint::{HUB_HOSTS, KNOWN_MIRRORS};

/// The kind of host a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    /// huggingface.co and its aliases.
    Hub,
    /// A public mirror people set HF_ENDPOINT to.
    Mirror,
    /// An LFS or Xet-bridge CDN edge (cdn-lfs*, *.cdn.hf.co, cas-bridge*.xethub.hf.co).
    Cdn,
    /// The Xet CAS API (cas-server*.xethub*.hf.co).
    XetCas,
    /// Presigned Xet range downloads (transfer*.xethub*.hf.co).
    XetTransfer,
    /// Inference Providers through the Hub (router.huggingface.co).
    Router,
    /// The retired serverless Inference API (api-inference.huggingface.co).
    LegacyInference,
    /// A host that is none of these.
    Other,
}

impl Host {
    pub fn of(host: &str) -> Host {
        let h = host.trim_end_matches('.').to_ascii_lowercase();
        let h = h.as_str();
        if HUB_HOSTS.contains(&h) {
            Host::Hub
        } else if KNOWN_MIRRORS.contains(&h) || h.contains("mirror") {
            Host::Mirror
        } else if h == "router.huggingface.co" {
            Host::Router
        } else if h == "api-inference.huggingface.co" {
            Host::LegacyInference
        } else if h.starts_with("cas-server") && is_hf(h) {
            Host::XetCas
        } else if h.starts_with("transfer") && is_hf(h) {
            Host::XetTransfer
        } else if (h.starts_with("cdn-lfs")
            || h.starts_with("cas-bridge")
            || h.ends_with(".cdn.hf.co"))
            && is_hf(h)
        {
            Host::Cdn
        } else {
            Host::Other
        }
    }

    /// A host the bytes of a file come from, not the API.
    pub fn is_storage(self) -> bool {
        matches!(self, Host::Cdn | Host::XetCas | Host::XetTransfer)
    }
}

fn is_hf(host: &str) -> bool {
    host.ends_with(".hf.co") || host.ends_with(".huggingface.co")
}

/// The route of the Hub (or a storage host) a request took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    Whoami,
    /// `/api/{type}s/{id}` and its `/revision/{rev}`.
    RepoInfo,
    /// `/{id}/resolve/{rev}/{file}`: a file download.
    Resolve,
    /// `/api/{type}s/{id}/tree/…`, `/paths-info/…`.
    Tree,
    /// `/api/repos/create`.
    CreateRepo,
    /// `/api/{type}s/{id}/preupload/…`, `/commit/…`: an upload through the API.
    Upload,
    /// `/{id}.git/info/refs` (or `/info/refs?service=…`): git's first request.
    GitInfoRefs,
    /// `git-receive-pack`: a push.
    GitPush,
    /// `git-upload-pack`: a clone or fetch.
    GitFetch,
    /// `/info/lfs/objects/batch`.
    LfsBatch,
    XetReadToken,
    XetWriteToken,
    /// `/api/spaces/{id}/runtime`, `/logs/…`.
    SpaceRuntime,
    /// A call to Inference Providers or the retired Inference API.
    Inference,
    /// A request to a storage host (CDN, CAS, transfer).
    Storage,
    /// A page of the site, or anything else.
    Other,
}

impl Route {
    /// The route of a URL on a host of the given kind.
    pub fn of(host: Host, path_and_query: &str) -> Route {
        let p = path_and_query;
        if host.is_storage() {
            return Route::Storage;
        }
        if matches!(host, Host::Router | Host::LegacyInference) {
            return Route::Inference;
        }
        if p.contains("/xet-read-token/") {
            Route::XetReadToken
        } else if p.contains("/xet-write-token/") {
            Route::XetWriteToken
        } else if p.contains("/info/lfs/") {
            Route::LfsBatch
        } else if p.contains("git-receive-pack") {
            Route::GitPush
        } else if p.contains("git-upload-pack") {
            Route::GitFetch
        } else if p.contains("/info/refs") {
            Route::GitInfoRefs
        } else if p.starts_with("/api/whoami") {
            Route::Whoami
        } else if p.starts_with("/api/repos/create") {
            Route::CreateRepo
        } else if p.contains("/resolve/") {
            Route::Resolve
        } else if p.starts_with("/api/spaces/") && (p.contains("/runtime") || p.contains("/logs/"))
        {
            Route::SpaceRuntime
        } else if p.starts_with("/api/") && (p.contains("/preupload/") || p.contains("/commit/")) {
            Route::Upload
        } else if p.starts_with("/api/") && (p.contains("/tree/") || p.contains("/paths-info/")) {
            Route::Tree
        } else if p.starts_with("/api/models/")
            || p.starts_with("/api/datasets/")
            || p.starts_with("/api/spaces/")
        {
            Route::RepoInfo
        } else if p.starts_with("/api/inference-proxy/") {
            Route::Inference
        } else {
            Route::Other
        }
    }

    /// A request git or git-lfs makes.
    pub fn is_git(self) -> bool {
        matches!(
            self,
            Route::GitInfoRefs | Route::GitPush | Route::GitFetch | Route::LfsBatch
        )
    }

    /// A request that writes.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Route::GitPush | Route::XetWriteToken | Route::Upload | Route::CreateRepo
        )
    }
}

/// `(host, kind of host, route)` of a URL; None when it is not one.
pub fn of_url(url: &str) -> Option<(String, Host, Route)> {
    let rest = url.split_once("://")?.1;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    let kind = Host::of(&host);
    Some((host, kind, Route::of(kind, path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(Host::of("huggingface.co"), Host::Hub);
        assert_eq!(Host::of("hf-mirror.com"), Host::Mirror);
        assert_eq!(Host::of("cas-server.xethub.hf.co"), Host::XetCas);
        assert_eq!(Host::of("cas-server.xethub-eu.hf.co"), Host::XetCas);
        assert_eq!(Host::of("transfer.xethub.hf.co"), Host::XetTransfer);
        assert_eq!(Host::of("cas-bridge.xethub.hf.co"), Host::Cdn);
        assert_eq!(Host::of("cdn-lfs-us-1.hf.co"), Host::Cdn);
        assert_eq!(Host::of("cdn-lfs.huggingface.co"), Host::Cdn);
        assert_eq!(Host::of("us.aws.cdn.hf.co"), Host::Cdn);
        assert_eq!(Host::of("router.huggingface.co"), Host::Router);
        assert_eq!(
            Host::of("api-inference.huggingface.co"),
            Host::LegacyInference
        );
        assert_eq!(Host::of("github.com"), Host::Other);
        assert_eq!(Host::of("cdn-lfs.evil.example"), Host::Other);
    }

    #[test]
    fn routes() {
        let r = |u: &str| of_url(u).map(|(_, _, r)| r);
        assert_eq!(
            r("https://huggingface.co/api/whoami-v2"),
            Some(Route::Whoami)
        );
        assert_eq!(
            r("https://huggingface.co/meta-llama/L/resolve/main/config.json"),
            Some(Route::Resolve)
        );
        assert_eq!(
            r("https://huggingface.co/api/models/a/b/revision/main"),
            Some(Route::RepoInfo)
        );
        assert_eq!(
            r("https://huggingface.co/api/datasets/a/b/paths-info/main"),
            Some(Route::Tree)
        );
        assert_eq!(
            r("https://huggingface.co/a/b.git/info/refs?service=git-receive-pack"),
            Some(Route::GitPush)
        );
        assert_eq!(
            r("https://huggingface.co/a/b.git/info/lfs/objects/batch"),
            Some(Route::LfsBatch)
        );
        assert_eq!(
            r("https://huggingface.co/api/models/a/b/xet-write-token/main"),
            Some(Route::XetWriteToken)
        );
        assert_eq!(
            r("https://router.huggingface.co/v1/chat/completions"),
            Some(Route::Inference)
        );
        assert_eq!(
            r("https://cas-server.xethub.hf.co/v1/reconstructions/abc"),
            Some(Route::Storage)
        );
        assert_eq!(
            r("https://user:pw@huggingface.co:443/api/repos/create"),
            Some(Route::CreateRepo)
        );
        assert_eq!(r("not a url"), None);
    }
}
