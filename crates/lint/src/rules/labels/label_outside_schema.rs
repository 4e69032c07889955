//! ## What it does
//! With `strict-labels: true` (or `drydock lint --strict-labels`), flags each label the
//! `label-schema` does not name.
//!
//! ## Why it matters
//! A team that fixes its label set wants every image to speak it: one image labelled
//! `maintainer` and the next `org.opencontainers.image.authors` splits every query, dashboard
//! and cleanup job that reads them. Strict labels make the schema the only vocabulary, so a
//! new label is a change to the schema, reviewed once, not a one-off in a Dockerfile.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {org.opencontainers.image.source: url}, strict-labels: true
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.source="https://github.com/example/app" team=ops
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.source="https://github.com/example/app"
//! ```
//! Or add `team` to the `label-schema`.
//!
//! ## Differences from hadolint
//! hadolint reports the LABEL once; Drydock reports each label outside the schema, by name. A
//! key built from a variable with no value here is not judged; a trigger's labels (`ONBUILD
//! LABEL`) are checked too.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD903",
    name: "label-outside-schema",
    level: Level::Info,
    hadolint: Some("DL3050"),
    source: include_str!("label_outside_schema.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    if !cx.settings.strict_labels {
        return;
    }
    let schema: std::collections::HashSet<&str> = cx
        .settings
        .label_schema
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    for label in super::labels(cx) {
        let Some(key) = &label.key else { continue };
        if !schema.contains(key.as_str()) {
            out.add(
                label.key_span,
                format!(
                    "label {} is not in the label schema, and strict labels allow no other: remove it or add it to `label-schema`",
                    super::shown(key)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::labels::testing::hits;

    fn lines(schema: &str, strict: bool, source: &str) -> Vec<u32> {
        hits(&RULE, schema, strict, source)
            .iter()
            .map(|f| f.line)
            .collect()
    }

    #[test]
    fn catches_labels_outside_the_schema_when_strict() {
        assert_eq!(
            lines(
                "maintainer:text",
                true,
                "FROM a\nLABEL maintainer=x \\\n  team=y\n"
            ),
            [3]
        );
        assert_eq!(lines("", true, "FROM a\nLABEL team=y\n"), [2]);
        assert_eq!(
            lines("maintainer:text", true, "FROM a\nLABEL Maintainer=x\n"),
            [2],
            "keys match exactly"
        );
    }

    #[test]
    fn does_not_catch_schema_labels_or_when_not_strict() {
        assert!(lines("maintainer:text", true, "FROM a\nLABEL maintainer=x\n").is_empty());
        assert!(lines("maintainer:text", false, "FROM a\nLABEL team=y\n").is_empty());
        assert!(lines("maintainer:text", true, "FROM a\nLABEL ${UNSET}=y\n").is_empty());
    }
}
