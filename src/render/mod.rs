//! Renderers turn findings into text for people or JSON for scripts. They share one way of
//! finding the words for a finding in the chosen language.

pub mod anonymize;
pub mod diagnosis;
pub mod docs;
pub mod explain;
pub mod github;
pub mod json;
pub mod list;
pub mod markdown;
pub mod page;
pub mod redact;
pub mod text;
pub mod wrap;

use std::collections::BTreeMap;

use crate::auth::token::{Source, TokenDiscovery};
use crate::context::Context;
use crate::engine::catalog::{fill, Catalog};
use crate::engine::finding::{Finding, Param, Status};
use crate::lang::Lang;

#[derive(Debug, Clone, serde::Serialize)]
pub struct RenderedFix {
    pub text: String,
    pub commands: Vec<String>,
    pub url: Option<String>,
}

/// The words of findings in one language, for one run: fixes name the run's endpoint and
/// git host, and their commands are said in the user's shell.
#[derive(Clone)]
pub struct Words {
    pub lang: Lang,
    run: RunFacts,
}

/// What every fix may name, whichever check it comes from: `{endpoint}` (no trailing slash),
/// `{git_protocol}` and `{git_host}` (with its port) that git talks to; the shell; and the
/// variables in effect that a fix may ask to unset.
#[derive(Clone)]
struct RunFacts {
    endpoint: String,
    git_protocol: String,
    git_host: String,
    shell: crate::shell::Shell,
    /// None without a run (docs, catalog pages): every fix applies.
    env: Option<crate::world::env::Env>,
}

impl Words {
    /// The words in `lang`, for no run in particular: the default endpoint, `sh`. The catalog
    /// is looked up at first use, not here: it is parsed on a thread of its own while the
    /// checks start (main.rs).
    pub fn new(lang: Lang) -> Self {
        let endpoint = crate::hub::endpoint::DEFAULT_ENDPOINT.to_string();
        let git_host = endpoint.trim_start_matches("https://").to_string();
        Words {
            lang,
            run: RunFacts {
                endpoint,
                git_protocol: "https".into(),
                git_host,
                shell: crate::shell::Shell::Sh,
                env: None,
            },
        }
    }

    /// These words for the run of `ctx`: its endpoint, git host and shell.
    pub fn for_run(mut self, ctx: &Context) -> Self {
        self.run.endpoint = ctx.endpoint().url.trim_end_matches('/').to_string();
        if let Some((protocol, host)) = ctx.git_credential_host() {
            self.run.git_protocol = protocol;
            self.run.git_host = host;
        }
        self.run.shell = crate::shell::Shell::detect(&ctx.env);
        self.run.env = Some(ctx.env.clone());
        self
    }

    /// A fix as shown: its placeholders filled from `param` then from the run, its commands
    /// in the user's shell. A fix whose first command unsets variables none of which is in
    /// effect in this run does not apply (`None`).
    pub fn fix(
        &self,
        fix: &crate::engine::catalog::FixEntry,
        param: &dyn Fn(&str) -> Option<String>,
    ) -> Option<RenderedFix> {
        let fill = |t: &str| fill(t, &|name| param(name).or_else(|| self.run_param(name)));
        let commands: Vec<String> = fix.commands.iter().map(|c| fill(c)).collect();
        if let (Some(env), Some(first)) = (&self.run.env, commands.first()) {
            if let Some(vars) = first.strip_prefix("unset ") {
                if !vars.split_whitespace().any(|v| var_in_effect(env, v)) {
                    return None;
                }
            }
        }
        Some(RenderedFix {
            text: fill(fix.text.get(self.lang)),
            commands: commands.iter().map(|c| self.run.shell.adapt(c)).collect(),
            url: fix.url.as_ref().map(|u| fill(u)),
        })
    }

    fn run_param(&self, name: &str) -> Option<String> {
        match name {
            "endpoint" => Some(self.run.endpoint.clone()),
            "git_protocol" => Some(self.run.git_protocol.clone()),
            "git_host" => Some(self.run.git_host.clone()),
            _ => None,
        }
    }

