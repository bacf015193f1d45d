//! git-ssh against a real sshd on loopback (Debian's openssh-server, started by the test) that
//! greets like the Hub. Skipped where sshd is absent or the tests do not run as root (sshd
//! needs root for its privilege separation).

mod support;

use std::process::{Child, Command, Stdio};

use support::*;

struct Sshd {
    child: Child,
    port: u16,
    host_pub: String,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn can_run_sshd() -> bool {
    let sshd = std::path::Path::new("/usr/sbin/sshd").exists();
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !(sshd && root) {
        assert!(
            std::env::var_os("HFDOCTOR_REQUIRE_SSHD").is_none(),
            "HFDOCTOR_REQUIRE_SSHD is set but sshd cannot run here"
        );
        eprintln!("SKIPPED sshd test: needs /usr/sbin/sshd (openssh-server) and root");
    }
    sshd && root
}

fn keygen(path: &std::path::Path) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// An sshd on 127.0.0.1 that accepts `authorized` keys and answers like the Hub.
fn start_sshd(w: &World, authorized: &[String]) -> Sshd {
    start_sshd_saying(w, authorized, "Hi alice, welcome to Hugging Face.")
}

fn start_sshd_saying(w: &World, authorized: &[String], greeting: &str) -> Sshd {
    let dir = w.dir.path().join("sshd");
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::fs::create_dir_all("/run/sshd");
    keygen(&dir.join("host_key"));
    std::fs::write(dir.join("authorized_keys"), authorized.join("\n")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        "ListenAddress 127.0.0.1:{port}\nHostKey {d}/host_key\nPidFile {d}/pid\nAuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nForceCommand echo \"{greeting}\"\n",
        d = dir.display()
    );
    std::fs::write(dir.join("sshd_config"), config).unwrap();
    let child = Command::new("/usr/sbin/sshd")
        .args(["-D", "-e", "-f"])
        .arg(dir.join("sshd_config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let host_pub = std::fs::read_to_string(dir.join("host_key.pub")).unwrap();
    Sshd {
        child,
        port,
        host_pub,
    }
}

/// A world whose `hf.co` is the test sshd (via ~/.ssh/config), with a user key and a repo
/// whose origin is `root@hf.co:acme/model` (sshd logs in local users only).
fn world(known_as: Option<&str>) -> (World, String) {
    let w = World::new();
    let ssh = w.home.join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    keygen(&ssh.join("id_ed25519"));
    let user_pub = std::fs::read_to_string(ssh.join("id_ed25519.pub")).unwrap();
    w.git_repo(Some("root@hf.co:acme/model"));
    let _ = known_as;
    (w, user_pub)
}

fn ssh_config(w: &World, port: u16, alias: Option<&str>) {
    let ssh = w.home.join(".ssh");
    let mut cfg = format!(
        "Host hf.co\n  HostName 127.0.0.1\n  Port {port}\n  IdentityFile {}/id_ed25519\n  UserKnownHostsFile {}/known_hosts\n  IdentitiesOnly yes\n",
        ssh.display(),
        ssh.display()
    );
    if let Some(a) = alias {
        cfg.push_str(&format!("  HostKeyAlias {a}\n"));
    }
    std::fs::write(ssh.join("config"), cfg).unwrap();
}

/// ssh reads ~/.ssh/config from the passwd home, not $HOME: point it at the test's, as a user
/// would with GIT_SSH_COMMAND (which hfdoctor honours as git does).
fn use_test_ssh(w: &mut World) {
    let cfg = w.home.join(".ssh/config");
    w.set("GIT_SSH_COMMAND", &format!("ssh -F {}", cfg.display()));
}

fn known(w: &World, name: &str, key: &str) {
    let mut parts = key.split_whitespace();
    let (kind, body) = (parts.next().unwrap(), parts.next().unwrap());
    std::fs::write(
        w.home.join(".ssh/known_hosts"),
        format!("{name} {kind} {body}\n"),
    )
    .unwrap();
}

#[test]
fn accepted_key_names_the_account() {
    if !can_run_sshd() {
        return;
    }
    let (mut w, user_pub) = world(None);
    use_test_ssh(&mut w);
    let sshd = start_sshd(&w, &[user_pub]);
    ssh_config(&w, sshd.port, None);
    known(&w, &format!("[127.0.0.1]:{}", sshd.port), &sshd.host_pub);
    let (f, _) = w.outcome_with("git-ssh/ok", &["--only", "git-ssh"]);
    assert_eq!(f["details"]["account"], "alice");
}

#[test]
fn refused_key() {
    if !can_run_sshd() {
        return;
    }
    let (mut w, _) = world(None);
    use_test_ssh(&mut w);
    let sshd = start_sshd(&w, &[]);
    ssh_config(&w, sshd.port, None);
    known(&w, &format!("[127.0.0.1]:{}", sshd.port), &sshd.host_pub);
    let (f, _) = w.outcome_with("git-ssh/key-refused", &["--only", "git-ssh"]);
    assert_eq!(f["cause"], "no-token");
}

#[test]
fn unknown_host_key_in_batch_mode() {
    if !can_run_sshd() {
        return;
    }
    let (mut w, user_pub) = world(None);
    use_test_ssh(&mut w);
    let sshd = start_sshd(&w, &[user_pub]);
    ssh_config(&w, sshd.port, None);
    let (f, _) = w.outcome_with("git-ssh/host-unknown", &["--only", "git-ssh"]);
    assert_eq!(f["cause"], "tls");
}

#[test]
fn changed_host_key() {
    if !can_run_sshd() {
        return;
    }
    let (mut w, user_pub) = world(None);
    use_test_ssh(&mut w);
    let sshd = start_sshd(&w, &[user_pub]);
    ssh_config(&w, sshd.port, None);
    let other = w.dir.path().join("other_key");
    keygen(&other);
    let other_pub = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    known(&w, &format!("[127.0.0.1]:{}", sshd.port), &other_pub);
    let (f, _) = w.outcome_with("git-ssh/host-key-changed", &["--only", "git-ssh"]);
    assert_eq!(
        fix_commands(&f)[0],
        format!("ssh-keygen -R [127.0.0.1]:{}", sshd.port)
    );
}

#[test]
fn a_key_for_hf_co_that_is_not_the_hubs() {
    if !can_run_sshd() {
        return;
    }
    let (mut w, user_pub) = world(None);
    use_test_ssh(&mut w);
    let sshd = start_sshd(&w, &[user_pub]);
    // Known as hf.co itself: the key must then be one of the Hub's fingerprints, and the test
    // server's is not.
    ssh_config(&w, sshd.port, Some("hf.co"));
    known(&w, "hf.co", &sshd.host_pub);
    let (f, text) = w.outcome_with("git-ssh/host-key-not-genuine", &["--only", "git-ssh"]);
    assert!(f["details"]["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("SHA256:"));
    assert!(text.contains("not one of the Hub's"), "{text}");
}

#[test]
fn nothing_answers() {
    let (mut w, _) = world(None);
    use_test_ssh(&mut w);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    ssh_config(&w, port, None);
    let (f, _) = w.outcome_with("git-ssh/unreachable", &["--only", "git-ssh"]);
    assert_eq!(f["cause"], "network-unreachable");
}

#[test]
fn offline_and_no_ssh_remote() {
    let (w, _) = world(None);
    let (f, _) = w.outcome("git-ssh/offline");
    assert_eq!(f["status"], "skip");
    let w = World::new();
    w.git_repo(Some("https://huggingface.co/acme/model"));
    w.outcome("git-ssh/no-ssh-remote");
}

#[test]
fn the_hubs_anonymous_greeting() {
    if !can_run_sshd() {
        return;
    }
    let (mut w, user_pub) = world(None);
    use_test_ssh(&mut w);
    let sshd = start_sshd_saying(&w, &[user_pub], "Hi anonymous, welcome to Hugging Face.");
    ssh_config(&w, sshd.port, None);
    known(&w, &format!("[127.0.0.1]:{}", sshd.port), &sshd.host_pub);
    let (f, _) = w.outcome_with("git-ssh/anonymous", &["--only", "git-ssh"]);
    assert_eq!(f["status"], "fail");
}

#[test]
fn key_of_another_account_than_the_token() {
    if !can_run_sshd() {
        return;
    }
    use support::hub::{HubServer, HubWorld};
    const CAROL: &str = "hf_carolwriteaaaaaaaaaaaaaaaaaaaaCarl";
    let hub = HubServer::start(
        HubWorld::new()
            .user("carol", &[])
            .token(CAROL, "carol", "write"),
    );
    let (mut w, user_pub) = world(None);
    use_test_ssh(&mut w);
    w.set("HF_ENDPOINT", &hub.url);
    w.write_token(CAROL);
    let sshd = start_sshd(&w, &[user_pub]);
    ssh_config(&w, sshd.port, None);
    known(&w, &format!("[127.0.0.1]:{}", sshd.port), &sshd.host_pub);
    let (f, _) = w.outcome_with("git-ssh/other-account", &["--only", "git-ssh"]);
    assert_eq!(f["details"]["account"], "alice");
    assert_eq!(f["details"]["token_account"], "carol");
}

#[test]
fn no_ssh_client() {
    let (mut w, _) = world(None);
    let bin = w.home.join("bin-git-only");
    std::fs::create_dir_all(&bin).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(which::which("git").unwrap(), bin.join("git")).unwrap();
        std::os::unix::fs::symlink(which::which("sh").unwrap(), bin.join("sh")).unwrap();
    }
    w.set("PATH", bin.to_str().unwrap());
    let mut cmd = w.command(&["--format", "json", "--only", "git-ssh"]);
    cmd.env("PATH", &bin);
    let j: serde_json::Value = serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
    assert!(find(&j, "git-ssh/ssh-missing").is_some(), "{j}");
}
