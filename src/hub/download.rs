//! Where a file's bytes come from, as the Hub's own answers say it (docs/notes/download-path.md):
//! the headers of the resolve HEAD (`X-Repo-Commit`, `X-Linked-Size`, `X-Linked-Etag`,
//! `X-Xet-Hash`, the `Link` rels, `Location`), the xet read/write token (`casUrl`), and the CAS
//! reconstruction that names the transfer host. Pure parsing: the requests are made by
//! `HubClient` (API) and `net::storage` (storage hosts).

use serde::Deserialize;

use crate::hub::repo::RepoType;
use crate::hub::Answer;
use crate::secret::Secret;

/// How a file is stored, which decides the hosts a client reads it from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// In git itself: the resolve answer carries the bytes, no other host.
    Git,
    /// LFS: the resolve answer redirects to a CDN URL, fetched without the Hub token.
    Lfs,
    /// Xet: hf_xet asks the xet read token, then the CAS host it names; a client without
    /// hf_xet follows `Location` to the bridge instead.
    Xet,
}

/// The resolve HEAD, read as huggingface_hub 2.4.0 reads it (`get_hf_file_metadata`,
/// `parse_xet_file_data_from_response`).
#[derive(Debug, Clone, Default)]
pub struct ResolveHead {
    pub status: u16,
    pub commit: Option<String>,
    pub size: Option<u64>,
    pub etag: Option<String>,
    /// `Location`, made absolute against the resolve URL.
    pub location: Option<url::Url>,
    pub xet_hash: Option<String>,
    /// The xet token refresh route: `Link rel="xet-auth"`, else `X-Xet-Refresh-Route`.
    pub xet_auth: Option<String>,
}

impl ResolveHead {
    pub fn from_answer(answer: &Answer, resolve_url: &url::Url) -> Self {
        let h = |name: &str| answer.header(name).map(str::to_string);
        let links = answer.header("link").map(links).unwrap_or_default();
        let rel = |r: &str| {
            links
                .iter()
                .find(|(_, rel)| rel == r)
                .map(|(u, _)| u.clone())
        };
        let redirect = (300..400).contains(&answer.status);
        let size = h("x-linked-size")
            .or_else(|| (!redirect).then(|| h("content-length")).flatten())
            .and_then(|s| s.trim().parse().ok());
        ResolveHead {
            status: answer.status,
            commit: answer.repo_commit.clone(),
            size,
            etag: h("x-linked-etag")
                .or_else(|| h("etag"))
                .map(|e| e.trim_start_matches("W/").trim_matches('"').to_string()),
            location: h("location").and_then(|l| resolve_url.join(&l).ok()),
            xet_hash: h("x-xet-hash").filter(|s| !s.is_empty()),
            xet_auth: rel("xet-auth").or_else(|| h("x-xet-refresh-route")),
        }
    }

    /// Xet when both the hash and a refresh route are there (the client needs both), LFS
    /// when the answer redirects to another host, git otherwise.
    pub fn storage(&self, resolve_url: &url::Url) -> Storage {
        if self.xet_hash.is_some() && self.xet_auth.is_some() {
            Storage::Xet
        } else if self
            .location
            .as_ref()
            .is_some_and(|l| l.origin() != resolve_url.origin())
        {
            Storage::Lfs
        } else {
            Storage::Git
        }
    }
}

/// The `<url>; rel="name"` pairs of a `Link` header, as (url, rel).
pub fn links(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in split_links(value) {
        let part = part.trim();
        let Some(rest) = part.strip_prefix('<') else {
            continue;
        };
        let Some((url, params)) = rest.split_once('>') else {
            continue;
        };
        for param in params.split(';') {
            let Some((k, v)) = param.trim().split_once('=') else {
                continue;
            };
            if k.trim().eq_ignore_ascii_case("rel") {
                for rel in v.trim().trim_matches('"').split_whitespace() {
                    out.push((url.to_string(), rel.to_string()));
                }
            }
        }
    }
    out
}

/// Split a `Link` header at the commas between entries, not the ones inside `<…>`.
fn split_links(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in value.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth <= 0 => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// `/{prefix}{id}/resolve/{rev}/{file}`, quoted as the client quotes it.
pub fn resolve_path(repo_type: RepoType, id: &str, rev: &str, file: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    // Python's quote(): everything but letters, digits, `_.-~` and, for the file, `/`.
    const FILE: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'[')
        .add(b']')
        .add(b'|')
        .add(b'\\')
        .add(b'^')
        .add(b'&')
        .add(b'+')
        .add(b',')
        .add(b';')
        .add(b'=')
        .add(b'@')
        .add(b'$')
        .add(b'!')
        .add(b'\'')
        .add(b'(')
        .add(b')')
        .add(b'*')
        .add(b':');
    const REV: &AsciiSet = &FILE.add(b'/');
    format!(
        "/{}{id}/resolve/{}/{}",
        repo_type.url_prefix(),
        utf8_percent_encode(rev, REV),
        utf8_percent_encode(file, FILE)
    )
}

