//! `--verify-cache`: each cached blob's bytes against its name, as `hf cache verify` checks a
//! file (docs/notes/hf-cache.md, "Verifying blobs"): a 64-hex name is the sha256 of the file
//! (LFS and Xet files, named by `X-Linked-Etag`), a 40-hex name the git blob sha1 of a small
//! file (`blob <len>\0` then the bytes, named by `ETag`).
//!
//! Reads only, within a byte budget and a deadline, on a few threads; a blob that does not fit
//! in what is left of the budget is counted, not read.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use sha1::Digest as _;

/// A blob of a repo folder: `blobs/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
}

/// How a blob's name says it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    Sha256,
    GitSha1,
}

impl Algo {
    /// From the name: 64 hex digits, 40 hex digits, or neither (not a name the client gives).
    pub fn of(name: &str) -> Option<Algo> {
        if !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        match name.len() {
            64 => Some(Algo::Sha256),
            40 => Some(Algo::GitSha1),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Algo::Sha256 => "sha256",
            Algo::GitSha1 => "git-sha1",
        }
    }
}

/// What reading a blob gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Matches,
    Differs { algo: Algo, actual: String },
    Unreadable(String),
}

/// Why some blobs were not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    Budget,
    Deadline,
}

#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// The blobs read, each with its verdict, in the order asked.
    pub read: Vec<(Blob, Verdict)>,
    /// Blobs left unread, and their bytes.
    pub unread: usize,
    pub unread_bytes: u64,
    /// What stopped the rest: the budget first, the deadline where both did.
    pub cut: Option<Cut>,
}

/// The blobs of a repo folder whose names are hashes (not `.incomplete` leftovers).
pub fn blobs_of(repo_dir: &Path) -> Vec<Blob> {
    let Ok(entries) = std::fs::read_dir(repo_dir.join("blobs")) else {
        return Vec::new();
    };
    let mut out: Vec<Blob> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            Algo::of(&name)?;
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some(Blob {
                path: e.path(),
                name,
                size: meta.len(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Read each blob in order while the budget and the deadline last, on up to 4 threads. A blob
/// larger than what is left of the budget is skipped (a smaller one after it may still fit).
pub fn verify(blobs: Vec<Blob>, budget: u64, deadline: Instant) -> Verified {
    // Reserve each blob's bytes in order, before any is read: what is read does not depend
    // on which thread is faster.
    let mut left = budget;
    let mut chosen = Vec::new();
    let mut out = Verified::default();
    for b in blobs {
        if b.size <= left {
            left -= b.size;
            chosen.push(b);
        } else {
            out.unread += 1;
            out.unread_bytes += b.size;
            out.cut = Some(Cut::Budget);
        }
    }
    let late = AtomicBool::new(false);
    let next = AtomicU64::new(0);
    let results: Mutex<Vec<Option<Verdict>>> = Mutex::new(vec![None; chosen.len()]);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4)
        .min(chosen.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some(b) = chosen.get(i) else {
                    return;
                };
                let verdict = check_one(b, deadline);
                if verdict.is_none() {
                    late.store(true, Ordering::Relaxed);
                }
                results.lock().unwrap()[i] = verdict;
            });
        }
    });
    let results = results.into_inner().unwrap();
    for (b, v) in chosen.into_iter().zip(results) {
        match v {
            Some(v) => out.read.push((b, v)),
            None => {
                out.unread += 1;
                out.unread_bytes += b.size;
            }
        }
    }
    if late.load(Ordering::Relaxed) {
        out.cut = Some(Cut::Deadline);
    }
    out
}

/// One blob's verdict; None when the deadline came first.
fn check_one(b: &Blob, deadline: Instant) -> Option<Verdict> {
    let algo = Algo::of(&b.name)?;
    if Instant::now() >= deadline {
        return None;
    }
    let mut file = match std::fs::File::open(&b.path) {
        Ok(f) => f,
        Err(e) => return Some(Verdict::Unreadable(e.to_string())),
    };
    let mut hasher = Hasher::new(algo, b.size);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        if Instant::now() >= deadline {
            return None;
        }
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Some(Verdict::Unreadable(e.to_string())),
        }
    }
    let actual = hasher.hex();
    Some(if actual.eq_ignore_ascii_case(&b.name) {
        Verdict::Matches
    } else {
        Verdict::Differs { algo, actual }
    })
}

