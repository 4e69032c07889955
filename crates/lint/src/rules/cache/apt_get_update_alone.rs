//! ## What it does
//! Flags a RUN that refreshes the package index (`apt-get update`, `apt update`, `apk update`)
//! without installing anything with it, when a later RUN of the same stage installs packages
//! with that index.
//!
//! ## Why it matters
//! Each RUN is its own cached layer, and the cache keys on the instruction text, not on what
//! the mirrors hold today. Once `RUN apt-get update` is cached, it does not run again until
//! something above it changes: a later edit to the install line reuses an index that may be
//! months old, and the build fetches outdated versions or fails on packages the mirror has
//! since dropped. The index files also
//! stay in that layer, adding size for nothing. Refreshing the index and installing in the same
//! RUN keeps them in step, and lets the same RUN delete the index afterwards.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! RUN apt-get update
//! RUN apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! RUN apt-get update \
//!  && apt-get install -y --no-install-recommends curl \
//!  && rm -rf /var/lib/apt/lists/*
//! ```
//! With Alpine, `apk add --no-cache` fetches a fresh index by itself: no `apk update` needed.
//! yum, dnf and zypper refresh expired metadata on their own and are not checked.

use crate::finding::Level;
use crate::packages::{self, Action, Manager, Package};
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD002",
    name: "apt-get-update-alone",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("apt_get_update_alone.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        let runs: Vec<_> = stage
            .instructions
            .clone()
            .filter_map(|i| {
                let (ins, script) = (cx.instructions().get(i)?, cx.script(i)?);
                let pkgs: Vec<Package> =
                    script.commands.iter().filter_map(packages::read).collect();
                Some((i, ins, pkgs))
            })
            .collect();
        // Per manager, the RUNs (by position in `runs`) that install with it, so each update
        // finds the next install without reading the RUNs in between.
        let installs = |manager: Manager| -> Vec<usize> {
            runs.iter()
                .enumerate()
                .filter(|(_, (_, _, pkgs))| {
                    pkgs.iter()
                        .any(|p| p.manager == manager && p.action == Action::Install)
                })
                .map(|(at, _)| at)
                .collect()
        };
        let installs = [installs(Manager::Apt), installs(Manager::Apk)];
        for (at, (_, ins, pkgs)) in runs.iter().enumerate() {
            for (manager, installing) in [Manager::Apt, Manager::Apk].into_iter().zip(&installs) {
                let Some(update) = pkgs
                    .iter()
                    .find(|p| p.manager == manager && p.action == Action::Update)
                else {
                    continue;
                };
                if pkgs
                    .iter()
                    .any(|p| p.manager == manager && p.action == Action::Install)
                {
                    continue;
                }
                // The first later RUN that installs with this manager.
                let next = installing.get(installing.partition_point(|&i| i <= at));
                let later = next
                    .and_then(|&i| runs.get(i))
                    .and_then(|(_, later, pkgs)| {
                        let install = pkgs
                            .iter()
                            .position(|p| p.manager == manager && p.action == Action::Install)?;
                        Some((later, pkgs, install))
                    });
                let Some((later, later_pkgs, install_at)) = later else {
                    continue;
                };
                let install = &later_pkgs[install_at];
                // That RUN refreshes the index itself before installing: nothing goes stale.
                let refreshes = later_pkgs[..install_at]
                    .iter()
                    .any(|p| p.manager == manager && p.action == Action::Update);
                if refreshes {
                    continue;
                }
                let line = later.span.start.line;
                let fresh = manager == Manager::Apk
                    && install
                        .command
                        .has_any_flag(&["--no-cache", "--update", "-U"]);
                let message = if fresh {
                    format!(
                        "`{}` runs alone, but the `{}` on line {line} fetches its own index: drop this RUN, it only adds an index to the image",
                        update.title(),
                        install.title()
                    )
                } else {
                    format!(
                        "`{}` runs in its own cached layer, so the `{}` on line {line} installs from an index that never refreshes: update and install in one RUN",
                        update.title(),
                        install.title()
                    )
                };
                out.add(cx.head(ins), message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_a_lone_update() {
        assert_eq!(
            catches(
                &RULE,
                "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
            ),
            [2]
        );
        catches(
            &RULE,
            "FROM ubuntu:24.04\nRUN set -eux; sudo apt update; apt-get -y upgrade\nWORKDIR /x\nRUN apt install -y git\n",
        );
        catches(&RULE, "FROM alpine:3\nRUN apk update\nRUN apk add curl\n");
        catches(
            &RULE,
            "FROM alpine:3\nRUN apk update\nRUN apk add --no-cache curl\n",
        );
        catches(
            &RULE,
            "FROM debian:12\nRUN [\"apt-get\", \"update\"]\nRUN <<EOF\napt-get install -y curl\nEOF\n",
        );
    }

    #[test]
    fn does_not_catch_update_with_install() {
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git\n",
        );
        // No install follows in the stage.
        passes(&RULE, "FROM debian:12\nRUN apt-get update\n");
        // The install is in another stage.
        passes(
            &RULE,
            "FROM debian:12 AS a\nRUN apt-get update\nFROM debian:12\nRUN apt-get install -y x\n",
        );
        // The later RUN refreshes first.
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update\nRUN apt-get update && apt-get install -y x\n",
        );
        passes(
            &RULE,
            "FROM fedora:40\nRUN dnf makecache\nRUN dnf install -y x\n",
        );
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apt-get update\nRUN apt-get install x\n",
        );
    }
}