    fn catalog(&self) -> &'static Catalog {
        crate::checks::catalog()
    }

    pub fn msg(&self, key: &str) -> String {
        self.catalog().msg(key, self.lang)
    }

    /// Punctuation as the language writes it: `en` after English, the full-width `zh` after
    /// Chinese (docs/notes/chinese-style.md).
    pub fn punct(&self, en: &'static str, zh: &'static str) -> &'static str {
        match self.lang {
            Lang::En => en,
            Lang::ZhTw | Lang::ZhCn => zh,
        }
    }

    /// The colon after a label: `cause: ` in English, `原因：` in Chinese.
    pub fn colon(&self) -> &'static str {
        self.punct(": ", "：")
    }

    /// ` (text)` in English, `（text）` in Chinese.
    pub fn parenthesized(&self, text: &str) -> String {
        match self.lang {
            Lang::En => format!(" ({text})"),
            Lang::ZhTw | Lang::ZhCn => format!("（{text}）"),
        }
    }

    /// A shared message with its placeholders filled.
    pub fn msg_with(&self, key: &str, params: &[(&str, &str)]) -> String {
        fill(&self.msg(key), &|name| {
            params
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    pub fn title(&self, check: &str) -> String {
        self.catalog()
            .check(check)
            .map(|c| c.title.get(self.lang).to_string())
            .unwrap_or_else(|| check.to_string())
    }

    fn param(&self, f: &Finding, name: &str) -> Option<String> {
        f.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| match v {
                Param::Text(t) => t.clone(),
                // A shared phrase may name the finding's own plain values ("an HTML page
                // titled {page_title}"); never another phrase, so this cannot recurse.
                Param::Msg(key) => fill(&self.msg(key), &|n| {
                    f.params.iter().find_map(|(k, v)| match v {
                        Param::Text(t) if *k == n => Some(t.clone()),
                        _ => None,
                    })
                }),
            })
    }

    fn render(&self, f: &Finding, template: &str) -> String {
        fill(template, &|name| {
            self.param(f, name).or_else(|| self.run_param(name))
        })
    }

    pub fn summary(&self, f: &Finding) -> String {
        match self.catalog().outcome(f.check, f.outcome) {
            Some(o) => self.render(f, o.summary.get(self.lang)),
            None => f.code(),
        }
    }

    pub fn why(&self, f: &Finding) -> Option<String> {
        let o = self.catalog().outcome(f.check, f.outcome)?;
        o.why.as_ref().map(|w| self.render(f, w.get(self.lang)))
    }

    pub fn fixes(&self, f: &Finding) -> Vec<RenderedFix> {
        let Some(o) = self.catalog().outcome(f.check, f.outcome) else {
            return Vec::new();
        };
        o.fix
            .iter()
            .filter_map(|fix| self.fix(fix, &|name| self.param(f, name)))
            .collect()
    }

    /// A token source as people read it: `HF_TOKEN (environment)`, `the token file ~/…`.
    pub fn source_label(&self, ctx: &Context, source: &Source) -> String {
        match source {
            Source::Env(name) => self.msg_with("source-env", &[("name", name)]),
            Source::File(p) => self.msg_with("source-file", &[("path", &ctx.display_path(p))]),
            Source::Stored(name) => self.msg_with("source-stored", &[("name", name)]),
            Source::Oidc(resource) => self.msg_with("source-oidc", &[("resource", resource)]),
        }
    }

    /// The "token in effect" line: the token, where it comes from, and what it shadows.
    pub fn token_line(&self, ctx: &Context, disc: &TokenDiscovery) -> String {
        let head = self.msg("token-in-effect");
        let Some(effect) = &disc.in_effect else {
            if disc.file.makes_client_raise() {
                return format!("{head}{}{}", self.colon(), self.msg("token-file-raises"));
            }
            return format!("{head}{}{}", self.colon(), self.msg("token-none"));
        };
        let from = self.msg_with(
            "token-from",
            &[("source", &self.source_label(ctx, &effect.source))],
        );
        let mut line = match &effect.token {
            Some(t) => format!("{head}{}{} {from}", self.colon(), t.masked()),
            None => format!("{head}{}{from}", self.colon()),
        };
        let mut notes = Vec::new();
        for other in disc.others() {
            if matches!(other.source, Source::Stored(_)) {
                continue;
            }
            let source = self.source_label(ctx, &other.source);
            notes.push(if other.same_as_in_effect {
                self.msg_with("token-shadows-same", &[("source", &source)])
            } else {
                self.msg_with(
                    "token-shadows-different",
                    &[("source", &source), ("masked", &other.token.masked())],
                )
            });
        }
        if disc.implicit_disabled {
            notes.push(self.msg("token-not-sent"));
        }
        if !notes.is_empty() {
            line.push_str(self.punct(" — ", "，"));
            line.push_str(&notes.join(self.punct("; ", "；")));
        }
        line
    }
}

/// A variable a fix may unset is in effect: set, and for the client's booleans true.
fn var_in_effect(env: &crate::world::env::Env, name: &str) -> bool {
    match name {
        "HF_HUB_DISABLE_IMPLICIT_TOKEN"
        | "HF_HUB_OFFLINE"
        | "TRANSFORMERS_OFFLINE"
        | "HUGGINGFACE_CO_STAGING" => env.is_true(name),
        _ => env.is_set(name),
    }
}

/// "2 pass · 1 warn · …" in the reader's language.
pub fn counts_line(words: &Words, findings: &[Finding]) -> String {
    let c = counts(findings);
    let n: Vec<(&str, String)> = Status::ALL
        .iter()
        .map(|s| (s.as_str(), c.get(s).copied().unwrap_or(0).to_string()))
        .collect();
    let pairs: Vec<(&str, &str)> = n.iter().map(|(k, v)| (*k, v.as_str())).collect();
    words.msg_with("counts", &pairs)
}

pub fn counts(findings: &[Finding]) -> BTreeMap<Status, usize> {
    let mut counts: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for f in findings {
        *counts.entry(f.status).or_default() += 1;
    }
    counts
}

pub fn exit_code(findings: &[Finding], strict: bool) -> i32 {
    if findings.iter().any(|f| f.status.is_failure(strict)) {
        1
    } else {
        0
    }
}