/// sha256 of the bytes, or git's blob sha1 (`blob <len>\0` then the bytes). The length in
/// the header is the file's size when it was listed: a file that grows while it is read
/// differs, as it should.
enum Hasher {
    Sha256(sha2::Sha256),
    GitSha1(sha1::Sha1),
}

impl Hasher {
    fn new(algo: Algo, size: u64) -> Self {
        match algo {
            Algo::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algo::GitSha1 => {
                let mut h = sha1::Sha1::new();
                h.update(format!("blob {size}\0").as_bytes());
                Hasher::GitSha1(h)
            }
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::GitSha1(h) => h.update(bytes),
        }
    }

    fn hex(self) -> String {
        let bytes: Vec<u8> = match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::GitSha1(h) => h.finalize().to_vec(),
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// `--verify-cache[=SIZE]`: `all`, or a size as `500M`, `2G`, `1.5GiB`, `4096` (bytes).
pub fn parse_budget(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("all") {
        return Ok(u64::MAX);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size: use e.g. 500M, 2G or all"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(format!("'{s}' is not a size: use e.g. 500M, 2G or all")),
    };
    if n.is_nan() || n <= 0.0 {
        return Err(format!("'{s}' is not a size above 0"));
    }
    Ok((n * mult as f64).min(u64::MAX as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn blob(dir: &Path, name: &str, bytes: &[u8]) -> Blob {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Blob {
            path,
            name: name.into(),
            size: bytes.len() as u64,
        }
    }

    // `printf 'hello\n' | sha256sum` and `printf 'hello\n' | git hash-object --stdin`.
    const HELLO_SHA256: &str = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    const HELLO_GIT: &str = "ce013625030ba8dba906f756967f9e9ca394464a";

    #[test]
    fn a_blob_matches_its_name_by_either_hash_and_a_changed_one_does_not() {
        let d = tempfile::tempdir().unwrap();
        let later = Instant::now() + Duration::from_secs(60);
        let good = vec![
            blob(d.path(), HELLO_SHA256, b"hello\n"),
            blob(d.path(), HELLO_GIT, b"hello\n"),
        ];
        let v = verify(good, u64::MAX, later);
        assert!(v.read.iter().all(|(_, v)| *v == Verdict::Matches), "{v:?}");
        assert_eq!((v.unread, v.cut), (0, None));
        let bad = blob(d.path(), &HELLO_SHA256.replace('5', "6"), b"hello\n");
        let v = verify(vec![bad], u64::MAX, later);
        assert_eq!(
            v.read[0].1,
            Verdict::Differs {
                algo: Algo::Sha256,
                actual: HELLO_SHA256.into()
            }
        );
    }

    #[test]
    fn the_budget_and_the_deadline_leave_blobs_unread_and_say_which_cut() {
        let d = tempfile::tempdir().unwrap();
        let big = blob(d.path(), &"a".repeat(64), &[0u8; 4096]);
        let small = blob(d.path(), HELLO_GIT, b"hello\n");
        let v = verify(
            vec![big, small],
            100,
            Instant::now() + Duration::from_secs(60),
        );
        assert_eq!(
            v.read.len(),
            1,
            "the small one after the big one still fits"
        );
        assert_eq!(
            (v.unread, v.unread_bytes, v.cut),
            (1, 4096, Some(Cut::Budget))
        );
        let small = blob(d.path(), HELLO_GIT, b"hello\n");
        let v = verify(vec![small], u64::MAX, Instant::now());
        assert_eq!((v.read.len(), v.unread, v.cut), (0, 1, Some(Cut::Deadline)));
    }

    #[test]
    fn only_hash_names_are_blobs() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("blobs")).unwrap();
        for name in [
            HELLO_GIT,
            "x.incomplete",
            &format!("{HELLO_SHA256}.1a2b3c4d.incomplete"),
        ] {
            std::fs::write(d.path().join("blobs").join(name), b"hello\n").unwrap();
        }
        let names: Vec<String> = blobs_of(d.path()).into_iter().map(|b| b.name).collect();
        assert_eq!(names, vec![HELLO_GIT.to_string()]);
    }

    #[test]
    fn budgets_read_as_people_write_them() {
        assert_eq!(parse_budget("all"), Ok(u64::MAX));
        assert_eq!(parse_budget("2G"), Ok(2 << 30));
        assert_eq!(parse_budget("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_budget("500m"), Ok(500 << 20));
        assert_eq!(parse_budget("4096"), Ok(4096));
        assert!(parse_budget("lots").is_err());
        assert!(parse_budget("0").is_err());
        assert!(parse_budget("3 parsecs").is_err());
    }
}
