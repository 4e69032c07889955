//! ## What it does
//! Flags a `USER` given by name (`USER app`, `USER app:app`) rather than by numeric id
//! (`USER 10001`, `USER 10001:10001`). Values built from variables are not judged.
//!
//! ## Why it matters
//! A name means something only through the image's `/etc/passwd`, which the host and the
//! orchestrator cannot read before the container starts. Kubernetes with
//! `runAsNonRoot: true` refuses to start a container whose user is a name ("image has
//! non-numeric user, cannot verify user is non-root"), admission policies that check the user
//! see only a string, and a file mounted from the host is owned by whichever uid the name
//! happens to map to inside this image. A numeric id says the same thing everywhere.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! USER node
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! USER 1000:1000
//! ```
//! Create the user with a fixed id first when the base image has none (`useradd -l -u 10001
//! app`), then switch to the id.
//!
//! ## Differences from hadolint
//! hadolint's DL3066 reports some users given by a variable (`USER $X` with no `ARG X`) and not
//! others; Drydock leaves every variable alone, since the build decides its value.

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD230",
    name: "non-numeric-user",
    level: Level::Info,
    hadolint: Some("DL3066"),
    source: include_str!("non_numeric_user.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for ins in cx.instructions() {
        if ins.kind != Kind::User {
            continue;
        }
        let Args::Shell(arg) = &ins.args else {
            continue;
        };
        let value = arg.value.trim();
        let user = value.split(':').next().unwrap_or(value);
        if user.is_empty() || user.contains(['$', '`']) || user.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        out.add(
            arg.span,
            format!(
                "`USER {value}` names the user, which only this image's /etc/passwd resolves: runAsNonRoot and host mounts need the numeric id, like `USER 10001`"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_user_names() {
        assert_eq!(catches(&RULE, "FROM a:1\nUSER app\n"), [2]);
        catches(&RULE, "FROM a:1\nUSER app:1000\n");
        catches(&RULE, "FROM a:1\nUSER root\n");
    }

    #[test]
    fn does_not_catch_ids_or_variables() {
        passes(&RULE, "FROM a:1\nUSER 1000\nUSER 1000:app\nUSER 0:0\n");
        passes(
            &RULE,
            "FROM a:1\nARG UID=1000\nUSER $UID\nUSER ${UID}:${GID}\n",
        );
    }
}
