//! Parser directives (`# syntax=`, `# escape=`, `# check=`). BuildKit only honours them in an
//! unbroken run of directive lines at the very top: the first line that is not one (an
//! instruction, a plain comment, an unknown directive name, even a blank line) ends the run.

/// The escape chars BuildKit accepts.
const ESCAPES: [&str; 2] = ["\\", "`"];
const KNOWN: [&str; 3] = ["syntax", "escape", "check"];

/// What one line meant to the directive scanner.
pub(crate) enum Seen {
    Nothing,
    Directive {
        name: String,
        value: String,
    },
    /// A directive line that BuildKit rejects (repeated, or a bad escape char).
    Error(String),
}

#[derive(Default)]
pub(crate) struct Scanner {
    done: bool,
    seen: Vec<String>,
}

impl Scanner {
    /// Feeds one line (newline trimmed). Once the run is over every line is `Nothing`.
    pub(crate) fn line(&mut self, line: &str) -> Seen {
        if self.done {
            return Seen::Nothing;
        }
        let Some((name, value)) = match_directive(line) else {
            self.done = true;
            return Seen::Nothing;
        };
        let name = name.to_ascii_lowercase();
        if !KNOWN.contains(&name.as_str()) {
            self.done = true;
            return Seen::Nothing;
        }
        if self.seen.contains(&name) {
            return Seen::Error(format!("only one {name} parser directive can be used"));
        }
        self.seen.push(name.clone());
        if name == "escape" && !ESCAPES.contains(&value) {
            return Seen::Error(format!(
                "invalid escape token '{value}' does not match ` or \\"
            ));
        }
        Seen::Directive {
            name,
            value: value.to_string(),
        }
    }
}

/// Go's `\s` (RE2's Perl class), which unlike Unicode whitespace leaves out `\v`.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// Matches `#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, returning name and value.
fn match_directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('#')?.trim_start_matches(is_re_space);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, rest) = rest.split_at(name_len);
    let after_eq = rest.trim_start_matches(is_re_space).strip_prefix('=')?;
    if after_eq.is_empty() {
        return None;
    }
    let value = after_eq.trim_matches(is_re_space);
    if !value.is_empty() {
        return Some((name, value));
    }
    // Only spaces after `=`: the lazy `.+?` still has to take one char, the last one.
    let last = after_eq.char_indices().next_back().map_or(0, |(i, _)| i);
    Some((name, after_eq.get(last..).unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_directives() {
        assert_eq!(match_directive("# escape = `"), Some(("escape", "`")));
        assert_eq!(
            match_directive("#syntax=docker/dockerfile:1 "),
            Some(("syntax", "docker/dockerfile:1"))
        );
        assert_eq!(match_directive("# not a directive"), None);
        assert_eq!(match_directive("#1x=y"), None);
    }

    #[test]
    fn run_ends_at_first_other_line() {
        let mut scanner = Scanner::default();
        assert!(matches!(scanner.line("# syntax=a"), Seen::Directive { .. }));
        assert!(matches!(scanner.line("# syntax=b"), Seen::Error(_)));
        assert!(matches!(scanner.line(""), Seen::Nothing));
        assert!(matches!(scanner.line("# escape=`"), Seen::Nothing));
    }
}
