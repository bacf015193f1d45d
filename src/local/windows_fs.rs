//! What Windows says about the two things the Hub cache needs of it (docs/notes/hf-cache.md,
//! "Windows"; data-plane.md §4.4): whether this user may create symlinks (Developer Mode, or an
//! elevated process), and whether paths over MAX_PATH work (`LongPathsEnabled`).
//!
//! The answers come from `reg query` and `whoami /groups`, read without writing anything (the
//! client itself probes symlinks by creating one, which a doctor must not do). The parsers are
//! plain functions compiled on every platform, so their tests run everywhere on recorded
//! answers; only asking is Windows-only.

/// `reg query` keys and values hfdoctor reads.
pub const DEV_MODE_KEY: &str = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\AppModelUnlock";
pub const DEV_MODE_VALUE: &str = "AllowDevelopmentWithoutDevLicense";
pub const LONG_PATHS_KEY: &str = r"HKLM\SYSTEM\CurrentControlSet\Control\FileSystem";
pub const LONG_PATHS_VALUE: &str = "LongPathsEnabled";
/// The mandatory label of an elevated (administrator) token, as `whoami /groups` lists it.
const HIGH_INTEGRITY_SID: &str = "S-1-16-12288";
/// Longest path the Win32 file API takes without the `\\?\` prefix or LongPathsEnabled
/// (MAX_PATH is 260 with the terminating NUL).
pub const MAX_PATH_CHARS: usize = 259;

/// The answers, each None where Windows could not be asked or did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowsAnswers {
    pub developer_mode: Option<bool>,
    pub elevated: Option<bool>,
    pub long_paths: Option<bool>,
}

impl WindowsAnswers {
    /// Whether this user may create symlinks: Developer Mode or an elevated process (either
    /// is enough); None when neither answer is known and nothing says yes.
    pub fn symlinks(&self) -> Option<bool> {
        match (self.developer_mode, self.elevated) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }
    }
}

/// A DWORD value from `reg query KEY /v NAME` output (`    NAME    REG_DWORD    0x1`). A value
/// that is absent ("unable to find") reads as None: the caller decides what absent means.
pub fn reg_dword(output: &str, name: &str) -> Option<u32> {
    output.lines().find_map(|line| {
        let mut parts = line.split_whitespace();
        if !parts.next()?.eq_ignore_ascii_case(name) {
            return None;
        }
        if parts.next()? != "REG_DWORD" {
            return None;
        }
        let v = parts.next()?;
        let hex = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X"))?;
        u32::from_str_radix(hex, 16).ok()
    })
}

/// Whether `whoami /groups` lists the high mandatory level (an elevated process). None when
/// the output lists no mandatory label at all (not an answer).
pub fn elevated(whoami_groups: &str) -> Option<bool> {
    if whoami_groups.contains(HIGH_INTEGRITY_SID) {
        Some(true)
    } else if whoami_groups.contains("S-1-16-") {
        Some(false)
    } else {
        None
    }
}

/// The length of a path as the Win32 API counts it (UTF-16 units).
pub fn win_len(path: &str) -> usize {
    path.encode_utf16().count()
}

/// Where the client puts a snapshot file: `<hub>\<repo folder>\snapshots\<commit>\<path>`,
/// with the repo path's `/` as `\`.
pub fn snapshot_path(hub: &str, repo_folder: &str, commit: &str, file: &str) -> String {
    format!(
        "{}\\{repo_folder}\\snapshots\\{commit}\\{}",
        hub.trim_end_matches(['\\', '/']),
        file.replace('/', "\\")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // In the form `reg query KEY /v NAME` and `whoami /groups` print them (Microsoft's pages for
    // both commands), shortened.
    const REG_ON: &str = "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\FileSystem\r\n    LongPathsEnabled    REG_DWORD    0x1\r\n\r\n";
    const REG_OFF: &str = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\AppModelUnlock\r\n    AllowDevelopmentWithoutDevLicense    REG_DWORD    0x0\r\n\r\n";
    const REG_ABSENT: &str =
        "ERROR: The system was unable to find the specified registry key or value.\r\n";
    const WHOAMI_MEDIUM: &str = "GROUP INFORMATION\r\n-----------------\r\n\r\nEveryone    Well-known group S-1-1-0    Mandatory group, Enabled by default, Enabled group\r\nMandatory Label\\Medium Mandatory Level Label            S-1-16-8192\r\n";
    const WHOAMI_HIGH: &str =
        "Mandatory Label\\High Mandatory Level Label            S-1-16-12288\r\n";

    #[test]
    fn registry_dwords_read_as_written_and_absence_is_none() {
        assert_eq!(reg_dword(REG_ON, LONG_PATHS_VALUE), Some(1));
        assert_eq!(reg_dword(REG_OFF, DEV_MODE_VALUE), Some(0));
        assert_eq!(reg_dword(REG_ABSENT, LONG_PATHS_VALUE), None);
        assert_eq!(reg_dword(REG_ON, DEV_MODE_VALUE), None, "another value");
    }

    #[test]
    fn elevation_from_the_mandatory_label() {
        assert_eq!(elevated(WHOAMI_HIGH), Some(true));
        assert_eq!(elevated(WHOAMI_MEDIUM), Some(false));
        assert_eq!(elevated("Access is denied."), None);
    }

    #[test]
    fn symlinks_need_developer_mode_or_elevation() {
        let a = |d, e| WindowsAnswers {
            developer_mode: d,
            elevated: e,
            long_paths: None,
        };
        assert_eq!(a(Some(true), Some(false)).symlinks(), Some(true));
        assert_eq!(a(Some(false), Some(true)).symlinks(), Some(true));
        assert_eq!(a(Some(false), Some(false)).symlinks(), Some(false));
        assert_eq!(a(None, Some(false)).symlinks(), None);
        assert_eq!(a(None, Some(true)).symlinks(), Some(true));
    }

    #[test]
    fn snapshot_paths_are_counted_as_windows_counts_them() {
        let p = snapshot_path(
            "C:\\Users\\alice\\.cache\\huggingface\\hub\\",
            "models--acme--llm",
            &"0".repeat(40),
            "onnx/模型.onnx",
        );
        assert_eq!(
            p,
            format!(
                "C:\\Users\\alice\\.cache\\huggingface\\hub\\models--acme--llm\\snapshots\\{}\\onnx\\模型.onnx",
                "0".repeat(40)
            )
        );
        assert_eq!(win_len("模型"), 2);
        assert_eq!(win_len("😀"), 2, "a surrogate pair is two units");
    }
}
