//! Physical lines and BuildKit's line joining. BuildKit reads the file line by line, drops
//! comment lines and blank lines inside a continuation, and glues the rest into one "logical"
//! line per instruction. We do the same, but remember where every glued piece came from so an
//! offset in the logical line maps back to the source.

/// One physical line starting at byte `start`; `text` leaves out the run of trailing `\r`/`\n`
/// BuildKit trims.
pub(crate) struct PhysLine<'a> {
    pub start: usize,
    pub text: &'a str,
}

/// Splits like BuildKit's scanner: every token ends after a `\n`; a final line without one still
/// counts, an empty remainder does not.
pub(crate) fn split_lines(src: &str) -> Vec<PhysLine<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < src.len() {
        let full_end = src
            .get(start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(src.len(), |i| start + i + 1);
        let raw = src.get(start..full_end).unwrap_or("");
        lines.push(PhysLine {
            start,
            text: raw.trim_end_matches(['\r', '\n']),
        });
        start = full_end;
    }
    lines
}

/// Go's `unicode.IsSpace` and Rust's `char::is_whitespace` agree (both are Unicode White_Space).
pub(crate) fn trim_leading_space(s: &str) -> &str {
    s.trim_start_matches(char::is_whitespace)
}

pub(crate) fn is_comment(text: &str) -> bool {
    trim_leading_space(text).starts_with('#')
}

/// The continuation rule: the escape char, then only spaces/tabs, at the end of the line, and
/// either alone on the line or not itself preceded by the escape char. That last part is why
/// `foo\\` (an escaped escape) ends the instruction. Returns the text without the escape (and
/// what follows it) and whether the line continues.
pub(crate) fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let body = line.trim_end_matches([' ', '\t']);
    let Some(before) = body.strip_suffix(escape) else {
        return (line, false);
    };
    match before.chars().next_back() {
        None => ("", true),
        Some(prev) if prev != escape => (before, true),
        Some(_) => (line, false),
    }
}

/// A piece of a logical line copied verbatim from the source.
#[derive(Clone, Copy)]
struct Piece {
    logical: usize,
    source: usize,
}

/// One instruction's joined text plus the map back to source offsets.
pub(crate) struct Logical {
    pub text: String,
    pieces: Vec<Piece>,
    /// Where the instruction starts in the source; used when the text is empty.
    pub anchor: usize,
    /// Source offset just after the last non-blank char of the last line that contributed.
    pub source_end: usize,
}

impl Logical {
    pub(crate) fn new(anchor: usize) -> Logical {
        Logical {
            text: String::new(),
            pieces: Vec::new(),
            anchor,
            source_end: anchor,
        }
    }

    /// Appends `piece`, which must be a substring of the source starting at `source`.
    pub(crate) fn push(&mut self, piece: &str, source: usize) {
        if !piece.is_empty() {
            self.pieces.push(Piece {
                logical: self.text.len(),
                source,
            });
            self.text.push_str(piece);
        }
    }

    /// Source offset for a byte offset into `text`.
    pub(crate) fn source_offset(&self, logical: usize) -> usize {
        let index = self.pieces.partition_point(|p| p.logical <= logical);
        match index.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(piece) => piece.source + (logical - piece.logical),
            None => self.anchor,
        }
    }

    /// Source byte range for `start..end` in `text` (end exclusive), as (start, end).
    pub(crate) fn source_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.source_offset(start);
        if end <= start {
            return (s, s);
        }
        // Map the last byte, not `end`, so a range ending at a joint stays on its own line.
        (s, self.source_offset(end - 1) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_rules() {
        assert_eq!(trim_continuation("RUN a \\", '\\'), ("RUN a ", true));
        assert_eq!(trim_continuation("RUN a \\  \t", '\\'), ("RUN a ", true));
        assert_eq!(trim_continuation("\\", '\\'), ("", true));
        assert_eq!(trim_continuation("RUN a\\\\", '\\'), ("RUN a\\\\", false));
        assert_eq!(trim_continuation("RUN a `", '`'), ("RUN a ", true));
        assert_eq!(trim_continuation("RUN a \\", '`'), ("RUN a \\", false));
    }

    #[test]
    fn lines_keep_crlf_out_of_text() {
        let lines = split_lines("a\r\nb\n\nc");
        let texts: Vec<&str> = lines.iter().map(|l| l.text).collect();
        assert_eq!(texts, ["a", "b", "", "c"]);
    }

    #[test]
    fn logical_offsets_map_back() {
        let mut logical = Logical::new(0);
        logical.push("RUN a ", 0);
        logical.push("  b", 10);
        assert_eq!(logical.source_offset(4), 4);
        assert_eq!(logical.source_offset(6), 10);
        assert_eq!(logical.source_range(4, 6), (4, 6));
    }
}
