//! ## What it does
//! Flags `USER` instructions that change nothing: one replaced by another `USER` before any
//! `RUN` or `WORKDIR` acts as it, and one that sets the user already in effect.
//!
//! ## Why it matters
//! `USER` only matters to the `RUN` and `WORKDIR` steps after it and, for the last one, to the
//! container at run time (`COPY` and `ADD` write files as root unless given `--chown`). A
//! switch nothing uses is an extra instruction and an extra entry in the image history that a
//! reader has to reason about, and back-and-forth switching usually means steps that belong
//! together were split up. Group the steps that need root, switch once, and keep the rest as
//! the unprivileged user.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! USER root
//! USER root
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! USER app
//! USER root
//! USER app
//! CMD ["app"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! USER root
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! USER app
//! CMD ["app"]
//! ```

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{last_users, user_of};

pub const RULE: Rule = Rule {
    code: "DD204",
    name: "needless-user-switch",
    level: Level::Info,
    hadolint: None,
    source: include_str!("needless_user_switch.rs"),
    check,
};

/// A `USER` in effect: its instruction, the user, and whether a step has acted as it.
struct InEffect {
    index: Option<usize>,
    user: String,
    used: bool,
}

fn check(cx: &Context, out: &mut Report) {
    let last_users = last_users(cx);
    for stage in &cx.stages {
        // A stage built on an earlier one starts as that stage's last user.
        let mut current: Option<InEffect> = cx
            .parent(stage)
            .and_then(|p| last_users.get(p.index).cloned().flatten())
            .map(|(_, user)| InEffect {
                index: None,
                user,
                used: true,
            });
        // The user in effect before the current USER, for switches that undo each other.
        let mut before: Option<String> = None;
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            match ins.kind {
                Kind::Run | Kind::Workdir => {
                    if let Some(c) = &mut current {
                        c.used = true;
                    }
                }
                Kind::User => {
                    let Some(user) = user_of(cx, index) else {
                        continue;
                    };
                    let mut reference = current.as_ref().map(|c| c.user.clone());
                    // `USER x` twice: the second is the one to drop, below.
                    let repeated = current.as_ref().is_some_and(|c| same_user(&c.user, &user));
                    if let Some(c) = &current {
                        if let (Some(at), false, false) = (c.index, c.used, repeated) {
                            if let Some(earlier) = cx.instructions().get(at) {
                                out.add(
                                    cx.head(earlier),
                                    format!(
                                        "`USER {}` is replaced by `USER {user}` on line {} before any step runs as it: remove it",
                                        c.user, ins.span.start.line
                                    ),
                                );
                            }
                            // Without the needless switch, the user before it is in effect.
                            reference = before.clone();
                        }
                    }
                    let same = reference
                        .as_deref()
                        .is_some_and(|r| !r.contains('$') && same_user(r, &user));
                    if same {
                        out.add(
                            cx.head(ins),
                            format!("`USER {user}` sets the user already in effect: remove it"),
                        );
                        if repeated {
                            // A no-op: the earlier USER stays the one in effect.
                            continue;
                        }
                    }
                    before = reference;
                    current = Some(InEffect {
                        index: Some(index),
                        user,
                        used: false,
                    });
                }
                _ => {}
            }
        }
    }
}

/// `0` and `root` are the same user; `app` and `app:app` may not be, so they differ.
fn same_user(a: &str, b: &str) -> bool {
    fn normal(user: &str) -> Vec<&str> {
        user.trim()
            .split(':')
            .map(|p| if p == "0" { "root" } else { p })
            .collect()
    }
    normal(a) == normal(b)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_overridden_and_repeated_users() {
        assert_eq!(
            catches(&RULE, "FROM alpine\nUSER root\nUSER root\nUSER 0\nRUN id\n"),
            [3, 4]
        );
        assert_eq!(
            catches(&RULE, "FROM alpine\nUSER app\nUSER root\nRUN id\n"),
            [2]
        );
        assert_eq!(
            catches(&RULE, "FROM alpine\nUSER root\nRUN id\nUSER root\nRUN id\n"),
            [4]
        );
        assert_eq!(
            catches(&RULE, "FROM alpine\nUSER 0\nRUN id\nUSER root\n"),
            [4]
        );
        // Back and forth with nothing in between: both lines do nothing.
        assert_eq!(
            catches(
                &RULE,
                "FROM alpine\nUSER app\nRUN id\nUSER root\nCOPY x /x\nUSER app\nRUN id\n"
            ),
            [4, 6]
        );
        // The user carried over from the parent stage.
        assert_eq!(
            catches(
                &RULE,
                "FROM alpine AS base\nUSER app\nFROM base\nUSER app\n"
            ),
            [4]
        );
    }

    #[test]
    fn does_not_catch_switches_that_are_used() {
        passes(
            &RULE,
            "FROM alpine\nUSER root\nRUN apk add curl\nUSER app\n",
        );
        passes(
            &RULE,
            "FROM alpine\nUSER app\nWORKDIR /home/app\nUSER root\nRUN id\n",
        );
        passes(&RULE, "FROM alpine\nUSER root\nFROM alpine\nUSER root\n");
        passes(&RULE, "FROM alpine\nUSER app\nRUN id\nUSER app:app\n");
        passes(&RULE, "FROM alpine\nUSER $A\nRUN id\nUSER $A\n");
    }
}
