//! The layers of DESIGN.md, enforced: a module imports only from its own layer or below, no two
//! modules import each other in a circle, and no check imports another check (shared helpers
//! live in `checks/common.rs`). The model is cargo's `ensure_*` tests: read the source, fail
//! with the exact file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer of each top-level module of `src/`. A new module must be placed here, or the test
/// fails, so the map cannot silently fall behind the code.
const LAYERS: &[(&str, u8)] = &[
    ("world", 0),
    ("secret", 0),
    ("lang", 0),
    ("shell", 0),
    ("auth", 1),
    ("hub", 1),
    ("git", 1),
    ("net", 1),
    ("local", 1),
    ("context", 2),
    ("engine", 3),
    ("checks", 4),
    ("explain", 5),
    ("diagnose", 5),
    ("fix", 5),
    ("render", 6),
    ("cli", 7),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/hub/client.rs` → `hub`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// Code without comments and without the `#[cfg(test)]` module at the end of a file: tests
/// may reach anywhere.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or_default();
        out.push((i + 1, code.to_string()));
    }
    out
}

/// Every `crate::x` a line names, including `use crate::{a, b::c}`.
fn crate_refs(line: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    refs.push(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                refs.push(name);
            }
        }
        rest = after;
    }
    refs
}

/// `crate::checks::x` a check file names, other than itself and `common`.
fn check_refs(line: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("checks::") {
        let after = &rest[i + "checks::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        refs.push(name);
        rest = after;
    }
    refs
}

struct Edge {
    from: String,
    to: String,
    at: String,
}

fn edges() -> Vec<Edge> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Some(from) = module_of(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in code_lines(&text) {
            for to in crate_refs(&line) {
                out.push(Edge {
                    from: from.clone(),
                    to,
                    at: format!("{}:{n}", file.strip_prefix(&src).unwrap().display()),
                });
            }
        }
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let missing: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(&src, f))
        .filter(|m| layer(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a layer in tests/layers.rs: {missing:?}"
    );
}

#[test]
fn no_module_imports_from_a_higher_layer() {
    let mut wrong = Vec::new();
    for e in edges() {
        let (Some(from), Some(to)) = (layer(&e.from), layer(&e.to)) else {
            continue;
        };
        if to > from {
            wrong.push(format!(
                "{}: {} (layer {from}) imports {} (layer {to})",
                e.at, e.from, e.to
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports from a higher layer:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut example: BTreeMap<(String, String), String> = BTreeMap::new();
    for e in edges() {
        if e.from != e.to && layer(&e.to).is_some() {
            graph
                .entry(e.from.clone())
                .or_default()
                .insert(e.to.clone());
            example.entry((e.from, e.to)).or_insert(e.at);
        }
    }
    // Depth-first search; a back edge closes a cycle, reported with one line per step.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            let steps: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    format!(
                        "{} -> {} ({})",
                        w[0],
                        w[1],
                        example[&(w[0].clone(), w[1].clone())]
                    )
                })
                .collect();
            panic!("import cycle:\n{}", steps.join("\n"));
        }
    }
}

#[test]
fn no_check_imports_another_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
    let mut wrong = Vec::new();
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    for file in files {
        let own = file.file_stem().unwrap().to_str().unwrap().to_string();
        if own == "mod" || own == "common" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in code_lines(&text) {
            for other in check_refs(&line) {
                if other != own && other != "common" && !other.is_empty() {
                    wrong.push(format!("checks/{own}.rs:{n} uses checks::{other}"));
                }
            }
            if line.contains("super::") && !line.contains("super::common") {
                wrong.push(format!(
                    "checks/{own}.rs:{n} reaches a sibling through super::"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a check imports another:\n{}",
        wrong.join("\n")
    );
}

/// The scanner itself: the forms of `use` it must see.
#[test]
fn the_scanner_sees_every_form() {
    assert_eq!(crate_refs("use crate::hub::Answer;"), vec!["hub"]);
    assert_eq!(
        crate_refs("use crate::{context::Context, world::env::Env};"),
        vec!["context", "world"]
    );
    assert_eq!(
        crate_refs("let x = crate::git::run(a, crate::secret::mask(b));"),
        vec!["git", "secret"]
    );
    assert_eq!(
        check_refs("use crate::checks::repo_access::x;"),
        vec!["repo_access"]
    );
    assert_eq!(
        code_lines("a\n// crate::x\n#[cfg(test)]\nuse crate::cli;").len(),
        2
    );
}

/// A check reaches the machine only through the Context (files, subprocesses, the
/// environment), so an in-process test can fake it and the bounded reader and the subprocess
/// runner cannot be bypassed.
#[test]
fn checks_reach_the_machine_only_through_the_context() {
    const FORBIDDEN: &[&str] = &[
        "std::fs::",
        "File::open",
        "std::process::",
        "Command::new",
        "std::env::var",
        "world::fs::read_bounded",
        "world::proc::",
        "net::tls::certs_from",
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in code_lines(&text) {
            for f in FORBIDDEN {
                if line.contains(f) {
                    wrong.push(format!(
                        "{}:{n}: {}",
                        file.strip_prefix(&dir).unwrap().display(),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "checks reaching the machine around the Context:\n{}",
        wrong.join("\n")
    );
}
