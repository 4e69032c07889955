//! Exec form detection. BuildKit treats the arguments as exec form when they are a valid JSON
//! array of strings, rejects a valid JSON array holding anything else, and falls back to shell
//! form for everything that is not valid JSON. This is a small JSON reader that follows Go's
//! `encoding/json` on exactly those three outcomes and records where each string sits.

/// Go's decoder gives up past this nesting depth, which then means "not JSON".
const MAX_DEPTH: usize = 10_000;

pub(crate) struct JsonString {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

pub(crate) enum Outcome {
    Strings(Vec<JsonString>),
    NotStrings,
    NotJson,
}

/// `text` must already be trimmed at the start; anything not starting with `[` is not JSON.
pub(crate) fn parse_exec(text: &str) -> Outcome {
    if !text.starts_with('[') {
        return Outcome::NotJson;
    }
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        pos: 1,
        overflow: false,
    };
    let mut strings = Vec::new();
    let mut all_strings = true;
    reader.skip_space();
    if reader.peek() == Some(b']') {
        reader.pos += 1;
    } else {
        loop {
            reader.skip_space();
            let start = reader.pos;
            if reader.peek() == Some(b'"') {
                match reader.string() {
                    Some(value) => strings.push(JsonString {
                        value,
                        start,
                        end: reader.pos,
                    }),
                    None => return Outcome::NotJson,
                }
            } else {
                all_strings = false;
                if !reader.value() {
                    return Outcome::NotJson;
                }
            }
            reader.skip_space();
            match reader.peek() {
                Some(b',') => reader.pos += 1,
                Some(b']') => {
                    reader.pos += 1;
                    break;
                }
                _ => return Outcome::NotJson,
            }
        }
    }
    reader.skip_space();
    // Go reports an out-of-range number as a decode error, which BuildKit treats as "not JSON".
    if reader.pos != text.len() || reader.overflow {
        Outcome::NotJson
    } else if all_strings {
        Outcome::Strings(strings)
    } else {
        Outcome::NotStrings
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    overflow: bool,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self
            .bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(literal.as_bytes()))
        {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    /// Validates any JSON value with an explicit stack, so hostile nesting cannot overflow ours.
    fn value(&mut self) -> bool {
        // Each entry: is this container an object, and has it had an element yet.
        let mut stack: Vec<(bool, bool)> = Vec::new();
        loop {
            self.skip_space();
            // Start of a value.
            match self.peek() {
                Some(b'[') | Some(b'{') => {
                    let object = self.peek() == Some(b'{');
                    self.pos += 1;
                    if stack.len() >= MAX_DEPTH {
                        return false;
                    }
                    stack.push((object, false));
                    self.skip_space();
                    let close = if object { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        stack.pop();
                    } else {
                        if object && !self.key() {
                            return false;
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    if self.string().is_none() {
                        return false;
                    }
                }
                Some(b't') if self.eat("true") => {}
                Some(b'f') if self.eat("false") => {}
                Some(b'n') if self.eat("null") => {}
                Some(b'-' | b'0'..=b'9') => {
                    if !self.number() {
                        return false;
                    }
                }
                _ => return false,
            }
            // After a value: close containers or move to the next element.
            loop {
                let Some(&(object, _)) = stack.last() else {
                    return true;
                };
                self.skip_space();
                let close = if object { b'}' } else { b']' };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if object && !self.key() {
                            return false;
                        }
                        break;
                    }
                    Some(c) if c == close => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return false,
                }
            }
        }
    }

    /// `"key" :` inside an object.
    fn key(&mut self) -> bool {
        self.skip_space();
        if self.peek() != Some(b'"') || self.string().is_none() {
            return false;
        }
        self.skip_space();
        self.eat(":")
    }

    fn number(&mut self) -> bool {
        let start = self.pos;
        self.eat("-");
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return false,
        }
        if self.eat(".") {
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            self.digits();
        }
        let literal = self.text.get(start..self.pos).unwrap_or("0");
        if literal.parse::<f64>().map_or(true, |n| n.is_infinite()) {
            self.overflow = true;
        }
        true
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A string at `pos` (which holds the opening quote), decoded like Go does: lone
    /// surrogates become U+FFFD instead of failing.
    fn string(&mut self) -> Option<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.pos..)?;
            let ch = rest.chars().next()?;
            self.pos += ch.len_utf8();
            match ch {
                '"' => return Some(out),
                '\\' => {
                    let escape = self.peek()?;
                    self.pos += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) {
            let save = self.pos;
            if self.eat("\\u") {
                if let Some(second) = self.hex4() {
                    if (0xDC00..0xE000).contains(&second) {
                        let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        return Some(char::from_u32(combined).unwrap_or('\u{FFFD}'));
                    }
                }
            }
            self.pos = save;
            return Some('\u{FFFD}');
        }
        Some(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(text: &str) -> Option<Vec<String>> {
        match parse_exec(text) {
            Outcome::Strings(s) => Some(s.into_iter().map(|s| s.value).collect()),
            _ => None,
        }
    }

    #[test]
    fn exec_form() {
        assert_eq!(
            strings(r#"[ "a", "b" ]"#),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(strings("[]"), Some(vec![]));
        assert_eq!(
            strings(r#"["\u0041\ud800"]"#),
            Some(vec!["A\u{FFFD}".into()])
        );
        assert_eq!(strings("['a']"), None);
        assert_eq!(strings(r#"["a"] x"#), None);
    }

    #[test]
    fn valid_json_of_other_things_is_rejected() {
        assert!(matches!(
            parse_exec(r#"[ "echo", [ "nested json" ] ]"#),
            Outcome::NotStrings
        ));
        assert!(matches!(
            parse_exec(r#"["a", {"k": [1, true, null]}]"#),
            Outcome::NotStrings
        ));
        assert!(matches!(parse_exec(r#"["a", 1e999]"#), Outcome::NotJson));
        assert!(matches!(parse_exec(r#"["a", [1,]]"#), Outcome::NotJson));
    }

    #[test]
    fn deep_nesting_is_not_json() {
        let deep = format!("[{}", "[".repeat(20_000));
        assert!(matches!(parse_exec(&deep), Outcome::NotJson));
    }
}
