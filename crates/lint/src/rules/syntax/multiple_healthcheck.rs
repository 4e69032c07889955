//! ## What it does
//! Flags a `HEALTHCHECK` that a later `HEALTHCHECK` of the same stage replaces.
//!
//! ## Why it matters
//! A container has one health check: only the last `HEALTHCHECK` of the stage takes effect.
//! The earlier ones are dead lines, and a reader who trusts them believes the container checks
//! something it does not.
//!
//! ## Example
//! ```dockerfile
//! FROM nginx:1.27
//! HEALTHCHECK CMD curl -f http://localhost/ || exit 1
//! HEALTHCHECK CMD curl -f http://localhost/health || exit 1
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM nginx:1.27
//! HEALTHCHECK CMD curl -f http://localhost/health || exit 1
//! ```

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD511",
    name: "multiple-healthcheck",
    level: Level::Error,
    hadolint: Some("DL3012"),
    source: include_str!("multiple_healthcheck.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::multiple_entrypoint::report_overridden(cx, out, Kind::Healthcheck);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_overridden_healthchecks() {
        assert_eq!(
            catches(&RULE, "FROM a\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n"),
            [2]
        );
    }

    #[test]
    fn does_not_catch_one_per_stage() {
        passes(
            &RULE,
            "FROM a\nHEALTHCHECK CMD true\nFROM a\nHEALTHCHECK NONE\n",
        );
    }
}
