//! Pages: `hfdoctor explain <check-id>` or `<cause>` (like `ruff rule`), and the pages of
//! docs/checks/ that `hfdoctor generate-docs` writes (the same words, from the catalog).

use std::fmt::Write;

use crate::engine::catalog::{CheckEntry, Text};
use crate::lang::Lang;
use crate::render::Words;

/// A docs page made for a terminal: no HTML comment (the "generated" note is for the files
/// in docs/), and each placeholder as `<name>` the way man pages write an argument, a plural
/// one in its plural form (`<count> remotes`). `%{http_code}` in a curl format is curl's, not
/// a placeholder, and stays.
pub fn for_terminal(page: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(%?)\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^|{}]*)\|([^|{}]*))?\}")
            .expect("a valid pattern")
    });
    let kept: Vec<&str> = page
        .lines()
        .filter(|l| !(l.trim_start().starts_with("<!--") && l.trim_end().ends_with("-->")))
        .collect();
    let text = kept.join("\n").trim_start_matches('\n').to_string() + "\n";
    re.replace_all(&text, |c: &regex::Captures| {
        if &c[1] == "%" {
            return c[0].to_string();
        }
        let name = format!("<{}>", &c[2]);
        match c.get(4) {
            Some(other) => other.as_str().replace('#', &name),
            None => name,
        }
    })
    .into_owned()
}

/// `hfdoctor explain <check-id>` or `<cause>`: the catalog page, like `ruff rule`, as a
/// terminal shows it (see [`for_terminal`]).
pub fn page(name: &str, words: &Words) -> Option<String> {
    let catalog = crate::checks::catalog();
    if let Some(entry) = catalog.check(name) {
        return Some(for_terminal(&check_page(entry, words.lang)));
    }
    let cause = crate::engine::finding::Cause::parse(name)?;
    let mut out = format!(
        "# {} (`{}`)\n\n",
        crate::render::explain::cause_title(words, cause),
        cause.as_str()
    );
    for fix in crate::render::explain::cause_fixes(words, cause) {
        out.push_str(&format!("- {}\n", fix.text));
        for c in &fix.commands {
            out.push_str(&format!("  $ {c}\n"));
        }
        if let Some(u) = &fix.url {
            out.push_str(&format!("  {u}\n"));
        }
    }
    // The checks that decide it are the ones explain names for it (`decide::checks_for`,
    // plus each pattern's own check); what it recognises, every pattern and family for it.
    let mut recognised = Vec::new();
    let mut decided = Vec::new();
    for (owner, p) in crate::explain::patterns::all_patterns() {
        if p.causes.contains_key(&cause) {
            let owner = if owner.is_empty() { "family" } else { owner };
            recognised.push(format!("  {owner}/{}: {}", p.id, p.regex));
            if owner != "family" && !decided.iter().any(|d| d == owner) {
                decided.push(owner.to_string());
            }
        }
    }
    for id in crate::explain::decide::checks_for(cause) {
        if !decided.contains(&id) {
            decided.push(id);
        }
    }
    if decided.is_empty() {
        out.push_str(&format!("\n{}\n", words.msg("explain-no-check")));
    } else {
        out.push_str(&format!(
            "\n{}{}{}\n",
            words.msg("explain-decided-by"),
            words.colon(),
            decided.join(words.punct(", ", "、"))
        ));
    }
    if !recognised.is_empty() {
        out.push_str(&format!(
            "\n{}{}\n{}\n",
            words.msg("explain-evidence"),
            words.colon().trim_end(),
            recognised.join("\n")
        ));
    }
    Some(out)
}

