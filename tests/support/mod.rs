//! A world for one test: its own HOME in a temp dir, an explicit environment (nothing of the
//! developer's own leaks in), and helpers to run hfdoctor in it and read what it said.
#![allow(dead_code)]

pub mod harness;
pub mod hub;
pub mod proxy;
pub mod storage;
pub mod venv;

#[allow(unused_imports)]
pub use harness::{FindingExt, Harness};

use std::path::{Path, PathBuf};

use serde_json::Value;

pub const TOKEN_A: &str = "hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAbcd";
pub const TOKEN_B: &str = "hf_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbWxyz";
pub const TOKEN_C: &str = "hf_ccccccccccccccccccccccccccccccQrst";

/// Every token the tests use is a well-formed user token: hf_ and 34 letters.
#[test]
fn tokens_have_the_user_token_shape() {
    for t in [TOKEN_A, TOKEN_B, TOKEN_C] {
        assert_eq!(t.len(), 37, "{t}");
    }
}

/// A Hub stand-in where alice holds TOKEN_A (role read) and `repo` exists.
pub fn hub_with_reader(repo: hub::Repo) -> hub::HubServer {
    hub::HubServer::start(
        hub::HubWorld::new()
            .user("alice", &[])
            .token(TOKEN_A, "alice", "read")
            .repo(repo),
    )
}

pub struct World {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
    pub cwd: PathBuf,
    pub env: Vec<(String, String)>,
}

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

impl World {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        let cwd = home.join("work");
        std::fs::create_dir_all(&cwd).unwrap();
        // git reads nothing of the machine's or the developer's own configuration.
        let env = vec![
            ("LANG".to_string(), "en_US.UTF-8".to_string()),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            (
                "GIT_CONFIG_GLOBAL".into(),
                home.join(".gitconfig").to_string_lossy().into_owned(),
            ),
            (
                "XDG_CONFIG_HOME".into(),
                home.join(".config").to_string_lossy().into_owned(),
            ),
        ];
        World {
            home,
            cwd,
            env,
            dir,
        }
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// PATH holds only these programs (links to the machine's own, where it has them): a
    /// world whose Python, say, does not depend on the machine.
    pub fn only_programs(&mut self, names: &[&str]) -> &mut Self {
        let bin = self.home.join(".only-bin");
        std::fs::create_dir_all(&bin).unwrap();
        for name in names {
            if let Ok(p) = which::which(name) {
                let _ = std::os::unix::fs::symlink(p, bin.join(name));
            }
        }
        let path = bin.to_string_lossy().into_owned();
        self.set("PATH", &path)
    }

    pub fn default_token_path(&self) -> PathBuf {
        self.home.join(".cache/huggingface/token")
    }

