//! What a clone of a Space says about how it is meant to run, read from its text alone (no
//! file system, no git here: the check hands in the texts the git layer read from the pushed
//! commit). The README's YAML front matter (hub-docs `spaces-config-reference.md`), a
//! Dockerfile's `EXPOSE` lines and what it does with `requirements.txt`, the top-level modules
//! a Python file imports, and the environment variables code reads (`os.environ[…]`,
//! `os.getenv(…)`, `process.env.X`), each with its line, so a finding can name the line to
//! change. docs/notes/space-status.md says where each rule comes from.

/// The port a Docker Space's app must listen on when `app_port` is not set.
pub const DEFAULT_APP_PORT: u16 = 7860;

/// One `key: value` of the front matter, with its 1-based line in README.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub value: String,
    pub line: usize,
    /// The line as written, to quote in a fix.
    pub text: String,
}

/// The front matter keys that decide how a Space is built and run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub sdk: Option<Field>,
    pub sdk_version: Option<Field>,
    pub app_file: Option<Field>,
    pub app_port: Option<Field>,
    pub python_version: Option<Field>,
}

impl FrontMatter {
    /// The YAML block between the first two `---` lines at the top of README.md; None when
    /// the README has none. Only top-level scalar keys are read (the ones above are all
    /// scalars); quotes and trailing comments are taken off.
    pub fn parse(readme: &str) -> Option<FrontMatter> {
        let mut lines = readme.trim_start_matches('\u{feff}').lines().enumerate();
        let (_, first) = lines.next()?;
        if first.trim_end() != "---" {
            return None;
        }
        let mut fm = FrontMatter::default();
        for (i, line) in lines {
            if line.trim_end() == "---" {
                return Some(fm);
            }
            if line.starts_with([' ', '\t', '-', '#']) {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let field = Field {
                value: scalar(value),
                line: i + 1,
                text: line.trim_end().to_string(),
            };
            let slot = match key.trim() {
                "sdk" => &mut fm.sdk,
                "sdk_version" => &mut fm.sdk_version,
                "app_file" => &mut fm.app_file,
                "app_port" => &mut fm.app_port,
                "python_version" => &mut fm.python_version,
                _ => continue,
            };
            *slot = Some(field);
        }
        None
    }

    pub fn sdk(&self) -> Option<&str> {
        self.sdk.as_ref().map(|f| f.value.as_str())
    }

    /// The port the app must listen on: `app_port`, else 7860. Err with the value as written
    /// when it is not a port number.
    pub fn app_port(&self) -> Result<u16, String> {
        match &self.app_port {
            None => Ok(DEFAULT_APP_PORT),
            Some(f) => f.value.parse().map_err(|_| f.value.clone()),
        }
    }
}

/// A YAML scalar as written after `key:`: quotes and a trailing ` # comment` taken off.
fn scalar(raw: &str) -> String {
    let v = raw.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.split_once(q)) {
            return inner.0.to_string();
        }
    }
    v.split(" #").next().unwrap_or("").trim().to_string()
}

/// A Dockerfile instruction of interest, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub line: usize,
    pub text: String,
}

/// The ports a Dockerfile `EXPOSE`s (`EXPOSE 7860`, `EXPOSE 80/tcp 8080`), each with its line.
/// A port given by a variable (`EXPOSE $PORT`) cannot be read and is left out.
pub fn exposed_ports(dockerfile: &str) -> Vec<(u16, usize)> {
    let mut out = Vec::new();
    for (i, line) in dockerfile.lines().enumerate() {
        let t = line.trim();
        let Some(rest) = t
            .get(..7)
            .filter(|h| h.eq_ignore_ascii_case("EXPOSE "))
            .map(|_| &t[7..])
        else {
            continue;
        };
        for word in rest.split_whitespace() {
            let port = word.split('/').next().unwrap_or("");
            if let Ok(p) = port.parse::<u16>() {
                out.push((p, i + 1));
            }
        }
    }
    out
}

/// The first instruction of a Dockerfile that names `requirements.txt` (a `COPY` of it, a
/// `pip install -r` of it): the build fails when the file is not in the repository.
pub fn requirements_use(dockerfile: &str) -> Option<Instruction> {
    dockerfile.lines().enumerate().find_map(|(i, line)| {
        let t = line.trim();
        (!t.starts_with('#') && t.contains("requirements.txt")).then(|| Instruction {
            line: i + 1,
            text: t.to_string(),
        })
    })
}

