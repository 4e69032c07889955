//! ## What it does
//! Flags `COPY --from=<name>` where `<name>` is the stage the `COPY` is in (by name or by
//! index).
//!
//! ## Why it matters
//! A stage cannot copy from itself: its own files are already there, and the builder stops with
//! a circular dependency error. It is almost always a copy-paste slip: the `COPY` was meant to
//! take an artifact from a build stage into the final one.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS build
//! RUN go build -o /out/app .
//! FROM gcr.io/distroless/static AS run
//! COPY --from=run /out/app /app
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS build
//! RUN go build -o /out/app .
//! FROM gcr.io/distroless/static AS run
//! COPY --from=build /out/app /app
//! ```

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD516",
    name: "copy-from-own-stage",
    level: Level::Error,
    hadolint: Some("DL3023"),
    source: include_str!("copy_from_own_stage.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            if !matches!(ins.kind, Kind::Copy | Kind::Add) {
                continue;
            }
            let Some(flag) = ins.flag("from") else {
                continue;
            };
            let Some(from) = &flag.value else { continue };
            let own_name = stage
                .name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(from));
            let own_index = from.parse::<usize>().ok() == Some(stage.index);
            if own_name || own_index {
                out.add(
                    flag.span,
                    format!("`--from={from}` names the stage this COPY is in, which cannot copy from itself: name the stage that builds the files"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_copies_from_the_own_stage() {
        assert_eq!(
            catches(&RULE, "FROM a AS build\nCOPY --from=build /x /y\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM a AS build\nFROM b AS run\nCOPY --from=RUN /x /y\n",
        );
        catches(&RULE, "FROM a\nFROM b\nCOPY --from=1 /x /y\n");
    }

    #[test]
    fn does_not_catch_other_stages_or_images() {
        passes(
            &RULE,
            "FROM a AS build\nFROM b AS run\nCOPY --from=build /x /y\n",
        );
        passes(&RULE, "FROM a\nFROM b\nCOPY --from=0 /x /y\n");
        passes(
            &RULE,
            "FROM a AS build\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        );
    }
}