    /// Write a file (creating parents) with mode 600, as `hf auth login` does.
    pub fn write(&self, path: &Path, content: impl AsRef<[u8]>) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }

    pub fn write_token(&self, content: impl AsRef<[u8]>) {
        self.write(&self.default_token_path(), content);
    }

    pub fn write_stored(&self, entries: &[(&str, &str)]) {
        let text: String = entries
            .iter()
            .map(|(name, tok)| format!("[{name}]\nhf_token = {tok}\n\n"))
            .collect();
        self.write(&self.home.join(".cache/huggingface/stored_tokens"), text);
    }

    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hfdoctor"));
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(&self.cwd)
            .args(args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Real git in the world's current directory, with the world's environment.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_with_input(args, None)
    }

    pub fn git_with_input(&self, args: &[&str], input: Option<&str>) -> String {
        use std::io::Write;
        let mut cmd = std::process::Command::new("git");
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .current_dir(&self.cwd)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("git");
        if let Some(input) = input {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// git keeps `secret` for the stand-in at `hub_url` in its store helper (as `hf auth login
    /// --add-to-git-credential` leaves things), and sends each pack in one request.
    pub fn git_credential_store(&self, hub_url: &str, user: &str, secret: &str) {
        self.git(&["config", "--global", "credential.helper", "store"]);
        // One request per pack: no chunked upload.
        self.git(&["config", "--global", "http.postBuffer", "524288000"]);
        let host = hub_url.trim_start_matches("http://");
        self.git_with_input(
            &["credential", "approve"],
            Some(&format!(
                "protocol=http\nhost={host}\nusername={user}\npassword={secret}\n\n"
            )),
        );
    }

    /// A git repository in the current directory with one commit and this origin.
    pub fn git_repo(&self, origin: Option<&str>) {
        self.git(&["init", "-q", "-b", "main"]);
        std::fs::write(self.cwd.join("README.md"), "hello\n").unwrap();
        self.git(&["add", "README.md"]);
        self.git(&["commit", "-q", "-m", "first"]);
        if let Some(url) = origin {
            self.git(&["remote", "add", "origin", url]);
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = output_or_hang(self.command(args));
        let run = Run {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "hfdoctor panicked:\n{}",
            run.stderr
        );
        run
    }

    /// `hfdoctor explain ARGS` with `text` on its standard input.
    pub fn explain(&self, text: &str, args: &[&str]) -> Run {
        use std::io::Write;
        let mut all = vec!["explain"];
        all.extend_from_slice(args);
        let mut cmd = self.command(&all);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // Dropped at the end of the statement: the child sees the end of its input.
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        Run {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    pub fn json(&self, args: &[&str]) -> Run {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Run in both formats and return the JSON finding with `code` and the text output.
    /// Fails the test when either format lacks the outcome, or the text leaves a placeholder.
    pub fn outcome(&self, code: &str) -> (Value, String) {
        self.outcome_with(code, &["--offline"])
    }

    /// `outcome` with these arguments (e.g. `--repo x --write`, without `--offline`).
    pub fn outcome_with(&self, code: &str, args: &[&str]) -> (Value, String) {
        let json = self.json(args).json();
        let finding = find(&json, code).unwrap_or_else(|| {
            panic!(
                "no finding {code} in:\n{}",
                serde_json::to_string_pretty(&json["checks"]).unwrap()
            )
        });
        let mut text_args = args.to_vec();
        text_args.extend_from_slice(&["--color", "never"]);
        let text = self.run(&text_args).stdout;
        // Timings and rates differ from run to run; compare the words around them.
        let times = regex::Regex::new(r"\d+ ms|\d+(\.\d+)? (B|KiB|MiB)/s").unwrap();
        let summary = times.replace_all(finding["summary"].as_str().unwrap(), "# ms");
        let text = times.replace_all(&text, "# ms").into_owned();
        assert!(
            text.contains(summary.as_ref()),
            "text output lacks the summary of {code}:\n{summary}\n---\n{text}"
        );
        assert_no_placeholder(&text);
        assert_no_placeholder(&json.to_string());
        (finding, text)
    }
}

/// A child process holding an exclusive flock on `path`, as a running download holds its
/// lock: util-linux flock(1) takes it, says so, and holds it until this is dropped (its stdin
/// closes).
pub struct LockHolder(std::process::Child);

impl LockHolder {
    pub fn new(path: &std::path::Path) -> LockHolder {
        let mut child = std::process::Command::new("flock")
            .arg("-x")
            .arg(path)
            .args(["sh", "-c", "echo held; exec cat"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("flock(1)");
        let mut said = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut said,
        )
        .unwrap();
        assert_eq!(said.trim(), "held");
        LockHolder(child)
    }
}

impl Drop for LockHolder {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

/// Whether git-lfs runs here; where it does not, the caller says SKIPPED, unless
/// HFDOCTOR_REQUIRE_GIT_LFS is set (CI), where its absence fails the test.
pub fn have_git_lfs() -> bool {
    let ok = std::process::Command::new("git-lfs")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("HFDOCTOR_REQUIRE_GIT_LFS").is_none(),
            "HFDOCTOR_REQUIRE_GIT_LFS is set but git-lfs is not installed"
        );
        eprintln!("SKIPPED git-lfs test: git-lfs is not installed (apt-get install git-lfs)");
    }
    ok
}

/// The real huggingface_hub 2.x to compare with: `HFDOCTOR_HF_PYTHON`, else the venv that
/// scripts/setup-hf-venv.sh makes. None (the caller says SKIPPED) where there is none, unless
/// HFDOCTOR_REQUIRE_DIFFERENTIAL is set (CI), where its absence fails the test.
pub fn hf_python(test: &str) -> Option<PathBuf> {
    let p = std::env::var_os("HFDOCTOR_HF_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/hf-venv/bin/python")
        });
    let ok = std::process::Command::new(&p)
        .args([
            "-c",
            "import huggingface_hub as h; assert h.__version__.startswith('2.')",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(p);
    }
    assert!(
        std::env::var_os("HFDOCTOR_REQUIRE_DIFFERENTIAL").is_none(),
        "HFDOCTOR_REQUIRE_DIFFERENTIAL is set but there is no huggingface_hub 2.x at {}",
        p.display()
    );
    eprintln!("SKIPPED {test}: no huggingface_hub 2.x venv; run scripts/setup-hf-venv.sh");
    None
}

/// A server on loopback that accepts connections and never says a word. Its `host:port`.
pub fn black_hole() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    addr.to_string()
}

pub fn find(json: &Value, code: &str) -> Option<Value> {
    json["checks"]
        .as_array()?
        .iter()
        .find(|c| c["code"] == code)
        .cloned()
}

pub fn codes(json: &Value) -> Vec<String> {
    json["checks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c["code"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// An unfilled `{name}` means a finding lacks a value its words need (`%{name}` is curl's
/// `-w` syntax in a command, not a placeholder).
pub fn assert_no_placeholder(text: &str) {
    let re = regex::Regex::new(r"(?:^|[^%])(\{[a-z_]+\})").unwrap();
    assert!(
        !re.is_match(text),
        "unfilled placeholder {:?} in:\n{text}",
        re.captures(text).map(|c| c[1].to_string())
    );
}

pub fn fix_commands(finding: &Value) -> Vec<String> {
    finding["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["commands"].as_array().unwrap().clone())
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

/// How long a run may take before the test calls it hung. This is no speed limit (a debug build
/// on a busy 2-core machine is slow; `scripts/bench-*` measure speed): it only turns a run that
/// never ends into a failing test instead of a CI job that never ends.
pub const HANG: std::time::Duration = std::time::Duration::from_secs(120);

/// Run to the end and collect the output; a run that is still going after `HANG` is killed and
/// the test fails, saying so.
pub fn output_or_hang(mut cmd: std::process::Command) -> std::process::Output {
    use std::io::Read;
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("start hfdoctor");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let status = wait_or_hang(&mut child);
    std::process::Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

/// Wait for a started hfdoctor to end; one still running after `HANG` is killed and the test
/// fails, saying so (a hang detector, not a timing).
pub fn wait_or_hang(child: &mut std::process::Child) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("hfdoctor hung: still running after {HANG:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
