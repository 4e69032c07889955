//! ## What it does
//! When the configuration requires labels (`label-schema` in `.hadolint.yaml` or
//! `.drydock.yaml`, or `drydock lint --require-label NAME:TYPE`), flags each stage whose image
//! lacks one of them: neither the stage nor a stage it builds on (`FROM <stage>`) sets it.
//! Stages only read from (`COPY --from`, `RUN --mount=...,from=`) are not checked, as their
//! image is never run or pushed.
//!
//! ## Why it matters
//! A team that requires labels relies on them downstream: the registry shows the source
//! repository, a scanner files a finding against the owner, a cleanup job keeps images of a
//! given version. An image without the label drops out of all of that silently, and nobody
//! notices until the one image that matters cannot be traced back to its code.
//!
//! ## Example
//! ```dockerfile
//! # label-schema: {org.opencontainers.image.source: url}
//! FROM alpine:3.20
//! COPY app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.source="https://github.com/example/app"
//! COPY app /app
//! ```
//!
//! ## Differences from hadolint
//! A stage read from by number (`COPY --from=0`) or by `RUN --mount=...,from=` is skipped too,
//! and stage names match in any case, as BuildKit matches them. A label set in an `ONBUILD`
//! trigger does not count: it lands on the images built from this one, not on this one.

use std::collections::HashSet;

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD902",
    name: "missing-required-label",
    level: Level::Info,
    hadolint: Some("DL3049"),
    source: include_str!("missing_required_label.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    if cx.settings.label_schema.is_empty() {
        return;
    }
    // Per stage, the keys its own LABELs set (a key with an unset variable sets nothing known).
    let mut keys: Vec<HashSet<String>> = vec![HashSet::new(); cx.stages.len()];
    for label in super::labels(cx) {
        let (Some(stage), Some(key)) = (cx.stage_of(label.index), label.key) else {
            continue;
        };
        if let Some(set) = keys.get_mut(stage.index) {
            set.insert(key);
        }
    }
    for (name, _) in &cx.settings.label_schema {
        let facts = super::stage_facts(cx, |stage| {
            keys.get(stage).is_some_and(|k| k.contains(name.as_str()))
        });
        for stage in &cx.stages {
            let has = facts.has.get(stage.index).copied().unwrap_or(true);
            let source_only = facts.source_only.get(stage.index).copied().unwrap_or(true);
            if has || source_only {
                continue;
            }
            let Some(from) = cx.instructions().get(stage.from) else {
                continue;
            };
            debug_assert_eq!(from.kind, Kind::From);
            out.add(
                cx.head(from),
                format!(
                    "this stage's image has no `{name}` label, which the label schema requires: add `LABEL {name}=...`"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::labels::testing::lines;

    const SCHEMA: &str = "maintainer:text";

    #[test]
    fn catches_stages_without_the_label() {
        assert_eq!(lines(&RULE, SCHEMA, "FROM a\nRUN true\n"), [1]);
        assert_eq!(
            lines(&RULE, "maintainer:text, org.example.url:url", "FROM a\n").len(),
            2
        );
        // Both stages ship as images a `--target` may build, unless one is only read from.
        assert_eq!(
            lines(&RULE, SCHEMA, "FROM a AS one\nFROM b AS two\n"),
            [1, 2]
        );
        assert_eq!(
            lines(&RULE, SCHEMA, "FROM a\nONBUILD LABEL maintainer=x\n"),
            [1],
            "a trigger labels the child images"
        );
        assert_eq!(
            lines(&RULE, SCHEMA, "FROM a AS b\nLABEL maintainer=x\nFROM a\n"),
            [3],
            "another stage's label is not inherited without FROM <stage>"
        );
    }

    #[test]
    fn does_not_catch_labelled_inherited_or_source_stages() {
        assert!(lines(&RULE, SCHEMA, "FROM a\nLABEL maintainer=\"x\"\n").is_empty());
        assert!(lines(
            &RULE,
            SCHEMA,
            "FROM a AS base\nLABEL maintainer=x\nFROM base\n"
        )
        .is_empty());
        assert!(lines(
            &RULE,
            SCHEMA,
            "FROM a AS Build\nRUN make\nFROM b\nLABEL maintainer=x\nCOPY --from=build /o /o\n"
        )
        .is_empty());
        assert!(lines(
            &RULE,
            SCHEMA,
            "FROM a\nFROM b\nLABEL maintainer=x\nRUN --mount=from=0,target=/s true\n"
        )
        .is_empty());
        assert!(lines(&RULE, "", "FROM a\n").is_empty(), "no schema");
    }
}
