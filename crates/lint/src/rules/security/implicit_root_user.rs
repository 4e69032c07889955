//! ## What it does
//! Flags a final stage that sets a `CMD` or `ENTRYPOINT` but never a `USER`, so the
//! application runs as whatever user its base image defaults to, which is root for nearly all
//! of them. Images that start from `scratch`, Windows images, base images built to run
//! unprivileged (`distroless` `nonroot` tags, `chiseled`, `rootless`, `unprivileged`, the
//! Jupyter and Jenkins images) and images whose entrypoint drops privileges with `gosu`,
//! `su-exec` or `setpriv` are left alone.
//!
//! ## Why it matters
//! Root is the default because the build steps need it, not because the application does.
//! Left in place, every container started from the image runs its process as root: a
//! vulnerability in the application becomes control over the whole container filesystem, and
//! any escape from the container starts with root privileges. Adding one `USER` line at the
//! end costs nothing at build time and removes that for good.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-slim
//! COPY . /app
//! RUN pip install --no-cache-dir /app
//! CMD ["python", "-m", "app"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN useradd --create-home --uid 10001 app
//! COPY . /app
//! RUN pip install --no-cache-dir /app
//! USER app
//! CMD ["python", "-m", "app"]
//! ```

use drydock_dockerfile::{Kind, Lexer};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{last_user, lineage};

pub const RULE: Rule = Rule {
    code: "DD203",
    name: "implicit-root-user",
    level: Level::Info,
    hadolint: None,
    source: include_str!("implicit_root_user.rs"),
    check,
};

/// Base images that already run unprivileged.
const UNPRIVILEGED_BASES: &[&str] = &[
    "nonroot",
    "rootless",
    "unprivileged",
    "chiseled",
    "bitnami/",
    "jupyter/",
    "jenkins/",
];

/// Tools an entrypoint uses to drop from root to another user at start.
const PRIVILEGE_DROPPERS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "s6-setuidgid",
    "runuser",
    "chroot --userspec",
];

fn check(cx: &Context, out: &mut Report) {
    let Some(stage) = cx.final_stage() else {
        return;
    };
    if last_user(cx, stage).is_some() {
        return;
    }
    let chain = lineage(cx, stage);
    let Some(root) = chain.last() else { return };
    let Some(base) = &root.base else { return };
    let env = cx.scope(root.from);
    let image = match Lexer::new(cx.file.escape).process(&base.value, env) {
        Ok(e) if e.unset.is_empty() && !e.value.is_empty() => e.value.to_ascii_lowercase(),
        _ => return,
    };
    let windows = cx.shell(root.from).is_some_and(|s| s.windows);
    let chainguard = image.starts_with("cgr.dev/chainguard/") && !image.contains("-dev");
    if image == "scratch"
        || windows
        || chainguard
        || UNPRIVILEGED_BASES.iter().any(|b| image.contains(b))
    {
        return;
    }
    let drops_privileges = chain.iter().any(|s| {
        s.instructions.clone().any(|i| {
            cx.instructions().get(i).is_some_and(|ins| {
                matches!(ins.kind, Kind::Run | Kind::Entrypoint | Kind::Cmd) && {
                    let text = ins.original.to_ascii_lowercase();
                    PRIVILEGE_DROPPERS.iter().any(|t| text.contains(t))
                }
            })
        })
    });
    if drops_privileges {
        return;
    }
    let Some(from) = cx.instructions().get(stage.from) else {
        return;
    };
    let runs_something = chain.iter().any(|s| {
        s.instructions.clone().any(|i| {
            cx.instructions()
                .get(i)
                .is_some_and(|ins| matches!(ins.kind, Kind::Entrypoint | Kind::Cmd))
        })
    });
    if !runs_something {
        return;
    }
    out.add(
        cx.head(from),
        format!(
            "the final stage never sets a USER, so containers run as `{image}`'s default user, root for most images: add `USER <name>` after the steps that need root"
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_a_final_stage_without_user() {
        assert_eq!(catches(&RULE, "FROM python:3.12\nCMD [\"python\"]\n"), [1]);
        assert_eq!(
            catches(
                &RULE,
                "FROM golang:1.23 AS build\nUSER app\nFROM alpine:3.20\nCOPY --from=build /x /x\nENTRYPOINT [\"/x\"]\n"
            ),
            [3]
        );
        catches(&RULE, "FROM alpine AS base\nCMD [\"sh\"]\nFROM base\n");
    }

    #[test]
    fn does_not_catch_users_nonroot_bases_or_privilege_dropping() {
        passes(&RULE, "FROM python:3.12\nUSER app\nCMD [\"python\"]\n");
        // No CMD or ENTRYPOINT: a base or tool image, whose users decide.
        passes(&RULE, "FROM python:3.12\nRUN pip install x==1\n");
        passes(&RULE, "FROM python:3.12\nUSER root\n");
        passes(
            &RULE,
            "FROM alpine AS base\nUSER app\nFROM base\nCMD [\"sh\"]\n",
        );
        passes(&RULE, "FROM scratch\nCOPY app /app\nCMD [\"/app\"]\n");
        passes(
            &RULE,
            "FROM gcr.io/distroless/static-debian12:nonroot\nCMD [\"/app\"]\n",
        );
        passes(
            &RULE,
            "FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled\nCMD [\"/app\"]\n",
        );
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD [\"app.exe\"]\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -y gosu\nENTRYPOINT [\"docker-entrypoint.sh\"]\n",
        );
        passes(&RULE, "FROM $BASE\nCMD [\"app\"]\n");
    }
}
