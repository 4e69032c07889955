//! ## What it does
//! Flags a `FROM` whose image uses the `latest` tag, unless it is also pinned by digest.
//!
//! ## Why it matters
//! `latest` is a moving label, not a version. The same Dockerfile then builds on a different
//! base from one week to the next: a rebuild pulls a new base, every cached layer above it is
//! invalidated, and a breaking change upstream lands without anyone choosing it. A named
//! version makes the base an explicit decision you can review and roll back.
//!
//! ## Example
//! ```dockerfile
//! FROM node
//! FROM python:latest
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22.11-bookworm-slim
//! FROM python:3.12-slim@sha256:<digest>
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD301",
    name: "latest-base-image",
    level: Level::Warning,
    hadolint: Some("DL3007"),
    source: include_str!("latest_base_image.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        let Some(base) = &stage.base else { continue };
        let image = base.value.as_str();
        if image.eq_ignore_ascii_case("scratch")
            || image.contains('@')
            || image.contains('$')
            || cx.first_stage_named(image, stage.index).is_some()
        {
            continue;
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        if let Some((_, "latest")) = last.split_once(':') {
            out.add_with_fix(
                base.span,
                format!(
                    "`{image}` uses the `latest` tag, which moves: name the version you build on"
                ),
                image.trim_end_matches(":latest").to_string() + ":<version>",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_latest() {
        assert_eq!(catches(&RULE, "FROM python:latest\n"), [1]);
        catches(&RULE, "FROM registry:5000/team/app:latest AS app\n");
    }

    #[test]
    fn does_not_catch_versions_digests_stages_or_variables() {
        passes(&RULE, "FROM python:3.12\n");
        passes(&RULE, "FROM python@sha256:abc\n");
        passes(&RULE, "FROM registry:5000/app\n");
        passes(&RULE, "FROM alpine:3 AS latest\nFROM latest\n");
        passes(&RULE, "ARG BASE=alpine:latest\nFROM $BASE\n");
        passes(&RULE, "FROM scratch\n");
    }
}
