//! The Python environments the user actually runs (docs/notes/python-env.md, from
//! data-plane.md §5): `python3`, `python`, and the interpreters behind `hf` and
//! `huggingface-cli` (their shebang). Versions and declared requirements come from package
//! metadata (`importlib.metadata`), never by importing the packages themselves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The packages whose versions and requirements matter to a download or an upload.
pub const PACKAGES: &[&str] = &[
    "huggingface_hub",
    "hf_xet",
    "hf_transfer",
    "transformers",
    "diffusers",
    "datasets",
    "sentence-transformers",
    "requests",
    "httpx",
    "httpx2",
    "certifi",
];

/// What the interpreter prints about itself (one JSON line). `importlib.metadata` reads the
/// `*.dist-info` folders; nothing of the packages runs.
pub const PROBE: &str = r#"import sys, json, platform, importlib.metadata as m
out = {"python": sys.version.split()[0], "executable": sys.executable, "prefix": sys.prefix, "machine": platform.machine(), "packages": {}}
for p in PACKAGES:
    try:
        d = m.distribution(p)
        out["packages"][p] = {"version": d.version, "requires": d.requires or []}
    except Exception:
        pass
print(json.dumps(out))
"#;

/// The probe with the package list filled in.
pub fn probe_script() -> String {
    let list = PACKAGES
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    PROBE.replace("PACKAGES", &format!("[{list}]"))
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Package {
    pub version: String,
    #[serde(default)]
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct PyEnv {
    pub python: String,
    pub executable: String,
    pub prefix: String,
    #[serde(default)]
    pub machine: String,
    pub packages: BTreeMap<String, Package>,
}

impl PyEnv {
    pub fn parse(stdout: &str) -> Option<PyEnv> {
        stdout
            .lines()
            .rev()
            .find_map(|l| serde_json::from_str(l.trim()).ok())
    }

    pub fn version(&self, package: &str) -> Option<&str> {
        self.packages.get(package).map(|p| p.version.as_str())
    }
}

/// The environment of an interpreter read straight from disk, without running it, where its
/// `sys.path` can be told from its files (docs/notes/python-env.md):
/// - a venv (`pyvenv.cfg` above `bin`) that does not include the system's site-packages: its
///   own `lib/python3.X/site-packages`;
/// - an installation with one `lib/python3.X/site-packages` under its prefix (pyenv, conda,
///   /usr/local builds): `PYTHONPATH`, the user site (`~/.local/lib/python3.X/site-packages`,
///   unless `PYTHONNOUSERSITE`), then that folder, in `sys.path`'s order.
///
/// None for any other (a venv with system site-packages, Debian's `dist-packages`): the probe
/// asks the interpreter then.
pub fn read_from_disk(
    interpreter: &Path,
    env: &crate::world::env::Env,
    home: Option<&Path>,
) -> Option<PyEnv> {
    let prefix = interpreter.parent()?.parent()?;
    let cfg = crate::world::fs::read_bounded(&prefix.join("pyvenv.cfg"), 64 << 10)
        .ok()
        .map(|c| String::from_utf8_lossy(&c.bytes).into_owned());
    let value = |key: &str| {
        cfg.as_deref().and_then(|cfg| {
            cfg.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().to_string())
            })
        })
    };
    let (python, dirs) = if cfg.is_some() {
        if value("include-system-site-packages").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return None;
        }
        let version = value("version_info").or_else(|| value("version"))?;
        let mut n = version.split('.');
        let (major, minor) = (n.next()?, n.next()?);
        let site = prefix
            .join("lib")
            .join(format!("python{major}.{minor}"))
            .join("site-packages");
        let python = version.split('.').take(3).collect::<Vec<_>>().join(".");
        (python, vec![site])
    } else {
        let libs: Vec<String> = std::fs::read_dir(prefix.join("lib"))
            .ok()?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                n.starts_with("python3.")
                    && prefix.join("lib").join(n).join("site-packages").is_dir()
            })
            .collect();
        let [lib] = libs.as_slice() else {
            return None;
        };
        let short = lib.trim_start_matches("python").to_string();
        // pyenv names the prefix by the full version (versions/3.11.7).
        let named = prefix.file_name()?.to_string_lossy().into_owned();
        let python = if named.starts_with(&format!("{short}.")) {
            named
        } else {
            short.clone()
        };
        let mut dirs: Vec<PathBuf> = env
            .non_empty("PYTHONPATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        if env.non_empty("PYTHONNOUSERSITE").is_none() {
            if let Some(h) = home {
                dirs.push(h.join(".local/lib").join(lib).join("site-packages"));
            }
        }
        dirs.push(prefix.join("lib").join(lib).join("site-packages"));
        (python, dirs)
    };
    let wanted: Vec<String> = PACKAGES.iter().map(|p| normalize(p)).collect();
    let mut packages = BTreeMap::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".dist-info") else {
                continue;
            };
            let Some((dist, _)) = stem.rsplit_once('-') else {
                continue;
            };
            let Some(i) = wanted.iter().position(|w| *w == normalize(dist)) else {
                continue;
            };
            // The first on sys.path wins, as for importlib.metadata.
            if packages.contains_key(PACKAGES[i]) {
                continue;
            }
            if let Some(p) = read_metadata(&entry.path()) {
                packages.insert(PACKAGES[i].to_string(), p);
            }
        }
    }
    Some(PyEnv {
        python,
        executable: interpreter.to_string_lossy().into_owned(),
        prefix: prefix.to_string_lossy().into_owned(),
        machine: std::env::consts::ARCH.to_string(),
        packages,
    })
}

