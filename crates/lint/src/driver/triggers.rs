//! ONBUILD triggers, linted as the instructions they are.
//!
//! `ONBUILD RUN pip install flask` runs `RUN pip install flask` in every image built FROM this
//! one, so what a rule says about that RUN it says about the trigger too. The driver reads the
//! file a second time with each ONBUILD replaced by its trigger (same spans, heredocs moved
//! onto the trigger), runs the rules again and keeps what they report inside a trigger, with a
//! note that it runs in child images. Files without ONBUILD cost nothing more.
//!
//! A trigger runs after every instruction of the image it was declared in, so in that second
//! reading the triggers of a stage come after its other instructions, in their own order: a
//! trigger sees the stage's last WORKDIR, SHELL and ENV, as the child does, and a second
//! `ONBUILD CMD` replaces the first. Rules that would still judge a trigger by the wrong
//! neighbours, or by names of the child's build the file cannot know, never see triggers (see
//! [`NOT_ON_TRIGGERS`]).
//!
//! A fix is kept only when it edits the trigger's own words: one that deletes the instruction
//! or writes a line before it would leave a bare `ONBUILD` or add a step to this image.

use drydock_dockerfile::{Args, Dockerfile, Instruction, Kind, Span};

use crate::fix::Edit;
use crate::rule::{Context, Hit, Report, Rule};
use crate::rules;

/// What a finding on a trigger adds to its message.
pub(super) const NOTE: &str = " (in an ONBUILD trigger: runs in images built FROM this one)";

/// Rules that must not see triggers:
/// - the layers and order of this image's own steps: `copy-context-before-dependencies`,
///   `consecutive-run-instructions` (the first trigger RUN is the child's first step, not one
///   joined to this image's last RUN), `cleanup-in-later-layer`, `chmod-in-separate-layer`
///   (their fixes would move commands between this image and the child);
/// - the user in effect: `root-final-user`, `implicit-root-user`, `needless-user-switch` (the
///   child may set its own USER after the triggers);
/// - names and variables of the child's build, which this file does not know:
///   `undefined-variable`, `copy-from-own-stage`, `copy-from-unknown-stage`,
///   `copy-from-stage-index`;
/// - the file as a whole: `instruction-before-from`, `inconsistent-instruction-casing`,
///   `missing-dockerignore`.
pub(super) const NOT_ON_TRIGGERS: &[&str] = &[
    "DD001", "DD003", "DD102", "DD103", "DD202", "DD203", "DD204", "DD513", "DD516", "DD304",
    "DD303", "DD520", "DD507", "DD801",
];

/// One ONBUILD: its span, and the byte range of its trigger (keyword to end) in the source.
struct Onbuild {
    span: Span,
    trigger: Option<(usize, usize)>,
}

/// What the rules `runs` lets through report on the file's ONBUILD triggers, messages noted.
pub(super) fn findings(
    source: &str,
    file: &Dockerfile,
    cx: &Context,
    runs: impl Fn(&Rule) -> bool,
) -> Vec<(&'static Rule, Hit)> {
    let Some((triggered, onbuilds)) = with_triggers(file, cx) else {
        return Vec::new();
    };
    let tcx = Context::new(source, &triggered, cx.settings, cx.project);
    let mut out = Vec::new();
    for rule in rules::all() {
        if !runs(rule) || NOT_ON_TRIGGERS.contains(&rule.code) {
            continue;
        }
        let mut report = Report::default();
        (rule.check)(&tcx, &mut report);
        for mut hit in report.hits {
            // In file order: the last ONBUILD starting at or before the hit.
            let before = onbuilds.partition_point(|o| o.span.start <= hit.span.start);
            let Some(onbuild) = before.checked_sub(1).and_then(|i| onbuilds.get(i)) else {
                continue;
            };
            if hit.span.start >= onbuild.span.end {
                continue;
            }
            if !hit.edits.iter().all(|e| within(onbuild.trigger, e)) {
                hit.edits.clear();
            }
            hit.message.push_str(NOTE);
            out.push((rule, hit));
        }
    }
    out
}

/// Whether `edit` changes only the trigger's own words (byte range `trigger`, keyword first):
/// not the keyword itself, nothing before it (a deletion of the whole instruction, a line
/// written above it), nothing after the ONBUILD.
fn within(trigger: Option<(usize, usize)>, edit: &Edit) -> bool {
    trigger.is_some_and(|(from, to)| from < edit.start && edit.end <= to)
}

/// The file with each ONBUILD replaced by its trigger, moved after the other instructions of
/// its stage, and the ONBUILDs in file order; `None` when the file has no trigger to lint.
fn with_triggers(file: &Dockerfile, cx: &Context) -> Option<(Dockerfile, Vec<Onbuild>)> {
    // Most files have none: they cost one look at each instruction, no copy.
    if !file
        .instructions
        .iter()
        .any(|i| matches!(i.args, Args::Onbuild(_)))
    {
        return None;
    }
    let mut onbuilds = Vec::new();
    let mut instructions: Vec<Instruction> = Vec::with_capacity(file.instructions.len());
    let mut pending: Vec<Instruction> = Vec::new();
    let mut seen_from = false;
    for ins in &file.instructions {
        if ins.kind == Kind::From {
            instructions.append(&mut pending);
            seen_from = true;
        }
        let Args::Onbuild(trigger) = &ins.args else {
            instructions.push(ins.clone());
            continue;
        };
        // BuildKit refuses these triggers, and the parse error says so; read as instructions
        // they would start a stage or nest a trigger in the parent's file.
        if matches!(trigger.kind, Kind::From | Kind::Maintainer | Kind::Onbuild) {
            instructions.push(ins.clone());
            continue;
        }
        let mut trigger = (**trigger).clone();
        // From the trigger's keyword to the end of the ONBUILD, heredocs included.
        trigger.span.end = trigger.span.end.max(ins.span.end);
        trigger.heredocs.clone_from(&ins.heredocs);
        onbuilds.push(Onbuild {
            span: ins.span,
            trigger: cx.offset(trigger.span.start).zip(cx.offset(ins.span.end)),
        });
        // Before the first FROM (an error already) it stays where it is.
        if seen_from {
            pending.push(trigger);
        } else {
            instructions.push(trigger);
        }
    }
    instructions.append(&mut pending);
    if onbuilds.is_empty() {
        return None;
    }
    let triggered = Dockerfile {
        directives: file.directives.clone(),
        instructions,
        errors: file.errors.clone(),
        warnings: file.warnings.clone(),
        escape: file.escape,
    };
    Some((triggered, onbuilds))
}

