//! ## What it does
//! Flags an `ENTRYPOINT` that a later `ENTRYPOINT` of the same stage replaces.
//!
//! ## Why it matters
//! An image has one entrypoint: only the last `ENTRYPOINT` of the stage takes effect. The
//! earlier ones are dead lines, and since the entrypoint decides how every `docker run`
//! argument is read, a reader who trusts the first one misunderstands how the container
//! starts.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! ENTRYPOINT ["/usr/local/bin/setup.sh"]
//! ENTRYPOINT ["/usr/local/bin/app"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
//! ```
//! where `entrypoint.sh` does the setup and ends with `exec /usr/local/bin/app "$@"`.

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD510",
    name: "multiple-entrypoint",
    level: Level::Error,
    hadolint: Some("DL4004"),
    source: include_str!("multiple_entrypoint.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    report_overridden(cx, out, Kind::Entrypoint);
}

/// Reports every instruction of `kind` that a later one of the same stage replaces.
pub(crate) fn report_overridden(cx: &Context, out: &mut Report, kind: Kind) {
    for stage in &cx.stages {
        let found: Vec<_> = stage
            .instructions
            .clone()
            .filter_map(|i| cx.instructions().get(i))
            .filter(|ins| ins.kind == kind)
            .collect();
        let Some(last) = found.last() else { continue };
        let name = kind.name();
        for ins in found.iter().take(found.len() - 1) {
            out.add(
                cx.head(ins),
                format!(
                    "this {name} is replaced by the {name} on line {} and never takes effect: remove it",
                    last.span.start.line
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_overridden_entrypoints() {
        assert_eq!(
            catches(&RULE, "FROM a\nENTRYPOINT [\"a\"]\nENTRYPOINT b\n"),
            [2]
        );
    }

    #[test]
    fn does_not_catch_one_per_stage() {
        passes(
            &RULE,
            "FROM a\nENTRYPOINT [\"a\"]\nFROM b\nENTRYPOINT [\"b\"]\n",
        );
    }
}