/// `Version` and `Requires-Dist` of a `*.dist-info`'s METADATA (its headers end at the first
/// empty line; the description follows).
fn read_metadata(dist_info: &Path) -> Option<Package> {
    let meta = crate::world::fs::read_bounded(&dist_info.join("METADATA"), 1 << 20).ok()?;
    let meta = String::from_utf8_lossy(&meta.bytes);
    let headers = meta.split("\n\n").next().unwrap_or_default();
    let header = |key: &str| -> Vec<String> {
        headers
            .lines()
            .filter_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
            .collect()
    };
    Some(Package {
        version: header("Version:").into_iter().next()?,
        requires: header("Requires-Dist:"),
    })
}

/// The interpreter a pyenv shim (`$PYENV_ROOT/shims/<program>`, a shell script that asks pyenv
/// which version to run) would run, by pyenv's own order: `PYENV_VERSION`, a `.python-version`
/// in the working directory or above, `$PYENV_ROOT/version`. None for anything else, for the
/// `system` version, or when the version has no such program (the shim itself runs then).
pub fn pyenv_target(shim: &Path, env: &crate::world::env::Env, cwd: &Path) -> Option<PathBuf> {
    let shims = shim.parent()?;
    if shims.file_name()? != "shims" {
        return None;
    }
    let root = shims.parent()?;
    let first_line = |p: &Path| {
        crate::world::fs::read_bounded(p, 4096).ok().and_then(|c| {
            String::from_utf8_lossy(&c.bytes)
                .split_whitespace()
                .next()
                .map(str::to_string)
        })
    };
    let version = env
        .non_empty("PYENV_VERSION")
        .and_then(|v| v.split(':').next().map(str::to_string))
        .or_else(|| {
            cwd.ancestors()
                .find_map(|d| first_line(&d.join(".python-version")))
        })
        .or_else(|| first_line(&root.join("version")))?;
    if version == "system" {
        return None;
    }
    let real = root
        .join("versions")
        .join(version)
        .join("bin")
        .join(shim.file_name()?);
    real.is_file().then_some(real)
}