/// The top-level modules a Python file imports (`import a.b, c`, `from d.e import f`), in
/// order, each once; relative imports are the repository's own.
pub fn python_imports(source: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        let top = name.trim().split('.').next().unwrap_or("").trim();
        if !top.is_empty()
            && top.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !out.iter().any(|o| o == top)
        {
            out.push(top.to_string());
        }
    };
    for line in source.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("import ") {
            for part in rest.split('#').next().unwrap_or("").split(',') {
                add(part.split(" as ").next().unwrap_or(""));
            }
        } else if let Some(rest) = t.strip_prefix("from ") {
            if let Some((module, _)) = rest.split_once(" import") {
                if !module.trim_start().starts_with('.') {
                    add(module);
                }
            }
        }
    }
    out
}

/// A module that needs no `requirements.txt` in a Gradio Space: the standard library, what
/// the Gradio image installs (hub-docs `spaces-dependencies.md`: huggingface_hub, requests,
/// datasets, gradio) and what those depend on. A module of the repository itself is judged
/// by the caller (it knows the files).
pub fn preinstalled_in_gradio_image(module: &str) -> bool {
    STDLIB.binary_search(&module).is_ok() || GRADIO_IMAGE.contains(&module)
}

/// What the Gradio image brings besides the standard library: the four packages the docs
/// name and the import names of their dependencies.
const GRADIO_IMAGE: &[&str] = &[
    "gradio",
    "gradio_client",
    "huggingface_hub",
    "requests",
    "datasets",
    "spaces",
    // gradio's dependencies
    "aiofiles",
    "anyio",
    "fastapi",
    "ffmpy",
    "httpx",
    "jinja2",
    "markupsafe",
    "numpy",
    "orjson",
    "packaging",
    "pandas",
    "PIL",
    "pydantic",
    "pydub",
    "multipart",
    "yaml",
    "semantic_version",
    "starlette",
    "tomlkit",
    "typer",
    "typing_extensions",
    "uvicorn",
    "safehttpx",
    "groovy",
    "brotli",
    "websockets",
    "click",
    "rich",
    // datasets' and requests' dependencies
    "pyarrow",
    "dill",
    "tqdm",
    "xxhash",
    "multiprocess",
    "fsspec",
    "aiohttp",
    "filelock",
    "urllib3",
    "idna",
    "certifi",
    "charset_normalizer",
    "dateutil",
    "pytz",
];

/// `sys.stdlib_module_names` of CPython 3.11, without the private ones, sorted.
const STDLIB: &[&str] = &[
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// Where code reads an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRead {
    pub name: String,
    /// The code gives a default (`os.getenv("X", "d")`, `process.env.X || "d"`): the name
    /// may be left unset.
    pub has_default: bool,
    pub line: usize,
}

/// The variables a source file reads, Python (`os.environ["X"]`, `os.environ.get("X")`,
/// `os.getenv("X")`, with or without the `os.`) or JavaScript (`process.env.X`,
/// `process.env["X"]`), each with whether it has a default. Comment lines are skipped.
pub fn env_reads(source: &str) -> Vec<EnvRead> {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(concat!(
            r#"(?:\benviron\[\s*["'](?P<sub>[A-Za-z_][A-Za-z0-9_]*)["']\s*\])"#,
            r#"|(?:\b(?:environ\.get|getenv)\(\s*["'](?P<get>[A-Za-z_][A-Za-z0-9_]*)["']\s*(?P<getdef>,)?)"#,
            r#"|(?:\bprocess\.env(?:\.(?P<js>[A-Za-z_][A-Za-z0-9_]*)|\[\s*["'](?P<jsq>[A-Za-z_][A-Za-z0-9_]*)["']\s*\])(?P<jsdef>\s*(?:\|\||\?\?))?)"#,
        ))
        .expect("env regex")
    });
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        for c in re.captures_iter(line) {
            let (name, has_default) = if let Some(n) = c.name("sub") {
                (n.as_str(), false)
            } else if let Some(n) = c.name("get") {
                (n.as_str(), c.name("getdef").is_some())
            } else if let Some(n) = c.name("js").or_else(|| c.name("jsq")) {
                (n.as_str(), c.name("jsdef").is_some())
            } else {
                continue;
            };
            out.push(EnvRead {
                name: name.to_string(),
                has_default,
                line: i + 1,
            });
        }
    }
    out
}

