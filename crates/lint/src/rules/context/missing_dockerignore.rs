//! ## What it does
//! Flags the first `COPY .` or `ADD .` (the whole build context) in a Dockerfile that has no
//! `.dockerignore` beside it (neither `.dockerignore` nor `<Dockerfile>.dockerignore`).
//!
//! ## Why it matters
//! `docker build` sends the whole context directory to the builder, and `COPY .` puts all of
//! it in the image: the `.git` history, `node_modules` or `vendor` trees, build output, logs,
//! editor files, and local secrets such as `.env` files or cloud credentials. The context and
//! the image grow, anything secret ships to whoever pulls the image, and because the layer's
//! cache key covers every file, touching any of them (even a commit, through `.git`) rebuilds
//! that layer and everything after it. A `.dockerignore` keeps the context to what the build
//! needs; projects have gone from megabytes of context to a few kilobytes with one.
//!
//! ## Example
//! ```dockerfile
//! # no .dockerignore next to this file
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! RUN npm ci && npm run build
//! ```
//!
//! ## Use instead
//! Add a `.dockerignore` beside the Dockerfile:
//! ```text
//! .git
//! node_modules
//! dist
//! *.log
//! .env*
//! Dockerfile*
//! ```
//! or copy only what the build needs (`COPY package*.json ./`, `COPY src/ src/`).

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD801",
    name: "missing-dockerignore",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("missing_dockerignore.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    if cx.project.dockerignore != Some(false) {
        return;
    }
    for ins in cx.instructions() {
        if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
            continue;
        }
        let sources = match &ins.args {
            Args::Words(words) | Args::Exec(words) => match words.split_last() {
                Some((_, sources)) => sources,
                None => continue,
            },
            _ => continue,
        };
        if let Some(whole) = sources.iter().find(|s| is_whole_context(&s.value)) {
            out.add(
                cx.head(ins),
                format!(
                    "`{} {}` copies the whole build context and there is no .dockerignore beside this Dockerfile: add one that leaves out .git, dependencies, build output and local secrets such as .env",
                    ins.kind.name(),
                    whole.value
                ),
            );
            return;
        }
    }
}

/// `.`, `./`, `./.`: the context root.
fn is_whole_context(source: &str) -> bool {
    let trimmed = source.trim_end_matches('/');
    matches!(trimmed, "." | "./." | "") && !source.is_empty()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::{lint, Config, Finding, Project, Selection};

    fn lint_without_dockerignore(source: &str, dockerignore: Option<bool>) -> Vec<Finding> {
        lint(
            "Dockerfile",
            source,
            &Config::default(),
            Project { dockerignore },
            &Selection::Only(vec![RULE.code.to_string()]),
        )
    }

    #[test]
    fn catches_the_first_whole_context_copy() {
        let found = lint_without_dockerignore(
            "FROM node:22\nCOPY package.json .\nCOPY . .\nADD ./ /app\n",
            Some(false),
        );
        assert_eq!(found.iter().map(|f| f.line).collect::<Vec<_>>(), [3]);
        assert_eq!(
            lint_without_dockerignore("FROM node:22\nCOPY [\"./\", \"/app\"]\n", Some(false)).len(),
            1
        );
        assert_eq!(
            lint_without_dockerignore("FROM node:22\nADD --chown=1000 . /app\n", Some(false)).len(),
            1
        );
    }

    #[test]
    fn does_not_catch_with_dockerignore_unknown_or_narrow_copies() {
        let source = "FROM node:22\nCOPY . .\n";
        assert!(lint_without_dockerignore(source, Some(true)).is_empty());
        assert!(lint_without_dockerignore(source, None).is_empty());
        assert!(lint_without_dockerignore(
            "FROM node:22 AS b\nFROM node:22\nCOPY --from=b . .\nCOPY src/ /app/src/\nCOPY ./package.json .\n",
            Some(false)
        )
        .is_empty());
    }
}