/// `/api/{type}s/{id}/xet-{read|write}-token/{rev}`.
pub fn xet_token_path(repo_type: RepoType, id: &str, rev: &str, write: bool) -> String {
    let kind = if write { "write" } else { "read" };
    format!("{}/{id}/xet-{kind}-token/{rev}", repo_type.api())
}

/// A xet access token: it goes only to `cas_url`, never printed.
#[derive(Debug, Clone)]
pub struct XetToken {
    pub access: Secret,
    pub exp: Option<u64>,
    pub cas_url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct XetTokenBody {
    access_token: String,
    #[serde(default)]
    exp: Option<u64>,
    cas_url: String,
}

/// The token answer: the JSON body (hf_xet reads it), else the `X-Xet-*` headers (0.x and
/// git-xet read those). None when neither names a CAS URL and a token.
pub fn xet_token(answer: &Answer) -> Option<XetToken> {
    if let Some(b) = answer.json::<XetTokenBody>() {
        if !b.access_token.is_empty() && !b.cas_url.is_empty() {
            return Some(XetToken {
                access: Secret::new(b.access_token),
                exp: b.exp,
                cas_url: b.cas_url,
            });
        }
    }
    let cas_url = answer.header("x-xet-cas-url")?.to_string();
    let access = answer.secret_header.clone()?;
    Some(XetToken {
        access,
        exp: answer
            .header("x-xet-token-expiration")
            .and_then(|s| s.parse().ok()),
        cas_url,
    })
}

/// The first byte range a reconstruction asks of a transfer host: the presigned URL (no
/// token: it is signed) and the bytes of it to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub url: String,
    pub start: u64,
    /// Inclusive, as in `Range: bytes=start-end`.
    pub end: u64,
}

#[derive(Deserialize)]
struct Reconstruction {
    #[serde(default)]
    terms: Vec<Term>,
    /// V2: xorb hash → [{url, ranges: [{bytes: {start, end}}]}]
    #[serde(default)]
    xorbs: std::collections::HashMap<String, Vec<XorbFetch>>,
    /// V1: xorb hash → [{url, url_range: {start, end}}]
    #[serde(default)]
    fetch_info: std::collections::HashMap<String, Vec<FetchInfoV1>>,
}

#[derive(Deserialize)]
struct Term {
    hash: String,
}

#[derive(Deserialize)]
struct XorbFetch {
    url: String,
    #[serde(default)]
    ranges: Vec<XorbRange>,
}

#[derive(Deserialize)]
struct XorbRange {
    bytes: ByteRange,
}

#[derive(Deserialize)]
struct FetchInfoV1 {
    url: String,
    url_range: ByteRange,
}

#[derive(Deserialize)]
struct ByteRange {
    start: u64,
    end: u64,
}

