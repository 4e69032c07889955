//! The driver: walks physical lines like BuildKit's `Parse`, assembling logical lines,
//! directives and heredoc bodies, and keeps going after errors.

use crate::ast::{Args, Directive, Dockerfile, Heredoc, Instruction, Kind};
use crate::directives::{Scanner, Seen};
use crate::error::ParseError;
use crate::heredoc;
use crate::instruction::{self, Locator};
use crate::lines::{
    is_comment, split_lines, trim_continuation, trim_leading_space, Logical, PhysLine,
};
use crate::span::SourceMap;
use crate::validate;

/// Parses a Dockerfile. Never panics and never gives up: see [`Dockerfile::errors`].
pub fn parse(source: &str) -> Dockerfile {
    let src = source.strip_prefix('\u{feff}').unwrap_or(source);
    let map = SourceMap::new(src);
    let lines = split_lines(src);
    let mut state = State {
        src,
        map: &map,
        lines: &lines,
        next: 0,
        directives: Scanner::default(),
        escape: '\\',
        out: Dockerfile {
            directives: Vec::new(),
            instructions: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            escape: '\\',
        },
    };
    while state.next < lines.len() {
        state.instruction();
    }
    if state.out.instructions.is_empty() {
        let end = map.pos(src.len());
        state.out.errors.push(ParseError::new(
            "file with no instructions",
            crate::Span { start: end, end },
        ));
    }
    state.out.escape = state.escape;
    state.out
}

struct State<'a> {
    src: &'a str,
    map: &'a SourceMap,
    lines: &'a [PhysLine<'a>],
    /// Index of the next physical line to read.
    next: usize,
    directives: Scanner,
    escape: char,
    out: Dockerfile,
}

impl State<'_> {
    /// Feeds a line to the directive scanner, recording what it found.
    fn directive(&mut self, line: &PhysLine, text: &str) {
        let span = self.map.span(line.start, line.start + line.text.len());
        match self.directives.line(text) {
            Seen::Nothing => {}
            Seen::Directive { name, value } => {
                if name == "escape" {
                    self.escape = value.chars().next().unwrap_or('\\');
                }
                self.out.directives.push(Directive { name, value, span });
            }
            Seen::Error(message) => self.out.errors.push(ParseError::new(message, span)),
        }
    }

    /// Reads one logical line starting at `self.next` and, if it holds an instruction, parses it
    /// and its heredocs.
    fn instruction(&mut self) {
        let Some(first) = self.lines.get(self.next) else {
            return;
        };
        self.next += 1;
        let stripped = trim_leading_space(first.text);
        self.directive(first, stripped);
        let content = if stripped.starts_with('#') {
            ""
        } else {
            stripped
        };
        let content_at = first.start + (first.text.len() - stripped.len());
        let (piece, mut continues) = trim_continuation(content, self.escape);
        if !continues && piece.is_empty() {
            return;
        }
        let mut logical = Logical::new(content_at);
        logical.push(piece, content_at);
        logical.source_end = content_at + content.trim_end().len();
        while continues {
            let Some(line) = self.lines.get(self.next) else {
                break;
            };
            self.next += 1;
            self.directive(line, line.text);
            if is_comment(line.text) {
                continue;
            }
            if trim_leading_space(line.text).is_empty() {
                let span = self.map.span(line.start, line.start);
                self.out
                    .warnings
                    .push(ParseError::new("empty continuation line", span));
                continue;
            }
            let (piece, line_continues) = trim_continuation(line.text, self.escape);
            continues = line_continues;
            logical.push(piece, line.start);
            logical.source_end = line.start + line.text.trim_end().len();
        }
        let locator = Locator {
            logical: &logical,
            map: self.map,
        };
        let mut ins = match instruction::build(&locator, &logical.text, 0, self.escape, false) {
            Ok(ins) => ins,
            Err(error) => {
                self.out.errors.push(error);
                return;
            }
        };
        let keyword_at = logical.text.len() - logical.text.trim_start().len();
        ins.span = self
            .map
            .span(logical.source_offset(keyword_at), logical.source_end);
        if can_contain_heredoc(&ins) && logical.text.contains("<<") {
            self.heredocs(&mut ins, &locator);
        }
        self.out.errors.extend(validate::check(&ins));
        self.out.instructions.push(ins);
    }

    /// Reads the heredoc bodies that follow the instruction line. An unterminated heredoc is
    /// reported and its would-be body parsed as ordinary lines again, so one missing terminator
    /// does not swallow the rest of the file.
    fn heredocs(&mut self, ins: &mut Instruction, locator: &Locator) {
        let markers = match heredoc::markers(&locator.logical.text) {
            Ok(markers) => markers,
            Err(message) => {
                self.out.errors.push(ParseError::new(message, ins.span));
                return;
            }
        };
        let mut search_from = 0;
        for marker in markers {
            let text = &locator.logical.text;
            let (word_start, word_end) =
                match text.get(search_from..).and_then(|t| t.find(&marker.word)) {
                    Some(i) => (search_from + i, search_from + i + marker.word.len()),
                    None => (0, 0),
                };
            search_from = word_end.max(search_from);
            let word_span = if word_end > word_start {
                locator.span(word_start, word_end)
            } else {
                ins.keyword_span
            };
            let body_first = self.next;
            let mut terminator = None;
            while let Some(line) = self.lines.get(self.next) {
                self.next += 1;
                let candidate = if marker.strip_tabs {
                    line.text.trim_start_matches('\t')
                } else {
                    line.text
                };
                if candidate == marker.delimiter {
                    terminator = Some(line);
                    break;
                }
            }
            let Some(terminator) = terminator else {
                self.next = body_first;
                self.out.errors.push(ParseError::new(
                    format!("unterminated heredoc {}", marker.delimiter),
                    word_span.to(ins.keyword_span),
                ));
                return;
            };
            let body_start = self
                .lines
                .get(body_first)
                .map_or(terminator.start, |l| l.start);
            let body = self
                .src
                .get(body_start..terminator.start)
                .unwrap_or("")
                .to_string();
            let terminator_end = terminator.start + terminator.text.len();
            let body_span = self.map.span(body_start, terminator_end);
            ins.span = ins.span.to(body_span);
            ins.heredocs.push(Heredoc {
                delimiter: marker.delimiter,
                body,
                strip_tabs: marker.strip_tabs,
                expand: marker.expand,
                fd: marker.fd,
                span: word_span,
                body_span,
            });
        }
    }
}

/// RUN, COPY and ADD in shell form (also as an ONBUILD trigger) can carry heredocs.
fn can_contain_heredoc(ins: &Instruction) -> bool {
    let target = match &ins.args {
        Args::Onbuild(trigger) => trigger,
        _ => ins,
    };
    matches!(target.kind, Kind::Run | Kind::Copy | Kind::Add) && !target.args.is_exec()
}
