//! ONBUILD triggers, linted as the instructions they are.
//!
//! `ONBUILD RUN pip install flask` runs `RUN pip install flask` in every image built FROM this
//! one, so what a rule says about that RUN it says about the trigger too. The driver reads the
//! file a second time with each ONBUILD replaced by its trigger (same spans, heredocs moved
//! onto the trigger), runs the rules again and keeps what they report inside a trigger, with a
//! note that it runs in child images. Files without ONBUILD cost nothing more.
//!
//! A trigger runs after every instruction of the image it was declared in, in a build whose
//! stages, ARGs and final USER the file cannot see. Rules that judge an instruction by what
//! comes before or after it in its stage would judge a trigger by the wrong neighbours, so
//! they never see triggers (see [`NOT_ON_TRIGGERS`]).

use drydock_dockerfile::{Args, Dockerfile, Kind, Span};

use crate::rule::{Context, Hit, Report, Rule};
use crate::rules;

/// What a finding on a trigger adds to its message.
pub(super) const NOTE: &str = " (in an ONBUILD trigger: runs in images built FROM this one)";

/// Rules that must not see triggers:
/// - stage-wide counts and order: `copy-context-before-dependencies`,
///   `consecutive-run-instructions`, `multiple-cmd`, `multiple-entrypoint`,
///   `multiple-healthcheck` (a trigger's CMD is the child's, not a second one of this stage);
/// - layers written by earlier instructions: `cleanup-in-later-layer`,
///   `chmod-in-separate-layer` (the trigger runs after all of them, not where it is written);
/// - the user in effect: `root-final-user`, `implicit-root-user`, `needless-user-switch`;
/// - names and variables of the child's build, which this file does not know:
///   `undefined-variable`, `copy-from-own-stage`, `copy-from-unknown-stage`,
///   `copy-from-stage-index`, `copy-relative-destination-without-workdir` (the child inherits
///   this image's last WORKDIR wherever it is written);
/// - the file as a whole: `instruction-before-from`, `inconsistent-instruction-casing`,
///   `missing-dockerignore`.
pub(super) const NOT_ON_TRIGGERS: &[&str] = &[
    "DD001", "DD003", "DD509", "DD510", "DD511", "DD102", "DD103", "DD202", "DD203", "DD204",
    "DD513", "DD516", "DD304", "DD303", "DD522", "DD520", "DD507", "DD801",
];

/// What the rules `runs` lets through report on the file's ONBUILD triggers, messages noted.
pub(super) fn findings(
    source: &str,
    file: &Dockerfile,
    cx: &Context,
    runs: impl Fn(&Rule) -> bool,
) -> Vec<(&'static Rule, Hit)> {
    let mut spans: Vec<Span> = Vec::new();
    let mut triggered: Option<Dockerfile> = None;
    for (i, ins) in file.instructions.iter().enumerate() {
        let Args::Onbuild(trigger) = &ins.args else {
            continue;
        };
        // BuildKit refuses these triggers, and the parse error says so; read as instructions
        // they would start a stage or nest a trigger in the parent's file.
        if matches!(trigger.kind, Kind::From | Kind::Maintainer | Kind::Onbuild) {
            continue;
        }
        spans.push(ins.span);
        let copy = triggered.get_or_insert_with(|| file.clone());
        if let Some(slot) = copy.instructions.get_mut(i) {
            let mut trigger = (**trigger).clone();
            // From the trigger's keyword to the end of the ONBUILD, heredocs included.
            trigger.span.end = trigger.span.end.max(ins.span.end);
            trigger.heredocs.clone_from(&ins.heredocs);
            *slot = trigger;
        }
    }
    let Some(triggered) = triggered else {
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
            // The spans are in file order: the last ONBUILD starting at or before the hit.
            let before = spans.partition_point(|s| s.start <= hit.span.start);
            let inside = before
                .checked_sub(1)
                .and_then(|i| spans.get(i))
                .is_some_and(|s| hit.span.start < s.end);
            if inside {
                hit.message.push_str(NOTE);
                out.push((rule, hit));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::NOTE;
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
    fn stage_wide_rules_do_not_count_triggers() {
        passes(
            rule("DL4003"),
            "FROM a:1\nONBUILD CMD [\"a\"]\nCMD [\"b\"]\n",
        );
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
