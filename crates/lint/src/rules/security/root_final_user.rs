//! ## What it does
//! Flags a Dockerfile whose image ends up running as root because the last `USER` of the
//! final stage (or of the stages it builds on) is `root` or `0`.
//!
//! ## Why it matters
//! The last `USER` is the user every container started from the image runs as. A process
//! running as root inside a container is one kernel or runtime bug away from root on the host,
//! and it can rewrite anything in the image's filesystem, including the application itself.
//! Switching to root for the steps that install packages is fine; finishing there hands that
//! power to the application for its whole life.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! USER node
//! COPY --chown=node . /app
//! USER root
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! CMD ["node", "/app/server.js"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! COPY --chown=node . /app
//! USER node
//! CMD ["node", "/app/server.js"]
//! ```
//! If the entrypoint must start as root to drop privileges itself (with `gosu` or `su-exec`),
//! suppress the finding on that line and say so in a comment.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{is_root, last_user};

pub const RULE: Rule = Rule {
    code: "DD202",
    name: "root-final-user",
    level: Level::Warning,
    hadolint: Some("DL3002"),
    source: include_str!("root_final_user.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let Some(stage) = cx.final_stage() else {
        return;
    };
    let Some((index, user)) = last_user(cx, stage) else {
        return;
    };
    let Some(ins) = cx.instructions().get(index) else {
        return;
    };
    if is_root(&user) {
        out.add(
            cx.head(ins),
            format!(
                "the image's last USER is `{user}`, so containers run as root: switch to an unprivileged user after the steps that need root"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_a_final_root_user() {
        assert_eq!(
            catches(&RULE, "FROM alpine\nUSER app\nRUN true\nUSER root\n"),
            [4]
        );
        catches(&RULE, "FROM alpine\nUSER 0:0\n");
        catches(&RULE, "FROM alpine\nUSER root:root\nCMD [\"sh\"]\n");
        // Inherited from the stage the final one builds on.
        assert_eq!(
            catches(
                &RULE,
                "FROM alpine AS base\nUSER root\nFROM base\nRUN true\n"
            ),
            [2]
        );
        catches(&RULE, "FROM alpine\nARG U=root\nUSER $U\n");
    }

    #[test]
    fn does_not_catch_non_root_or_earlier_stages() {
        passes(&RULE, "FROM alpine\nUSER root\nRUN true\nUSER app\n");
        passes(
            &RULE,
            "FROM alpine AS build\nUSER root\nFROM alpine\nUSER 1000\n",
        );
        passes(
            &RULE,
            "FROM alpine AS build\nUSER root\nFROM scratch\nCOPY --from=build /x /x\n",
        );
        passes(&RULE, "FROM alpine\nUSER rootless\n");
        passes(&RULE, "FROM alpine\n");
    }
}
