//! ## What it does
//! Flags a `COPY` or `ADD` with several sources whose destination does not end with `/`.
//!
//! ## Why it matters
//! With more than one source the destination must be a directory, and the builder insists on
//! the trailing slash to know it: `COPY package.json package-lock.json /app` fails the build
//! with "When using COPY with more than one source file, the destination must be a directory
//! and end with a /". The slash also tells the reader at a glance that files land inside
//! `/app/`, not as a file called `/app`.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! COPY package.json package-lock.json /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! COPY package.json package-lock.json /app/
//! ```

use drydock_dockerfile::{Args, Kind, Lexer};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD515",
    name: "copy-multiple-sources-without-slash",
    level: Level::Error,
    hadolint: Some("DL3021"),
    source: include_str!("copy_multiple_sources_without_slash.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (index, ins) in cx.instructions().iter().enumerate() {
        if !matches!(ins.kind, Kind::Copy | Kind::Add) {
            continue;
        }
        let args = match &ins.args {
            Args::Words(args) | Args::Exec(args) => args,
            _ => continue,
        };
        let [sources @ .., dest] = args.as_slice() else {
            continue;
        };
        if sources.len() < 2 {
            continue;
        }
        let env = cx.scope(index);
        let Ok(expanded) = Lexer::new(cx.file.escape).process(&dest.value, env) else {
            continue;
        };
        // A variable the file does not set (from the base image) might end with the slash.
        if dest.value.ends_with(['/', '\\'])
            || expanded.value.ends_with(['/', '\\'])
            || !expanded.unset.is_empty()
        {
            continue;
        }
        out.add_with_fix(
            dest.span,
            format!(
                "{} of {} sources needs a directory destination ending with `/`, not `{}`",
                ins.kind.name(),
                sources.len(),
                dest.value
            ),
            format!("{}/", dest.value),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_a_missing_slash() {
        assert_eq!(catches(&RULE, "FROM a\nCOPY a b /app\n"), [2]);
        catches(&RULE, "FROM a\nADD a.tgz b.tgz /opt\n");
        catches(&RULE, "FROM a\nCOPY [\"a\", \"b\", \"/app\"]\n");
        let found = hits(&RULE, "FROM a\nCOPY --chown=app a b .\n");
        assert_eq!(found[0].fix.as_deref(), Some("./"));
    }

    #[test]
    fn does_not_catch_slashes_or_single_sources() {
        passes(&RULE, "FROM a\nCOPY a b /app/\n");
        passes(&RULE, "FROM a\nCOPY a /app\n");
        passes(&RULE, "FROM a\nCOPY a b ./\n");
        passes(&RULE, "FROM a\nARG DEST=/app/\nCOPY a b $DEST\n");
        passes(&RULE, "FROM a\nCOPY a b $APP_HOME\n");
        passes(&RULE, "# escape=`\nFROM a\nCOPY a b C:\\app\\\n");
    }
}
