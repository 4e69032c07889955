//! `--format json`: an array of findings with hadolint's keys (`file`, `line`, `column`,
//! `code`, `level`, `message`) and Drydock's (`end_line`, `rule`, `hadolint`, `fix`). The keys
//! are stable (docs/lint.md); serde escapes any control characters.

use serde::Serialize;

use super::{RenderLint, Report};

pub struct Json;

#[derive(Serialize)]
struct Entry<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    code: &'a str,
    rule: &'a str,
    level: &'a str,
    message: &'a str,
    hadolint: Option<&'a str>,
    fix: Option<&'a str>,
}

impl RenderLint for Json {
    fn render(&self, report: &Report) -> String {
        let entries: Vec<Entry> = report
            .findings()
            .map(|f| Entry {
                file: &f.file,
                line: f.line,
                column: f.column,
                end_line: f.end_line,
                code: &f.code,
                rule: &f.rule,
                level: f.level.as_str(),
                message: &f.message,
                hadolint: f.hadolint.as_deref(),
                fix: f.fix.as_deref(),
            })
            .collect();
        // Strings and numbers only: serialising cannot fail.
        let mut text = serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into());
        text.push('\n');
        text
    }
}
