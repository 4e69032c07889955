//! BuildKit's `parseWords`: whitespace-separated words that keep their quotes and escapes
//! (ENV, LABEL and ARG values are unquoted later, at expansion time). Quotes only group.

/// A word and its byte range in the text it came from.
pub(crate) struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(PartialEq)]
enum Phase {
    Spaces,
    Word,
    Quote(char),
}

pub(crate) fn parse_words(rest: &str, escape: char) -> Vec<Word> {
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut start = 0;
    let mut end = 0;
    let mut blank_ok = false;
    let mut chars = rest.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        let after = pos + ch.len_utf8();
        if phase == Phase::Spaces {
            if ch.is_whitespace() {
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        match phase {
            Phase::Spaces => {}
            Phase::Word => {
                if ch.is_whitespace() {
                    if blank_ok || !word.is_empty() {
                        words.push(Word {
                            text: std::mem::take(&mut word),
                            start,
                            end,
                        });
                    }
                    blank_ok = false;
                    phase = Phase::Spaces;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    phase = Phase::Quote(ch);
                    blank_ok = true;
                }
                end = after;
                if ch == escape {
                    // An escape at the very end is dropped; otherwise it stays, with the char
                    // it protects, even a quote.
                    let Some((next_pos, next)) = chars.next() else {
                        continue;
                    };
                    word.push(ch);
                    word.push(next);
                    end = next_pos + next.len_utf8();
                    continue;
                }
                word.push(ch);
            }
            Phase::Quote(quote) => {
                end = after;
                if ch == quote {
                    phase = Phase::Word;
                }
                // Nothing escapes inside single quotes.
                if ch == escape && quote != '\'' {
                    let Some((next_pos, next)) = chars.next() else {
                        phase = Phase::Word;
                        continue;
                    };
                    word.push(ch);
                    word.push(next);
                    end = next_pos + next.len_utf8();
                    continue;
                }
                word.push(ch);
            }
        }
    }
    if phase != Phase::Spaces && (blank_ok || !word.is_empty()) {
        words.push(Word {
            text: word,
            start,
            end,
        });
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        parse_words(s, '\\').into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn keeps_quotes_and_escapes() {
        assert_eq!(texts(r#"abc="123 456" def"#), [r#"abc="123 456""#, "def"]);
        assert_eq!(texts(r"name=value\ value2 x"), [r"name=value\ value2", "x"]);
        assert_eq!(texts(r"name='a\'b''"), [r"name='a\'b''"]);
    }

    #[test]
    fn spans_cover_the_word() {
        let words = parse_words("  a=\"b c\"  d", '\\');
        assert_eq!((words[0].start, words[0].end), (2, 9));
        assert_eq!((words[1].start, words[1].end), (11, 12));
    }
}
