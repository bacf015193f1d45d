//! docs/checks/<id>.md (and its zh-TW and zh-CN twins), generated from the catalog. A test
//! fails when a page on disk differs from what this produces; `hfdoctor generate-docs`
//! rewrites them.

use std::path::Path;

use crate::engine::catalog::CheckEntry;
use crate::lang::Lang;

pub fn file_name(id: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{id}.md"),
        other => format!("{id}.{}.md", other.code()),
    }
}

/// Every page: (file name, content).
pub fn all_pages(entries: &[CheckEntry]) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for entry in entries {
        for lang in Lang::ALL {
            pages.push((
                file_name(&entry.id, lang),
                crate::render::page::check_page(entry, lang),
            ));
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
