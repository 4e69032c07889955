//! ## What it does
//! Flags a variable in a `FROM` line (the image or `--platform`) that no global `ARG` declares.
//! Global ARGs are the ones before the first `FROM`; the builder's platform ARGs
//! (`BUILDPLATFORM`, `TARGETPLATFORM`, `TARGETARCH`...) are available there without one.
//!
//! ## Why it matters
//! `FROM` only sees ARGs declared before the first `FROM`. An undeclared variable expands to an
//! empty string, so `FROM node:${NODE_VERSION}-slim` asks for `node:-slim` and fails, or worse,
//! `FROM ${REGISTRY}/app` quietly pulls from Docker Hub instead of your registry. An `ARG`
//! written inside a stage does not help: it is out of reach of every `FROM`.
//!
//! ## Example
//! ```dockerfile
//! FROM node:${NODE_VERSION}-slim
//! ARG NODE_VERSION=22
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! ARG NODE_VERSION=22
//! FROM node:${NODE_VERSION}-slim
//! ```

use std::cell::OnceCell;
use std::collections::HashMap;

use drydock_dockerfile::{Args, Kind, Lexer};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::undefined_variable::{with_default, PLATFORM_ARGS};
use super::{distance, span_text};

pub const RULE: Rule = Rule {
    code: "DD514",
    name: "undefined-arg-in-from",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("undefined_arg_in_from.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let scopes = cx.scopes();
    let first_arg = OnceCell::new();
    for (index, ins) in cx.instructions().iter().enumerate() {
        if ins.kind != Kind::From {
            continue;
        }
        let Some(scope) = scopes.get(index) else {
            continue;
        };
        let mut words = Vec::new();
        if let Args::Words(args) = &ins.args {
            if let Some(image) = args.first() {
                words.push((image.value.clone(), image.span));
            }
        }
        if let Some(flag) = ins.flag("platform") {
            if let Some(value) = &flag.value {
                words.push((value.clone(), flag.span));
            }
        }
        for (text, span) in words {
            let Ok(expansion) = Lexer::new(cx.file.escape).process(&text, scope) else {
                continue;
            };
            let defaulted = with_default(&text);
            for name in &expansion.unset {
                if scope.contains(name)
                    || PLATFORM_ARGS.contains(&name.as_str())
                    || defaulted.contains(name)
                {
                    continue;
                }
                let later = first_arg
                    .get_or_init(|| first_args(cx))
                    .get(name.as_str())
                    .and_then(|&i| cx.instructions().get(i));
                let near = scope.vars_near(name).into_iter().find(|v| {
                    v.eq_ignore_ascii_case(name) || (name.len() >= 4 && distance(name, v, 1) <= 1)
                });
                if let Some(near) = near {
                    let fix = span_text(cx, span)
                        .replace(&format!("${name}"), &format!("${near}"))
                        .replace(&format!("${{{name}"), &format!("${{{near}"));
                    out.add_with_fix(
                        span,
                        format!("`${name}` is not a global ARG; did you mean `${near}`?"),
                        fix,
                    );
                } else if let Some(arg) = later {
                    out.add(
                        span,
                        format!("`${name}` is declared on line {}, out of reach of this FROM: FROM sees only ARGs declared before the first FROM", arg.span.start.line),
                    );
                } else {
                    out.add(
                        span,
                        format!("`${name}` is not declared, so it expands to an empty string: add `ARG {name}=<default>` before the first FROM"),
                    );
                }
            }
        }
    }
}

/// The first ARG instruction declaring each name.
fn first_args<'a>(cx: &Context<'a>) -> HashMap<&'a str, usize> {
    let mut first = HashMap::new();
    for (index, ins) in cx.instructions().iter().enumerate() {
        if ins.kind != Kind::Arg {
            continue;
        }
        for a in ins.args.all() {
            let name = a.value.split_once('=').map_or(a.value.as_str(), |(n, _)| n);
            first.entry(name).or_insert(index);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_undeclared_or_misplaced_args() {
        assert_eq!(catches(&RULE, "FROM node:${NODE_VERSION}-slim\n"), [1]);
        let found = hits(&RULE, "FROM alpine\nARG V=1\nFROM node:$V\n");
        assert!(found[0].message.contains("line 2"));
        catches(&RULE, "FROM --platform=$PLATFORM alpine\n");
        let found = hits(
            &RULE,
            "ARG NODE_VERSION=22\nFROM node:${NODE_VERSON}-slim\n",
        );
        assert_eq!(found[0].fix.as_deref(), Some("node:${NODE_VERSION}-slim"));
    }

    #[test]
    fn does_not_catch_global_platform_or_defaulted_args() {
        passes(
            &RULE,
            "ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}-slim\n",
        );
        passes(&RULE, "ARG BASE\nFROM $BASE\n");
        passes(&RULE, "FROM --platform=$BUILDPLATFORM golang AS build\n");
        passes(&RULE, "FROM alpine:${TAG:-3.20}\n");
        passes(&RULE, "FROM alpine AS a\nFROM a\n");
    }
}
