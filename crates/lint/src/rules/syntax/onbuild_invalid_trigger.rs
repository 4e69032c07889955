//! ## What it does
//! Flags `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`: triggers the builder does
//! not accept.
//!
//! ## Why it matters
//! An `ONBUILD` trigger runs as the first step of every image built `FROM` this one, inside the
//! child's stage. A nested `ONBUILD` would defer the step to a grandchild nobody can see from
//! here, `FROM` would start a new stage in the middle of someone else's, and `MAINTAINER` is
//! obsolete. BuildKit rejects all three when it parses the file, so the image is never built;
//! the parse error says so too, and this rule names the fix.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! ONBUILD ONBUILD COPY package.json /app/
//! ONBUILD MAINTAINER team@example.com
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! ONBUILD COPY package.json /app/
//! LABEL org.opencontainers.image.authors="team@example.com"
//! ```

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD531",
    name: "onbuild-invalid-trigger",
    level: Level::Error,
    hadolint: Some("DL3043"),
    source: include_str!("onbuild_invalid_trigger.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        let Args::Onbuild(trigger) = &ins.args else {
            continue;
        };
        let fix = match trigger.kind {
            Kind::Onbuild => "a trigger runs in the child image only: drop the second ONBUILD",
            Kind::From => "a trigger cannot start a stage: the child image writes its own FROM",
            Kind::Maintainer => {
                "MAINTAINER is obsolete: use `LABEL org.opencontainers.image.authors=...` instead"
            }
            _ => continue,
        };
        out.add(
            cx.head(ins),
            format!(
                "`ONBUILD {}` is not allowed and BuildKit refuses the file: {fix}",
                trigger.kind.name()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_forbidden_triggers() {
        assert_eq!(
            catches(
                &RULE,
                "FROM a:1\nONBUILD ONBUILD RUN x\nonbuild from b:1\nONBUILD MAINTAINER me\n"
            ),
            [2, 3, 4]
        );
    }

    #[test]
    fn does_not_catch_allowed_triggers() {
        passes(
            &RULE,
            "FROM a:1\nONBUILD RUN x\nONBUILD COPY . /app\nONBUILD LABEL onbuild=from\n",
        );
    }
}
