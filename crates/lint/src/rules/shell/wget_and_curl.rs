//! ## What it does
//! Flags a stage whose `RUN`s download with both `wget` and `curl`: the `RUN` where the second
//! tool first appears is reported.
//!
//! ## Why it matters
//! The two tools do the same job. Using both means both must be installed in the stage, so
//! the image carries an extra package and its libraries, with their own security updates to
//! follow, for nothing. Settle on the one the base image already has, or the one you install
//! anyway.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
//! RUN wget -q -O /tmp/b.tgz https://example.com/b.tgz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz \
//!  && curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD409",
    name: "wget-and-curl",
    level: Level::Warning,
    hadolint: Some("DL4001"),
    source: include_str!("wget_and_curl.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        // (tool, line of the RUN that first used it)
        let mut first: Option<(&str, u32)> = None;
        for index in stage.instructions.clone() {
            let (Some(script), Some(ins)) = (cx.script(index), cx.instructions().get(index)) else {
                continue;
            };
            let used: Vec<&str> = ["curl", "wget"]
                .into_iter()
                .filter(|tool| {
                    script
                        .commands
                        .iter()
                        .any(|c| !super::is_lookup(c) && c.unwrapped_program() == *tool)
                })
                .collect();
            let line = ins.span.start.line;
            let other = match (first, used.as_slice()) {
                (None, [one]) => {
                    first = Some((one, line));
                    continue;
                }
                (None, [a, b]) => Some(((*a, line), *b)),
                (Some((seen, seen_line)), tools) => tools
                    .iter()
                    .find(|t| **t != seen)
                    .map(|t| ((seen, seen_line), *t)),
                _ => None,
            };
            if let Some(((seen, seen_line), now)) = other {
                let place = if seen_line == line {
                    "in the same RUN".to_string()
                } else {
                    format!("on line {seen_line}")
                };
                out.add(
                    cx.head(ins),
                    format!("this stage downloads with `{now}` here and with `{seen}` {place}: pick one so the image carries a single download tool"),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_both_tools_in_a_stage() {
        assert_eq!(
            catches(
                &RULE,
                "FROM debian\nRUN curl -o a https://x\nRUN wget https://y\n"
            ),
            [3]
        );
        assert_eq!(
            catches(
                &RULE,
                "FROM debian\nRUN wget -q https://y && curl -O https://x\n"
            ),
            [2]
        );
        catches(
            &RULE,
            "FROM debian\nRUN <<EOF\ncurl -O https://x\nEOF\nRUN sudo wget https://y\n",
        );
    }

    #[test]
    fn does_not_catch_one_tool_per_stage() {
        passes(
            &RULE,
            "FROM debian\nRUN curl -O https://x && curl -O https://y\n",
        );
        passes(
            &RULE,
            "FROM debian AS a\nRUN curl -O https://x\nFROM alpine\nRUN wget https://y\n",
        );
        passes(
            &RULE,
            "FROM debian\nRUN apt-get install -y curl wget\nRUN wget https://y\n",
        );
        passes(
            &RULE,
            "FROM debian\nRUN command -v curl || wget https://y\n",
        );
    }
}
