//! ## What it does
//! Flags the first `WORKDIR` of a stage when its path is relative (`WORKDIR app`) and no
//! earlier `WORKDIR` of the stage, or of the stage it builds on, set an absolute one.
//!
//! A relative `WORKDIR` after an absolute one is well defined (`WORKDIR /srv` then
//! `WORKDIR web` is `/srv/web`), so only the first one counts. Windows paths with a drive
//! letter (`C:\app`) are absolute. Stages that start from `scratch` are left alone: their
//! working directory is `/` and nothing can move it.
//!
//! ## Why it matters
//! A relative `WORKDIR` is resolved against the working directory the base image happens to
//! set. When the base image changes it, or you switch to another base, files land somewhere
//! else and `COPY`, `RUN` and `CMD` quietly work in a different place than the one you
//! tested.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR app
//! COPY . .
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! ```

use drydock_dockerfile::{expand_word, Args, Kind, Scope, Variables};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{is_absolute, workdir_settled};

pub const RULE: Rule = Rule {
    code: "DD501",
    name: "relative-workdir",
    level: Level::Warning,
    hadolint: Some("DL3000"),
    source: include_str!("relative_workdir.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let settled = workdir_settled(cx);
    for stage in &cx.stages {
        if settled.get(stage.index).copied().unwrap_or(false) {
            continue;
        }
        let first = stage.instructions.clone().find_map(|i| {
            let ins = cx.instructions().get(i)?;
            (ins.kind == Kind::Workdir).then_some((i, ins))
        });
        let Some((index, ins)) = first else { continue };
        let Args::Shell(arg) = &ins.args else {
            continue;
        };
        let env = cx.scope(index);
        let Ok(path) = expand_word(&arg.value, env, cx.file.escape) else {
            continue;
        };
        // A variable the file does not set (the base image's `$HOME`) may hold an absolute path.
        let raw = arg.value.trim_matches(['"', '\'']);
        if starts_with_unset(&arg.value, env)
            || path.is_empty()
            || is_absolute(&path)
            || is_absolute(raw)
        {
            continue;
        }
        out.add(
            arg.span,
            format!("`WORKDIR {}` is relative to whatever directory the base image sets: give an absolute path such as `/{}`", arg.value, path.trim_start_matches("./")),
        );
    }
}

/// `$HOME/app` with `HOME` not set in the file: the base image may set it to an absolute path.
fn starts_with_unset(raw: &str, env: &Scope) -> bool {
    let rest = raw.trim_matches('"').trim_matches('\'');
    let Some(rest) = rest.strip_prefix('$') else {
        return false;
    };
    let name: String = rest
        .trim_start_matches('{')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    env.value(&name).is_none()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_a_relative_first_workdir() {
        assert_eq!(catches(&RULE, "FROM node\nWORKDIR app\n"), [2]);
        catches(&RULE, "FROM node\nWORKDIR ./app\n");
        catches(&RULE, "FROM node\nARG DIR=app\nWORKDIR $DIR\n");
        catches(&RULE, "FROM node\nWORKDIR \"app\"\n");
        catches(
            &RULE,
            "FROM node AS a\nWORKDIR /srv\nFROM node\nWORKDIR app\n",
        );
    }

    #[test]
    fn does_not_catch_absolute_or_later_relative_workdirs() {
        passes(&RULE, "FROM node\nWORKDIR /app\n");
        passes(&RULE, "FROM node\nWORKDIR /srv\nWORKDIR web\n");
        passes(
            &RULE,
            "FROM node AS base\nWORKDIR /srv\nFROM base\nWORKDIR web\n",
        );
        passes(&RULE, "FROM node\nWORKDIR $HOME/app\n");
        passes(&RULE, "FROM scratch\nWORKDIR app\n");
        passes(&RULE, "FROM node\nWORKDIR ${APP_ROOT}\n");
        passes(&RULE, "FROM node\nARG DIR=/opt/app\nWORKDIR $DIR\n");
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n",
        );
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR c:/app\n",
        );
    }
}
