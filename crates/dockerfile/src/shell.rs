//! BuildKit's shell lexer: word splitting, quote removal and `$VAR` expansion, as applied to
//! ENV/ARG/LABEL values, FROM lines, COPY sources and the like. It is not a shell: there is no
//! command substitution, and `*`/`?` only mean something inside `${var#pattern}` and friends.

use std::collections::{BTreeMap, BTreeSet};

use crate::pattern;

/// Nested `${a:-${b:-...}}` recurse; BuildKit has no limit, we stop here so hostile input
/// cannot exhaust the stack.
const MAX_NESTING: u32 = 64;

/// Where the lexer finds the value of a variable: a map of names to values, or the
/// [`crate::Scope`] of an instruction.
pub trait Variables {
    /// The value of `name`, or `None` when it is not set.
    fn value(&self, name: &str) -> Option<&str>;

    /// Takes `bytes` from the expansion budget of the file before the lexer copies that much
    /// of a value; `false` (taking nothing) when less is left, and the lexer then reads the
    /// variable as unset. A plain map has no budget.
    fn spend(&self, bytes: usize) -> bool {
        let _ = bytes;
        true
    }

    /// Whether `name` is set to a value that was itself past the budget, so no one knows it.
    fn unknown(&self, name: &str) -> bool {
        let _ = name;
        false
    }
}

impl Variables for BTreeMap<String, String> {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// How to lex. The default is what a build does to ENV values with the `\` escape char.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexer {
    pub escape: char,
    /// Keep quote chars in the output.
    pub raw_quotes: bool,
    /// Keep escape chars in the output.
    pub raw_escapes: bool,
    /// Leave references to unset variables as written instead of expanding them to nothing.
    pub skip_unset: bool,
    /// Treat quotes as ordinary chars.
    pub skip_quotes: bool,
}

impl Lexer {
    pub fn new(escape: char) -> Lexer {
        Lexer {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset: false,
            skip_quotes: false,
        }
    }

    /// Expands `word` with `env`; see [`Expansion`].
    pub fn process(&self, word: &str, env: &impl Variables) -> Result<Expansion, ExpandError> {
        let mut state = State {
            lexer: *self,
            chars: word.chars().collect(),
            pos: 0,
            env,
            raw_escapes: self.raw_escapes,
            depth: 0,
            used: BTreeSet::new(),
            unset: BTreeSet::new(),
            unknown: false,
        };
        match state.until(None, self.raw_escapes) {
            Ok((value, words)) => Ok(Expansion {
                value,
                words,
                used: state.used,
                unset: state.unset,
                unknown: state.unknown,
            }),
            Err(message) => Err(ExpandError {
                message: format!("failed to process {word:?}: {message}"),
            }),
        }
    }
}

/// The result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    /// The word with quotes removed and variables substituted, inner spaces kept.
    pub value: String,
    /// The same split into words the way a build splits them (after substitution, honouring
    /// quotes).
    pub words: Vec<String>,
    /// Variables referenced and found in the environment.
    pub used: BTreeSet<String>,
    /// Variables referenced but not set, or whose value was past the expansion budget.
    pub unset: BTreeSet<String>,
    /// Whether a value was past the expansion budget (see [`Variables::spend`]): such a
    /// variable is in `unset` and expanded as if unset, so `value` is not what the build sees.
    pub unknown: bool,
}

/// A substitution BuildKit would refuse (`${`, `${x:?msg}` with `x` unset, a bad pattern...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExpandError {
    pub message: String,
}

/// Expands one word the way a build does (quotes removed, `$VAR`/`${VAR...}` substituted).
pub fn expand_word(word: &str, env: &impl Variables, escape: char) -> Result<String, ExpandError> {
    Lexer::new(escape).process(word, env).map(|e| e.value)
}

/// Splits and expands like a build does for words (e.g. a shell-form COPY line).
pub fn expand_words(
    text: &str,
    env: &impl Variables,
    escape: char,
) -> Result<Vec<String>, ExpandError> {
    Lexer::new(escape).process(text, env).map(|e| e.words)
}

/// Words as BuildKit accumulates them: spaces from expansions split, quoted text never does.
#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_str(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_str(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

struct State<'a> {
    lexer: Lexer,
    chars: Vec<char>,
    pos: usize,
    env: &'a dyn Variables,
    raw_escapes: bool,
    depth: u32,
    used: BTreeSet<String>,
    unset: BTreeSet<String>,
    unknown: bool,
}

type Lexed<T> = Result<T, String>;