/// The interpreter a script runs with: its shebang (`#!/path/python`, or `#!/usr/bin/env
/// python3`, which names a program to find on PATH). None when the file is not a script.
pub fn shebang(script: &Path) -> Option<Shebang> {
    let c = crate::world::fs::read_bounded(script, 512).ok()?;
    let text = String::from_utf8_lossy(&c.bytes);
    let line = text.lines().next()?.strip_prefix("#!")?.trim();
    let mut words = line.split_whitespace();
    let first = words.next()?;
    if first.ends_with("/env") {
        // `env -S python3 -u` and the like: the first word that is not an option.
        let program = words.find(|w| !w.starts_with('-'))?;
        return Some(Shebang::OnPath(program.to_string()));
    }
    Some(Shebang::Path(PathBuf::from(first)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shebang {
    Path(PathBuf),
    OnPath(String),
}

/// A requirement of an installed package on another one, as its metadata declares it
/// (`Requires-Dist`): for `name`, the specifiers, when they apply here (no `extra`, and a
/// `platform_machine` marker that names this machine, if any).
pub fn requirement_on(requires: &[String], name: &str, machine: &str) -> Option<String> {
    let want = normalize(name);
    for r in requires {
        let (spec, marker) = r.split_once(';').unwrap_or((r, ""));
        let marker = marker.trim();
        if marker.contains("extra") {
            continue;
        }
        if marker.contains("platform_machine") && !machine.is_empty() && !marker.contains(machine) {
            continue;
        }
        let spec = spec.trim();
        let cut = spec
            .find(|c: char| "<>=!~ ([".contains(c))
            .unwrap_or(spec.len());
        if normalize(&spec[..cut]) != want {
            continue;
        }
        let mut rest = spec[cut..].trim();
        if rest.starts_with('[') {
            // Extras of the dependency: `pkg[extra]>=1`.
            rest = rest.split_once(']').map_or("", |(_, a)| a);
        }
        let rest = rest
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        return Some(rest.to_string());
    }
    None
}

/// PEP 503 names: case and `-_.` runs do not matter.
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Whether `version` meets the specifiers (`>=0.34.0,<1.0`); None when either does not parse.
pub fn satisfies(version: &str, specifiers: &str) -> Option<bool> {
    if specifiers.trim().is_empty() {
        return Some(true);
    }
    let v = pep440_rs::Version::from_str(version.trim()).ok()?;
    let s = pep440_rs::VersionSpecifiers::from_str(specifiers.trim()).ok()?;
    Some(s.contains(&v))
}

/// `version` is at least `floor` (both PEP 440).
pub fn at_least(version: &str, floor: &str) -> bool {
    satisfies(version, &format!(">={floor}")).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_as_metadata_writes_them() {
        let req = vec![
            "filelock".to_string(),
            "huggingface-hub<1.0,>=0.34.0".to_string(),
            "hf-xet<2.0.0,>=1.5.2; platform_machine == \"x86_64\" or platform_machine == \"aarch64\"".to_string(),
            "hf_transfer>=0.1.4; extra == \"hf-transfer\"".to_string(),
            "huggingface_hub[hf_xet] (>=0.30)".to_string(),
        ];
        assert_eq!(
            requirement_on(&req, "huggingface_hub", "x86_64").as_deref(),
            Some("<1.0,>=0.34.0")
        );
        assert_eq!(
            requirement_on(&req, "hf_xet", "x86_64").as_deref(),
            Some("<2.0.0,>=1.5.2")
        );
        assert_eq!(requirement_on(&req, "hf_xet", "ppc64le"), None);
        assert_eq!(requirement_on(&req, "hf_transfer", "x86_64"), None);
        assert_eq!(satisfies("0.36.2", "<1.0,>=0.34.0"), Some(true));
        assert_eq!(satisfies("2.4.0", "<1.0,>=0.34.0"), Some(false));
        assert!(at_least("1.11.0", "1.11"));
        assert!(!at_least("0.36.2", "1.0"));
        assert_eq!(normalize("Sentence_Transformers"), "sentence-transformers");
        let req2 = vec!["huggingface_hub[hf_xet] (>=0.30)".to_string()];
        assert_eq!(
            requirement_on(&req2, "huggingface-hub", "x86_64").as_deref(),
            Some(">=0.30")
        );
    }

    #[test]
    fn shebangs() {
        let dir = tempfile_dir();
        let a = dir.join("a");
        std::fs::write(&a, "#!/opt/venv/bin/python3.12\nimport x\n").unwrap();
        assert_eq!(
            shebang(&a),
            Some(Shebang::Path(PathBuf::from("/opt/venv/bin/python3.12")))
        );
        std::fs::write(&a, "#!/usr/bin/env -S python3 -u\n").unwrap();
        assert_eq!(shebang(&a), Some(Shebang::OnPath("python3".into())));
        std::fs::write(&a, [0x7f, b'E', b'L', b'F']).unwrap();
        assert_eq!(shebang(&a), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("hfdoctor-shebang-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_pyenv_shim_is_followed_to_its_version() {
        let root = tempfile_dir().join("pyenv");
        std::fs::create_dir_all(root.join("shims")).unwrap();
        std::fs::create_dir_all(root.join("versions/3.12.1/bin")).unwrap();
        std::fs::write(root.join("shims/python3"), "#!/usr/bin/env bash\n").unwrap();
        std::fs::write(root.join("versions/3.12.1/bin/python3"), "").unwrap();
        std::fs::write(root.join("version"), "3.12.1\n").unwrap();
        let env = crate::world::env::Env::from_pairs([("HOME", "/h")]);
        let shim = root.join("shims/python3");
        assert_eq!(
            pyenv_target(&shim, &env, Path::new("/")),
            Some(root.join("versions/3.12.1/bin/python3"))
        );
        let env = crate::world::env::Env::from_pairs([("PYENV_VERSION", "system")]);
        assert_eq!(pyenv_target(&shim, &env, Path::new("/")), None);
        assert_eq!(
            pyenv_target(Path::new("/usr/bin/python3"), &env, Path::new("/")),
            None
        );
    }

    #[test]
    fn the_probe_parses() {
        let out = "noise\n{\"python\": \"3.12.1\", \"executable\": \"/v/bin/python\", \"prefix\": \"/v\", \"machine\": \"x86_64\", \"packages\": {\"huggingface_hub\": {\"version\": \"2.4.0\", \"requires\": [\"hf-xet<2,>=1.5\"]}}}\n";
        let e = PyEnv::parse(out).unwrap();
        assert_eq!(e.version("huggingface_hub"), Some("2.4.0"));
        assert!(probe_script().contains("[\"huggingface_hub\", \"hf_xet\""));
    }
}

/// The Pythons a user runs: each name they type with the interpreter behind it, each distinct
/// interpreter once, and what each holds (None where neither the disk nor the interpreter
/// told).
#[derive(Debug, Clone, Default)]
pub struct Pythons {
    pub found: Vec<(&'static str, PathBuf)>,
    pub distinct: Vec<PathBuf>,
    pub probed: Vec<Option<PyEnv>>,
}

impl Pythons {
    /// The environment a name runs (`hf`, `python3`, …).
    pub fn by_name(&self, name: &str) -> Option<&PyEnv> {
        let (_, p) = self.found.iter().find(|(n, _)| *n == name)?;
        let i = self.distinct.iter().position(|d| d == p)?;
        self.probed[i].as_ref()
    }
}

/// All probes together get this long (they run side by side).
pub const PROBE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

/// `python3`, `python`, and the interpreters behind `hf` and `huggingface-cli` (their
/// shebang), pyenv shims followed; each read from disk where sys.path can be told from the
/// files, else by `run(program, args)` (the interpreter answering the probe), side by side.
pub fn discover(
    env: &crate::world::env::Env,
    cwd: &Path,
    home: Option<&Path>,
    run: &(dyn Fn(&str, &[&str]) -> Option<String> + Sync),
) -> Pythons {
    let path = env.get("PATH").unwrap_or_default();
    // A pyenv shim stands for the version it would run (reading that version needs no shell).
    let find = |name: &str| {
        which::which_in(name, Some(&path), cwd)
            .ok()
            .map(|p| pyenv_target(&p, env, cwd).unwrap_or(p))
    };
    let mut found = Vec::new();
    for name in ["python3", "python"] {
        if let Some(p) = find(name) {
            found.push((name, p));
        }
    }
    for name in ["hf", "huggingface-cli"] {
        let Some(script) = find(name) else {
            continue;
        };
        let interpreter = match shebang(&script) {
            Some(Shebang::Path(p)) => Some(p),
            Some(Shebang::OnPath(program)) => find(&program),
            None => None,
        };
        if let Some(p) = interpreter {
            found.push((name, p));
        }
    }
    let mut distinct: Vec<PathBuf> = Vec::new();
    for (_, p) in &found {
        if !distinct.contains(p) {
            distinct.push(p.clone());
        }
    }
    let script = probe_script();
    let probed = std::thread::scope(|s| {
        let handles: Vec<_> = distinct
            .iter()
            .map(|p| {
                let script = &script;
                s.spawn(move || {
                    if let Some(e) = read_from_disk(p, env, home) {
                        return Some(e);
                    }
                    let out = run(&p.to_string_lossy(), &["-c", script])?;
                    PyEnv::parse(&out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    Pythons {
        found,
        distinct,
        probed,
    }
}

/// How huggingface_hub came into the environment at `prefix`, as `hf env` says it
/// (`_runtime.py::installation_method`, data-plane.md §5.1): the installer script leaves
/// `.hf_installer_marker` in the prefix, Homebrew's prefix is under `Cellar/hf/`, anything else
/// is pip.
pub fn install_method(prefix: &Path) -> &'static str {
    if prefix.join(".hf_installer_marker").exists() {
        "hf_installer"
    } else if prefix.to_string_lossy().contains("/Cellar/hf/") {
        "brew"
    } else {
        "pip"
    }
}
