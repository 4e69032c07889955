//! Turning one logical line into an [`Instruction`]: keyword, flags, then the arguments shaped
//! by the line parser BuildKit picks for that keyword.

use crate::ast::{Arg, Args, Flag, Instruction, KeyValue, Kind};
use crate::error::ParseError;
use crate::json::{self, Outcome};
use crate::lines::Logical;
use crate::span::{SourceMap, Span};
use crate::split::split_command;
use crate::words::parse_words;

/// Maps offsets in the logical line to source spans.
pub(crate) struct Locator<'a> {
    pub logical: &'a Logical,
    pub map: &'a SourceMap,
}

impl Locator<'_> {
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        let (s, e) = self.logical.source_range(start, end);
        self.map.span(s, e)
    }

    fn arg(&self, value: impl Into<String>, start: usize, end: usize) -> Arg {
        Arg {
            value: value.into(),
            span: self.span(start, end),
        }
    }
}

/// BuildKit splits these argument lists on `[\t\v\f\r ]+` only.
fn is_separator(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// Builds the instruction in `line`, which sits at offset `at` of the logical line. `nested`
/// is true for an ONBUILD trigger: a trigger that is itself ONBUILD is not parsed further,
/// which bounds recursion (BuildKit rejects it later anyway).
pub(crate) fn build(
    loc: &Locator,
    line: &str,
    at: usize,
    escape: char,
    nested: bool,
) -> Result<Instruction, ParseError> {
    let cmd = split_command(line);
    let keyword_start = at + cmd.keyword_at;
    let keyword_span = loc.span(keyword_start, keyword_start + cmd.keyword.len());
    let kind = Kind::from_keyword(cmd.keyword);
    let flags = cmd
        .flags
        .iter()
        .map(|raw| {
            let word = raw.word.strip_prefix("--").unwrap_or(&raw.word);
            let (name, value) = match word.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(value.to_string())),
                None => (word.to_string(), None),
            };
            Flag {
                name,
                value,
                span: loc.span(at + raw.start, at + raw.end),
            }
        })
        .collect();
    let rest_at = at + cmd.rest_at;
    let rest_span = loc.span(rest_at, rest_at + cmd.rest.len());
    let args = if nested && kind == Kind::Onbuild {
        shell_or_none(loc, cmd.rest, rest_at)
    } else {
        parse_args(loc, &kind, cmd.rest, rest_at, escape)
            .map_err(|message| ParseError::new(message, rest_span))?
    };
    let end = at + line.trim_end().len();
    Ok(Instruction {
        keyword: cmd.keyword.to_string(),
        kind,
        span: loc.span(keyword_start, end.max(keyword_start)),
        keyword_span,
        flags,
        args,
        heredocs: Vec::new(),
        original: line.to_string(),
    })
}

