//! ## What it does
//! Flags `apt-get install` (or `apt install`) without `--no-install-recommends` in a stage that
//! ends up in the final image. `-o APT::Install-Recommends=false`, or an earlier RUN that turns
//! recommends off in the APT configuration, count as well.
//!
//! ## Why it matters
//! By default APT installs each package's "recommended" packages too: documentation, optional
//! helpers, whole language runtimes a tool can use but does not need. They can double what an
//! install adds to a layer, and each one is more to download, scan and patch. Installing only
//! what you name, plus its hard dependencies, keeps the layer to what the image uses; when
//! something turns out to be missing, name it.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update && apt-get install -y curl \
//!  && rm -rf /var/lib/apt/lists/*
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
//!  && rm -rf /var/lib/apt/lists/*
//! ```
//! Stages that only feed `COPY --from` are not checked: their extra packages never ship.

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::fix;
use crate::packages::{self, Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::shipping_chain;

pub const RULE: Rule = Rule {
    code: "DD104",
    name: "apt-get-install-recommends",
    level: Level::Info,
    hadolint: Some("DL3015"),
    source: include_str!("apt_get_install_recommends.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    // Whether an earlier instruction of the image set APT::Install-Recommends in the config.
    let mut configured = false;
    for stage in shipping_chain(cx).iter().rev() {
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            if ins.kind == Kind::Copy && ins.original.contains("apt.conf.d") {
                configured = true;
            }
            let Some(script) = cx.script(index) else {
                continue;
            };
            if configured {
                return;
            }
            for cmd in &script.commands {
                let Some(pkg) = packages::read(cmd) else {
                    continue;
                };
                if pkg.manager != Manager::Apt
                    || pkg.action != Action::Install
                    || pkg.command.is("aptitude")
                    || pkg.skips_recommends()
                {
                    continue;
                }
                let edits = fix::insert_option(cx, ins, "--no-install-recommends", |p| {
                    p.manager == Manager::Apt
                        && p.action == Action::Install
                        && !p.command.is("aptitude")
                        && !p.skips_recommends()
                });
                out.add_with_edits(
                    cx.head(ins),
                    format!(
                        "`{}` also installs every recommended package: add `--no-install-recommends` and name what you need",
                        pkg.title()
                    ),
                    None,
                    edits,
                );
                break;
            }
            if script.words().any(|w| w.contains("Install-Recommends")) {
                configured = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, passes};

    #[test]
    fn catches_installs_with_recommends() {
        assert_eq!(
            catches(
                &RULE,
                "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
            ),
            [2]
        );
        catches(&RULE, "FROM ubuntu:24.04\nRUN sudo apt -y install git\n");
        catches(
            &RULE,
            "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n",
        );
        catches(
            &RULE,
            "FROM debian:12\nRUN <<EOF\napt-get install -y curl\nEOF\n",
        );
        // The final stage built on a stage.
        catches(
            &RULE,
            "FROM debian:12 AS base\nRUN apt-get install -y x\nFROM base\n",
        );
    }

    #[test]
    fn does_not_catch_without_recommends() {
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y x\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -oAPT::Install-Recommends=0 x\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/norec\nRUN apt-get install -y x\n",
        );
        passes(&RULE, "FROM debian:12\nRUN apt-get update\n");
        passes(
            &RULE,
            "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM debian:12-slim\nCOPY --from=build /x /x\n",
        );
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apt-get install x\n",
        );
    }

    #[test]
    fn fixes_by_inserting_the_option_after_install() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM debian:12\nRUN apt-get update && sudo apt-get -y install curl \\\n    git && rm -rf /var/lib/apt/lists/*\n"
            ),
            "FROM debian:12\nRUN apt-get update && sudo apt-get -y install --no-install-recommends curl \\\n    git && rm -rf /var/lib/apt/lists/*\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM debian:12\nRUN DEBIAN_FRONTEND=noninteractive apt install -y a; apt-get install b\n"
            ),
            "FROM debian:12\nRUN DEBIAN_FRONTEND=noninteractive apt install --no-install-recommends -y a; apt-get install --no-install-recommends b\n"
        );
    }

    #[test]
    fn does_not_fix_what_it_cannot_edit_plainly() {
        does_not_fix(
            &RULE,
            "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n",
        );
        does_not_fix(
            &RULE,
            "FROM debian:12\nRUN <<EOF\napt-get install -y curl\nEOF\n",
        );
        does_not_fix(&RULE, "FROM debian:12\nRUN apt-get \"install\" -y curl\n");
    }
}
