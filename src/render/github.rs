//! GitHub Actions annotations: one `::error` or `::warning` line per finding that does not
//! pass, with its fix, so the job's summary shows what is wrong and how to fix it.

use crate::engine::finding::{Finding, Status};
use crate::render::Words;

/// Workflow-command escaping of a message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn annotations(words: &Words, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.status {
            Status::Fail | Status::Timeout | Status::Crash => "error",
            Status::Warn => "warning",
            Status::Pass | Status::Skip => continue,
        };
        let mut message = words.summary(f);
        for fix in words.fixes(f) {
            message.push_str(&format!(
                "\n{}{}{}",
                words.msg("fix"),
                words.colon(),
                fix.text
            ));
            for c in &fix.commands {
                message.push_str(&format!("\n  $ {c}"));
            }
        }
        out.push_str(&format!(
            "::{level} title={}::{}\n",
            escape_property(&format!("hfdoctor {}", f.code())),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
