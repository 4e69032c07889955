//! Joining shell-form RUNs: appending a command to a RUN's script, and folding the RUN (or any
//! instruction) that follows into an earlier one. The edits keep the build doing the same
//! thing: the same commands run in the same order, each only when everything before it
//! succeeded, as the separate instructions did.
//!
//! That holds only for plain shapes, so anything else gets no edit: a RUN in exec form or with
//! a heredoc, a file with another escape character, a script with a comment (`#` would swallow
//! what is appended), an unclosed quote or parenthesis or a shell heredoc (`<<`, which would
//! take in what follows), one that ends in `;`, `&`, `|` or a dangling `\`, or one that may
//! stop before its end (`exit`, `exec`, `return`). Folding a second RUN also needs the same
//! flags on both, a second script that is one `&&` chain (after `;` or `||` its exit status
//! would no longer stop the build), and a first script that leaves no state behind for the
//! second (`cd`, `export`, `set`, a bare assignment...), since the second used to start afresh.
//!
//! Each fix is one edit covering everything it changes, so that fixes of other findings either
//! apply with it or not at all: never half of it.

use drydock_dockerfile::{Args, Instruction, Kind, Pos};

use crate::fix::Edit;
use crate::rule::Context;
use crate::shell::{Command, Joint};

/// Commands after which the rest of a script may not run, or runs in another state.
const STOPS: &[&str] = &["exit", "exec", "return"];
const KEEPS_STATE: &[&str] = &[
    "cd", "pushd", "popd", "export", "set", "source", ".", "umask", "shopt", "alias", "unset",
    "trap", "ulimit", "eval", "readonly", "declare", "typeset", "local", "shift",
];

/// Where and how to append to a RUN's script.
#[derive(Debug)]
struct Tail {
    /// Just after the script's last character.
    at: usize,
    /// What continuation lines start with.
    indent: String,
    /// `&&` starts the continuation lines (` \` then `&& b`) rather than ends the lines
    /// before them (`a && \` then `b`).
    leading: bool,
    newline: &'static str,
}

impl Tail {
    /// The text that appends `command` to the script.
    fn append(&self, command: &str) -> String {
        let (nl, indent) = (self.newline, &self.indent);
        if self.leading {
            format!(" \\{nl}{indent}&& {command}")
        } else {
            format!(" && \\{nl}{indent}{command}")
        }
    }
}

/// One edit appending `command` (shell text) to the script of the RUN at `index`, so it runs
/// when the script succeeded. None when the RUN's shape is not plain enough (module doc).
pub(crate) fn append(cx: &Context, index: usize, command: &str) -> Option<Edit> {
    let tail = tail(cx, index)?;
    Some(Edit {
        start: tail.at,
        end: tail.at,
        replacement: tail.append(command),
    })
}

/// One edit that appends the script of the RUN at `second` to the RUN just before it and
/// deletes `second`: what two separate RUNs did, in one layer. Comment lines between them stay,
/// as comment lines inside the joined RUN (the parser drops them); blank lines go. None when
/// the two cannot be joined without changing what runs (module doc).
pub(crate) fn fold(cx: &Context, second: usize) -> Option<Edit> {
    let first = second.checked_sub(1)?;
    let a = cx.instructions().get(first)?;
    let b = cx.instructions().get(second)?;
    let same_stage = cx.stage_of(first).map(|s| s.index) == cx.stage_of(second).map(|s| s.index);
    if !same_stage || a.kind != Kind::Run || b.kind != Kind::Run || flags(a) != flags(b) {
        return None;
    }
    let first_script = cx.script(first)?;
    if first_script
        .commands
        .iter()
        .any(|c| keeps_state(c) || stops(c))
    {
        return None;
    }
    let tail = tail(cx, first)?;
    let Args::Shell(arg) = &b.args else {
        return None;
    };
    if !b.heredocs.is_empty() || !plain_text(&arg.value) {
        return None;
    }
    let commands: Vec<&Command> = cx
        .script(second)?
        .commands
        .iter()
        .filter(|c| !c.substituted)
        .collect();
    let chain = commands
        .iter()
        .skip(1)
        .all(|c| matches!(c.joint, Joint::And | Joint::Pipe));
    if commands.is_empty() || !chain {
        return None;
    }
    let text = cx
        .source
        .get(cx.offset(arg.span.start)?..cx.offset(arg.span.end)?)?;
    let comments = between(cx, a, b)?;
    let end = cx.offset(b.span.end)?;
    let mut replacement = String::new();
    for comment in comments {
        if replacement.is_empty() {
            replacement.push_str(if tail.leading { " \\" } else { " && \\" });
            replacement.push_str(tail.newline);
        }
        replacement.push_str(comment);
        replacement.push_str(tail.newline);
    }
    if replacement.is_empty() {
        replacement = tail.append(text);
    } else if tail.leading {
        replacement.push_str(&format!("{}&& {text}", tail.indent));
    } else {
        replacement.push_str(&format!("{}{text}", tail.indent));
    }
    (tail.at < end).then_some(Edit {
        start: tail.at,
        end,
        replacement,
    })
}