/// Variables the Spaces runtime sets itself (hub-docs `spaces-overview.md`, "Built-in
/// environment variables", and the OAuth ones), or that any container has: code may read them
/// without the Space defining them.
pub fn provided_by_runtime(name: &str) -> bool {
    const PROVIDED: &[&str] = &[
        "ACCELERATOR",
        "CPU_CORES",
        "MEMORY",
        "SPACE_AUTHOR_NAME",
        "SPACE_REPO_NAME",
        "SPACE_TITLE",
        "SPACE_ID",
        "SPACE_HOST",
        "SPACE_CREATOR_USER_ID",
        "OAUTH_CLIENT_ID",
        "OAUTH_CLIENT_SECRET",
        "OAUTH_SCOPES",
        "OPENID_PROVIDER_URL",
        "SYSTEM",
        "GRADIO_SERVER_NAME",
        "GRADIO_SERVER_PORT",
        "PATH",
        "HOME",
        "PWD",
        "USER",
        "HOSTNAME",
        "LANG",
        "TMPDIR",
        "SHELL",
        "PYTHONPATH",
        "NODE_ENV",
        "PORT",
    ];
    PROVIDED.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_with_lines_quotes_and_comments() {
        let readme = "---\ntitle: Demo\nsdk: gradio\nsdk_version: \"4.44.0\"\napp_file: app.py # main\napp_port: 8000\npython_version: '3.10'\ntags:\n  - x\n---\n# Demo\n";
        let fm = FrontMatter::parse(readme).unwrap();
        assert_eq!(fm.sdk(), Some("gradio"));
        assert_eq!(fm.sdk_version.as_ref().unwrap().value, "4.44.0");
        let app = fm.app_file.clone().unwrap();
        assert_eq!((app.value.as_str(), app.line), ("app.py", 5));
        assert_eq!(app.text, "app_file: app.py # main");
        assert_eq!(fm.app_port(), Ok(8000));
        assert_eq!(fm.python_version.unwrap().value, "3.10");
        assert_eq!(FrontMatter::parse("# no front matter\n"), None);
        assert_eq!(FrontMatter::parse("---\nsdk: docker\n"), None, "unclosed");
        let docker = FrontMatter::parse("---\nsdk: docker\n---\n").unwrap();
        assert_eq!(docker.app_port(), Ok(7860));
        let bad = FrontMatter::parse("---\napp_port: web\n---\n").unwrap();
        assert_eq!(bad.app_port(), Err("web".into()));
    }

    #[test]
    fn dockerfile_ports_and_requirements() {
        let d = "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nexpose 8000/tcp 9000\nEXPOSE $PORT\n";
        assert_eq!(exposed_ports(d), vec![(8000, 4), (9000, 4)]);
        assert_eq!(requirements_use(d).unwrap().line, 2);
        assert_eq!(requirements_use("FROM x\n# requirements.txt later\n"), None);
    }

    #[test]
    fn imports_top_level_once() {
        let src = "import os, sys\nimport torch.nn as nn\nfrom transformers import pipeline\nfrom . import local\nfrom .x import y\n    import gradio as gr  # ui\nimport torch\n";
        assert_eq!(
            python_imports(src),
            ["os", "sys", "torch", "transformers", "gradio"]
        );
        assert!(preinstalled_in_gradio_image("os"));
        assert!(preinstalled_in_gradio_image("gradio"));
        assert!(!preinstalled_in_gradio_image("torch"));
        assert!(
            STDLIB.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
    }

    #[test]
    fn env_reads_with_and_without_defaults() {
        let src = r#"
import os
token = os.environ["HF_TOKEN"]
key = os.getenv('OPENAI_API_KEY')
mode = os.getenv("MODE", "dev")
other = os.environ.get("OTHER")
# os.environ["COMMENTED"]
const a = process.env.API_URL;
const b = process.env["DB_URL"] || "sqlite://";
const c = process.env.PORT ?? 3000;
"#;
        let got: Vec<(String, bool)> = env_reads(src)
            .into_iter()
            .map(|r| (r.name, r.has_default))
            .collect();
        let want = [
            ("HF_TOKEN", false),
            ("OPENAI_API_KEY", false),
            ("MODE", true),
            ("OTHER", false),
            ("API_URL", false),
            ("DB_URL", true),
            ("PORT", true),
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|(n, d)| (n.to_string(), *d))
                .collect::<Vec<_>>()
        );
        assert_eq!(env_reads(src)[0].line, 3);
        assert!(provided_by_runtime("SPACE_ID"));
        assert!(!provided_by_runtime("HF_TOKEN"));
    }
}
