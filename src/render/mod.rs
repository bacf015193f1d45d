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

/// The words of findings in one language.
pub struct Words {
    pub lang: Lang,
}

impl Words {
    /// The words in `lang`. The catalog is looked up at first use, not here: it is parsed on
    /// a thread of its own while the checks start (main.rs).
    pub fn new(lang: Lang) -> Self {
        Words { lang }
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
        fill(template, &|name| self.param(f, name))
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
            .map(|fix| RenderedFix {
                text: self.render(f, fix.text.get(self.lang)),
                commands: fix.commands.iter().map(|c| self.render(f, c)).collect(),
                url: fix.url.as_ref().map(|u| self.render(f, u)),
            })
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
