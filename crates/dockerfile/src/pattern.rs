//! The glob patterns of `${var#pat}`, `${var%pat}` and `${var/pat/rep}`: BuildKit supports `*`
//! and `?` (no bracket expressions) and a backslash before `*`, `?` or `\`. Matching runs as a
//! set-of-states simulation, O(pattern x value), so no input can make it backtrack forever; and
//! every step is taken from the file's expansion budget, so a long value matched again and again
//! (`${A//*x/y}` tries a match at every position) costs a bounded amount of work, not minutes.

#[derive(Clone, Copy, PartialEq)]
enum Token {
    Star,
    Any,
    Char(char),
}

pub(crate) struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    pub(crate) fn compile(pattern: &str) -> Result<Pattern, String> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '*' => tokens.push(Token::Star),
                '?' => tokens.push(Token::Any),
                '\\' => match chars.peek().copied() {
                    // `\}` and `\/` protect the delimiters of `${}`; the backslash is not part
                    // of the pattern.
                    Some('}' | '/') => {}
                    Some(next @ ('*' | '?' | '\\')) => {
                        chars.next();
                        tokens.push(Token::Char(next));
                    }
                    Some(other) => return Err(format!("invalid escape '\\{other}'")),
                    None => return Err("invalid escape '\\'".to_string()),
                },
                c => tokens.push(Token::Char(c)),
            }
        }
        Ok(Pattern { tokens })
    }

    fn reversed(&self) -> Pattern {
        Pattern {
            tokens: self.tokens.iter().rev().copied().collect(),
        }
    }

    /// The states reachable from `states` without consuming a char (stars may match nothing).
    fn close(&self, states: &mut [bool]) {
        for i in 0..self.tokens.len() {
            if states.get(i) == Some(&true) && self.tokens.get(i) == Some(&Token::Star) {
                if let Some(next) = states.get_mut(i + 1) {
                    *next = true;
                }
            }
        }
    }

    /// Lengths (in chars) of the prefixes of `value` the whole pattern matches, ascending;
    /// `None` when `spend` refuses the work (one unit per pattern state per char read).
    fn prefix_matches(&self, value: &[char], spend: &dyn Fn(usize) -> bool) -> Option<Vec<usize>> {
        let n = self.tokens.len();
        let mut states = vec![false; n + 1];
        if let Some(first) = states.first_mut() {
            *first = true;
        }
        self.close(&mut states);
        let mut found = Vec::new();
        if states.get(n) == Some(&true) {
            found.push(0);
        }
        for (consumed, &ch) in value.iter().enumerate() {
            if !spend(n + 1) {
                return None;
            }
            let mut next = vec![false; n + 1];
            for (i, token) in self.tokens.iter().enumerate() {
                if states.get(i) != Some(&true) {
                    continue;
                }
                match token {
                    Token::Star => next[i] = true,
                    Token::Any => next[i + 1] = true,
                    Token::Char(c) if *c == ch => next[i + 1] = true,
                    Token::Char(_) => {}
                }
            }
            self.close(&mut next);
            if !next.iter().any(|&s| s) {
                break;
            }
            if next.get(n) == Some(&true) {
                found.push(consumed + 1);
            }
            states = next;
        }
        Some(found)
    }
}

/// `${var#pat}` (shortest) and `${var##pat}` (longest): remove a matching prefix. `None` when
/// `spend` refuses the matching work.
pub(crate) fn trim_prefix(
    pattern: &str,
    value: &str,
    longest: bool,
    spend: &dyn Fn(usize) -> bool,
) -> Result<Option<String>, String> {
    let pattern = Pattern::compile(pattern)?;
    let chars: Vec<char> = value.chars().collect();
    let Some(matches) = pattern.prefix_matches(&chars, spend) else {
        return Ok(None);
    };
    let cut = if longest {
        matches.last()
    } else {
        matches.first()
    };
    Ok(Some(match cut {
        Some(&cut) => chars.get(cut..).unwrap_or(&[]).iter().collect(),
        None => value.to_string(),
    }))
}

