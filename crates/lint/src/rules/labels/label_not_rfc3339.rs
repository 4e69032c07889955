//! ## What it does
//! Flags a label the `label-schema` types as `rfc3339` whose value is not an RFC 3339 date
//! and time, such as `2024-05-01T12:30:00Z`.
//!
//! ## Why it matters
//! Build dates in labels are compared and sorted by tools (`org.opencontainers.image.created`
//! is the common one): which image is newest, what is older than 90 days. A date without a
//! time zone, a local format or a bare day sorts wrongly or fails to parse, and the image
//! falls out of every age-based policy.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {org.opencontainers.image.created: rfc3339}
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.created="05/01/2024 12:30"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
//! ```
//!
//! ## Differences from hadolint
//! Stricter: hadolint's parser also takes two-digit years, offsets without a colon (`+0100`)
//! or past 23 hours, and a `.` with no digits after it; RFC 3339 allows none of them.
//!
//! A value from a variable is judged as it expands (`ARG VERSION=1.4.0`, then `$VERSION`), and
//! not at all when the variable has no value here, as the build argument decides it; hadolint
//! judges the text `$VERSION` itself. A trigger's labels (`ONBUILD LABEL`) are checked too.

use super::formats;
use crate::finding::Level;
use crate::rule::{Context, LabelType, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD906",
    name: "label-not-rfc3339",
    level: Level::Warning,
    hadolint: Some("DL3053"),
    source: include_str!("label_not_rfc3339.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::check_form(
        cx,
        out,
        LabelType::Rfc3339,
        |value: &str| {
            if formats::is_rfc3339(value) {
                Ok(())
            } else {
                Err(
                "not an RFC 3339 time: write it as `2024-05-01T12:30:00Z`, with the `T` and a zone"
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
            "t:rfc3339",
            "FROM a\nLABEL t=\"2024-05-01 12:30:00Z\"\n",
        );
        catches(&RULE, "t:rfc3339", "FROM a\nLABEL t=2024-05-01\n");
        catches(&RULE, "t:rfc3339", "FROM a\nLABEL t=2024-02-30T00:00:00Z\n");
    }

    #[test]
    fn does_not_catch_valid_unknown_or_other_labels() {
        passes(&RULE, "t:rfc3339", "FROM a\nLABEL t=2024-05-01T12:30:00Z\n");
        passes(
            &RULE,
            "t:rfc3339",
            "FROM a\nLABEL t=2024-05-01T12:30:00.25+02:00\n",
        );
        passes(&RULE, "t:rfc3339", "FROM a\nARG T\nLABEL t=$T\n");
        passes(&RULE, "", "FROM a\nLABEL x=y\n");
    }
}
