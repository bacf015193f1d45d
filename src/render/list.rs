//! `hfdoctor list`: the registry's checks, one line each (id, category, needs, title), or JSON.

use crate::checks::REGISTRY;
use unicode_width::UnicodeWidthStr;

use crate::render::Words;

pub fn render(as_json: bool, words: &Words) -> String {
    let catalog = crate::checks::catalog();
    let rows: Vec<_> = REGISTRY
        .iter()
        .filter_map(|c| catalog.check(c.id))
        .collect();
    if as_json {
        let value: Vec<_> = rows
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "category": c.category,
                    "title": c.title.get(words.lang),
                    "needs": crate::checks::def(&c.id).map_or(&[][..], |d| d.needs),
                })
            })
            .collect();
        return serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    }
    let needs: Vec<String> = rows
        .iter()
        .map(|c| {
            let needs_of = crate::checks::def(&c.id).map_or(&[][..], |d| d.needs);
            if needs_of.is_empty() {
                "-".to_string()
            } else {
                needs_of
                    .iter()
                    .map(|n| format!("{n:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join(",")
            }
        })
        .collect();
    let header = [
        words.msg("list-id"),
        words.msg("list-category"),
        words.msg("list-needs"),
        words.msg("list-title"),
    ];
    let mut table: Vec<[String; 4]> = vec![header];
    for (c, needs) in rows.iter().zip(needs) {
        table.push([
            c.id.clone(),
            c.category.clone(),
            needs,
            c.title.get(words.lang).to_string(),
        ]);
    }
    // Columns as wide as their widest cell, counted in terminal columns (a CJK header is two
    // per character).
    let widths: Vec<usize> = (0..3)
        .map(|i| table.iter().map(|r| r[i].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &table {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if let Some(w) = widths.get(i) {
                line.push_str(&" ".repeat(w - cell.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