fn heading(lang: Lang, key: &str) -> &'static str {
    let (en, tw, cn) = match key {
        "outcomes" => ("Outcomes", "結果", "结果"),
        "needs" => ("Needs", "需求", "依赖"),
        "category" => ("Category", "類別", "类别"),
        "status" => ("status", "狀態", "状态"),
        "cause" => ("cause", "原因", "原因"),
        "why" => ("Why", "原因說明", "原因说明"),
        "fix" => ("Fix", "修正方法", "修复方法"),
        "nothing" => ("nothing", "無", "无"),
        "explain" => (
            "Recognised in error text (hfdoctor explain)",
            "可辨識的錯誤訊息（hfdoctor explain）",
            "可识别的错误信息（hfdoctor explain）",
        ),
        _ => (
            "generated",
            "此頁由 `hfdoctor generate-docs` 根據 checks/{id}.toml 產生，請勿手動編輯。",
            "此页由 `hfdoctor generate-docs` 根据 checks/{id}.toml 生成，请勿手动编辑。",
        ),
    };
    match lang {
        Lang::En => en,
        Lang::ZhTw => tw,
        Lang::ZhCn => cn,
    }
}

pub fn check_page(entry: &CheckEntry, lang: Lang) -> String {
    // A plural form shows as its placeholder: "{count} remotes".
    let t = |text: &Text| crate::engine::catalog::plural_as_placeholder(text.get(lang));
    let mut s = String::new();
    let generated = match lang {
        Lang::En => "Generated from checks/{id}.toml by `hfdoctor generate-docs`; do not edit."
            .replace("{id}", &entry.id),
        _ => heading(lang, "generated").replace("{id}", &entry.id),
    };
    // Full-width punctuation after Chinese headings (docs/notes/chinese-style.md).
    let (colon, comma) = match lang {
        Lang::En => (": ", ", "),
        _ => ("：", "，"),
    };
    let _ = writeln!(s, "<!-- {generated} -->");
    let (open, close) = match lang {
        Lang::En => (" (", ")"),
        _ => ("（", "）"),
    };
    let _ = writeln!(s, "# {}{open}`{}`{close}\n", t(&entry.title), entry.id);
    let _ = writeln!(s, "{}\n", t(&entry.about));
    let needs_of = crate::checks::def(&entry.id).map_or(&[][..], |d| d.needs);
    let needs = if needs_of.is_empty() {
        heading(lang, "nothing").to_string()
    } else {
        needs_of
            .iter()
            .map(|n| format!("{n:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(comma)
    };
    let _ = writeln!(
        s,
        "- {}{colon}{}\n- {}{colon}{}\n",
        heading(lang, "category"),
        entry.category,
        heading(lang, "needs"),
        needs
    );
    let _ = writeln!(s, "## {}\n", heading(lang, "outcomes"));
    for (key, o) in &entry.outcome {
        let cause = o
            .cause
            .map(|c| format!("{comma}{} `{}`", heading(lang, "cause"), c.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "### `{}/{key}`\n\n{} `{}`{cause}\n\n{}\n",
            entry.id,
            heading(lang, "status"),
            o.status.as_str(),
            t(&o.summary)
        );
        if let Some(why) = &o.why {
            let _ = writeln!(s, "**{}**{colon}{}\n", heading(lang, "why"), t(why));
        }
        for fix in &o.fix {
            let _ = writeln!(s, "**{}**{colon}{}\n", heading(lang, "fix"), t(&fix.text));
            if !fix.commands.is_empty() {
                let _ = writeln!(s, "```sh\n{}\n```\n", fix.commands.join("\n"));
            }
            if let Some(url) = &fix.url {
                let _ = writeln!(s, "<{url}>\n");
            }
        }
    }
    if !entry.explain.is_empty() {
        let _ = writeln!(s, "## {}\n", heading(lang, "explain"));
        for p in &entry.explain {
            let causes: Vec<String> = p
                .causes
                .iter()
                .map(|(c, w)| format!("`{}` {w}", c.as_str()))
                .collect();
            let _ = writeln!(
                s,
                "- `{}`: `{}` → {}",
                p.id,
                p.regex.replace('`', "'"),
                causes.join(", ")
            );
        }
    }
    s.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::for_terminal;

    #[test]
    fn a_terminal_page_has_no_comment_and_no_raw_placeholder() {
        let page = "<!-- Generated from checks/x.toml; do not edit. -->\n# Title\n\n{var}={path}: none of its {count|# remote|# remotes}; ${{var}}\ncurl -w '%{http_code}'\n";
        assert_eq!(
            for_terminal(page),
            "# Title\n\n<var>=<path>: none of its <count> remotes; ${<var>}\ncurl -w '%{http_code}'\n"
        );
    }
}
