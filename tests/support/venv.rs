//! Python virtual environments for tests: `python3 -m venv --without-pip`, with packages
//! installed as metadata only (a dist-info folder with METADATA), as python-env reads them.

use std::path::{Path, PathBuf};

/// A venv with these (name, version, Requires-Dist lines) installed as metadata only. None
/// (the test says SKIPPED) without a python3 that can make one.
pub fn venv(root: &Path, name: &str, packages: &[(&str, &str, &[&str])]) -> Option<PathBuf> {
    venv_with(root, name, packages, false)
}

/// `venv`, seeing the system's site-packages too when `system` (then hfdoctor cannot read it
/// from disk alone and asks the interpreter).
pub fn venv_with(
    root: &Path,
    name: &str,
    packages: &[(&str, &str, &[&str])],
    system: bool,
) -> Option<PathBuf> {
    let dir = root.join(name);
    let mut args = vec!["-m", "venv", "--without-pip"];
    if system {
        args.push("--system-site-packages");
    }
    let ok = std::process::Command::new("python3")
        .args(&args)
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return None;
    }
    let lib = std::fs::read_dir(dir.join("lib"))
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("python"))?
        .path()
        .join("site-packages");
    for (pkg, version, requires) in packages {
        let info = lib.join(format!("{}-{version}.dist-info", pkg.replace('-', "_")));
        std::fs::create_dir_all(&info).unwrap();
        let mut meta = format!("Metadata-Version: 2.1\nName: {pkg}\nVersion: {version}\n");
        for r in *requires {
            meta.push_str(&format!("Requires-Dist: {r}\n"));
        }
        std::fs::write(info.join("METADATA"), meta).unwrap();
    }
    Some(dir.join("bin"))
}

/// `name` in `dir`, a script whose shebang runs `python`.
pub fn script(dir: &Path, name: &str, python: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, format!("#!{}\nimport sys\n", python.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
}
