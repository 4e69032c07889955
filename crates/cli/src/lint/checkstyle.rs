//! `--format checkstyle`: Checkstyle 4.3 XML, which CI servers read. Every file checked gets a
//! `<file>` element (empty when clean); style findings are `info`, Checkstyle having no such
//! level. Text is escaped for XML 1.0, where control characters cannot appear even as
//! references: those are written as visible `\u{..}` escapes.

use std::fmt::Write as _;

use drydock_lint::Level;

use super::{RenderLint, Report};

pub struct Checkstyle;

impl RenderLint for Checkstyle {
    fn render(&self, report: &Report) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<checkstyle version=\"4.3\">\n");
        // Config files first, as their findings are listed first.
        let mut names: Vec<&str> = report.configs.iter().map(|s| s.name.as_str()).collect();
        names.extend(report.files.iter().map(|f| f.path.as_str()));
        for f in report.findings() {
            if !names.contains(&f.file.as_str()) {
                names.push(&f.file);
            }
        }
        for name in names {
            let errors: Vec<_> = report.findings().filter(|f| f.file == name).collect();
            if errors.is_empty() {
                let _ = writeln!(out, "  <file name=\"{}\"/>", escape(name));
                continue;
            }
            let _ = writeln!(out, "  <file name=\"{}\">", escape(name));
            for f in errors {
                let _ = writeln!(
                    out,
                    "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>",
                    f.line,
                    f.column,
                    severity(f.level),
                    escape(&f.message),
                    escape(&f.code),
                );
            }
            out.push_str("  </file>\n");
        }
        out.push_str("</checkstyle>\n");
        out
    }
}

fn severity(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info | Level::Style => "info",
    }
}

/// Escapes text for an XML attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Attribute values normalise raw whitespace; references keep it.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_text_is_escaped() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'\n\u{1b}[0m"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;\\u{1b}[0m"
        );
    }
}
