//! ## What it does
//! Flags a label the `label-schema` types as `hash` whose value is not a git commit hash: 40
//! lowercase hex digits, or the 7 of an abbreviated one.
//!
//! ## Why it matters
//! A revision label (`org.opencontainers.image.revision`) is how an image is traced back to
//! the exact commit it was built from. A branch name, a tag or an unexpanded `$GIT_SHA` moves
//! or means nothing, and the trace ends at "somewhere on main".
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {org.opencontainers.image.revision: hash}
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.revision="main"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.revision="3f1c2a9e0b7d4c6f8a1e2d3c4b5a69788796a5b4"
//! ```
//!
//! ## Differences from hadolint
//! A value from a variable is judged as it expands (`ARG VERSION=1.4.0`, then `$VERSION`), and
//! not at all when the variable has no value here, as the build argument decides it; hadolint
//! judges the text `$VERSION` itself. A trigger's labels (`ONBUILD LABEL`) are checked too.

use super::formats;
use crate::finding::Level;
use crate::rule::{Context, LabelType, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD908",
    name: "label-not-git-hash",
    level: Level::Warning,
    hadolint: Some("DL3055"),
    source: include_str!("label_not_git_hash.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::check_form(
        cx,
        out,
        LabelType::Hash,
        |value: &str| {
            if formats::is_git_hash(value) {
                Ok(())
            } else {
                Err(
                "not a git commit hash: write the 40 lowercase hex digits of `git rev-parse HEAD`"
                    .to_string(),
            )
            }
        },
        |_| None,
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::labels::testing::{catches, passes};

    #[test]
    fn catches_values_of_another_form() {
        catches(&RULE, "r:hash", "FROM a\nLABEL r=main\n");
        catches(&RULE, "r:hash", "FROM a\nLABEL r=ABCDEF0\n");
        catches(&RULE, "r:hash", "FROM a\nLABEL r=abcdef01\n");
    }

    #[test]
    fn does_not_catch_valid_unknown_or_other_labels() {
        passes(
            &RULE,
            "r:hash",
            "FROM a\nLABEL r=3f1c2a9e0b7d4c6f8a1e2d3c4b5a69788796a5b4\n",
        );
        passes(&RULE, "r:hash", "FROM a\nLABEL r=3f1c2a9\n");
        passes(&RULE, "r:hash", "FROM a\nARG SHA\nLABEL r=$SHA\n");
        passes(&RULE, "", "FROM a\nLABEL x=y\n");
    }
}
