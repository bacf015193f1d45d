//! The one door to files whose path the user controls (HF_TOKEN_PATH, HF_HOME, stored_tokens,
//! SSL_CERT_FILE, SSL_CERT_DIR, shell start-up files, `explain --file`). It never blocks and
//! never reads without bound: a FIFO would block an `open()` or `read()` forever, a device such
//! as /dev/zero never ends, and a multi-gigabyte file is no token. Those are refused with a
//! reason a person can read; a file over the limit is read up to it and marked truncated.
//! See docs/notes/bounded-reads.md.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// What was read.
#[derive(Debug)]
pub struct Contents {
    pub bytes: Vec<u8>,
    /// The file is larger than the limit: `bytes` holds its first `limit` bytes.
    pub truncated: bool,
    /// The metadata of the file that was actually opened (mode, size, mtime).
    pub meta: Metadata,
}

/// Why nothing was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("does not exist")]
    NotFound,
    #[error("is a directory")]
    IsDirectory,
    /// A FIFO, socket or device: reading it could block forever or never end.
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("{0}")]
    Io(String),
}

/// Read at most `limit` bytes of the regular file at `path`, without ever blocking.
pub fn read_bounded(path: &Path, limit: usize) -> Result<Contents, ReadError> {
    // stat first: opening a FIFO for reading blocks until a writer appears, so it must not
    // even be opened.
    let meta = std::fs::metadata(path).map_err(io_error)?;
    check_kind(&meta)?;
    let file = open_nonblocking(path).map_err(io_error)?;
    // The path may have been swapped for something else between stat and open: judge the
    // file actually opened.
    let meta = file.metadata().map_err(io_error)?;
    check_kind(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len().min(limit as u64 + 1) as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    let truncated = bytes.len() > limit;
    bytes.truncate(limit);
    Ok(Contents {
        bytes,
        truncated,
        meta,
    })
}

/// The regular files of a directory (SSL_CERT_DIR), at most `max` of them, sorted by name so a
/// run reads the same ones each time. Entries that are not regular files are left out.
pub fn list_files(dir: &Path, max: usize) -> Result<Vec<std::path::PathBuf>, ReadError> {
    let meta = std::fs::metadata(dir).map_err(io_error)?;
    if !meta.is_dir() {
        return Err(ReadError::Io("not a directory".into()));
    }
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(io_error)?
        .flatten()
        .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    files.truncate(max);
    Ok(files)
}

fn check_kind(meta: &Metadata) -> Result<(), ReadError> {
    if meta.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    if meta.is_file() {
        return Ok(());
    }
    Err(ReadError::NotRegular(kind_of(meta)))
}

#[cfg(unix)]
fn kind_of(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of(_meta: &Metadata) -> &'static str {
    "not a file"
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: should the path have become a FIFO since the stat, open returns at once
    // instead of waiting for a writer. On a regular file it changes nothing.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

fn io_error(e: std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        let r = read_bounded(&p, 4).unwrap();
        assert_eq!(r.bytes, b"0123");
        assert!(r.truncated);
        let r = read_bounded(&p, 10).unwrap();
        assert_eq!(r.bytes, b"0123456789");
        assert!(!r.truncated);
    }

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_bounded(&dir.path().join("nope"), 10).unwrap_err(),
            ReadError::NotFound
        );
        assert_eq!(
            read_bounded(dir.path(), 10).unwrap_err(),
            ReadError::IsDirectory
        );
        #[cfg(unix)]
        {
            // /dev/zero never ends: a device is refused, not read up to the limit.
            assert!(matches!(
                read_bounded(Path::new("/dev/zero"), 10),
                Err(ReadError::NotRegular("a device"))
            ));
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system entry.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert!(matches!(
                read_bounded(&fifo, 10),
                Err(ReadError::NotRegular("a named pipe (FIFO)"))
            ));
        }
    }
}
