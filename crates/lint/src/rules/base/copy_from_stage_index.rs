//! ## What it does
//! Flags `COPY --from=<n>` (and `RUN --mount=...,from=<n>`) that names a stage by its number
//! instead of its name.
//!
//! ## Why it matters
//! Stage numbers count `FROM` lines from the top. Insert a stage above, say one that builds
//! the frontend, and `--from=0` quietly points at a different stage: the build copies the
//! wrong files or fails far from the cause. A number also says nothing about what the stage
//! holds. Naming the stage with `FROM ... AS <name>` keeps the reference stable and the
//! Dockerfile readable.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23
//! RUN go build -o /out/app ./cmd/app
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=0 /out/app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS build
//! RUN go build -o /out/app ./cmd/app
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=build /out/app /app
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::from_references;

pub const RULE: Rule = Rule {
    code: "DD303",
    name: "copy-from-stage-index",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("copy_from_stage_index.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for reference in from_references(cx) {
        let value = reference.value.as_str();
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let how = if reference.copy {
            "`COPY --from`"
        } else {
            "`RUN --mount`"
        };
        let target = value.parse::<usize>().ok().and_then(|n| cx.stages.get(n));
        match target.and_then(|s| s.name.as_ref()) {
            Some(name) if reference.copy => {
                let fix = format!("--from={}", name.value);
                // Only a name that means that stage here: an earlier stage, the first with
                // that name, written plainly. A later stage's name would be read as an image.
                let here = cx.stage_of(reference.index).map_or(0, |s| s.index);
                let plain = name
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                let means_it = target.is_some_and(|t| {
                    t.index < here && cx.stage_named(&name.value).map(|s| s.index) == Some(t.index)
                });
                let edits = if plain && means_it {
                    cx.replace(reference.span, fix.clone())
                } else {
                    Vec::new()
                };
                out.add_with_edits(
                    reference.span,
                    format!(
                        "{how} names stage {value} by number, which changes when a stage is added above it: use its name `{}`",
                        name.value
                    ),
                    Some(fix),
                    edits,
                );
            }
            Some(name) => out.add(
                reference.span,
                format!(
                    "{how} names stage {value} by number, which changes when a stage is added above it: use its name `from={}`",
                    name.value
                ),
            ),
            None => {
                let line = target
                    .and_then(|s| cx.instructions().get(s.from))
                    .map(|i| format!(" on line {}", i.span.start.line))
                    .unwrap_or_default();
                out.add(
                    reference.span,
                    format!(
                        "{how} names stage {value} by number, which changes when a stage is added above it: name that stage with `AS <name>`{line} and refer to the name"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, hits, passes};

    #[test]
    fn catches_numeric_stage_references() {
        assert_eq!(
            catches(
                &RULE,
                "FROM golang:1.23\nFROM alpine:3.20\nCOPY --from=0 /a /a\n"
            ),
            [3]
        );
        let found = hits(
            &RULE,
            "FROM golang:1.23 AS build\nFROM alpine:3.20\nCOPY --from=0 /a /a\n",
        );
        assert_eq!(found[0].fix.as_deref(), Some("--from=build"));
        catches(
            &RULE,
            "FROM golang:1.23\nFROM alpine:3.20\nRUN --mount=type=bind,from=0,target=/src ls /src\n",
        );
    }

    #[test]
    fn does_not_catch_names_or_images() {
        passes(
            &RULE,
            "FROM golang:1.23 AS build\nFROM alpine:3.20\nCOPY --from=build /a /a\n",
        );
        passes(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        );
        passes(
            &RULE,
            "FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache true\n",
        );
        passes(&RULE, "FROM alpine:3.20\nCOPY a /a\n");
    }

    #[test]
    fn fixes_by_naming_the_stage() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM golang:1.23 AS build\nFROM alpine:3.20\nCOPY --chown=1:1 --from=0 /a /a\n"
            ),
            "FROM golang:1.23 AS build\nFROM alpine:3.20\nCOPY --chown=1:1 --from=build /a /a\n"
        );
    }

    #[test]
    fn does_not_fix_a_stage_the_name_would_not_mean() {
        // Stage 1 is this one: its name here would be read as an image.
        does_not_fix(
            &RULE,
            "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nCOPY --from=1 /a /a\n",
        );
    }
}
