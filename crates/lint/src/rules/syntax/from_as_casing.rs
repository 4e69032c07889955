//! ## What it does
//! Flags `FROM image as name` where the `AS` keyword is not cased like `FROM`: an uppercase
//! `FROM` wants `AS`, a lowercase `from` wants `as`.
//!
//! ## Why it matters
//! Instructions and their keywords are case-insensitive, so this is about reading, not
//! building: a Dockerfile that sticks to one casing is easier to scan for stage boundaries and
//! stage names, and the builder's own checks warn about the mix.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 as build
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS build
//! ```

use drydock_dockerfile::Args;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD506",
    name: "from-as-casing",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("from_as_casing.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        let Some(ins) = cx.instructions().get(stage.from) else {
            continue;
        };
        let Args::Words(words) = &ins.args else {
            continue;
        };
        let [_, as_word, _] = words.as_slice() else {
            continue;
        };
        let from = ins.keyword.as_str();
        let upper = from.chars().all(|c| !c.is_ascii_lowercase());
        let lower = from.chars().all(|c| !c.is_ascii_uppercase());
        let wanted = if upper {
            "AS"
        } else if lower {
            "as"
        } else {
            // `From`: the instruction casing rule speaks about that.
            continue;
        };
        if as_word.value != wanted {
            out.add_with_fix(
                as_word.span,
                format!(
                    "`{}` does not match the casing of `{from}`: write `{wanted}`",
                    as_word.value
                ),
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
    fn catches_mismatched_as() {
        assert_eq!(catches(&RULE, "FROM golang as build\n"), [1]);
        catches(&RULE, "from golang AS build\n");
        catches(&RULE, "FROM golang As build\n");
    }

    #[test]
    fn does_not_catch_matching_or_absent_as() {
        passes(
            &RULE,
            "FROM golang AS build\nfrom alpine as run\nFROM scratch\n",
        );
        passes(&RULE, "From golang as build\n");
    }
}
