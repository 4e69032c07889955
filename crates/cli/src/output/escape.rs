//! The one way text from outside (image names, engine error bodies, build steps, file names,
//! Dockerfile lines) reaches a terminal: shown, never obeyed. Control characters would move the
//! cursor, retitle the window or clear the screen (ESC starts every such sequence); bidirectional
//! overrides and invisible marks would make a name read as something it is not. Each becomes a
//! visible `\u{..}` escape. JSON, SARIF and checkstyle output escape in their own syntax.

/// How one char is shown: `None` for itself, else its escape.
pub(crate) fn escaped_char(c: char) -> Option<String> {
    let invisible = matches!(
        c,
        '\u{61c}'                      // Arabic letter mark
            | '\u{200b}'..='\u{200f}'  // zero-width space/joiners, LTR and RTL marks
            | '\u{2028}'..='\u{2029}'  // line and paragraph separators
            | '\u{202a}'..='\u{202e}'  // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'  // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}'  // bidi isolates
            | '\u{feff}' // zero-width no-break space
    );
    // `is_control`: C0, DEL and C1.
    (c.is_control() || invisible).then(|| format!("\\u{{{:x}}}", c as u32))
}

/// Outside text made inert for a terminal, line breaks included.
pub(crate) fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match escaped_char(c) {
            Some(escaped) => out.push_str(&escaped),
            None => out.push(c),
        }
    }
    out
}

/// A message of several lines (a cause, then its fix) that carries outside text: each line made
/// inert, the line breaks kept. Text from outside that may hold line breaks of its own is made
/// inert where it enters the message, so it cannot pass for a line of it.
pub(crate) fn inert_lines(text: &str) -> String {
    text.split('\n').map(inert).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_not_obeyed() {
        assert_eq!(inert("evil\u{1b}[2Jtag\n"), "evil\\u{1b}[2Jtag\\u{a}");
        assert_eq!(inert("a\u{9b}31m\u{7f}"), "a\\u{9b}31m\\u{7f}");
        assert_eq!(
            inert("txt\u{202e}exe.\u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}"),
            "txt\\u{202e}exe.\\u{2066}x\\u{2069}\\u{200e}\\u{200f}\\u{61c}"
        );
        assert_eq!(inert("plain ünïcode 名前"), "plain ünïcode 名前");
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = inert("a\u{1b}]0;x\u{7}\u{202e}");
        assert_eq!(inert(&once), once);
    }

    #[test]
    fn messages_keep_their_lines_and_lose_the_rest() {
        assert_eq!(
            inert_lines("bad \u{1b}[31mthing\r\n  fix: do \u{202e}this"),
            "bad \\u{1b}[31mthing\\u{d}\n  fix: do \\u{202e}this"
        );
    }
}
