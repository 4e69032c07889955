//! ## What it does
//! Flags a RUN that directly follows another RUN (comments aside) with the same flags, when
//! both are short (at most two commands each).
//!
//! ## Why it matters
//! Every RUN adds a layer and a cache step. Two short RUNs in a row usually do one job, and as
//! two layers they cost an extra snapshot, keep files the second one deletes in the first, and
//! make the history longer to read. Joining them with `&&` makes one layer that fails as a
//! whole.
//!
//! Splitting is still right when the parts change at different rates: a slow, stable install
//! followed by a step you edit often is better as two RUNs, so the first stays cached. That is
//! why RUNs with more than two commands, and RUNs whose `--mount` or other flags differ, are
//! left alone (as hadolint does).
//!
//! ## Example
//! ```dockerfile
//! RUN mkdir -p /app/data
//! RUN chown app:app /app/data
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN mkdir -p /app/data \
//!  && chown app:app /app/data
//! ```
//! `drydock lint --fix` joins the two when both are in shell form without heredocs and the
//! joined RUN runs the same commands to the same end: the second is one `&&` chain, and the
//! first leaves no state the second would inherit (`cd`, `export`, `set`, an assignment) and
//! has no comment, `exit` or `exec`. Comment lines between them stay, inside the joined RUN.

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::fix::join;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD003",
    name: "consecutive-run-instructions",
    level: Level::Info,
    hadolint: Some("DL3059"),
    source: include_str!("consecutive_run_instructions.rs"),
    check,
};

/// More commands than this in either RUN suggests the split is deliberate.
const MAX_COMMANDS: usize = 2;

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        // The RUN just before: (line, flags as written, command count).
        let mut previous: Option<(u32, Vec<String>, usize)> = None;
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            if ins.kind != Kind::Run {
                previous = None;
                continue;
            }
            let mut flags: Vec<String> = ins
                .flags
                .iter()
                .map(|f| format!("{}={}", f.name, f.value.as_deref().unwrap_or("")))
                .collect();
            flags.sort();
            // A body not read as POSIX shell (PowerShell, cmd) has a count we cannot know.
            let count = cx.script(index).map_or(usize::MAX, |s| {
                s.commands.iter().filter(|c| !c.substituted).count()
            });
            if let Some((line, before, before_count)) = &previous {
                if *before == flags && *before_count <= MAX_COMMANDS && count <= MAX_COMMANDS {
                    out.add_with_edits(
                        cx.head(ins),
                        format!(
                            "this RUN directly follows the RUN on line {line}: join them with `&&` into one layer, unless they change at different rates"
                        ),
                        None,
                        join::fold(cx, index).into_iter().collect(),
                    );
                }
            }
            previous = Some((ins.span.start.line, flags, count));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, passes};

    #[test]
    fn catches_consecutive_runs() {
        assert_eq!(catches(&RULE, "FROM alpine\nRUN a\nRUN b\n"), [3]);
        // Comments do not separate instructions.
        assert_eq!(
            catches(&RULE, "FROM alpine\nRUN a\n# why\nRUN b\nRUN c\n"),
            [4, 5]
        );
        catches(&RULE, "FROM alpine\nRUN [\"a\"]\nRUN <<EOF\nb\nEOF\n");
        catches(
            &RULE,
            "FROM alpine\nRUN --mount=type=cache,target=/x a\nRUN --mount=type=cache,target=/x b\n",
        );
    }

    #[test]
    fn does_not_catch_separated_long_or_differently_flagged_runs() {
        passes(&RULE, "FROM alpine\nRUN a\nWORKDIR /x\nRUN b\n");
        passes(&RULE, "FROM alpine\nRUN a\nFROM alpine\nRUN b\n");
        passes(&RULE, "FROM alpine\nRUN a && b && c\nRUN d\n");
        passes(&RULE, "FROM alpine\nRUN a\nRUN b; c; d\n");
        passes(
            &RULE,
            "FROM alpine\nRUN a\nRUN --mount=type=cache,target=/x b\n",
        );
        passes(&RULE, "FROM alpine\nRUN --network=none a\nRUN b\n");
        passes(&RULE, "FROM alpine\nRUN <<EOF\na\nb\nc\nEOF\nRUN d\n");
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN a\nRUN b\n",
        );
    }

    #[test]
    fn fixes_by_joining_the_runs() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM alpine\nRUN mkdir -p /data\nRUN chown app /data\n"
            ),
            "FROM alpine\nRUN mkdir -p /data \\\n && chown app /data\n"
        );
        // A chain of three becomes one RUN in one pass.
        assert_eq!(
            fixes(&RULE, "FROM alpine\nRUN a\n# why b\nRUN b\nRUN c | d\n"),
            "FROM alpine\nRUN a \\\n# why b\n && b \\\n && c | d\n"
        );
    }

    #[test]
    fn does_not_fix_what_would_run_differently() {
        does_not_fix(&RULE, "FROM alpine\nRUN cd /src\nRUN make\n");
        does_not_fix(&RULE, "FROM alpine\nRUN a\nRUN b; c\n");
        does_not_fix(&RULE, "FROM alpine\nRUN a\nRUN b || true\n");
        does_not_fix(&RULE, "FROM alpine\nRUN [\"a\"]\nRUN b\n");
        does_not_fix(&RULE, "FROM alpine\nRUN a # note\nRUN b\n");
        does_not_fix(&RULE, "FROM alpine\nRUN a\nRUN <<EOF\nb\nEOF\n");
    }
}
