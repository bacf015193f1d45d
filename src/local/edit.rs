//! The only module that changes files, for `--fix` and nothing else (docs/notes/fix.md): a
//! backup beside the file (mode 600, named by time, never by content), an atomic rewrite that
//! keeps or sets the mode, a move into a trash folder that can be moved back, and what a file
//! is now, to compare with what hfdoctor saw.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// What a file was when the plan was made: its bytes and mode (a change is applied only if the
/// file is still that).
#[derive(Clone, PartialEq, Eq)]
pub struct Seen {
    pub bytes: Vec<u8>,
    pub mode: u32,
}

impl std::fmt::Debug for Seen {
    // The bytes may hold a token: never printed, not even in a panic.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Seen({} bytes, mode {:o})", self.bytes.len(), self.mode)
    }
}

/// The file's bytes and mode now (at most 1 MiB: what --fix edits is small).
pub fn seen(path: &Path) -> Option<Seen> {
    let read = crate::world::fs::read_bounded(path, 1 << 20).ok()?;
    if read.truncated {
        return None;
    }
    Some(Seen {
        mode: read.meta.permissions().mode() & 0o7777,
        bytes: read.bytes,
    })
}

/// `<path>.hfdoctor-<stamp>` beside the file (`-2`, `-3`, … after it when a backup of the same
/// second is there: a backup is never overwritten), with its exact bytes, mode 600.
pub fn backup(path: &Path, seen: &Seen, stamp: &str) -> std::io::Result<PathBuf> {
    for n in 1.. {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".hfdoctor-{stamp}"));
        if n > 1 {
            name.push(format!("-{n}"));
        }
        let to = path.with_file_name(name);
        let mut f = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode_600()
            .open(&to)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => continue,
            Err(e) => return Err(e),
        };
        f.write_all(&seen.bytes)?;
        f.sync_all()?;
        return Ok(to);
    }
    unreachable!("the loop returns")
}

trait Mode600 {
    fn mode_600(&mut self) -> &mut Self;
}

impl Mode600 for std::fs::OpenOptions {
    fn mode_600(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
}

/// Replace `path` with `bytes` at `mode`: a temporary file in the same folder, synced, then
/// renamed over it (a reader sees the old file or the new one, never half of either).
pub fn atomic_write(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".hfdoctor-tmp-{}", std::process::id()));
    let tmp = path.with_file_name(name);
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode_600()
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A time stamp for backup and trash names: `20261201T193512Z` (UTC, RFC 3339 without its
/// separators, which some filesystems refuse).
pub fn stamp() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now())
        .to_string()
        .replace(['-', ':'], "")
}

/// Move `file` to the same place under `trash` (its path relative to `root`), making the
/// folders; undone by moving it back.
pub fn move_to_trash(file: &Path, root: &Path, trash: &Path) -> std::io::Result<PathBuf> {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let to = trash.join(rel);
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::rename(file, &to)?;
    Ok(to)
}

/// Undo a step of a change that failed part-way: remove what it made. Best effort: the
/// failure that led here is the one reported.
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Put a trashed file back where it was (the undo of `move_to_trash`), best effort.
pub fn move_back(trashed: &Path, to: &Path) {
    let _ = std::fs::rename(trashed, to);
}

/// A file's length and modification time, or for a symlink its target: what a leftover was
/// when it was found.
pub fn fingerprint(path: &Path) -> Option<(u64, Option<std::time::SystemTime>, Option<PathBuf>)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let target = meta
        .file_type()
        .is_symlink()
        .then(|| std::fs::read_link(path).ok())
        .flatten();
    Some((meta.len(), meta.modified().ok(), target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_is_atomic_keeps_the_mode_asked_and_the_backup_is_exact() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("token");
        std::fs::write(&p, b"\xef\xbb\xbf\"hf_x\"\r\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let before = seen(&p).unwrap();
        assert_eq!(before.mode, 0o644);
        let b = backup(&p, &before, "20261201T000000Z").unwrap();
        assert_eq!(b.file_name().unwrap(), "token.hfdoctor-20261201T000000Z");
        assert_eq!(std::fs::read(&b).unwrap(), before.bytes);
        assert_eq!(seen(&b).unwrap().mode, 0o600);
        // A second backup in the same second does not overwrite the first.
        let b2 = backup(&p, &before, "20261201T000000Z").unwrap();
        assert_eq!(b2.file_name().unwrap(), "token.hfdoctor-20261201T000000Z-2");
        atomic_write(&p, b"hf_x", 0o600).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"hf_x");
        assert_eq!(seen(&p).unwrap().mode, 0o600);
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(left.len(), 3, "no temporary file is left");
        assert!(!format!("{before:?}").contains("hf_x"));
    }

    #[test]
    fn stamps_have_no_separators_and_a_trashed_file_keeps_its_place() {
        let s = stamp();
        assert_eq!(s.len(), 16, "{s}");
        assert!(s.ends_with('Z') && s.chars().nth(8) == Some('T'), "{s}");
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("models--a--b/blobs/x.incomplete");
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, b"part").unwrap();
        let to = move_to_trash(&f, d.path(), &d.path().join(".trash")).unwrap();
        assert_eq!(to, d.path().join(".trash/models--a--b/blobs/x.incomplete"));
        assert_eq!(std::fs::read(&to).unwrap(), b"part");
        assert!(!f.exists());
    }
}
