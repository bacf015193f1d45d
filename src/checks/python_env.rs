//! python-env: each Python the user runs (`python3`, `python`, and the interpreters behind `hf`
//! and `huggingface-cli`), with the versions and declared requirements of the Hub's packages read
//! from their metadata, never by importing them (`local::python`, docs/notes/python-env.md).
//! Judged: `hf` running another Python than `python3`; a package whose declared requirement on
//! huggingface_hub (or huggingface_hub's on hf_xet) the installed version does not meet; hf_xet
//! missing; `huggingface-cli` that no longer works; variables the installed client ignores.

use std::sync::Arc;

use crate::context::{is_true_value, Context};
use crate::engine::finding::Found;
use crate::engine::runner::CheckFuture;
use crate::local::python::{self, PyEnv};

crate::outcomes! {
    pub enum Outcome {
        Ok = "ok",
        NoPython = "no-python",
        NoHub = "no-hub",
        HfElsewhere = "hf-elsewhere",
        RequirementUnmet = "requirement-unmet",
        XetMissing = "xet-missing",
        XetTooOld = "xet-too-old",
        CliStub = "cli-stub",
        TransferIgnored = "transfer-ignored",
        CaIgnored = "ca-ignored",
    }
}

/// The packages whose declared requirement on huggingface_hub is checked.
const DEPENDENTS: &[&str] = &["transformers", "diffusers", "datasets", "sentence-transformers"];

pub fn run(ctx: Arc<Context>) -> CheckFuture {
    Box::pin(async move {
        let c = ctx.clone();
        tokio::task::spawn_blocking(move || check(&c))
            .await
            .unwrap_or_default()
    })
}

fn check(ctx: &Context) -> Vec<Found> {
    let pythons = ctx.pythons();
    let (found, distinct, probed) = (&pythons.found, &pythons.distinct, &pythons.probed);
    if found.is_empty() {
        return vec![Found::new(Outcome::NoPython)];
    }
    // Each name the user types, with the environment it runs.
    let named: Vec<(&'static str, &PyEnv)> = found
        .iter()
        .filter_map(|(n, p)| {
            let i = distinct.iter().position(|d| d == p)?;
            probed[i].as_ref().map(|e| (*n, e))
        })
        .collect();
    let by_name = |name: &str| named.iter().find(|(n, _)| *n == name).map(|(n, e)| (*n, *e));
    if probed.iter().all(Option::is_none) {
        return vec![Found::new(Outcome::NoPython)];
    }
    // The environment downloads run in: hf's when there is one, else python3's, else python's.
    let primary = by_name("hf")
        .or_else(|| by_name("python3"))
        .or_else(|| by_name("python"));
    let mut out = Vec::new();
    let mut judged: Vec<&str> = Vec::new();
    for env in probed.iter().flatten() {
        // `python3` and `python` of one environment are one: judged once.
        if judged.contains(&env.prefix.as_str()) {
            continue;
        }
        judged.push(&env.prefix);
        out.extend(judge_env(ctx, env));
    }
    if let (Some((_, hf)), Some((_, py))) = (by_name("hf"), by_name("python3")) {
        if hf.prefix != py.prefix && hf.version("huggingface_hub") != py.version("huggingface_hub") {
            out.push(
                Found::new(Outcome::HfElsewhere)
                    .with("hf_python", ctx.display_path(std::path::Path::new(&hf.executable)))
                    .with("hf_hub", hf.version("huggingface_hub").unwrap_or("-").to_string())
                    .with("python", ctx.display_path(std::path::Path::new(&py.executable)))
                    .with("python_hub", py.version("huggingface_hub").unwrap_or("-").to_string()),
            );
        }
    }
    if let Some((_, cli)) = by_name("huggingface-cli") {
        if let Some(v) = cli.version("huggingface_hub").filter(|v| python::at_least(v, "1.11")) {
            out.push(Found::new(Outcome::CliStub).with("version", v.to_string()));
        }
    }
    let Some((_, main)) = primary else {
        return out;
    };
    let Some(hub) = main.version("huggingface_hub") else {
        if out.is_empty() {
            out.push(Found::new(Outcome::NoHub).detail("envs", envs_line(ctx, &named)));
        }
        return out;
    };
    let modern = python::at_least(hub, "1.0");
    if modern && ctx.env.get("HF_HUB_ENABLE_HF_TRANSFER").is_some_and(|v| is_true_value(&v)) {
        out.push(Found::new(Outcome::TransferIgnored).with("version", hub.to_string()));
    }
    let old_ca = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]
        .into_iter()
        .find(|v| ctx.env.non_empty(v).is_some());
    if let (true, Some(var), None) = (modern, old_ca, ctx.env.non_empty("SSL_CERT_FILE")) {
        out.push(
            Found::new(Outcome::CaIgnored)
                .with("var", var)
                .with("version", hub.to_string()),
        );
    }
    if out.is_empty() {
        out.push(Found::new(Outcome::Ok).with("envs", envs_line(ctx, &named)));
    }
    out
}

/// Requirements within one environment: its dependents on huggingface_hub, and
/// huggingface_hub's own on hf_xet.
fn judge_env(ctx: &Context, env: &PyEnv) -> Vec<Found> {
    let mut out = Vec::new();
    let python = ctx.display_path(std::path::Path::new(&env.executable));
    let Some(hub) = env.packages.get("huggingface_hub") else {
        return out;
    };
    for dep in DEPENDENTS {
        let Some(p) = env.packages.get(*dep) else {
            continue;
        };
        let Some(spec) = python::requirement_on(&p.requires, "huggingface_hub", &env.machine) else {
            continue;
        };
        if python::satisfies(&hub.version, &spec) == Some(false) {
            out.push(
                Found::new(Outcome::RequirementUnmet)
                    .with("python", python.clone())
                    .with("package", *dep)
                    .with("package_version", p.version.clone())
                    .with("spec", spec)
                    .with("hub", hub.version.clone()),
            );
        }
    }
    if let Some(spec) = python::requirement_on(&hub.requires, "hf_xet", &env.machine) {
        match env.packages.get("hf_xet") {
            None => out.push(
                Found::new(Outcome::XetMissing)
                    .with("python", python.clone())
                    .with("hub", hub.version.clone()),
            ),
            Some(x) if python::satisfies(&x.version, &spec) == Some(false) => out.push(
                Found::new(Outcome::XetTooOld)
                    .with("python", python.clone())
                    .with("xet", x.version.clone())
                    .with("spec", spec)
                    .with("hub", hub.version.clone()),
            ),
            Some(_) => {}
        }
    }
    out
}

/// `python3 3.12.1 (~/venv/bin/python3): huggingface_hub 2.4.0, hf_xet 1.8.0; hf: the same`.
fn envs_line(ctx: &Context, named: &[(&'static str, &PyEnv)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (name, e) in named {
        if seen.contains(&e.prefix) {
            parts.push(format!("{name}: the same"));
            continue;
        }
        seen.push(e.prefix.clone());
        let pkgs: Vec<String> = ["huggingface_hub", "hf_xet", "transformers"]
            .iter()
            .filter_map(|k| e.version(k).map(|v| format!("{k} {v}")))
            .collect();
        parts.push(format!(
            "{name} {} ({}): {}",
            e.python,
            ctx.display_path(std::path::Path::new(&e.executable)),
            if pkgs.is_empty() {
                "-".to_string()
            } else {
                pkgs.join(", ")
            }
        ));
    }
    parts.join("; ")
}
