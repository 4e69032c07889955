//! ## What it does
//! Flags a label the `label-schema` types as `semver` whose value is not a semantic version
//! (`1.4.2`, `2.0.0-rc.1+build.7`).
//!
//! ## Why it matters
//! Version labels are compared by tools that keep the newest images or pick a rollback
//! target. `v1.4`, `1.4` or `latest` does not compare as a version, so the newest image can
//! sort below an old one and be the one a cleanup removes.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {org.opencontainers.image.version: semver}
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.version="v1.4"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.version="1.4.0"
//! ```
//!
//! ## Differences from hadolint
//! Stricter, as semver.org 2.0.0 is: hadolint's parser also takes leading zeros (`01.2.3`,
//! `1.2.3-01`) and an empty pre-release or build (`1.2.3-`, `1.2.3+`).
//!
//! A value from a variable is judged as it expands (`ARG VERSION=1.4.0`, then `$VERSION`), and
//! not at all when the variable has no value here, as the build argument decides it; hadolint
//! judges the text `$VERSION` itself. A trigger's labels (`ONBUILD LABEL`) are checked too.

use super::formats;
use crate::finding::Level;
use crate::rule::{Context, LabelType, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD909",
    name: "label-not-semver",
    level: Level::Warning,
    hadolint: Some("DL3056"),
    source: include_str!("label_not_semver.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::check_form(
        cx,
        out,
        LabelType::Semver,
        |value: &str| {
            if formats::is_semver(value) {
                Ok(())
            } else if value
                .strip_prefix(['v', 'V'])
                .is_some_and(formats::is_semver)
            {
                Err(format!(
                    "not a semantic version: drop the `v` (`{}`)",
                    &value[1..]
                ))
            } else {
                Err(
                "not a semantic version: write MAJOR.MINOR.PATCH, such as `1.4.0` or `2.0.0-rc.1`"
                    .to_string(),
            )
            }
        },
        |value| {
            let bare = value.strip_prefix(['v', 'V'])?;
            formats::is_semver(bare).then(|| bare.to_string())
        },
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::labels::testing::{catches, passes};

    #[test]
    fn catches_values_of_another_form() {
        catches(&RULE, "v:semver", "FROM a\nLABEL v=v1.4.0\n");
        catches(&RULE, "v:semver", "FROM a\nLABEL v=1.4\n");
        catches(&RULE, "v:semver", "FROM a\nLABEL v=01.4.0\n");
    }

    #[test]
    fn does_not_catch_valid_unknown_or_other_labels() {
        passes(&RULE, "v:semver", "FROM a\nLABEL v=1.4.0\n");
        passes(&RULE, "v:semver", "FROM a\nLABEL v=2.0.0-rc.1+build.7\n");
        passes(&RULE, "v:semver", "FROM a\nARG V=1.2.3\nLABEL v=$V\n");
        passes(&RULE, "", "FROM a\nLABEL x=y\n");
    }

    #[test]
    fn fixes_a_v_prefix_written_out() {
        use crate::rules::labels::testing::{fixed, hits};
        assert_eq!(
            fixed(&RULE, "v:semver", "FROM a\nLABEL v=\"v1.4.0\" w=v2\n"),
            "FROM a\nLABEL v=\"1.4.0\" w=v2\n"
        );
        assert_eq!(
            fixed(&RULE, "v:semver", "FROM a\nLABEL v=v1.4.0\n"),
            "FROM a\nLABEL v=1.4.0\n"
        );
        let no_edit = |source: &str| {
            let found = hits(&RULE, "v:semver", false, source);
            assert!(
                !found.is_empty() && found.iter().all(|f| f.edits.is_empty()),
                "{source}"
            );
        };
        no_edit("FROM a\nARG V=v1.4.0\nLABEL v=$V\n");
        no_edit("FROM a\nLABEL v=1.4\n");
    }
}
