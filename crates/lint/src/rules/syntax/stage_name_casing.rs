//! ## What it does
//! Flags a stage name with uppercase letters (`FROM golang AS Builder`).
//!
//! ## Why it matters
//! The builder lowercases stage names, so `Builder`, `builder` and `BUILDER` are the same stage.
//! Writing them in mixed case suggests they differ, invites two spellings of one name across
//! `COPY --from`, `FROM` and `--target`, and makes searching the file unreliable. Lowercase
//! names say what the builder sees.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS Builder
//! FROM scratch
//! COPY --from=Builder /out/app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS builder
//! FROM scratch
//! COPY --from=builder /out/app /app
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD505",
    name: "stage-name-casing",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("stage_name_casing.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        let Some(name) = &stage.name else { continue };
        if name.value.contains('$') || !name.value.chars().any(char::is_uppercase) {
            continue;
        }
        let lower = name.value.to_lowercase();
        out.add_with_fix(
            name.span,
            format!(
                "stage name `{}` should be lowercase; the builder reads it as `{lower}` anyway",
                name.value
            ),
            lower,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_uppercase_names() {
        assert_eq!(catches(&RULE, "FROM golang AS Builder\n"), [1]);
        catches(&RULE, "FROM golang AS BUILD\n");
    }

    #[test]
    fn does_not_catch_lowercase_names() {
        passes(&RULE, "FROM golang AS build-1.x_y\nFROM golang\n");
    }
}
