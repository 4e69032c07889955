//! Splitting a logical line into keyword, flags and the rest, the way BuildKit's
//! `splitCommand` does. All offsets are byte offsets into the logical line.

/// BuildKit separates the keyword with `[\t\v\f\r ]+`, which is narrower than Unicode
/// whitespace: a no-break space after the keyword makes it part of the keyword.
fn is_separator(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

pub(crate) struct RawFlag {
    /// The word with quotes and escapes removed, e.g. `--from=build`.
    pub word: String,
    pub start: usize,
    pub end: usize,
}

pub(crate) struct Command<'a> {
    pub keyword: &'a str,
    pub keyword_at: usize,
    pub flags: Vec<RawFlag>,
    pub rest: &'a str,
    pub rest_at: usize,
}

pub(crate) fn split_command(line: &str) -> Command<'_> {
    let lead = line.len() - line.trim_start().len();
    let trimmed = line.trim();
    let keyword_len = trimmed.find(is_separator).unwrap_or(trimmed.len());
    let keyword = trimmed.get(..keyword_len).unwrap_or("");
    let after = trimmed.get(keyword_len..).unwrap_or("");
    let args = after.trim_start_matches(is_separator);
    let args_at = lead + keyword_len + (after.len() - args.len());
    let (flags, rest_rel) = extract_flags(args);
    let flags = flags
        .into_iter()
        .map(|f| RawFlag {
            word: f.word,
            start: f.start + args_at,
            end: f.end + args_at,
        })
        .collect();
    let untrimmed = args.get(rest_rel..).unwrap_or("");
    let rest = untrimmed.trim();
    let rest_at = args_at + rest_rel + (untrimmed.len() - untrimmed.trim_start().len());
    Command {
        keyword,
        keyword_at: lead,
        flags,
        rest,
        rest_at,
    }
}

#[derive(PartialEq)]
enum Phase {
    Spaces,
    Word,
    Quote(char),
}

/// Takes leading `--flag` words off `line`. A word that does not start with `--` ends the
/// flags, and so does a bare `--` (which is dropped). Quotes group and are removed; a backslash
/// (always backslash here, whatever the escape directive says) takes the next char literally.
/// Returns the flags and the offset where the arguments start.
fn extract_flags(line: &str) -> (Vec<RawFlag>, usize) {
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut start = 0;
    let mut blank_ok = false;
    let mut chars = line.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        match phase {
            Phase::Spaces => {
                if ch.is_whitespace() {
                    continue;
                }
                if ch != '-' || chars.peek().map(|&(_, c)| c) != Some('-') {
                    return (flags, pos);
                }
                phase = Phase::Word;
                start = pos;
                word.push(ch);
            }
            Phase::Word => {
                if ch.is_whitespace() {
                    if word == "--" {
                        return (flags, pos);
                    }
                    if blank_ok || !word.is_empty() {
                        flags.push(RawFlag {
                            word: std::mem::take(&mut word),
                            start,
                            end: pos,
                        });
                    }
                    blank_ok = false;
                    phase = Phase::Spaces;
                } else if ch == '\'' || ch == '"' {
                    phase = Phase::Quote(ch);
                    blank_ok = true;
                } else if ch == '\\' {
                    if let Some((_, escaped)) = chars.next() {
                        word.push(escaped);
                    }
                } else {
                    word.push(ch);
                }
            }
            Phase::Quote(quote) => {
                if ch == quote {
                    phase = Phase::Word;
                } else if ch == '\\' {
                    match chars.next() {
                        Some((_, escaped)) => word.push(escaped),
                        None => phase = Phase::Word,
                    }
                } else {
                    word.push(ch);
                }
            }
        }
    }
    if phase != Phase::Spaces && word != "--" && (blank_ok || !word.is_empty()) {
        flags.push(RawFlag {
            word,
            start,
            end: line.len(),
        });
    }
    (flags, line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_keyword_flags_and_rest() {
        let cmd = split_command("  COPY --from=a  --chown=\"x y\" src dst ");
        assert_eq!(cmd.keyword, "COPY");
        assert_eq!(cmd.keyword_at, 2);
        let words: Vec<&str> = cmd.flags.iter().map(|f| f.word.as_str()).collect();
        assert_eq!(words, ["--from=a", "--chown=x y"]);
        assert_eq!(cmd.rest, "src dst");
        assert_eq!(
            &"  COPY --from=a  --chown=\"x y\" src dst "[cmd.rest_at..cmd.rest_at + 7],
            "src dst"
        );
    }

    #[test]
    fn double_dash_ends_flags() {
        let cmd = split_command("COPY --doit=true -- foo /tmp/");
        assert_eq!(cmd.flags.len(), 1);
        assert_eq!(cmd.rest, "foo /tmp/");
        let cmd = split_command("CMD --doit -- [ ]");
        assert_eq!(cmd.rest, "[ ]");
    }

    #[test]
    fn keyword_only() {
        let cmd = split_command("HEALTHCHECK");
        assert_eq!(cmd.keyword, "HEALTHCHECK");
        assert_eq!(cmd.rest, "");
        assert!(cmd.flags.is_empty());
    }
}