/// One edit inserting `insert` at byte `at` (in an instruction before `delete`) and deleting
/// the instruction at `delete` (its whole lines), which must follow the one before it with
/// only blank and comment lines between. None when it does not.
pub(crate) fn insert_and_delete(
    cx: &Context,
    at: usize,
    insert: &str,
    delete: usize,
) -> Option<Edit> {
    let before = cx.instructions().get(delete.checked_sub(1)?)?;
    let ins = cx.instructions().get(delete)?;
    between(cx, before, ins)?;
    let start = line_start(cx, ins)?;
    let end = region_end(cx, ins)?;
    let kept = cx.source.get(at..start)?;
    Some(Edit {
        start: at,
        end,
        replacement: format!("{insert}{kept}"),
    })
}

/// Where the line holding the start of `ins` starts, if only blanks come before it there.
pub(crate) fn line_start(cx: &Context, ins: &Instruction) -> Option<usize> {
    let start = cx.offset(Pos {
        line: ins.span.start.line,
        column: 1,
    })?;
    let keyword = cx.offset(ins.span.start)?;
    cx.source
        .get(start..keyword)?
        .trim()
        .is_empty()
        .then_some(start)
}

/// Just after the newline ending the last line of `ins` (the end of the source without one),
/// if only blanks follow the instruction on that line.
pub(crate) fn region_end(cx: &Context, ins: &Instruction) -> Option<usize> {
    let end = cx.offset(ins.span.end)?;
    let rest = cx.source.get(end..)?;
    let line = rest.find('\n').map_or(rest.len(), |i| i + 1);
    rest.get(..line)?.trim().is_empty().then_some(end + line)
}

/// The newline the source uses after `ins`.
pub(crate) fn newline(cx: &Context, ins: &Instruction) -> &'static str {
    let crlf = cx
        .offset(ins.span.end)
        .and_then(|end| cx.source.get(end..))
        .and_then(|rest| rest.split('\n').next())
        .is_some_and(|line| line.ends_with('\r'));
    if crlf {
        "\r\n"
    } else {
        "\n"
    }
}

/// The comment lines between `a` and the instruction `b` right after it, or None when
/// something else is there or a comment is a suppression (`# hadolint ignore=`), which would
/// move to another instruction.
pub(crate) fn between<'a>(
    cx: &Context<'a>,
    a: &Instruction,
    b: &Instruction,
) -> Option<Vec<&'a str>> {
    let from = region_end(cx, a)?;
    let to = line_start(cx, b)?;
    let mut comments = Vec::new();
    for line in cx.source.get(from..to)?.lines() {
        let line = line.trim_end_matches('\r');
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if !text.starts_with('#') || text.to_ascii_lowercase().contains("ignore") {
            return None;
        }
        comments.push(line);
    }
    Some(comments)
}

