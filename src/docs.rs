//! docs/checks/<id>.md (and its zh-TW and zh-CN twins), generated from the catalog. A test
//! fails when a page on disk differs from what this produces; `hfdoctor generate-docs`
//! rewrites them.

use std::fmt::Write;
use std::path::Path;

use crate::catalog::{CheckEntry, Text};
use crate::lang::Lang;

pub fn file_name(id: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{id}.md"),
        other => format!("{id}.{}.md", other.code()),
    }
}

fn heading(lang: Lang, key: &str) -> &'static str {
    let (en, tw, cn) = match key {
        "outcomes" => ("Outcomes", "結果", "结果"),
        "needs" => ("Needs", "需要", "需要"),
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
            "此頁由目錄產生，請勿手動編輯",
            "此页由目录生成，请勿手动编辑",
        ),
    };
    match lang {
        Lang::En => en,
        Lang::ZhTw => tw,
        Lang::ZhCn => cn,
    }
}

pub fn render_page(entry: &CheckEntry, lang: Lang) -> String {
    let t = |text: &Text| text.get(lang).to_string();
    let mut s = String::new();
    let generated = match lang {
        Lang::En => "Generated from checks/{id}.toml by `hfdoctor generate-docs`; do not edit."
            .replace("{id}", &entry.id),
        _ => format!("{}（checks/{}.toml）", heading(lang, "generated"), entry.id),
    };
    let _ = writeln!(s, "<!-- {generated} -->");
    let _ = writeln!(s, "# {} (`{}`)\n", t(&entry.title), entry.id);
    let _ = writeln!(s, "{}\n", t(&entry.about));
    let needs = if entry.needs.is_empty() {
        heading(lang, "nothing").to_string()
    } else {
        entry
            .needs
            .iter()
            .map(|n| format!("{n:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        s,
        "- {}: {}\n- {}: {}\n",
        heading(lang, "category"),
        entry.category,
        heading(lang, "needs"),
        needs
    );
    let _ = writeln!(s, "## {}\n", heading(lang, "outcomes"));
    for (key, o) in &entry.outcome {
        let cause = o
            .cause
            .map(|c| format!(", {} `{}`", heading(lang, "cause"), c.as_str()))
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
            let _ = writeln!(s, "**{}**: {}\n", heading(lang, "why"), t(why));
        }
        for fix in &o.fix {
            let _ = writeln!(s, "**{}**: {}\n", heading(lang, "fix"), t(&fix.text));
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

/// Every page: (file name, content).
pub fn all_pages(entries: &[CheckEntry]) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for entry in entries {
        for lang in Lang::ALL {
            pages.push((file_name(&entry.id, lang), render_page(entry, lang)));
        }
    }
    pages
}

/// Write the pages, or with `check` only list the ones that differ. Returns the stale names.
pub fn generate(dir: &Path, entries: &[CheckEntry], check: bool) -> std::io::Result<Vec<String>> {
    let mut stale = Vec::new();
    if !check {
        std::fs::create_dir_all(dir)?;
    }
    for (name, content) in all_pages(entries) {
        let path = dir.join(&name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != content {
            stale.push(name);
            if !check {
                std::fs::write(&path, content)?;
            }
        }
    }
    Ok(stale)
}