impl State<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek();
        if ch.is_some() {
            self.pos += 1;
        }
        ch
    }

    fn lookup(&mut self, name: &str) -> Option<String> {
        match self.env.value(name) {
            Some(value) if self.env.spend(value.len()) => {
                self.used.insert(name.to_string());
                Some(value.to_string())
            }
            Some(_) => {
                self.over_budget(name);
                None
            }
            None if self.env.unknown(name) => {
                self.over_budget(name);
                None
            }
            None => {
                self.unset.insert(name.to_string());
                None
            }
        }
    }

    /// `name` has a value, but it is unknown or copying it would pass the budget: it reads
    /// as unset.
    fn over_budget(&mut self, name: &str) {
        self.unknown = true;
        self.unset.insert(name.to_string());
    }

    /// Reads until `stop` (consumed) or the end. Returns the text and its words.
    fn until(&mut self, stop: Option<char>, raw_escapes: bool) -> Lexed<(String, Vec<String>)> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("substitution nested too deeply".to_string());
        }
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let result = self.until_inner(stop);
        self.raw_escapes = saved;
        self.depth -= 1;
        result
    }

    fn until_inner(&mut self, stop: Option<char>) -> Lexed<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.pos += 1;
                return Ok((result, words.finish()));
            }
            let quotes = !self.lexer.skip_quotes;
            if ch == '$' {
                let value = self.dollar()?;
                result.push_str(&value);
                words.add_str(&value);
            } else if quotes && ch == '\'' {
                let value = self.single_quote()?;
                result.push_str(&value);
                words.add_raw_str(&value);
            } else if quotes && ch == '"' {
                let value = self.double_quote()?;
                result.push_str(&value);
                words.add_raw_str(&value);
            } else {
                self.pos += 1;
                if ch == self.lexer.escape {
                    if self.raw_escapes {
                        words.add_raw_char(ch);
                        result.push(ch);
                    }
                    // An escape at the end of the word is dropped.
                    let Some(escaped) = self.next() else { break };
                    words.add_raw_char(escaped);
                    result.push(escaped);
                } else {
                    words.add_char(ch);
                    result.push(ch);
                }
            }
        }
        match stop {
            Some(stop) => Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            )),
            None => Ok((result, words.finish())),
        }
    }

    fn single_quote(&mut self) -> Lexed<String> {
        let mut result = String::new();
        let open = self.next();
        if self.lexer.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    )
                }
                Some('\'') => {
                    if self.lexer.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(ch) => result.push(ch),
            }
        }
    }

    /// Inside double quotes only `$`, the escape char and `"` are special, and the escape char
    /// only escapes `"`, `$` and itself (other escapes stay as written).
    fn double_quote(&mut self) -> Lexed<String> {
        let mut result = String::new();
        let open = self.next();
        if self.lexer.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.pos += 1;
                    if self.lexer.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    result.push_str(&value);
                }
                Some(mut ch) => {
                    self.pos += 1;
                    if ch == self.lexer.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(next)
                                if next == '"' || next == '$' || next == self.lexer.escape =>
                            {
                                self.pos += 1;
                                ch = next;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    /// A `$` at `pos`: `$name`, `${name}`, `${name<op>word}`, `${name/pat/rep}`.
    fn dollar(&mut self) -> Lexed<String> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.lexer.skip_unset => format!("${name}"),
                None => String::new(),
            });
        }
        self.pos += 1;
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        let op = self.next();
        match op {
            Some('}') => Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.lexer.skip_unset => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(':') => {
                let op = self.next();
                let shown = format!(":{}", op.map(String::from).unwrap_or_default());
                self.modifier(&name, op, &shown, true)
            }
            Some(op @ ('+' | '-' | '?' | '#' | '%')) => {
                self.modifier(&name, Some(op), &op.to_string(), false)
            }
            Some('/') => self.substitute(&name),
            Some(other) => Err(format!("unsupported modifier ({other}) in substitution")),
            None => Err("unsupported modifier () in substitution".into()),
        }
    }

    fn modifier(
        &mut self,
        name: &str,
        op: Option<char>,
        shown: &str,
        null_is_unset: bool,
    ) -> Lexed<String> {
        let Some(op @ ('+' | '-' | '?' | '#' | '%')) = op else {
            return Err(format!("unsupported modifier ({shown}) in substitution"));
        };
        let pattern_op = op == '#' || op == '%';
        let word = match self.until(Some('}'), pattern_op) {
            Ok((word, _)) => word,
            Err(_) if self.peek().is_none() => return Err("syntax error: missing '}'".into()),
            Err(e) => return Err(e),
        };
        let value = self.lookup(name);
        if self.lexer.skip_unset && value.is_none() {
            return Ok(format!("${{{name}{shown}{word}}}"));
        }
        let empty = null_is_unset && value.as_deref() == Some("");
        match op {
            '-' => Ok(match value {
                Some(v) if !empty => v,
                _ => word,
            }),
            '+' => Ok(match value {
                Some(_) if !empty => word,
                _ => String::new(),
            }),
            '?' => match value {
                None => Err(format!(
                    "{name}: {}",
                    if word.is_empty() {
                        "is not allowed to be unset"
                    } else {
                        &word
                    }
                )),
                Some(_) if empty => Err(format!(
                    "{name}: {}",
                    if word.is_empty() {
                        "is not allowed to be empty"
                    } else {
                        &word
                    }
                )),
                Some(v) => Ok(v),
            },
            _ => {
                let value = value.unwrap_or_default();
                let (longest, pat) = match word.strip_prefix(op) {
                    Some(rest) => (true, rest),
                    None => (false, word.as_str()),
                };
                let env = self.env;
                let spend = |n| env.spend(n);
                let trimmed = if op == '%' {
                    pattern::trim_suffix(pat, &value, longest, &spend)
                } else {
                    pattern::trim_prefix(pat, &value, longest, &spend)
                };
                let trimmed =
                    trimmed.map_err(|e| format!("invalid pattern ({pat}) in substitution: {e}"))?;
                // The matching work was past the budget: what it gives is not known.
                Ok(trimmed.unwrap_or_else(|| {
                    self.over_budget(name);
                    String::new()
                }))
            }
        }
    }

    fn substitute(&mut self, name: &str) -> Lexed<String> {
        let all = self.peek() == Some('/');
        if all {
            self.pos += 1;
        }
        let pat = match self.until(Some('/'), true) {
            Ok((p, _)) => p,
            Err(_) if self.peek().is_none() => {
                return Err("syntax error: missing '/' in ${}".into())
            }
            Err(e) => return Err(e),
        };
        let replacement = match self.until(Some('}'), true) {
            Ok((r, _)) => r,
            Err(_) if self.peek().is_none() => return Err("syntax error: missing '}'".into()),
            Err(e) => return Err(e),
        };
        let value = self.lookup(name);
        if self.lexer.skip_unset && value.is_none() {
            return Ok(format!("${{{name}/{pat}/{replacement}}}"));
        }
        let env = self.env;
        let replaced =
            pattern::replace(&pat, &value.unwrap_or_default(), &replacement, all, &|n| {
                env.spend(n)
            })
            .map_err(|e| format!("invalid pattern ({pat}) in substitution: {e}"))?;
        // Each match copies the replacement (`${A//?/$A}` would square A), and each match
        // tried costs work (`${A//*x/y}` reads to the end of A at every position).
        Ok(replaced.unwrap_or_else(|| {
            self.over_budget(name);
            String::new()
        }))
    }

    /// A variable name: letters, digits and `_`; or a run of digits; or one special parameter.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(digit) = self.peek().filter(|c| c.is_numeric()) {
                    self.pos += 1;
                    name.push(digit);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += 1;
                return ch.to_string();
            }
            if !(ch.is_alphabetic() || ch.is_numeric() || ch == '_') {
                break;
            }
            self.pos += 1;
            name.push(ch);
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> BTreeMap<String, String> {
        [("A", "a"), ("EMPTY", ""), ("P", "dir/file.tar.gz")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn ex(word: &str) -> String {
        expand_word(word, &env(), '\\').expect("expands")
    }

    #[test]
    fn plain_and_braced() {
        assert_eq!(ex("$A-${A}"), "a-a");
        assert_eq!(ex("$UNSET."), ".");
        assert_eq!(ex(r"\$A"), "$A");
        assert_eq!(ex("'$A'"), "$A");
        assert_eq!(ex("\"$A b\""), "a b");
        assert_eq!(ex("$"), "$");
    }

    #[test]
    fn modifiers() {
        assert_eq!(ex("${UNSET:-d}"), "d");
        assert_eq!(ex("${EMPTY:-d}"), "d");
        assert_eq!(ex("${EMPTY-d}"), "");
        assert_eq!(ex("${A:+alt}"), "alt");
        assert_eq!(ex("${EMPTY+alt}"), "alt");
        assert_eq!(ex("${EMPTY:+alt}"), "");
        assert_eq!(ex("${A:?no}"), "a");
        assert_eq!(ex("${P##*/}"), "file.tar.gz");
        assert_eq!(ex("${P%%.*}"), "dir/file");
        assert_eq!(ex("${P/tar/zip}"), "dir/file.zip.gz");
        assert_eq!(ex("${UNSET:-${A}}"), "a");
    }

    #[test]
    fn errors() {
        let env = env();
        let err = expand_word("${UNSET:?must be set}", &env, '\\').expect_err("unset");
        assert!(
            err.message.ends_with("UNSET: must be set"),
            "{}",
            err.message
        );
        assert!(expand_word("${A", &env, '\\').is_err());
        assert!(expand_word("${}", &env, '\\').is_err());
        assert!(expand_word("'open", &env, '\\').is_err());
        let deep = "${A:-".repeat(10_000);
        assert!(expand_word(&deep, &env, '\\').is_err());
    }

    #[test]
    fn words_split_after_expansion() {
        let mut env = env();
        env.insert("L".into(), "x y".into());
        let words = expand_words("a $L \"c d\"", &env, '\\').expect("expands");
        assert_eq!(words, ["a", "x", "y", "c d"]);
    }
}