/// Where to append to the RUN at `index`, and in which style.
fn tail(cx: &Context, index: usize) -> Option<Tail> {
    let ins = cx.instructions().get(index)?;
    let Args::Shell(arg) = &ins.args else {
        return None;
    };
    let script = cx.script(index)?;
    let value = arg.value.trim();
    let plain = ins.kind == Kind::Run
        && ins.heredocs.is_empty()
        && cx.file.escape == '\\'
        && !value.is_empty()
        && !value.contains('#')
        && plain_text(value)
        && !value.ends_with([';', '&', '|', '\\'])
        && !script.commands.iter().any(stops);
    if !plain {
        return None;
    }
    let (start, at) = (cx.offset(arg.span.start)?, cx.offset(arg.span.end)?);
    let body = cx.source.get(start..at)?;
    let rest = cx.source.get(at..cx.offset(ins.span.end)?)?;
    if body.trim_end().ends_with('\\') || !rest.trim().is_empty() {
        return None;
    }
    // The instruction ends where its script does, the rest of the line blank.
    region_end(cx, ins)?;
    let (indent, leading) = match body.rfind('\n') {
        Some(last) => {
            let line = body.get(last + 1..)?;
            let text = line.trim_start();
            let indent = line.get(..line.len() - text.len())?.to_string();
            // The line before, skipping comment lines inside the continuation.
            let before = body
                .get(..last)?
                .split('\n')
                .rev()
                .map(|l| l.trim_end_matches('\r'))
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
            let before = before.strip_suffix('\\')?.trim_end();
            (indent, text.starts_with("&&") || !before.ends_with("&&"))
        }
        None => (" ".to_string(), true),
    };
    Some(Tail {
        at,
        indent,
        leading,
        newline: newline(cx, ins),
    })
}

/// Whether a script's text closes every quote, backquote and parenthesis it opens and has no
/// shell heredoc (`<<`): text after an unclosed one, or after a heredoc marker, would be read
/// as part of it. One pass over the text.
fn plain_text(text: &str) -> bool {
    if text.contains("<<") {
        return false;
    }
    let mut depth: usize = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\'' if !chars.by_ref().any(|c| c == '\'') => return false,
            '"' | '`' => {
                let mut closed = false;
                while let Some(inner) = chars.next() {
                    if inner == '\\' {
                        chars.next();
                    } else if inner == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return false;
                }
            }
            '(' => depth += 1,
            ')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

fn flags(ins: &Instruction) -> Vec<(&str, Option<&str>)> {
    let mut flags: Vec<_> = ins
        .flags
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_deref()))
        .collect();
    flags.sort_unstable();
    flags
}

fn stops(command: &Command) -> bool {
    STOPS.contains(&command.name()) || STOPS.contains(&command.program())
}

