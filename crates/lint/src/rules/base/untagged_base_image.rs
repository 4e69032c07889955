//! ## What it does
//! Flags a `FROM` whose image has neither a tag nor a digest (`FROM ubuntu`), including when
//! the image comes from a build argument whose default has no tag.
//!
//! ## Why it matters
//! An image named without a tag means `latest`: a label that moves whenever the publisher
//! pushes. The Dockerfile stops saying what it builds on, every cached layer above the `FROM`
//! is thrown away the day the base changes, and a new major version (a different libc, a
//! different Python, a removed package) arrives in a routine rebuild without anyone choosing
//! it. A tag makes the base a decision that shows up in review; a digest makes it exact.
//!
//! ## Example
//! ```dockerfile
//! FROM ubuntu
//! ARG BASE=node
//! FROM $BASE
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ubuntu:24.04
//! ARG BASE=node:22-bookworm-slim
//! FROM $BASE
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::expanded;

pub const RULE: Rule = Rule {
    code: "DD302",
    name: "untagged-base-image",
    level: Level::Warning,
    hadolint: Some("DL3006"),
    source: include_str!("untagged_base_image.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        let Some(base) = &stage.base else { continue };
        let Some(image) = expanded(cx, stage.from, &base.value) else {
            continue;
        };
        let earlier_stage = cx.first_stage_named(&image, stage.index).is_some();
        if image.is_empty()
            || image.eq_ignore_ascii_case("scratch")
            || earlier_stage
            || has_tag_or_digest(&image)
        {
            continue;
        }
        if image == base.value {
            out.add_with_fix(
                base.span,
                format!("`{image}` has no tag, so it means `latest`, which moves: name the version you build on"),
                format!("{image}:<version>"),
            );
        } else {
            out.add(
                base.span,
                format!(
                    "`{}` is `{image}`, which has no tag, so it means `latest`, which moves: give the default a version",
                    base.value
                ),
            );
        }
    }
}

/// `name:tag`, `name@sha256:...`; a registry port (`host:5000/name`) is not a tag.
fn has_tag_or_digest(image: &str) -> bool {
    let last = image.rsplit('/').next().unwrap_or(image);
    image.contains('@') || last.contains(':')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_untagged_images() {
        assert_eq!(catches(&RULE, "FROM ubuntu\n"), [1]);
        catches(&RULE, "FROM registry.example.com:5000/team/app AS app\n");
        catches(&RULE, "FROM --platform=$BUILDPLATFORM golang AS build\n");
        let found = hits(&RULE, "ARG BASE=node\nFROM $BASE\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("`node`"), "{}", found[0].message);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn does_not_catch_tags_digests_stages_scratch_or_unknown_variables() {
        passes(&RULE, "FROM ubuntu:24.04\n");
        passes(&RULE, "FROM ubuntu@sha256:abc\n");
        passes(&RULE, "FROM registry:5000/app:1.2\n");
        passes(&RULE, "FROM golang:1.23 AS Build\nFROM build\n");
        passes(&RULE, "FROM scratch\n");
        passes(&RULE, "ARG BASE\nFROM $BASE\n");
        passes(&RULE, "ARG TAG=3.20\nFROM alpine:$TAG\n");
        passes(&RULE, "FROM ${IMAGE:-alpine:3.20}\n");
    }
}
