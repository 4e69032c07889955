//! ## What it does
//! Flags `ENV` and `LABEL` in the legacy `KEY value` form, without an `=`.
//!
//! ## Why it matters
//! The legacy form sets one variable to the whole rest of the line, spaces included, so
//! `ENV PATH /app/bin LANG C.UTF-8` makes a single, broken `PATH`. It cannot set several
//! variables at once and it reads differently from every other `ENV`, and the builder marks
//! it as deprecated. `KEY=value` says where the value ends, and several pairs fit in one
//! instruction.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! ENV NODE_ENV production
//! LABEL version 1.0
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! ENV NODE_ENV=production
//! LABEL version="1.0"
//! ```

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD512",
    name: "legacy-key-value-format",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("legacy_key_value_format.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        let (Kind::Env | Kind::Label, Args::KeyValues(pairs)) = (&ins.kind, &ins.args) else {
            continue;
        };
        for kv in pairs.iter().filter(|kv| !kv.equals) {
            let keyword = ins.kind.name();
            let key = &kv.key.value;
            let value = kv.value.value.trim();
            let message =
                format!("`{keyword} {key} ...` is the legacy form: write `{keyword} {key}=...`");
            let span = kv.key.span.to(kv.value.span);
            if span.start.line != span.end.line || value.contains(['"', '\'', '\\']) {
                out.add(span, message);
                continue;
            }
            let fix = if value.contains(char::is_whitespace) || value.is_empty() {
                format!("{key}=\"{value}\"")
            } else {
                format!("{key}={value}")
            };
            out.add_with_fix(span, message, fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_the_legacy_form() {
        assert_eq!(catches(&RULE, "FROM a\nENV NODE_ENV production\n"), [2]);
        let found = hits(&RULE, "FROM a\nENV PATH /app/bin LANG C.UTF-8\n");
        assert_eq!(
            found[0].fix.as_deref(),
            Some("PATH=\"/app/bin LANG C.UTF-8\"")
        );
        let found = hits(&RULE, "FROM a\nLABEL version 1.0\n");
        assert_eq!(found[0].fix.as_deref(), Some("version=1.0"));
        let found = hits(&RULE, "FROM a\nENV DEPS \\\n    curl \\\n    git\n");
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn does_not_catch_key_value_pairs() {
        passes(
            &RULE,
            "FROM a\nENV NODE_ENV=production PORT=8080\nLABEL a=\"b c\"\n",
        );
        passes(&RULE, "FROM a\nARG VERSION=1\n");
    }
}
