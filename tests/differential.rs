//! hfdoctor must name the token the real huggingface_hub 2.x uses. For each configuration of
//! variables and files, the real client (in target/hf-venv, made by scripts/setup-hf-venv.sh)
//! says which token `get_token()` returns and from where; hfdoctor must say the same.
//! Skipped, with a message, where that venv is absent.

mod support;

use std::process::Command;

use serde_json::Value;
use support::*;

/// Asks the real client. Prints the masked token, where it came from, the token path it
/// uses, or the exception `get_token()` raises. The token itself never leaves Python.
const PROBE: &str = r#"
import json, os
from huggingface_hub import constants
from huggingface_hub.utils import _auth
def bare(t):
    for p in ("hf_oauth_", "hf_jwt_", "api_org_", "hf_", "api_"):
        if t.startswith(p):
            break
    else:
        p = ""
    rest = t[len(p):]
    tail = rest[-4:]
    ok = len(rest) >= 16 and all(c.isascii() and c.isprintable() and not c.isspace() for c in tail)
    return p + "\u2026" + (tail if ok else "")
def mask(t):
    # Quotes stay around the masked form: the client sends them (src/secret.rs).
    t = t.strip("\ufeff")
    inner = t.strip("\"'`")
    if len(inner) == len(t):
        return bare(t)
    if not inner:
        return t + bare("")
    s = t.find(inner)
    return t[:s] + bare(inner) + t[s + len(inner):]
out = {"path": os.path.abspath(constants.HF_TOKEN_PATH or ".")}
try:
    tok = _auth.get_token()
except Exception as e:
    out["error"] = type(e).__name__
else:
    if tok is None:
        out["source"] = None
    else:
        out["masked"] = mask(tok)
        if tok == _auth._get_token_from_environment():
            out["source"] = "env:HF_TOKEN" if os.environ.get("HF_TOKEN") else "env:HUGGING_FACE_HUB_TOKEN"
        else:
            out["source"] = "file"
print(json.dumps(out))
"#;

struct Case {
    name: &'static str,
    setup: fn(&mut World),
}

fn ask_python(py: &std::path::Path, w: &World) -> Value {
    let mut cmd = Command::new(py);
    cmd.env_clear()
        .env("HOME", &w.home)
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .current_dir(&w.cwd)
        .args(["-c", PROBE]);
    for (k, v) in &w.env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run python");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("probe JSON")
}