/// `${var%pat}` (shortest) and `${var%%pat}` (longest): remove a matching suffix.
pub(crate) fn trim_suffix(
    pattern: &str,
    value: &str,
    longest: bool,
    spend: &dyn Fn(usize) -> bool,
) -> Result<Option<String>, String> {
    let pattern = Pattern::compile(pattern)?.reversed();
    let reversed: Vec<char> = value.chars().rev().collect();
    let Some(matches) = pattern.prefix_matches(&reversed, spend) else {
        return Ok(None);
    };
    let cut = if longest {
        matches.last()
    } else {
        matches.first()
    };
    Ok(Some(match cut {
        Some(&cut) => {
            let keep = reversed.len().saturating_sub(cut);
            value.chars().take(keep).collect()
        }
        None => value.to_string(),
    }))
}

/// `${var/pat/rep}` and `${var//pat/rep}`: replace the leftmost (or every) longest match.
/// `spend` is asked for the bytes of each copy of the replacement and for the matching work;
/// `None` when it refuses.
pub(crate) fn replace(
    pattern: &str,
    value: &str,
    replacement: &str,
    all: bool,
    spend: &dyn Fn(usize) -> bool,
) -> Result<Option<String>, String> {
    let pattern = Pattern::compile(pattern)?;
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    let mut last_match_end: Option<usize> = None;
    while pos <= chars.len() {
        let Some(matches) = pattern.prefix_matches(chars.get(pos..).unwrap_or(&[]), spend) else {
            return Ok(None);
        };
        let found = matches.last().copied();
        match found {
            // Like Go, an empty match right after the previous match does not count.
            Some(len) if !(len == 0 && last_match_end == Some(pos)) => {
                if !replacement.is_empty() && !spend(replacement.len()) {
                    return Ok(None);
                }
                out.push_str(replacement);
                last_match_end = Some(pos + len);
                if len == 0 {
                    if let Some(&ch) = chars.get(pos) {
                        out.push(ch);
                    }
                    pos += 1;
                } else {
                    pos += len;
                }
                if !all {
                    out.extend(chars.get(pos..).unwrap_or(&[]));
                    return Ok(Some(out));
                }
            }
            _ => {
                if let Some(&ch) = chars.get(pos) {
                    out.push(ch);
                }
                pos += 1;
            }
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_suffix() -> Result<(), String> {
        let free = |_| true;
        let prefix = |p, v, l| trim_prefix(p, v, l, &free).map(Option::unwrap_or_default);
        let suffix = |p, v, l| trim_suffix(p, v, l, &free).map(Option::unwrap_or_default);
        assert_eq!(prefix("*/", "a/b/c", false)?, "b/c");
        assert_eq!(prefix("*/", "a/b/c", true)?, "c");
        assert_eq!(suffix(".*", "f.tar.gz", false)?, "f.tar");
        assert_eq!(suffix(".*", "f.tar.gz", true)?, "f");
        assert_eq!(prefix("x", "abc", false)?, "abc");
        Ok(())
    }

    #[test]
    fn matching_a_long_value_again_and_again_stops_at_the_budget() -> Result<(), String> {
        use std::cell::Cell;
        // `${A//*x/y}` on a value with no `x` tries a match at every position, each reading to
        // the end: quadratic in the value. The work is taken from the budget, so it stops.
        let value = "a".repeat(20_000);
        let steps = Cell::new(0usize);
        let budget = 1_000_000;
        let spend = |n: usize| {
            steps.set(steps.get() + n);
            steps.get() <= budget
        };
        assert_eq!(replace("*x", &value, "y", true, &spend)?, None);
        assert!(
            steps.get() <= budget + 3,
            "stopped at the budget: {}",
            steps.get()
        );
        // A budget that covers the work gives the plain answer.
        let short = "a".repeat(100);
        steps.set(0);
        assert_eq!(
            replace("*x", &short, "y", true, &spend)?,
            Some(short.clone())
        );
        Ok(())
    }

    #[test]
    fn replacing() -> Result<(), String> {
        let free = |_| true;
        let replace = |p, v, r, all| replace(p, v, r, all, &free).map(Option::unwrap_or_default);
        assert_eq!(replace("o", "foo", "0", false)?, "f0o");
        assert_eq!(replace("o", "foo", "0", true)?, "f00");
        assert_eq!(replace("a*", "xaab", "-", false)?, "x-");
        assert!(Pattern::compile("\\x").is_err());
        Ok(())
    }
}
