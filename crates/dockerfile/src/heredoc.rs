//! Finding heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`) on an instruction line.
//! BuildKit lexes the whole line as shell words (quotes and escapes kept, unset variables left
//! alone) and takes every word shaped `[digits]<<[-]name` as a heredoc.

use std::collections::BTreeMap;

use crate::shell::Lexer;

pub(crate) struct Marker {
    pub delimiter: String,
    /// The word as it appears on the line, used to find its position.
    pub word: String,
    pub strip_tabs: bool,
    pub expand: bool,
    pub fd: Option<u32>,
}

/// All heredoc markers on `line`, in order. A line the lexer cannot read (say, an unbalanced
/// quote) has none, as in BuildKit.
pub(crate) fn markers(line: &str) -> Result<Vec<Marker>, String> {
    let lexer = Lexer {
        raw_quotes: true,
        raw_escapes: true,
        skip_unset: true,
        ..Lexer::new('\\')
    };
    let Ok(expansion) = lexer.process(line, &BTreeMap::new()) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for word in expansion.words {
        if let Some(marker) = marker(&word)? {
            found.push(marker);
        }
    }
    Ok(found)
}

/// Matches `^(\d*)<<(-?)([^<]*)$` and decodes the delimiter.
fn marker(word: &str) -> Result<Option<Marker>, String> {
    let digits_len = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (digits, rest) = word.split_at(digits_len);
    let Some(rest) = rest.strip_prefix("<<") else {
        return Ok(None);
    };
    let (strip_tabs, name) = match rest.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, rest),
    };
    if name.is_empty() || name.contains('<') {
        return Ok(None);
    }
    let plain = Lexer {
        skip_unset: true,
        ..Lexer::new('\\')
    };
    let empty = BTreeMap::new();
    let words = plain.process(name, &empty).map_err(|e| e.message)?.words;
    let [delimiter] = words.as_slice() else {
        return Ok(None);
    };
    let raw = Lexer {
        raw_quotes: true,
        ..plain
    }
    .process(name, &empty)
    .map_err(|e| e.message)?
    .words;
    let [raw_delimiter] = raw.as_slice() else {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {name}"
        ));
    };
    // Quotes that vanish when quotes are processed mean part of the delimiter was quoted.
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    let fd = if digits.is_empty() {
        None
    } else {
        Some(digits.parse::<u32>().unwrap_or(u32::MAX))
    };
    Ok(Some(Marker {
        delimiter: delimiter.clone(),
        word: word.to_string(),
        strip_tabs,
        expand: quotes(delimiter) == quotes(raw_delimiter),
        fd,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool, Option<u32>)> {
        markers(line)
            .expect("lexes")
            .into_iter()
            .map(|m| (m.delimiter, m.strip_tabs, m.expand, m.fd))
            .collect()
    }

    #[test]
    fn finds_markers() {
        assert_eq!(names("RUN <<EOF"), [("EOF".into(), false, true, None)]);
        assert_eq!(names("RUN <<-'EOF' x"), [("EOF".into(), true, false, None)]);
        assert_eq!(
            names("RUN 3<<\"A\" <<B"),
            [
                ("A".into(), false, false, Some(3)),
                ("B".into(), false, true, None)
            ]
        );
        assert!(names("RUN echo \"<<EOF\"").is_empty());
        assert!(names("RUN echo a<<EOF").is_empty());
        assert!(names("RUN <<").is_empty());
    }
}
