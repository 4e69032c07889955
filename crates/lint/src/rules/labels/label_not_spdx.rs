//! ## What it does
//! Flags a label the `label-schema` types as `spdx` whose value is not one license identifier
//! of the SPDX License List, written as the list writes it (`MIT`, `Apache-2.0`).
//!
//! ## Why it matters
//! License labels feed compliance tooling that matches identifiers exactly: `mit`,
//! `Apache 2` or a deprecated `GPL-2.0` (which version? only, or later?) matches nothing, so
//! the image is reported as unlicensed, or worse, waved through under the wrong license.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {org.opencontainers.image.licenses: spdx}
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.licenses="Apache 2"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.licenses="Apache-2.0"
//! ```
//!
//! ## Differences from hadolint
//! The list is SPDX's 3.25.0; hadolint's may be older or newer by a few identifiers. Like
//! hadolint, a license expression (`MIT OR Apache-2.0`) is not one identifier, and is flagged.
//!
//! A value from a variable is judged as it expands (`ARG VERSION=1.4.0`, then `$VERSION`), and
//! not at all when the variable has no value here, as the build argument decides it; hadolint
//! judges the text `$VERSION` itself. A trigger's labels (`ONBUILD LABEL`) are checked too.

use super::formats;
use crate::finding::Level;
use crate::rule::{Context, LabelType, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD907",
    name: "label-not-spdx",
    level: Level::Warning,
    hadolint: Some("DL3054"),
    source: include_str!("label_not_spdx.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::check_form(
        cx,
        out,
        LabelType::Spdx,
        |value: &str| {
            match formats::spdx(value) {
        formats::Spdx::Listed => Ok(()),
        formats::Spdx::Case(id) => Err(format!("not an SPDX identifier as written: write `{id}`")),
        formats::Spdx::Deprecated => Err(
            "a deprecated SPDX identifier: use its current form (`GPL-2.0` is `GPL-2.0-only` or `GPL-2.0-or-later`)".to_string(),
        ),
        formats::Spdx::Unknown => Err(
            "not an SPDX license identifier: use one from the SPDX License List, such as `MIT` or `Apache-2.0`".to_string(),
        ),
    }
        },
        |value| match formats::spdx(value) {
            formats::Spdx::Case(id) => Some(id.to_string()),
            _ => None,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::labels::testing::{catches, passes};

    #[test]
    fn catches_values_of_another_form() {
        catches(&RULE, "l:spdx", "FROM a\nLABEL l=\"Apache 2\"\n");
        catches(&RULE, "l:spdx", "FROM a\nLABEL l=mit\n");
        catches(&RULE, "l:spdx", "FROM a\nLABEL l=GPL-2.0\n");
        catches(&RULE, "l:spdx", "FROM a\nLABEL l=\"MIT OR Apache-2.0\"\n");
    }

    #[test]
    fn does_not_catch_valid_unknown_or_other_labels() {
        passes(&RULE, "l:spdx", "FROM a\nLABEL l=MIT\n");
        passes(&RULE, "l:spdx", "FROM a\nLABEL l=GPL-2.0-or-later\n");
        passes(&RULE, "l:spdx", "FROM a\nARG L\nLABEL l=$L\n");
        passes(&RULE, "", "FROM a\nLABEL x=y\n");
    }

    #[test]
    fn fixes_the_case_of_a_listed_id() {
        use crate::rules::labels::testing::{fixed, hits};
        assert_eq!(
            fixed(&RULE, "l:spdx", "FROM a\nLABEL l=\"apache-2.0\"\n"),
            "FROM a\nLABEL l=\"Apache-2.0\"\n"
        );
        let found = hits(&RULE, "l:spdx", false, "FROM a\nLABEL l=GPL-2.0\n");
        assert!(
            found.iter().all(|f| f.edits.is_empty()),
            "deprecated ids need a choice"
        );
    }
}