fn keeps_state(command: &Command) -> bool {
    (command.words.is_empty() && !command.assignments.is_empty())
        || (!command.substituted && KEEPS_STATE.contains(&command.program()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Project, Settings};

    /// `source` with `make`'s edit applied, or None without one.
    fn edited(source: &str, make: impl Fn(&Context) -> Option<Edit>) -> Option<String> {
        let file = drydock_dockerfile::parse(source);
        let settings = Settings::default();
        let cx = Context::new(source, &file, &settings, Project::default());
        let edit = make(&cx)?;
        let out = crate::fix::apply(source, &[edit]);
        assert!(out.conflicts.is_empty());
        Some(out.text)
    }

    fn appended(source: &str) -> Option<String> {
        edited(source, |cx| append(cx, 1, "rm -rf /x"))
    }

    fn folded(source: &str) -> Option<String> {
        edited(source, |cx| fold(cx, 2))
    }

    #[test]
    fn appends_in_the_style_the_run_uses() {
        assert_eq!(
            appended("FROM a\nRUN b && c  \nRUN d\n").as_deref(),
            Some("FROM a\nRUN b && c \\\n && rm -rf /x  \nRUN d\n")
        );
        assert_eq!(
            appended("FROM a\nRUN b \\\n    && c\n").as_deref(),
            Some("FROM a\nRUN b \\\n    && c \\\n    && rm -rf /x\n")
        );
        assert_eq!(
            appended("FROM a\nRUN b && \\\n\tc\n").as_deref(),
            Some("FROM a\nRUN b && \\\n\tc && \\\n\trm -rf /x\n")
        );
        assert_eq!(
            appended("FROM a\nRUN b && \\\n  # why\n  c\n").as_deref(),
            Some("FROM a\nRUN b && \\\n  # why\n  c && \\\n  rm -rf /x\n")
        );
        assert_eq!(
            appended("FROM a\r\nRUN b\r\n").as_deref(),
            Some("FROM a\r\nRUN b \\\r\n && rm -rf /x\r\n")
        );
    }

    #[test]
    fn does_not_append_to_what_it_cannot_extend_safely() {
        for source in [
            "FROM a\nRUN b # note\n",
            "FROM a\nRUN b;\n",
            "FROM a\nRUN b &\n",
            "FROM a\nRUN b || exit 0\n",
            "FROM a\nRUN exec b\n",
            "FROM a\nRUN [\"b\"]\n",
            "FROM a\nRUN <<EOF\nb\nEOF\n",
            "# escape=`\nFROM a\nRUN b\n",
            "FROM a\nRUN b \\",
            "FROM a\nCMD b\n",
            "FROM a\nRUN b 'c\n",
            "FROM a\nRUN b \"c\\\"\n",
            "FROM a\nRUN b $(c\n",
            "FROM a\nRUN cat <<X\n",
        ] {
            assert_eq!(appended(source), None, "{source:?}");
        }
    }

    #[test]
    fn quoted_and_nested_text_is_plain_when_closed() {
        assert!(plain_text("a 'b (' \"c \\\" ` d\" $(e `f`) \\( g"));
        assert!(!plain_text("a )"));
        assert!(!plain_text("a `b"));
        assert!(!plain_text("a \"b\\"));
    }

    #[test]
    fn folds_the_next_run_in_keeping_comments() {
        assert_eq!(
            folded("FROM a\nRUN b\n\n# why\nRUN c && d\nRUN e\n").as_deref(),
            Some("FROM a\nRUN b \\\n# why\n && c && d\nRUN e\n")
        );
        assert_eq!(
            folded("FROM a\nRUN b && \\\n  c\nRUN d\n").as_deref(),
            Some("FROM a\nRUN b && \\\n  c && \\\n  d\n")
        );
        assert_eq!(
            folded("FROM a\nRUN --mount=type=cache,target=/x b\nRUN --mount=type=cache,target=/x c | d\n").as_deref(),
            Some("FROM a\nRUN --mount=type=cache,target=/x b \\\n && c | d\n")
        );
    }

    #[test]
    fn does_not_fold_what_would_run_differently() {
        for source in [
            "FROM a\nRUN cd /x\nRUN b\n",
            "FROM a\nRUN X=1\nRUN b\n",
            "FROM a\nRUN set -e\nRUN b\n",
            "FROM a\nRUN b\nRUN c; d\n",
            "FROM a\nRUN b\nRUN c || d\n",
            "FROM a\nRUN b\nRUN --network=none c\n",
            "FROM a\nRUN b\n# hadolint ignore=DL3059\nRUN c\n",
            "FROM a\nRUN b\nRUN <<EOF\nc\nEOF\n",
            "FROM a\nRUN b\nRUN [\"c\"]\n",
            "FROM a\nRUN b\nRUN echo \"c\n",
            "FROM a\nRUN b\nFROM a\nRUN c\n",
        ] {
            let last = drydock_dockerfile::parse(source).instructions.len() - 1;
            assert_eq!(edited(source, |cx| fold(cx, last)), None, "{source:?}");
        }
    }

    #[test]
    fn inserts_and_deletes_in_one_edit() {
        let source = "FROM a\nCOPY x /x\n# c\nRUN chmod 755 /x\nRUN d\n";
        let out = edited(source, |cx| {
            let at = cx.offset(cx.instructions()[1].keyword_span.end)?;
            insert_and_delete(cx, at, " --chmod=755", 2)
        });
        assert_eq!(
            out.as_deref(),
            Some("FROM a\nCOPY --chmod=755 x /x\n# c\nRUN d\n")
        );
    }
}
