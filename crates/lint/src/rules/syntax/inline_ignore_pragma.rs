//! ## What it does
//! Flags each `# hadolint ignore=...` or `# drydock ignore=...` comment that silences rules for
//! the next instruction. File-wide `global ignore=` pragmas are left alone.
//!
//! ## Why it matters
//! An inline pragma hides a finding where only the next reader of that line sees it: nobody
//! reviews the list of what a repository silences, and pragmas outlive the reason they were
//! written. Teams that want every exception in one reviewed place keep them in
//! `.hadolint.yaml` or `.drydock.yaml` under `ignored`, and turn this rule on to keep the
//! Dockerfiles free of them.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12
//! # hadolint ignore=DL3008
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
//! ```
//! or, when the exception is meant, `ignored: [DL3008]` in `.hadolint.yaml`.
//!
//! ## Off by default
//! Like hadolint's DL1001, this rule runs only when asked for: `drydock lint --rule
//! inline-ignore-pragma`, or a level for it under `override` in the config
//! (`override: {warning: [DL1001]}`).

use drydock_dockerfile::{Pos, Span};

use crate::finding::Level;
use crate::pragma::pragmas;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD530",
    name: "inline-ignore-pragma",
    level: Level::Info,
    hadolint: Some("DL1001"),
    source: include_str!("inline_ignore_pragma.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for pragma in pragmas(cx.source, cx.file) {
        if pragma.global {
            continue;
        }
        let span = Span {
            start: Pos {
                line: pragma.line,
                column: pragma.column,
            },
            end: Pos {
                line: pragma.line,
                column: pragma.end_column,
            },
        };
        out.add(
            span,
            format!(
                "an inline `{} ignore=` hides findings where no review sees them: fix what it hides, or list the rules under `ignored` in the config",
                pragma.tool
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, off_unless_asked_for, passes};

    #[test]
    fn catches_inline_pragmas_of_both_tools() {
        assert_eq!(
            catches(
                &RULE,
                "FROM a:1\n# hadolint ignore=DL3059\nRUN a\n  # drydock ignore=DD003 why\nRUN b\n"
            ),
            [2, 4]
        );
    }

    #[test]
    fn does_not_catch_global_pragmas_or_heredoc_text() {
        passes(
            &RULE,
            "# hadolint global ignore=DL3059\nFROM a:1\nRUN <<EOF\n# hadolint ignore=DL3008\nEOF\n# hadolint is fine\n",
        );
    }

    #[test]
    fn is_off_unless_asked_for() {
        off_unless_asked_for(&RULE, "FROM a:1\n# hadolint ignore=DL3059\nRUN a\n");
    }
}