fn parse_args(
    loc: &Locator,
    kind: &Kind,
    rest: &str,
    at: usize,
    escape: char,
) -> Result<Args, String> {
    match kind {
        Kind::Add | Kind::Copy | Kind::Volume => match json::parse_exec(rest) {
            Outcome::Strings(strings) => Ok(exec(loc, strings, at)),
            Outcome::NotStrings => Err(NOT_STRINGS.to_string()),
            Outcome::NotJson => Ok(split_words(loc, rest, at)),
        },
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell => maybe_json(loc, rest, at),
        Kind::Arg => {
            let words = parse_words(rest, escape);
            if words.is_empty() {
                return Ok(Args::None);
            }
            Ok(Args::Words(
                words
                    .into_iter()
                    .map(|w| loc.arg(w.text, at + w.start, at + w.end))
                    .collect(),
            ))
        }
        Kind::Env | Kind::Label => name_values(loc, kind, rest, at, escape),
        Kind::Expose | Kind::From => Ok(split_words(loc, rest, at)),
        Kind::Healthcheck => healthcheck(loc, rest, at),
        Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir | Kind::Unknown(_) => {
            Ok(shell_or_none(loc, rest, at))
        }
        Kind::Onbuild => {
            if rest.is_empty() {
                return Ok(Args::None);
            }
            let trigger = build(loc, rest, at, escape, true).map_err(|e| e.message)?;
            Ok(Args::Onbuild(Box::new(trigger)))
        }
    }
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

fn exec(loc: &Locator, strings: Vec<json::JsonString>, at: usize) -> Args {
    Args::Exec(
        strings
            .into_iter()
            .map(|s| loc.arg(s.value, at + s.start, at + s.end))
            .collect(),
    )
}

fn shell_or_none(loc: &Locator, rest: &str, at: usize) -> Args {
    if rest.is_empty() {
        Args::None
    } else {
        Args::Shell(loc.arg(rest, at, at + rest.len()))
    }
}

/// Exec form if `rest` is a JSON array of strings, an error if it is some other JSON array,
/// shell form otherwise.
fn maybe_json(loc: &Locator, rest: &str, at: usize) -> Result<Args, String> {
    if rest.is_empty() {
        return Ok(Args::None);
    }
    match json::parse_exec(rest) {
        Outcome::Strings(strings) => Ok(exec(loc, strings, at)),
        Outcome::NotStrings => Err(NOT_STRINGS.to_string()),
        Outcome::NotJson => Ok(Args::Shell(loc.arg(rest, at, at + rest.len()))),
    }
}

/// Pieces of `rest` between runs of separators, with their offsets.
fn separated(rest: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut start = None;
    for (i, c) in rest.char_indices() {
        match (is_separator(c), start) {
            (true, Some(s)) => {
                pieces.push((s, rest.get(s..i).unwrap_or("")));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        pieces.push((s, rest.get(s..).unwrap_or("")));
    }
    pieces
}

fn split_words(loc: &Locator, rest: &str, at: usize) -> Args {
    if rest.is_empty() {
        return Args::None;
    }
    let words = separated(rest)
        .into_iter()
        .map(|(s, w)| loc.arg(w, at + s, at + s + w.len()))
        .collect();
    Args::Words(words)
}

/// ENV and LABEL: `key=value ...`, or the legacy `key value with spaces` when the first word
/// has no `=`.
fn name_values(
    loc: &Locator,
    kind: &Kind,
    rest: &str,
    at: usize,
    escape: char,
) -> Result<Args, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Args::None);
    };
    if !first.text.contains('=') {
        let key_len = rest
            .find(is_separator)
            .ok_or_else(|| format!("{} must have two arguments", kind.name()))?;
        let key = rest.get(..key_len).unwrap_or("");
        let after = rest.get(key_len..).unwrap_or("");
        let value = after.trim_start_matches(is_separator);
        let value_at = at + rest.len() - value.len();
        return Ok(Args::KeyValues(vec![KeyValue {
            key: loc.arg(key, at, at + key_len),
            value: loc.arg(value, value_at, value_at + value.len()),
            equals: false,
        }]));
    }
    let mut pairs = Vec::new();
    for word in words {
        let Some((key, value)) = word.text.split_once('=') else {
            return Err(format!(
                "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                word.text
            ));
        };
        let key_end = at + word.start + key.len();
        pairs.push(KeyValue {
            key: loc.arg(key, at + word.start, key_end),
            value: loc.arg(value, key_end + 1, (at + word.end).max(key_end + 1)),
            equals: true,
        });
    }
    Ok(Args::KeyValues(pairs))
}

/// `HEALTHCHECK [flags] TYPE [command]`: the first word is the type, the rest is a command in
/// shell or exec form.
fn healthcheck(loc: &Locator, rest: &str, at: usize) -> Result<Args, String> {
    let type_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if type_len == 0 {
        return Ok(Args::None);
    }
    let kind = loc.arg(rest.get(..type_len).unwrap_or(""), at, at + type_len);
    let after = rest.get(type_len..).unwrap_or("");
    let command = after.trim_start();
    let command_at = at + rest.len() - command.len();
    Ok(Args::Healthcheck {
        kind,
        command: Box::new(maybe_json(loc, command, command_at)?),
    })
}
