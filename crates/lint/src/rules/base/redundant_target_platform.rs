//! ## What it does
//! Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`), which asks for what `FROM`
//! does anyway.
//!
//! ## Why it matters
//! Without `--platform`, a stage is built for the target platform: the one `docker build
//! --platform` asked for, or the builder's own. Spelling it out changes nothing, and it reads
//! as if this stage were special; the next reader, looking for the stage that runs natively on
//! the builder, has to check which variable it names. Keep `--platform` for the stages that
//! differ, such as `--platform=$BUILDPLATFORM` for a cross-compiling build stage.
//!
//! ## Example
//! ```dockerfile
//! FROM --platform=$TARGETPLATFORM debian:12-slim
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! ```
//! `drydock lint --fix` removes the flag.

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::fix::Edit;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD330",
    name: "redundant-target-platform",
    level: Level::Warning,
    hadolint: Some("DL3065"),
    source: include_str!("redundant_target_platform.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        if ins.kind != Kind::From {
            continue;
        }
        let Some(flag) = ins.flag("platform") else {
            continue;
        };
        let value = flag.value.as_deref().unwrap_or("");
        if !matches!(
            value.trim_matches(['"', '\'']),
            "$TARGETPLATFORM" | "${TARGETPLATFORM}"
        ) {
            continue;
        }
        // The flag and the blanks after it, so the fixed line reads `FROM image`.
        let edits = match (cx.offset(flag.span.start), cx.offset(flag.span.end)) {
            (Some(start), Some(end)) if start <= end => {
                let rest = cx.source.get(end..).unwrap_or("");
                let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                let after = rest.get(blanks..).unwrap_or("");
                let end = if after.is_empty() || after.starts_with(['\n', '\r']) {
                    end
                } else {
                    end + blanks
                };
                vec![Edit {
                    start,
                    end,
                    replacement: String::new(),
                }]
            }
            _ => Vec::new(),
        };
        out.add_with_edits(
            flag.span,
            format!("`--platform={value}` is what FROM uses without the flag: remove it"),
            Some("remove the flag".to_string()),
            edits,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, fixes, passes};

    #[test]
    fn catches_and_removes_the_target_platform() {
        assert_eq!(
            catches(&RULE, "FROM --platform=$TARGETPLATFORM debian:12\n"),
            [1]
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM --platform=${TARGETPLATFORM}  debian:12 AS run\nRUN x\n"
            ),
            "FROM debian:12 AS run\nRUN x\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM --platform=\"$TARGETPLATFORM\" \\\n  debian:12\n"
            ),
            "FROM \\\n  debian:12\n"
        );
    }

    #[test]
    fn does_not_catch_other_platforms() {
        passes(
            &RULE,
            "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nFROM --platform=linux/arm64 debian:12\nFROM debian:12\n",
        );
    }
}
