//! ## What it does
//! Flags a stage whose image has no `HEALTHCHECK`: neither the stage nor a stage it builds on
//! (`FROM <stage>`) declares one. `HEALTHCHECK NONE` counts: it says so on purpose. Stages only
//! read from (`COPY --from`, `RUN --mount=...,from=`) are not checked, as no container runs
//! them.
//!
//! ## Why it matters
//! Without a health check, Docker and Swarm see a container as healthy for as long as its main
//! process lives: a server that hangs, deadlocks or loses its database keeps receiving traffic
//! and is never restarted. A `HEALTHCHECK` lets the engine mark it unhealthy and the
//! orchestrator replace it. Kubernetes ignores `HEALTHCHECK` (it has its own probes), which is
//! why this rule is off by default.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! COPY site /usr/share/nginx/html
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! COPY site /usr/share/nginx/html
//! HEALTHCHECK --interval=30s CMD curl -fsS http://localhost/ || exit 1
//! ```
//!
//! ## Off by default
//! Turn it on with `drydock lint --rule missing-healthcheck`, or give it a level in the config
//! (`override: {warning: [DL3057]}`), as hadolint does.
//!
//! ## Differences from hadolint
//! Stages only read from are skipped, and a stage inherits a health check only from the stage
//! it names in `FROM`, not from another stage on the same base image. A health check set in
//! the base image itself is not known here, so such a stage is still flagged: a pragma says
//! so. An `ONBUILD HEALTHCHECK` does not count: it applies to the images built from this one.

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::rules::labels::stage_facts;

pub const RULE: Rule = Rule {
    code: "DD550",
    name: "missing-healthcheck",
    level: Level::Info,
    hadolint: Some("DL3057"),
    source: include_str!("missing_healthcheck.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let facts = stage_facts(cx, |at| {
        cx.stages.get(at).is_some_and(|stage| {
            stage.instructions.clone().any(|i| {
                cx.instructions()
                    .get(i)
                    .is_some_and(|ins| ins.kind == Kind::Healthcheck)
            })
        })
    });
    for stage in &cx.stages {
        let has = facts.has.get(stage.index).copied().unwrap_or(true);
        let source_only = facts.source_only.get(stage.index).copied().unwrap_or(true);
        if has || source_only {
            continue;
        }
        if let Some(from) = cx.instructions().get(stage.from) {
            out.add(
                cx.head(from),
                "this stage's image has no `HEALTHCHECK`, so the engine cannot tell when its container stops working: add one, or `HEALTHCHECK NONE` to say it needs none",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, off_unless_asked_for, passes};

    #[test]
    fn catches_stages_without_a_health_check() {
        assert_eq!(catches(&RULE, "FROM a\nCMD [\"serve\"]\n"), [1]);
        assert_eq!(
            catches(&RULE, "FROM a AS one\nFROM one\nFROM b\nHEALTHCHECK NONE\n"),
            [1, 2]
        );
        assert_eq!(
            catches(&RULE, "FROM a\nONBUILD HEALTHCHECK CMD true\n"),
            [1]
        );
    }

    #[test]
    fn does_not_catch_checked_inherited_or_source_stages() {
        passes(&RULE, "FROM a\nHEALTHCHECK CMD true\n");
        passes(&RULE, "FROM a\nHEALTHCHECK NONE\n");
        passes(&RULE, "FROM a AS base\nHEALTHCHECK CMD true\nFROM base\n");
        passes(
            &RULE,
            "FROM a AS build\nRUN make\nFROM b\nHEALTHCHECK CMD true\nCOPY --from=build /o /o\n",
        );
        assert!(hits(&RULE, "RUN true\n").is_empty(), "no stage");
    }

    #[test]
    fn is_off_unless_asked_for() {
        off_unless_asked_for(&RULE, "FROM a\n");
    }
}
