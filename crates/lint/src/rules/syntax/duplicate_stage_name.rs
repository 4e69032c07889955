//! ## What it does
//! Flags a stage named like an earlier one (`FROM ... AS build` twice). Names compare without
//! regard to case, as the builder compares them.
//!
//! ## Why it matters
//! Stage names are how `COPY --from`, `FROM <stage>` and `docker build --target` pick a stage.
//! With two stages of one name only one of them can be reached, so a later `COPY --from=build`
//! copies from a different stage than its author meant, or the first stage is dead code that
//! still costs build time.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS build
//! RUN go build -o /out/api ./cmd/api
//! FROM node:22 AS build
//! RUN npm ci && npm run build
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS build-api
//! RUN go build -o /out/api ./cmd/api
//! FROM node:22 AS build-web
//! RUN npm ci && npm run build
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD503",
    name: "duplicate-stage-name",
    level: Level::Error,
    hadolint: Some("DL3024"),
    source: include_str!("duplicate_stage_name.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (at, stage) in cx.stages.iter().enumerate() {
        let Some(name) = &stage.name else { continue };
        if name.value.contains('$') {
            continue;
        }
        let earlier = cx.first_stage_named(&name.value, at);
        if let Some(earlier) = earlier {
            let line = earlier.name.as_ref().map_or(0, |n| n.span.start.line);
            out.add(
                name.span,
                format!(
                    "stage name `{}` is already used on line {line}: `COPY --from` and `--target` can reach only one of them; rename this one",
                    name.value
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
    fn catches_duplicates_in_any_case() {
        assert_eq!(catches(&RULE, "FROM a AS build\nFROM b AS build\n"), [2]);
        assert_eq!(
            catches(&RULE, "FROM a AS build\nFROM b AS x\nFROM c AS BUILD\n"),
            [3]
        );
    }

    #[test]
    fn does_not_catch_unique_names() {
        passes(
            &RULE,
            "FROM a AS build\nFROM build AS test\nFROM b\nFROM c\n",
        );
    }
}
