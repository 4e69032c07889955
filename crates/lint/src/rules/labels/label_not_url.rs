//! ## What it does
//! Flags a label the `label-schema` types as `url` whose value is not an absolute URL
//! (RFC 3986: a scheme such as `https:`, then only characters a URL may hold).
//!
//! ## Why it matters
//! Tools turn these labels into links: the registry's "source" button, a scanner's link
//! to the repository. `github.com/example/app` without a scheme, or a URL with a space in
//! it, becomes a dead link or a relative path on the registry's own site, and the image is
//! as untraceable as if the label were missing.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {org.opencontainers.image.source: url}
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.source="github.com/example/app"
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.source="https://github.com/example/app"
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
    code: "DD905",
    name: "label-not-url",
    level: Level::Warning,
    hadolint: Some("DL3052"),
    source: include_str!("label_not_url.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::check_form(
        cx,
        out,
        LabelType::Url,
        |value: &str| {
            if formats::is_uri(value) {
                Ok(())
            } else if !value.is_empty() && formats::is_uri(&format!("https://{value}")) {
                Err(format!(
                    "not a URL (it has no scheme): write `https://{value}`"
                ))
            } else {
                Err(
                    "not a URL: write an absolute URL such as `https://example.com/app`"
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
            "u:url",
            "FROM a\nLABEL u=\"github.com/example/app\"\n",
        );
        catches(&RULE, "u:url", "FROM a\nLABEL u=\"https://exa mple.com\"\n");
        catches(&RULE, "u:url", "FROM a\nLABEL u=\"\"\n");
        catches(&RULE, "u:url", "FROM a\nARG U=example.com\nLABEL u=$U\n");
    }

    #[test]
    fn does_not_catch_valid_unknown_or_other_labels() {
        passes(
            &RULE,
            "u:url",
            "FROM a\nLABEL u=\"https://github.com/example/app\"\n",
        );
        passes(&RULE, "u:url", "FROM a\nLABEL other=x\n");
        passes(&RULE, "u:url", "FROM a\nARG U\nLABEL u=$U\n");
        passes(&RULE, "u:text", "FROM a\nLABEL u=x\n");
        passes(&RULE, "", "FROM a\nLABEL x=y\n");
    }
}
