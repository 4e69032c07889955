//! Inserting a missing option into package-manager commands of a shell-form RUN: the body is
//! read again with byte positions (the shell reader keeps none), each simple command handed to
//! [`packages::read`] so the same commands the rules see are the ones edited, and the option is
//! put right after the subcommand (`apt-get install` → `apt-get install --no-install-recommends`).
//!
//! Only plain words are edited: a subcommand written with quotes, escapes or a line break
//! inside it, a heredoc body, an exec form, or a file with another escape character get no edit.

use drydock_dockerfile::{Args, Instruction};

use crate::fix::Edit;
use crate::packages::{self, Manager, Package};
use crate::rule::Context;
use crate::shell::{is_assignment, Command, Joint};

/// One word of a shell-form body: its byte range in the body and its text without quotes.
#[derive(Debug)]
struct Word {
    /// Where the word ends in the body (bytes).
    end: usize,
    text: String,
    /// Written without quotes, escapes or substitutions: safe to edit beside.
    plain: bool,
}

/// Edits inserting ` option` after the subcommand of every command in `ins` that `wants`.
pub(crate) fn insert_option(
    cx: &Context,
    ins: &Instruction,
    option: &str,
    wants: impl Fn(&Package) -> bool,
) -> Vec<Edit> {
    let Args::Shell(arg) = &ins.args else {
        return Vec::new();
    };
    if cx.file.escape != '\\' || !ins.heredocs.is_empty() {
        return Vec::new();
    }
    let (Some(start), Some(end)) = (cx.offset(arg.span.start), cx.offset(arg.span.end)) else {
        return Vec::new();
    };
    let Some(body) = cx.source.get(start..end) else {
        return Vec::new();
    };
    let mut edits = Vec::new();
    for words in commands(body) {
        let assignments = words.iter().take_while(|w| is_assignment(&w.text)).count();
        let command = Command {
            assignments: words[..assignments]
                .iter()
                .map(|w| w.text.clone())
                .collect(),
            words: words[assignments..]
                .iter()
                .map(|w| w.text.clone())
                .collect(),
            redirects: Vec::new(),
            joint: Joint::Sequence,
            substituted: false,
        };
        let Some(pkg) = packages::read(&command) else {
            continue;
        };
        if !wants(&pkg) {
            continue;
        }
        let manager = pkg.manager;
        let program = words[assignments..].iter().position(|w| {
            let base = w.text.rsplit('/').next().unwrap_or(&w.text);
            Manager::of(base) == Some(manager)
        });
        let Some(program) = program else { continue };
        let sub = words[assignments + program + 1..]
            .iter()
            .find(|w| w.text == pkg.subcommand);
        if let Some(sub) = sub.filter(|w| w.plain) {
            edits.push(Edit {
                start: start + sub.end,
                end: start + sub.end,
                replacement: format!(" {option}"),
            });
        }
    }
    edits
}

/// The simple commands of a shell-form body as positioned words. Linear in the body.
fn commands(body: &str) -> Vec<Vec<Word>> {
    let mut out: Vec<Vec<Word>> = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    let mut word: Option<Word> = None;
    // The next word is a redirection's target, not an argument.
    let mut redirect = false;
    let mut chars = body.char_indices().peekable();
    let finish = |word: &mut Option<Word>, current: &mut Vec<Word>, redirect: &mut bool| {
        if let Some(w) = word.take() {
            if *redirect {
                *redirect = false;
            } else {
                current.push(w);
            }
        }
    };
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                let continuation = matches!(chars.peek(), Some((_, '\n' | '\r')));
                if continuation && word.is_none() {
                    continue;
                }
                let w = word.get_or_insert_with(|| Word {
                    end: at,
                    text: String::new(),
                    plain: true,
                });
                w.plain = false;
                if let Some((next_at, next)) = chars.next() {
                    // A line continuation inside a word joins it to the next line's text.
                    if next != '\n' && next != '\r' {
                        w.text.push(next);
                    }
                    w.end = next_at + next.len_utf8();
                }
            }
            '\'' | '"' => {
                let w = word.get_or_insert_with(|| Word {
                    end: at,
                    text: String::new(),
                    plain: true,
                });
                w.plain = false;
                w.end = at + 1;
                while let Some((in_at, inner)) = chars.next() {
                    w.end = in_at + inner.len_utf8();
                    if inner == c {
                        break;
                    }
                    if c == '"' && inner == '\\' {
                        if let Some((e_at, escaped)) = chars.next() {
                            w.text.push(escaped);
                            w.end = e_at + escaped.len_utf8();
                        }
                        continue;
                    }
                    w.text.push(inner);
                }
            }
            ' ' | '\t' | '\r' | '\n' => finish(&mut word, &mut current, &mut redirect),
            ';' | '&' | '|' | '(' | ')' => {
                finish(&mut word, &mut current, &mut redirect);
                redirect = false;
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            '<' | '>' => {
                finish(&mut word, &mut current, &mut redirect);
                redirect = true;
            }
            // A comment runs to the end of the logical line: the rest of the body.
            '#' if word.is_none() => break,
            _ => {
                let w = word.get_or_insert_with(|| Word {
                    end: at,
                    text: String::new(),
                    plain: true,
                });
                if matches!(c, '$' | '`') {
                    w.plain = false;
                }
                w.text.push(c);
                w.end = at + c.len_utf8();
            }
        }
    }
    finish(&mut word, &mut current, &mut redirect);
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<Vec<(String, bool)>> {
        commands(body)
            .into_iter()
            .map(|c| c.into_iter().map(|w| (w.text, w.plain)).collect())
            .collect()
    }

    #[test]
    fn words_keep_their_place_and_say_whether_they_are_plain() {
        let body = "apt-get update && 'apt-get' install -y \\\n  x >/dev/null; echo \"a b\"";
        let found = commands(body);
        assert_eq!(found.len(), 3);
        let install = &found[1][1];
        assert!(body[..install.end].ends_with("'apt-get' install"));
        assert_eq!(
            texts(body)[1],
            [
                ("apt-get".to_string(), false),
                ("install".to_string(), true),
                ("-y".to_string(), true),
                ("x".to_string(), true)
            ]
        );
        assert_eq!(texts(body)[2][1], ("a b".to_string(), false));
    }

    #[test]
    fn hostile_bodies_are_read_without_panicking() {
        for body in ["\\", "'", "\"\\", "é\\é", "# x", "a #b", "$(", "> "] {
            let _ = commands(body);
        }
    }
}
