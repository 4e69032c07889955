//! `--format tty` (the default), for people: each finding on one line
//! (`file:line:column level code [rule] message`), the source line with the span underlined,
//! the fix when the rule knows one, and a summary. Dockerfiles are untrusted input: control and
//! bidirectional-override characters are shown escaped, never sent to the terminal, and very
//! long lines and messages are cut around what matters.

use std::collections::HashMap;
use std::fmt::Write as _;

use drydock_lint::{Finding, Level};

use super::{RenderLint, Report};
use crate::output::escaped_char;

pub struct Tty {
    /// ANSI colours (stdout is a terminal and NO_COLOR is unset).
    pub color: bool,
}

/// Longest message, file name or fix shown, in chars.
const TEXT_CHARS: usize = 400;
/// Widest source excerpt, in terminal cells.
const SNIPPET_CELLS: usize = 120;
/// Source kept before the span when a long line is cut, in chars.
const LEAD_CHARS: usize = 30;

impl RenderLint for Tty {
    fn render(&self, report: &Report) -> String {
        let paint = Paint { on: self.color };
        let mut lines: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut out = String::new();
        for f in report.findings() {
            let file_lines = lines.entry(f.file.as_str()).or_insert_with(|| {
                report
                    .source(&f.file)
                    .map(|text| split_lines(text))
                    .unwrap_or_default()
            });
            finding(&mut out, f, file_lines, paint);
        }
        summary(&mut out, report, paint);
        out
    }
}

fn split_lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

fn finding(out: &mut String, f: &Finding, lines: &[&str], paint: Paint) {
    let _ = writeln!(
        out,
        "{} {} {} {} {}",
        paint.wrap("1", &format!("{}:{}:{}", clean(&f.file), f.line, f.column)),
        paint.wrap(level_colour(f.level), f.level.as_str()),
        paint.wrap("1", &clean(&f.code)),
        paint.wrap("2", &format!("[{}]", clean(&f.rule))),
        clean(&f.message),
    );
    let number = f.line.to_string();
    let pad = " ".repeat(number.len());
    let gutter = |s: &str| paint.wrap("34", s);
    let text = (f.line as usize).checked_sub(1).and_then(|i| lines.get(i));
    if let Some(text) = text {
        let end = (f.end_line == f.line).then_some(f.end_column);
        let cut = snippet(text, f.column, end);
        let _ = writeln!(out, "{} {}", gutter(&format!("{number} |")), cut.text);
        let _ = writeln!(
            out,
            "{} {}{}",
            gutter(&format!("{pad} |")),
            " ".repeat(cut.caret_at),
            paint.wrap(level_colour(f.level), &"^".repeat(cut.carets)),
        );
    }
    if let Some(fix) = &f.fix {
        // A fix of several lines (a SHELL line then the RUN) is shown line by line.
        for (i, line) in fix.lines().enumerate() {
            let label = if i == 0 { "fix:" } else { "    " };
            let _ = writeln!(
                out,
                "{} {}",
                gutter(&format!("{pad} =")),
                paint.wrap("32", &format!("{label} {}", clean(line)))
            );
        }
    }
    out.push('\n');
}

fn summary(out: &mut String, report: &Report, paint: Paint) {
    let files = plural(report.files.len(), "file", "files");
    let total = report.findings().count();
    let line = if total == 0 {
        format!("{files} checked, no findings")
    } else {
        let counts: Vec<String> = [Level::Error, Level::Warning, Level::Info, Level::Style]
            .iter()
            .map(|&level| {
                let n = report.findings().filter(|f| f.level == level).count();
                (n, level)
            })
            .filter(|(n, _)| *n > 0)
            .map(|(n, level)| match level {
                Level::Error => plural(n, "error", "errors"),
                Level::Warning => plural(n, "warning", "warnings"),
                Level::Info => format!("{n} info"),
                Level::Style => format!("{n} style"),
            })
            .collect();
        format!(
            "{files} checked, {}: {}",
            plural(total, "finding", "findings"),
            counts.join(", ")
        )
    };
    let _ = writeln!(out, "{}", paint.wrap("1", &line));
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn level_colour(level: Level) -> &'static str {
    match level {
        Level::Error => "1;31",
        Level::Warning => "1;33",
        Level::Info => "1;36",
        Level::Style => "1;32",
    }
}

#[derive(Clone, Copy)]
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// A message, file name or fix made safe for a terminal and cut to [`TEXT_CHARS`].
fn clean(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == TEXT_CHARS {
            out.push('…');
            break;
        }
        match escaped_char(c) {
            Some(escaped) => out.push_str(&escaped),
            None => out.push(c),
        }
    }
    out
}

/// A source line made safe and cut to fit, with where the underline goes.
#[derive(Debug, PartialEq, Eq)]
struct Snippet {
    text: String,
    /// Cells before the first caret.
    caret_at: usize,
    /// Carets (at least one).
    carets: usize,
}

/// The excerpt of `line` around the span starting at char column `column` (1-based) and
/// ending before `end` (None: the span runs past this line). Tabs become four spaces.
fn snippet(line: &str, column: u32, end: Option<u32>) -> Snippet {
    let start = (column as usize).saturating_sub(1);
    let end = end.map_or(usize::MAX, |e| (e as usize).saturating_sub(1));
    let first = start.saturating_sub(LEAD_CHARS);
    let mut text = String::new();
    let mut cells = 0;
    if first > 0 {
        text.push('…');
        cells += 1;
    }
    let mut caret_at = None;
    let mut carets = 0;
    for (i, c) in line.chars().enumerate().skip(first) {
        if cells >= SNIPPET_CELLS {
            text.push('…');
            break;
        }
        let piece = match (c, escaped_char(c)) {
            ('\t', _) => "    ".to_string(),
            (_, Some(escaped)) => escaped,
            (c, None) => c.to_string(),
        };
        let width = piece.chars().count();
        if i == start {
            caret_at = Some(cells);
        }
        if i >= start && i < end {
            carets += width;
        }
        text.push_str(&piece);
        cells += width;
    }
    Snippet {
        text,
        // A span at (or past) the end of the line points just after its last char.
        caret_at: caret_at.unwrap_or(cells),
        carets: carets.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_is_underlined() {
        let cut = snippet("FROM python:latest AS build", 6, Some(19));
        assert_eq!(cut.text, "FROM python:latest AS build");
        assert_eq!((cut.caret_at, cut.carets), (5, 13));
    }

    #[test]
    fn control_characters_and_tabs_keep_the_underline_aligned() {
        let cut = snippet("RUN\techo \u{1b}[31m x", 10, Some(11));
        assert_eq!(cut.text, "RUN    echo \\u{1b}[31m x");
        assert_eq!((cut.caret_at, cut.carets), (12, 6));
        assert_eq!(clean("a\u{202e}b\nc"), "a\\u{202e}b\\u{a}c");
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = format!("RUN {}x{}", "a".repeat(10_000), "b".repeat(10_000));
        let cut = snippet(&line, 10_005, Some(10_006));
        assert!(
            cut.text.starts_with('…') && cut.text.ends_with('…'),
            "{}",
            cut.text
        );
        assert!(cut.text.chars().count() <= SNIPPET_CELLS + 2);
        assert_eq!(cut.text.chars().nth(cut.caret_at), Some('x'));
        assert_eq!(cut.carets, 1);
    }

    #[test]
    fn spans_past_the_line_end_point_after_it() {
        let cut = snippet("FROM", 5, Some(5));
        assert_eq!((cut.caret_at, cut.carets), (4, 1));
        let cut = snippet("RUN a \\", 1, None);
        assert_eq!(cut.carets, 7);
    }
}
