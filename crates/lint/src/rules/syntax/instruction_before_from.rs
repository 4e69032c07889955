//! ## What it does
//! Flags an instruction other than `ARG` before the first `FROM`.
//!
//! ## Why it matters
//! Everything a Dockerfile builds happens inside a stage, and a stage starts at `FROM`. The
//! only instruction allowed before it is `ARG`, which declares values for the `FROM` lines; a
//! `RUN`, `ENV` or `LABEL` there has no image to act on and the builder refuses the file.
//!
//! ## Example
//! ```dockerfile
//! ENV NODE_ENV=production
//! FROM node:22-slim
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! ENV NODE_ENV=production
//! ```

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD520",
    name: "instruction-before-from",
    level: Level::Error,
    hadolint: Some("DL3061"),
    source: include_str!("instruction_before_from.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let globals = drydock_dockerfile::global_instructions(cx.file);
    let has_from = cx.has_from();
    for ins in cx.instructions().get(globals).unwrap_or(&[]) {
        if matches!(ins.kind, Kind::Arg | Kind::Unknown(_)) {
            continue;
        }
        let message = if has_from {
            format!("{} before the first FROM has no stage to act on: only ARG may come first; move it below FROM", ins.kind.name())
        } else {
            format!(
                "{} with no FROM in the file has no stage to act on: start the file with FROM",
                ins.kind.name()
            )
        };
        out.add(cx.head(ins), message);
        if !has_from {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_instructions_before_from() {
        assert_eq!(catches(&RULE, "ENV A=1\nFROM alpine\n"), [1]);
        assert_eq!(
            catches(&RULE, "ARG A\nLABEL a=b\nRUN x\nFROM alpine\n"),
            [2, 3]
        );
        assert_eq!(catches(&RULE, "RUN x\nRUN y\n"), [1]);
    }

    #[test]
    fn does_not_catch_global_args() {
        passes(
            &RULE,
            "# syntax=docker/dockerfile:1\nARG A=1\nARG B\nFROM alpine:$A\nRUN x\n",
        );
    }
}