fn cases() -> Vec<Case> {
    fn dir(w: &World, rel: &str) -> String {
        let d = w.home.join(rel);
        std::fs::create_dir_all(&d).unwrap();
        d.to_string_lossy().into_owned()
    }
    vec![
        Case {
            name: "nothing",
            setup: |_| {},
        },
        Case {
            name: "file only",
            setup: |w| w.write_token(format!("{TOKEN_A}\n")),
        },
        Case {
            name: "file with CRLF",
            setup: |w| w.write_token(format!("{TOKEN_A}\r\n")),
        },
        Case {
            name: "HF_TOKEN over file",
            setup: |w| {
                w.write_token(TOKEN_A);
                w.set("HF_TOKEN", TOKEN_B);
            },
        },
        Case {
            name: "legacy only",
            setup: |w| {
                w.set("HUGGING_FACE_HUB_TOKEN", TOKEN_B);
            },
        },
        Case {
            name: "both env vars",
            setup: |w| {
                w.set("HF_TOKEN", TOKEN_A)
                    .set("HUGGING_FACE_HUB_TOKEN", TOKEN_B);
            },
        },
        Case {
            name: "empty HF_TOKEN falls to legacy",
            setup: |w| {
                w.set("HF_TOKEN", "").set("HUGGING_FACE_HUB_TOKEN", TOKEN_B);
            },
        },
        Case {
            name: "whitespace HF_TOKEN hides legacy",
            setup: |w| {
                w.write_token(TOKEN_C);
                w.set("HF_TOKEN", "   ")
                    .set("HUGGING_FACE_HUB_TOKEN", TOKEN_B);
            },
        },
        Case {
            name: "empty HF_TOKEN only, file",
            setup: |w| {
                w.write_token(TOKEN_C);
                w.set("HF_TOKEN", "");
            },
        },
        Case {
            name: "CR/LF removed inside",
            setup: |w| {
                // The break sits inside the last four characters, so a wrong cleaning shows
                // in the masked form both sides compare.
                w.set(
                    "HF_TOKEN",
                    " hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAb\r\ncd \n",
                );
            },
        },
        Case {
            name: "inner space kept",
            setup: |w| {
                w.set("HF_TOKEN", "hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaK lmn");
            },
        },
        Case {
            name: "implicit token disabled still resolves",
            setup: |w| {
                w.write_token(TOKEN_A);
                w.set("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1");
            },
        },
        Case {
            name: "BOM kept",
            setup: |w| w.write_token(format!("\u{feff}{TOKEN_A}\r\n")),
        },
        Case {
            name: "whitespace file",
            setup: |w| w.write_token("  \n"),
        },
        Case {
            name: "HF_TOKEN_PATH file",
            setup: |w| {
                let p = w.home.join("elsewhere/tok");
                w.write(&p, TOKEN_B);
                w.write_token(TOKEN_A);
                w.set("HF_TOKEN_PATH", p.to_str().unwrap());
            },
        },
        Case {
            name: "HF_TOKEN_PATH directory raises",
            setup: |w| {
                let d = dir(w, "tokdir");
                w.set("HF_TOKEN_PATH", &d);
            },
        },
        Case {
            name: "HF_TOKEN_PATH empty raises",
            setup: |w| {
                w.write_token(TOKEN_A);
                w.set("HF_TOKEN_PATH", "");
            },
        },
        Case {
            name: "HF_HOME",
            setup: |w| {
                let d = dir(w, "hfhome");
                w.write(&w.home.join("hfhome/token"), TOKEN_B);
                w.set("HF_HOME", &d);
            },
        },
        Case {
            name: "XDG_CACHE_HOME",
            setup: |w| {
                let d = dir(w, "xdg");
                w.write(&w.home.join("xdg/huggingface/token"), TOKEN_B);
                w.set("XDG_CACHE_HOME", &d);
            },
        },
        Case {
            name: "empty XDG_CACHE_HOME is relative",
            setup: |w| {
                w.write(&w.cwd.join("huggingface/token"), TOKEN_B);
                w.write_token(TOKEN_A);
                w.set("XDG_CACHE_HOME", "");
            },
        },
        Case {
            name: "empty HF_HOME is relative",
            setup: |w| {
                w.write(&w.cwd.join("token"), TOKEN_C);
                w.set("HF_HOME", "");
            },
        },
        Case {
            name: "HF_HOME with ~",
            setup: |w| {
                w.write(&w.home.join("hfh/token"), TOKEN_B);
                w.set("HF_HOME", "~/hfh");
            },
        },
        Case {
            name: "HF_HOME with $HOME",
            setup: |w| {
                w.write(&w.home.join("hfh2/token"), TOKEN_C);
                w.set("HF_HOME", "$HOME/hfh2");
            },
        },
        Case {
            name: "HF_TOKEN_PATH with ${VAR}",
            setup: |w| {
                w.write(&w.home.join("v/t"), TOKEN_B);
                let home = w.home.to_str().unwrap().to_string();
                w.set("MYDIR", &format!("{home}/v"))
                    .set("HF_TOKEN_PATH", "${MYDIR}/t");
            },
        },
        Case {
            name: "HF_HOME and HF_TOKEN_PATH",
            setup: |w| {
                let d = dir(w, "x");
                w.write(&w.home.join("y/tok"), TOKEN_C);
                w.write(&w.home.join("x/token"), TOKEN_A);
                let y = w.home.join("y/tok");
                w.set("HF_HOME", &d)
                    .set("HF_TOKEN_PATH", y.to_str().unwrap());
            },
        },
        Case {
            name: "staging mode",
            setup: |w| {
                w.write(&w.home.join(".cache/huggingface_staging/token"), TOKEN_B);
                w.write_token(TOKEN_A);
                w.set("HUGGINGFACE_CO_STAGING", "true");
            },
        },
        Case {
            name: "stored tokens never pick",
            setup: |w| {
                w.write_token(TOKEN_A);
                w.write_stored(&[("other", TOKEN_B)]);
            },
        },
        Case {
            name: "quoted file token is used as is",
            setup: |w| w.write_token(format!("\"{TOKEN_A}\"\n")),
        },
    ]
}

#[test]
fn hfdoctor_names_the_same_token_as_huggingface_hub() {
    let Some(py) = hf_python("differential test") else {
        return;
    };
    let cases = cases();
    assert!(cases.len() >= 20);
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|case| {
                let py = &py;
                s.spawn(move || {
                    let mut w = World::new();
                    (case.setup)(&mut w);
                    let truth = ask_python(py, &w);
                    let ours = w.json(&["--offline"]).json();
                    compare(case.name, &w, &truth, &ours)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn compare(name: &str, w: &World, truth: &Value, ours: &Value) -> Result<(), String> {
    let effect = &ours["token"]["in_effect"];
    let home = w.home.to_string_lossy().into_owned();
    let py_path = truth["path"].as_str().unwrap().replace(&home, "~");
    if let Some(err) = truth["error"].as_str() {
        // The client raises; hfdoctor must have no token in effect and a failing token-file.
        let fails = codes(ours)
            .iter()
            .any(|c| c == "token-file/is-directory" || c == "token-file/unreadable");
        return if effect.is_null() && fails {
            Ok(())
        } else {
            Err(format!(
                "{name}: python raises {err}, hfdoctor says {effect}"
            ))
        };
    }
    match truth["source"].as_str() {
        None => {
            if effect.is_null() {
                Ok(())
            } else {
                Err(format!(
                    "{name}: python has no token, hfdoctor says {effect}"
                ))
            }
        }
        Some(source) => {
            let expected_source = if source == "file" {
                format!("file:{py_path}")
            } else {
                source.to_string()
            };
            let ok =
                effect["source"] == expected_source.as_str() && effect["masked"] == truth["masked"];
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "{name}: python says {expected_source} {}, hfdoctor says {effect}",
                    truth["masked"]
                ))
            }
        }
    }
}
