//! ## What it does
//! Flags `MAINTAINER`, deprecated since Docker 1.13.
//!
//! ## Why it matters
//! `MAINTAINER` fills the image's free-text `author` field, which few tools show and which a
//! derived image cannot drop. The `org.opencontainers.image.authors` label carries the same
//! information under the standard key that registries, scanners and `docker inspect` users
//! look for, and a later stage or image can override it like any other label.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! MAINTAINER Jane Doe <jane@example.com>
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
//! ```

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD502",
    name: "maintainer-instruction",
    level: Level::Warning,
    hadolint: Some("DL4000"),
    source: include_str!("maintainer_instruction.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        if ins.kind != Kind::Maintainer {
            continue;
        }
        let author = match &ins.args {
            Args::Shell(arg) => arg.value.trim().trim_matches('"').to_string(),
            _ => String::new(),
        };
        let message = "MAINTAINER is deprecated: name the author in the `org.opencontainers.image.authors` label";
        if author.is_empty() || ins.span.start.line != ins.span.end.line {
            out.add(cx.head(ins), message);
            continue;
        }
        let escaped = author.replace('\\', "\\\\").replace('"', "\\\"");
        let keyword = if ins.keyword.chars().all(|c| c.is_ascii_lowercase()) {
            "label"
        } else {
            "LABEL"
        };
        out.add_with_fix(
            ins.span,
            message,
            format!("{keyword} org.opencontainers.image.authors=\"{escaped}\""),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_maintainer_with_a_label_fix() {
        assert_eq!(
            catches(&RULE, "FROM alpine\nMAINTAINER Jane <jane@example.com>\n"),
            [2]
        );
        let found = hits(&RULE, "FROM alpine\nmaintainer \"Jane\"\n");
        assert_eq!(
            found[0].fix.as_deref(),
            Some("label org.opencontainers.image.authors=\"Jane\"")
        );
    }

    #[test]
    fn does_not_catch_labels() {
        passes(
            &RULE,
            "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane\"\n",
        );
        passes(&RULE, "FROM alpine\nLABEL maintainer=\"Jane\"\n");
    }
}
