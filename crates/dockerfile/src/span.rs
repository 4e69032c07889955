//! Source positions. Every span the parser hands out is computed from byte offsets into the
//! source (after the byte-order mark), so spans stay exact even when BuildKit's line joining
//! has rewritten the text an argument came from.

use serde::{Deserialize, Serialize};

/// A position in the source: 1-based line, 1-based column counted in chars (not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A source range. `end` is exclusive: it is the column just after the last char, so a span of
/// one char on column 5 is `5..6`. Empty spans have `start == end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// A span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Byte offset to line/column lookup for one source text. The per-byte column table costs four
/// bytes per input byte but makes every lookup O(log lines), which keeps hostile inputs (one
/// huge non-ASCII line with many arguments) linear instead of quadratic.
pub(crate) struct SourceMap {
    line_starts: Vec<usize>,
    columns: Vec<u32>,
}

impl SourceMap {
    pub(crate) fn new(src: &str) -> SourceMap {
        let mut line_starts = vec![0];
        let mut columns = Vec::with_capacity(src.len() + 1);
        let mut column = 1u32;
        for (offset, ch) in src.char_indices() {
            for _ in 0..ch.len_utf8() {
                columns.push(column);
            }
            column = column.saturating_add(1);
            if ch == '\n' {
                line_starts.push(offset + 1);
                column = 1;
            }
        }
        columns.push(column);
        SourceMap {
            line_starts,
            columns,
        }
    }

    /// Position of the char starting at (or containing) byte `offset`; offsets past the end are
    /// clamped to the end of the source.
    pub(crate) fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.columns.len().saturating_sub(1));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let column = self.columns.get(offset).copied().unwrap_or(1);
        Pos {
            line: to_u32(line.max(1)),
            column,
        }
    }

    /// Span of the bytes `start..end` (end exclusive).
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        let start_pos = self.pos(start);
        if end <= start {
            return Span {
                start: start_pos,
                end: start_pos,
            };
        }
        let last = self.pos(end - 1);
        Span {
            start: start_pos,
            end: Pos {
                line: last.line,
                column: last.column.saturating_add(1),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars_not_bytes() {
        let map = SourceMap::new("aé b\nxy");
        assert_eq!(map.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(map.pos(3), Pos { line: 1, column: 3 });
        assert_eq!(map.pos(6), Pos { line: 2, column: 1 });
        let span = map.span(1, 3);
        assert_eq!(span.start, Pos { line: 1, column: 2 });
        assert_eq!(span.end, Pos { line: 1, column: 3 });
    }

    #[test]
    fn out_of_range_offsets_clamp() {
        let map = SourceMap::new("ab");
        assert_eq!(map.pos(99), Pos { line: 1, column: 3 });
        let empty = SourceMap::new("");
        assert_eq!(empty.pos(5), Pos { line: 1, column: 1 });
    }
}