/// The first fetch of a reconstruction (V2 or V1 shape, xet-core `cas_types`): the xorb of
/// the first term, its first range. Both V2 `bytes` and V1 `url_range` are `HttpRange`s, whose
/// `end` is inclusive (docs/notes/download-path.md).
pub fn first_fetch(body: &[u8]) -> Option<Fetch> {
    let r: Reconstruction = serde_json::from_slice(body).ok()?;
    let hash = &r.terms.first()?.hash;
    if let Some(f) = r.xorbs.get(hash).and_then(|v| v.first()) {
        let range = f.ranges.first()?;
        return Some(Fetch {
            url: f.url.clone(),
            start: range.bytes.start,
            end: range.bytes.end.max(range.bytes.start),
        });
    }
    let f = r.fetch_info.get(hash)?.first()?;
    Some(Fetch {
        url: f.url.clone(),
        start: f.url_range.start,
        end: f.url_range.end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)]) -> Answer {
        let mut a = Answer::empty(status);
        a.headers = headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect();
        a.repo_commit = a.header("x-repo-commit").map(str::to_string);
        a
    }

    #[test]
    fn a_xet_file_is_told_from_an_lfs_file_and_a_git_file() {
        let url =
            url::Url::parse("https://huggingface.co/a/b/resolve/main/model.safetensors").unwrap();
        let xet = answer(
            302,
            &[
                ("X-Repo-Commit", "abc"),
                ("X-Linked-Size", "548105171"),
                ("X-Linked-Etag", "\"248dfc39\""),
                ("X-Xet-Hash", "ff00"),
                ("Link", "<https://huggingface.co/api/models/a/b/xet-read-token/abc>; rel=\"xet-auth\", <https://cas-server.xethub.hf.co/v1/reconstructions/ff00>; rel=\"xet-reconstruction-info\""),
                ("Location", "https://cas-bridge.xethub.hf.co/xet-bridge-us/x/ff00?X-Xet-Signed-Range=1"),
            ],
        );
        let head = ResolveHead::from_answer(&xet, &url);
        assert_eq!(head.storage(&url), Storage::Xet);
        assert_eq!(head.size, Some(548105171));
        assert_eq!(head.etag.as_deref(), Some("248dfc39"));
        assert_eq!(
            head.xet_auth.as_deref(),
            Some("https://huggingface.co/api/models/a/b/xet-read-token/abc")
        );
        assert_eq!(
            head.location.unwrap().host_str(),
            Some("cas-bridge.xethub.hf.co")
        );

        let lfs = answer(
            302,
            &[
                ("X-Repo-Commit", "abc"),
                ("X-Linked-Size", "10"),
                ("Content-Length", "1234"),
                ("Location", "https://cdn-lfs-us-1.hf.co/repos/x?Expires=1"),
            ],
        );
        let head = ResolveHead::from_answer(&lfs, &url);
        assert_eq!(head.storage(&url), Storage::Lfs);
        assert_eq!(head.size, Some(10));

        // A relative Location (a renamed repo) stays on the Hub; without X-Linked-Size a
        // redirect's Content-Length is not the file's.
        let renamed = answer(
            307,
            &[("Location", "/c/d/resolve/main/x"), ("Content-Length", "9")],
        );
        let head = ResolveHead::from_answer(&renamed, &url);
        assert_eq!(head.storage(&url), Storage::Git);
        assert_eq!(head.size, None);

        // A hash without a refresh route is not usable by hf_xet: the client takes Location.
        let half = answer(
            302,
            &[("X-Xet-Hash", "ff"), ("Location", "https://cdn.example/x")],
        );
        assert_eq!(
            ResolveHead::from_answer(&half, &url).storage(&url),
            Storage::Lfs
        );
        let fallback = answer(
            302,
            &[
                ("X-Xet-Hash", "ff"),
                ("X-Xet-Refresh-Route", "/api/models/a/b/xet-read-token/c"),
            ],
        );
        assert_eq!(
            ResolveHead::from_answer(&fallback, &url).storage(&url),
            Storage::Xet
        );
    }

    #[test]
    fn link_headers_with_commas_inside_urls() {
        let l = links("<https://h/a?x=1,2>; rel=\"xet-auth\", <https://h/b>; rel=next");
        assert_eq!(
            l,
            vec![
                ("https://h/a?x=1,2".to_string(), "xet-auth".to_string()),
                ("https://h/b".to_string(), "next".to_string())
            ]
        );
    }

    #[test]
    fn paths_are_quoted_as_the_client_quotes_them() {
        assert_eq!(
            resolve_path(RepoType::Dataset, "a/b", "refs/pr/1", "dir/x y.bin"),
            "/datasets/a/b/resolve/refs%2Fpr%2F1/dir/x%20y.bin"
        );
        assert_eq!(
            xet_token_path(RepoType::Model, "a/b", "main", true),
            "/api/models/a/b/xet-write-token/main"
        );
    }

    #[test]
    fn reconstructions_of_both_versions() {
        let v2 = br#"{"offset_into_first_range":0,"terms":[{"hash":"h1","unpacked_length":10,"range":{"start":0,"end":1}}],
            "xorbs":{"h1":[{"url":"https://transfer.xethub.hf.co/xorbs/default/h1?sig=1","ranges":[{"chunks":{"start":0,"end":1},"bytes":{"start":0,"end":4096}}]}]}}"#;
        assert_eq!(
            first_fetch(v2),
            Some(Fetch {
                url: "https://transfer.xethub.hf.co/xorbs/default/h1?sig=1".into(),
                start: 0,
                end: 4096
            })
        );
        let v1 = br#"{"terms":[{"hash":"h1"}],"fetch_info":{"h1":[{"range":{"start":0,"end":1},"url":"https://t/x","url_range":{"start":10,"end":99}}]}}"#;
        assert_eq!(
            first_fetch(v1),
            Some(Fetch {
                url: "https://t/x".into(),
                start: 10,
                end: 99
            })
        );
        assert_eq!(first_fetch(b"<html>"), None);
        assert_eq!(first_fetch(br#"{"terms":[]}"#), None);
    }

    #[test]
    fn a_token_answer_as_json_or_as_headers() {
        let mut a = Answer::empty(200);
        a.body = br#"{"accessToken":"xet_abc","exp":1848535668,"casUrl":"https://cas-server.xethub.hf.co"}"#.to_vec();
        let t = xet_token(&a).unwrap();
        assert_eq!(t.access.expose(), "xet_abc");
        assert_eq!(t.cas_url, "https://cas-server.xethub.hf.co");
        let mut h = Answer::empty(200);
        h.headers = vec![("x-xet-cas-url".into(), "https://cas".into())];
        h.secret_header = Some(Secret::new("xet_h"));
        assert_eq!(xet_token(&h).unwrap().access.expose(), "xet_h");
        assert!(xet_token(&Answer::empty(200)).is_none());
    }
}
