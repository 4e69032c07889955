//! ## What it does
//! Flags instruction keywords that do not follow the casing most of the file uses: in a file of
//! mostly uppercase `RUN`, `COPY`..., a lowercase `copy` or a mixed `Run` is reported, and the
//! other way round (a tie counts as uppercase).
//!
//! ## Why it matters
//! Keywords are case-insensitive, so this is about reading: a consistent casing makes the
//! instructions stand out from their arguments and the stage structure easy to scan, and a
//! stray keyword often marks a line pasted from elsewhere that deserves a second look.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! run apk add --no-cache curl
//! COPY app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! COPY app /app
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD507",
    name: "inconsistent-instruction-casing",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("inconsistent_instruction_casing.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let is_lower = |k: &str| !k.chars().any(|c| c.is_ascii_uppercase());
    let is_upper = |k: &str| !k.chars().any(|c| c.is_ascii_lowercase());
    let lower = cx
        .instructions()
        .iter()
        .filter(|i| is_lower(&i.keyword))
        .count();
    let upper = cx
        .instructions()
        .iter()
        .filter(|i| is_upper(&i.keyword))
        .count();
    let majority_lower = lower > upper;
    for ins in cx.instructions() {
        let keyword = ins.keyword.as_str();
        let (fits, wanted, casing) = if majority_lower {
            (is_lower(keyword), keyword.to_ascii_lowercase(), "lowercase")
        } else {
            (is_upper(keyword), keyword.to_ascii_uppercase(), "uppercase")
        };
        if !fits {
            out.add_with_fix(
                ins.keyword_span,
                format!("`{keyword}` breaks the file's {casing} instructions: write `{wanted}`"),
                wanted,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_the_minority_casing() {
        assert_eq!(catches(&RULE, "FROM alpine\nrun echo\nCOPY a /a\n"), [2]);
        assert_eq!(catches(&RULE, "from alpine\nRUN echo\ncopy a /a\n"), [2]);
        assert_eq!(catches(&RULE, "FROM alpine\nRun echo\n"), [2]);
        // A tie goes to uppercase.
        assert_eq!(catches(&RULE, "FROM alpine\nrun echo\n"), [2]);
    }

    #[test]
    fn does_not_catch_one_casing() {
        passes(&RULE, "FROM alpine\nRUN echo\nCOPY a /a\n");
        passes(&RULE, "from alpine\nrun echo\ncopy a /a\n");
    }
}
