//! ## What it does
//! Flags `COPY --from=<name>` (and `RUN --mount=...,from=<name>`) where `<name>` looks like a
//! stage name but no stage in the file is called that.
//!
//! ## Why it matters
//! When `--from` names no stage, BuildKit does not report a typo: it takes the word as an
//! image and pulls it from Docker Hub. `COPY --from=buidler /app /app` then fails with a
//! confusing pull error at best, and at worst copies files out of a stranger's image that
//! happens to have that name. An image reference written in full (`nginx:1.27`,
//! `ghcr.io/org/tool:2`) is clearly an image and is not reported.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS builder
//! RUN go build -o /out/app ./cmd/app
//! FROM alpine:3.20
//! COPY --from=buidler /out/app /app
//! COPY --from=nginx /etc/nginx/mime.types /etc/
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS builder
//! RUN go build -o /out/app ./cmd/app
//! FROM alpine:3.20
//! COPY --from=builder /out/app /app
//! COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{expanded, from_references};

pub const RULE: Rule = Rule {
    code: "DD304",
    name: "copy-from-unknown-stage",
    level: Level::Warning,
    hadolint: Some("DL3022"),
    source: include_str!("copy_from_unknown_stage.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for reference in from_references(cx) {
        let Some(value) = expanded(cx, reference.index, &reference.value) else {
            continue;
        };
        let image_like = value.contains([':', '/', '@']);
        if value.is_empty() || value.chars().all(|c| c.is_ascii_digit()) || image_like {
            continue;
        }
        let known = cx.stage_named(&value).is_some();
        if !known {
            let flag = if reference.copy { "--from" } else { "from" };
            out.add(
                reference.span,
                format!(
                    "`{flag}={value}` names no stage in this file, so the build pulls an image called `{value}` from Docker Hub: fix the stage name, or write the image with its tag"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_unknown_names() {
        assert_eq!(
            catches(
                &RULE,
                "FROM golang:1.23 AS builder\nFROM alpine:3.20\nCOPY --from=buidler /a /a\n"
            ),
            [3]
        );
        catches(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=nginx /etc/nginx /etc/nginx\n",
        );
        catches(
            &RULE,
            "FROM alpine:3.20\nRUN --mount=type=bind,from=sources,target=/src ls\n",
        );
        catches(&RULE, "ARG FROM_STAGE=missing\nFROM alpine:3.20\nARG FROM_STAGE\nCOPY --from=$FROM_STAGE /a /a\n");
    }

    #[test]
    fn does_not_catch_stages_images_indexes_or_unknown_variables() {
        passes(
            &RULE,
            "FROM golang:1.23 AS Build\nFROM alpine:3.20\nCOPY --from=build /a /a\n",
        );
        // BuildKit resolves names declared further down too.
        passes(
            &RULE,
            "FROM alpine:3.20 AS app\nCOPY --from=assets /a /a\nFROM node:22 AS assets\n",
        );
        passes(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        );
        passes(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=ghcr.io/org/tool /t /t\n",
        );
        passes(
            &RULE,
            "FROM golang:1.23\nFROM alpine:3.20\nCOPY --from=0 /a /a\n",
        );
        passes(&RULE, "FROM alpine:3.20\nCOPY --from=$STAGE /a /a\n");
        passes(
            &RULE,
            "FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache true\n",
        );
    }
}