#[cfg(test)]
mod tests {
    use super::{within, NOTE};
    use crate::fix::Edit;
    use crate::rule::Rule;
    use crate::rules::find;
    use crate::rules::testing::{catches, fixes, hits, passes};

    fn rule(code: &str) -> &'static Rule {
        find(code).expect("a rule")
    }

    #[test]
    fn a_trigger_is_linted_as_its_instruction_with_a_note() {
        let source = "FROM python:3.12\nONBUILD RUN pip install flask\n";
        assert_eq!(catches(rule("DL3013"), source), [2]);
        let found = hits(rule("DL3013"), source);
        assert!(found[0].message.ends_with(NOTE), "{}", found[0].message);
        assert_eq!(found[0].column, 9, "points at the trigger, not at ONBUILD");
        assert_eq!(
            catches(rule("DL3000"), "FROM a:1\nONBUILD WORKDIR app\n"),
            [2]
        );
        assert_eq!(
            catches(rule("DL3020"), "FROM a:1\nONBUILD ADD app.py /app/\n"),
            [2]
        );
    }

    #[test]
    fn a_trigger_heredoc_is_its_script() {
        let source = "FROM a:1\nONBUILD RUN <<EOF\npip install flask\nEOF\n";
        assert_eq!(catches(rule("DL3013"), source), [2]);
    }

    #[test]
    fn triggers_come_after_the_stage_they_are_written_in() {
        passes(
            rule("DL4003"),
            "FROM a:1\nONBUILD CMD [\"a\"]\nCMD [\"b\"]\n",
        );
        assert_eq!(
            catches(
                rule("DL4003"),
                "FROM a:1\nONBUILD CMD [\"a\"]\nCMD [\"b\"]\nONBUILD CMD [\"c\"]\n"
            ),
            [2],
            "a second ONBUILD CMD replaces the first"
        );
        // The child starts in the last WORKDIR of this image, wherever it is written.
        passes(
            rule("DL3045"),
            "FROM a:1\nONBUILD COPY app.py .\nWORKDIR /app\n",
        );
        // With pipefail set anywhere in the stage, the child's RUN has it.
        passes(
            rule("DL4006"),
            "FROM a:1\nONBUILD RUN curl -s x | sh\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
        );
    }

    #[test]
    fn stage_wide_rules_do_not_count_triggers() {
        passes(rule("DL3059"), "FROM a:1\nRUN a\nONBUILD RUN b\n");
        passes(
            rule("DL3022"),
            "FROM a:1\nONBUILD COPY --from=build /app /app\n",
        );
        passes(rule("DD513"), "FROM a:1\nONBUILD RUN echo $CHILD_ARG\n");
    }

    #[test]
    fn a_fix_edits_the_trigger_in_place() {
        assert_eq!(
            fixes(rule("DL3025"), "FROM a:1\nONBUILD CMD node server.js\n"),
            "FROM a:1\nONBUILD CMD [\"node\", \"server.js\"]\n"
        );
        let fixed = fixes(
            rule("DL3009"),
            "FROM debian:12\nONBUILD RUN apt-get update \\\n && apt-get install -y curl\n",
        );
        assert!(
            fixed.starts_with("FROM debian:12\nONBUILD RUN apt-get update"),
            "{fixed}"
        );
    }

    #[test]
    fn fixes_that_would_delete_the_trigger_or_write_above_it_are_dropped() {
        let edit = |start, end| Edit {
            start,
            end,
            replacement: String::new(),
        };
        // `ONBUILD CMD x`: the trigger's bytes are 8..13.
        let trigger = Some((8, 13));
        assert!(within(trigger, &edit(12, 13)));
        assert!(!within(trigger, &edit(8, 13)), "deletes the trigger");
        assert!(!within(trigger, &edit(8, 8)), "writes above it");
        assert!(!within(trigger, &edit(0, 13)), "deletes the ONBUILD");
        assert!(!within(trigger, &edit(12, 14)), "runs past it");
        assert!(!within(None, &edit(12, 13)));
    }

    #[test]
    fn triggers_buildkit_refuses_are_not_read_as_instructions() {
        passes(rule("DL3006"), "FROM a:1\nONBUILD FROM alpine\n");
        passes(rule("DL4000"), "FROM a:1\nONBUILD MAINTAINER me\n");
    }

    #[test]
    fn one_finding_when_the_rule_reads_the_onbuild_itself() {
        let source = "FROM a:1\nONBUILD ENV API_TOKEN=abc123\n";
        let found = hits(rule("DD201"), source);
        assert!(found.len() <= 1, "{found:?}");
    }
}
