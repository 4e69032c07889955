//! ## What it does
//! Flags a stage named `scratch` or `context`, names the builder reserves.
//!
//! ## Why it matters
//! `scratch` already means the empty image: `FROM scratch` and `COPY --from=scratch` would
//! never reach a stage of that name, so the stage cannot be used the way its name suggests.
//! `context` is kept for the build context itself. Either way the stage name is a trap for the
//! next reader and the builder warns about it.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20 AS scratch
//! RUN mkdir /out
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20 AS workspace
//! RUN mkdir /out
//! ```
//!
//! ## Differences from hadolint
//! hadolint's DL3063 compares names as written; BuildKit lowercases stage names, so Drydock also
//! reports `AS Scratch`.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD504",
    name: "reserved-stage-name",
    level: Level::Warning,
    hadolint: Some("DL3063"),
    source: include_str!("reserved_stage_name.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        let Some(name) = &stage.name else { continue };
        let lower = name.value.to_ascii_lowercase();
        let why = match lower.as_str() {
            "scratch" => "means the empty image, so this stage can never be referenced by name",
            "context" => "is reserved for the build context",
            _ => continue,
        };
        out.add(
            name.span,
            format!("`{}` {why}: choose another stage name", name.value),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_reserved_names() {
        assert_eq!(catches(&RULE, "FROM alpine AS scratch\n"), [1]);
        catches(&RULE, "FROM alpine AS Context\n");
    }

    #[test]
    fn does_not_catch_other_names_or_from_scratch() {
        passes(&RULE, "FROM scratch AS out\nFROM alpine AS scratchpad\n");
    }
}
