//! ## What it does
//! Flags a `COPY` to a relative destination (`COPY . .`, `COPY app.py app/`) in a stage where
//! no `WORKDIR` was set, in the stage itself or in the stages it builds on. Stages that start
//! from `scratch` are left alone: their working directory is always `/`.
//!
//! ## Why it matters
//! A relative destination is resolved against the working directory, which without a
//! `WORKDIR` is whatever the base image chose: `/` for most, somewhere else for some. Files then
//! land in the root of the filesystem, mixed with the system's own directories, or in a place
//! that moves when the base image changes. A `WORKDIR` makes the destination explicit.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-slim
//! COPY . .
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! WORKDIR /app
//! COPY . .
//! ```

use drydock_dockerfile::{Args, Kind, Lexer};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{is_absolute, workdir_settled};

pub const RULE: Rule = Rule {
    code: "DD522",
    name: "copy-relative-destination-without-workdir",
    level: Level::Warning,
    hadolint: Some("DL3045"),
    source: include_str!("copy_relative_destination_without_workdir.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let settled = workdir_settled(cx);
    for stage in &cx.stages {
        if settled.get(stage.index).copied().unwrap_or(false) {
            continue;
        }
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            if ins.kind == Kind::Workdir {
                break;
            }
            if ins.kind != Kind::Copy {
                continue;
            }
            let dest = match &ins.args {
                Args::Words(args) | Args::Exec(args) => args.last(),
                _ => None,
            };
            let Some(dest) = dest else { continue };
            let env = cx.scope(index);
            let Ok(expanded) = Lexer::new(cx.file.escape).process(&dest.value, env) else {
                continue;
            };
            // A variable the file does not set (from the base image) may be absolute.
            if !expanded.unset.is_empty() || is_absolute(&expanded.value) {
                continue;
            }
            out.add(
                dest.span,
                format!("`{}` is relative to the base image's working directory, since this stage sets no WORKDIR: add a WORKDIR before it or give an absolute path", dest.value),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_relative_destinations_without_workdir() {
        assert_eq!(catches(&RULE, "FROM python\nCOPY . .\n"), [2]);
        catches(&RULE, "FROM python\nCOPY app.py app/\nWORKDIR /app\n");
        catches(
            &RULE,
            "FROM python AS a\nWORKDIR /app\nFROM python\nCOPY . .\n",
        );
        catches(&RULE, "FROM python\nCOPY [\"a b\", \"dir/\"]\n");
    }

    #[test]
    fn does_not_catch_absolute_destinations_or_a_workdir() {
        passes(&RULE, "FROM python\nCOPY . /app\n");
        passes(&RULE, "FROM python\nWORKDIR /app\nCOPY . .\n");
        passes(
            &RULE,
            "FROM python AS base\nWORKDIR /app\nFROM base\nCOPY . .\n",
        );
        passes(&RULE, "FROM python\nCOPY . $APP_HOME\n");
        passes(&RULE, "FROM python\nARG DEST=/opt/app\nCOPY . $DEST\n");
        passes(&RULE, "FROM python\nADD . .\n");
        passes(&RULE, "FROM scratch\nCOPY app app\n");
    }
}
