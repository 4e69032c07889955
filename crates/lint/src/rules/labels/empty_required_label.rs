//! ## What it does
//! Flags a label the `label-schema` requires when its value is empty (`LABEL maintainer=""`).
//!
//! ## Why it matters
//! An empty required label passes a check that only asks whether the label exists, and tells
//! the reader nothing: the registry shows a blank owner, the scanner files its finding
//! against no one. It is usually a build argument that was never passed
//! (`LABEL version=$VERSION` with `ARG VERSION=`), which makes the image look traceable when
//! it is not.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {maintainer: text}
//! FROM alpine:3.20
//! LABEL maintainer=""
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL maintainer="ops@example.com"
//! ```
//!
//! ## Differences from hadolint
//! Variables are expanded first: `LABEL maintainer=$OWNER` is empty when `ARG OWNER=` sets
//! nothing, and not judged when `OWNER` has no value here at all (the build argument decides).

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD904",
    name: "empty-required-label",
    level: Level::Warning,
    hadolint: Some("DL3051"),
    source: include_str!("empty_required_label.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    if cx.settings.label_schema.is_empty() {
        return;
    }
    for label in super::labels(cx) {
        let Some(key) = &label.key else { continue };
        if !cx.settings.label_schema.iter().any(|(name, _)| name == key) {
            continue;
        }
        if label.value(cx).is_some_and(|v| v.is_empty()) {
            out.add(
                label.key_span,
                format!(
                    "label `{key}` is empty, and the label schema requires it: give it a value"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::labels::testing::lines;

    #[test]
    fn catches_empty_required_labels() {
        assert_eq!(
            lines(&RULE, "maintainer:text", "FROM a\nLABEL maintainer=\"\"\n"),
            [2]
        );
        assert_eq!(
            lines(&RULE, "maintainer:text", "FROM a\nLABEL maintainer=\n"),
            [2]
        );
        assert_eq!(
            lines(&RULE, "url:url", "FROM a\nARG URL=\nLABEL url=$URL\n"),
            [3]
        );
    }

    #[test]
    fn does_not_catch_set_unknown_or_unrequired_labels() {
        assert!(lines(&RULE, "maintainer:text", "FROM a\nLABEL maintainer=x\n").is_empty());
        assert!(lines(&RULE, "maintainer:text", "FROM a\nLABEL other=\"\"\n").is_empty());
        assert!(lines(
            &RULE,
            "maintainer:text",
            "FROM a\nARG M\nLABEL maintainer=$M\n"
        )
        .is_empty());
    }
}
