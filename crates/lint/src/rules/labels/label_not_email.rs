//! ## What it does
//! Flags a label the `label-schema` types as `email` whose value is not an email address
//! (`ops@example.com`; RFC 5322's form without a display name or comments).
//!
//! ## Why it matters
//! An owner's address in a label is where a scanner's finding or an on-call page is sent.
//! `Ops Team <ops@example.com>`, `ops at example.com` or a bare team name cannot be mailed by
//! a tool, so the alert goes nowhere.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {maintainer: email}
//! FROM alpine:3.20
//! LABEL maintainer="Ops Team <ops@example.com>"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL maintainer="ops@example.com"
//! ```
//!
//! ## Differences from hadolint
//! Stricter: hadolint's parser also takes RFC 5322 comments (`ops@example.com (team)`), which
//! most tools reading the label would not strip.
//!
//! A value from a variable is judged as it expands (`ARG VERSION=1.4.0`, then `$VERSION`), and
//! not at all when the variable has no value here, as the build argument decides it; hadolint
//! judges the text `$VERSION` itself. A trigger's labels (`ONBUILD LABEL`) are checked too.

use super::formats;
use crate::finding::Level;
use crate::rule::{Context, LabelType, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD910",
    name: "label-not-email",
    level: Level::Warning,
    hadolint: Some("DL3058"),
    source: include_str!("label_not_email.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::check_form(
        cx,
        out,
        LabelType::Email,
        |value: &str| {
            if formats::is_email(value) {
                Ok(())
            } else {
                Err(
                    "not an email address: write only the address, such as `ops@example.com`"
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
        catches(
            &RULE,
            "m:email",
            "FROM a\nLABEL m=\"Ops <ops@example.com>\"\n",
        );
        catches(&RULE, "m:email", "FROM a\nLABEL m=ops\n");
        catches(&RULE, "m:email", "FROM a\nLABEL m=a..b@example.com\n");
    }

    #[test]
    fn does_not_catch_valid_unknown_or_other_labels() {
        passes(&RULE, "m:email", "FROM a\nLABEL m=ops@example.com\n");
        passes(
            &RULE,
            "m:email",
            "FROM a\nLABEL m=\"\\\"o p\\\"@example.com\"\n",
        );
        passes(&RULE, "m:email", "FROM a\nARG M\nLABEL m=$M\n");
        passes(&RULE, "", "FROM a\nLABEL x=y\n");
    }
}
