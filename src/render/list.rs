//! `hfdoctor list`: the registry's checks, one line each (id, category, needs, title), or JSON.

use crate::checks::REGISTRY;
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
    let width = rows.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in rows {
        let needs_of = crate::checks::def(&c.id).map_or(&[][..], |d| d.needs);
        let needs = if needs_of.is_empty() {
            "-".to_string()
        } else {
            needs_of
                .iter()
                .map(|n| format!("{n:?}").to_lowercase())
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push_str(&format!(
            "{:width$}  {:8}  {:16}  {}\n",
            c.id,
            c.category,
            needs,
            c.title.get(words.lang)
        ));
    }
    out
}
