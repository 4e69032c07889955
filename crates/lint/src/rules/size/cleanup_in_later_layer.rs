//! ## What it does
//! Flags a RUN that cleans up what an earlier instruction of the image left behind: a package
//! cache or index (`rm -rf /var/lib/apt/lists/*`, `apt-get clean`, `yum clean all`,
//! `rm -rf /root/.cache`...), build dependencies (`apk del .build-deps`, `apt-get purge gcc`,
//! `pip uninstall`), or a file an earlier RUN downloaded or a COPY brought in.
//!
//! ## Why it matters
//! An image is a stack of layers, and a layer can only add to the ones below it. Deleting a
//! file in a later layer hides it from the container but leaves every byte in the earlier
//! layer, where it is still pushed, pulled and stored. The image does not get smaller; it
//! gains one more layer. Cleaning up only saves space when it happens in the same RUN that
//! created the files, before the layer is committed.
//!
//! ## Example
//! ```dockerfile
//! RUN apk add --virtual .build-deps gcc musl-dev
//! RUN pip install --no-cache-dir -r requirements.txt
//! RUN apk del .build-deps
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN apk add --virtual .build-deps gcc musl-dev \
//!  && pip install --no-cache-dir -r requirements.txt \
//!  && apk del .build-deps
//! ```
//! A file copied in only for the build (an install script) can be bind-mounted for the RUN
//! that uses it (`RUN --mount=type=bind,source=install.sh,target=/tmp/install.sh`); files the
//! image never needs belong in `.dockerignore`. Only stages that end up in the final image are
//! checked.
//!
//! `drydock lint --fix` moves the cleanup into the RUN that made the files when that RUN comes
//! right before it (comment lines aside: any other instruction between them might use the
//! files, so the fix stays away), the later RUN does nothing but clean up (`rm`, `find
//! -delete`, a package manager's clean or remove), and the two can be joined without changing
//! what runs: both in shell form without heredocs, the same flags, the cleanup one `&&` chain,
//! and no `cd`, `export` or `set` in the earlier RUN that the cleanup would inherit.

use std::collections::{HashMap, HashSet};

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::fix::join;
use crate::packages::{self, bare_name, option_value, Action, Manager, Package};
use crate::rule::{mount_covers, Context, Report, Rule};
use crate::rules::size::paths::{self, covers, RunView};
use crate::shell::Command;

pub const RULE: Rule = Rule {
    code: "DD102",
    name: "cleanup-in-later-layer",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("cleanup_in_later_layer.rs"),
    check,
};

/// Something package managers leave behind, and the paths that hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftover {
    AptLists,
    AptArchives,
    ApkCache,
    YumCache,
    DnfCache,
    ZypperCache,
    PipCache,
    NpmCache,
}

impl Leftover {
    fn paths(self) -> &'static [&'static str] {
        match self {
            Leftover::AptLists => &["/var/lib/apt/lists/x"],
            Leftover::AptArchives => &["/var/cache/apt/archives/x.deb"],
            Leftover::ApkCache => &["/var/cache/apk/x"],
            Leftover::YumCache => &["/var/cache/yum/x"],
            Leftover::DnfCache => &[
                "/var/cache/dnf/x",
                "/var/cache/libdnf5/x",
                "/var/cache/yum/x",
            ],
            Leftover::ZypperCache => &["/var/cache/zypp/x"],
            Leftover::PipCache => &["/root/.cache/pip/x", "~/.cache/pip/x", "$HOME/.cache/pip/x"],
            Leftover::NpmCache => &[
                "/root/.npm/_cacache/x",
                "~/.npm/_cacache/x",
                "$HOME/.npm/_cacache/x",
            ],
        }
    }

    fn what(self) -> &'static str {
        match self {
            Leftover::AptLists => "package lists",
            Leftover::AptArchives => "downloaded packages",
            Leftover::PipCache | Leftover::NpmCache => "download cache",
            _ => "package cache",
        }
    }
}

/// What one command leaves behind.
fn fills(pkg: &Package) -> Option<Leftover> {
    match (pkg.manager, pkg.action) {
        (Manager::Apt, Action::Update) => Some(Leftover::AptLists),
        (Manager::Apt, Action::Install) => Some(Leftover::AptArchives),
        (Manager::Apk, Action::Update) => Some(Leftover::ApkCache),
        (Manager::Apk, Action::Install) if !pkg.skips_cache() => Some(Leftover::ApkCache),
        (Manager::Yum, Action::Install | Action::Update) => Some(Leftover::YumCache),
        (Manager::Dnf, Action::Install | Action::Update) => Some(Leftover::DnfCache),
        (Manager::Zypper, Action::Install | Action::Update) => Some(Leftover::ZypperCache),
        (Manager::Pip, Action::Install) if !pkg.skips_cache() => Some(Leftover::PipCache),
        _ => None,
    }
}

/// What one command cleans: a package manager's clean command.
fn cleans(pkg: &Package) -> &'static [Leftover] {
    match (pkg.manager, pkg.action) {
        (Manager::Apt, Action::Clean) if pkg.cleans_lists() => {
            &[Leftover::AptLists, Leftover::AptArchives]
        }
        (Manager::Apt, Action::Clean) => &[Leftover::AptArchives],
        (Manager::Apk, Action::Clean) => &[Leftover::ApkCache],
        (Manager::Yum, Action::Clean) => &[Leftover::YumCache],
        (Manager::Dnf, Action::Clean) => &[Leftover::DnfCache],
        (Manager::Zypper, Action::Clean) => &[Leftover::ZypperCache],
        (Manager::Pip, Action::Clean) => &[Leftover::PipCache],
        _ => &[],
    }
}

const ALL: [Leftover; 8] = [
    Leftover::AptLists,
    Leftover::AptArchives,
    Leftover::ApkCache,
    Leftover::YumCache,
    Leftover::DnfCache,
    Leftover::ZypperCache,
    Leftover::PipCache,
    Leftover::NpmCache,
];

fn check(cx: &Context, out: &mut Report) {
    // Leftovers of earlier RUNs not cleaned in their own RUN: (what, line, command), only the
    // latest of each kind (the one a message names), so at most one per kind.
    let mut left: Vec<(Leftover, u32, String)> = Vec::new();
    // Packages earlier RUNs installed: (manager, name) to the first (line, command).
    let mut installed: HashMap<(Manager, String), (u32, String)> = HashMap::new();
    paths::walk(cx, |run: &RunView| {
        let line = run.ins.span.start.line;
        let mut filled: Vec<(Leftover, String)> = Vec::new();
        // The kinds in `filled` and the kinds cleaned, each once.
        let mut filled_kinds: Vec<Leftover> = Vec::new();
        let mut cleaned: Vec<Leftover> = Vec::new();
        let mut mine: Vec<(Manager, String, String)> = Vec::new();
        let mut mine_names: HashSet<(Manager, String)> = HashSet::new();
        // The message, and the line of the instruction that made what this RUN cleans.
        let mut finding: Option<(String, u32)> = None;
        // Every command of this RUN is a cleanup: a fix can move them all.
        let mut only_cleanup = true;
        for step in run.steps {
            let pkg = packages::read(&step.command);
            let npm_install = step.command.is("npm")
                && matches!(step.command.subcommand(), Some("install" | "i" | "ci"));
            if let Some(pkg) = &pkg {
                if let Some(what) = fills(pkg) {
                    filled.push((what, pkg.title()));
                    if !filled_kinds.contains(&what) {
                        filled_kinds.push(what);
                    }
                }
                if pkg.action == Action::Install {
                    for name in install_names(pkg) {
                        mine_names.insert((pkg.manager, name.clone()));
                        mine.push((pkg.manager, name, pkg.title()));
                    }
                }
            }
            if npm_install {
                filled.push((Leftover::NpmCache, "npm install".to_string()));
                if !filled_kinds.contains(&Leftover::NpmCache) {
                    filled_kinds.push(Leftover::NpmCache);
                }
            }
            only_cleanup &= is_cleanup(&step.command, pkg.as_ref(), !step.removes.is_empty());
            // What this command cleans.
            let mut now: Vec<Leftover> = pkg.as_ref().map(cleans).unwrap_or(&[]).to_vec();
            if step.command.is("npm")
                && step.command.subcommand() == Some("cache")
                && step.command.operands().get(1) == Some(&"clean")
            {
                now.push(Leftover::NpmCache);
            }
            for (removed, _) in &step.removes {
                now.extend(
                    ALL.iter()
                        .filter(|l| l.paths().iter().any(|p| covers(removed, p))),
                );
            }
            for what in &now {
                if !cleaned.contains(what) {
                    cleaned.push(*what);
                }
                let own = filled_kinds.contains(what);
                if own || finding.is_some() {
                    continue;
                }
                if let Some((_, at, title)) = left.iter().rev().find(|(l, _, _)| l == what) {
                    finding = Some((format!(
                        "`{}` runs in a later layer than the `{title}` on line {at}, so it cannot take the {} out of that layer: clean up in the RUN that creates them",
                        step.command.words.join(" "),
                        what.what()
                    ), *at));
                }
            }
            // Build dependencies removed here but installed by an earlier RUN.
            if let Some(pkg) = &pkg {
                if pkg.action == Action::Remove && finding.is_none() {
                    let hit = pkg.names.iter().find_map(|n| {
                        let key = (pkg.manager, bare_name(n).to_string());
                        if mine_names.contains(&key) {
                            return None;
                        }
                        let (at, title) = installed.get(&key)?;
                        Some((key.1, at, title))
                    });
                    if let Some((name, at, title)) = hit {
                        finding = Some((format!(
                            "`{}` removes `{name}`, which the `{title}` on line {at} installed, but a later layer cannot shrink an earlier one: install, use and remove it in one RUN",
                            step.command.words.join(" ")
                        ), *at));
                    }
                }
            }
            // Files an earlier instruction wrote.
            if finding.is_none() {
                for (removed, written_as) in &step.removes {
                    let hit = run.earlier.last_removed_by(removed);
                    if let Some(w) = hit {
                        let Some(origin) = cx.instructions().get(w.index) else {
                            continue;
                        };
                        let keyword = origin.kind.name();
                        let advice = if keyword == "RUN" {
                            "delete it in that RUN"
                        } else {
                            "bind-mount it for the RUN that needs it (`RUN --mount=type=bind`) or leave it out of the copy"
                        };
                        finding = Some((format!(
                            "`rm {written_as}` deletes what the {keyword} on line {} wrote, but the bytes stay in that layer: {advice}",
                            origin.span.start.line
                        ), origin.span.start.line));
                        break;
                    }
                }
            }
        }
        if let Some((message, origin)) = finding {
            // The cleanup moves into the RUN right before it when that RUN made the files.
            let before = run.index.checked_sub(1);
            let made_there = before
                .and_then(|i| cx.instructions().get(i))
                .is_some_and(|ins| ins.kind == Kind::Run && ins.span.start.line == origin);
            let edits = if made_there && only_cleanup {
                join::fold(cx, run.index).into_iter().collect()
            } else {
                Vec::new()
            };
            out.add_with_edits(cx.head(run.ins), message, None, edits);
        }
        for (what, title) in filled {
            // Kept in a cache mount, it never reached the layer.
            let mounted = what.paths().iter().any(|p| mount_covers(run.ins, p));
            if !cleaned.contains(&what) && !mounted {
                left.retain(|(l, _, _)| *l != what);
                left.push((what, line, title));
            }
        }
        left.retain(|(what, at, _)| *at == line || !cleaned.contains(what));
        for (manager, name, title) in mine {
            installed.entry((manager, name)).or_insert((line, title));
        }
    });
}

/// Whether a command only deletes: an `rm`, `find -delete`, a package manager's clean or
/// remove, `npm cache clean`.
fn is_cleanup(command: &Command, pkg: Option<&Package>, removes: bool) -> bool {
    removes
        || pkg.is_some_and(|p| matches!(p.action, Action::Clean | Action::Remove))
        || (command.is("find") && command.args().iter().any(|a| a == "-delete"))
        || (command.is("npm")
            && command.subcommand() == Some("cache")
            && command.operands().get(1) == Some(&"clean"))
}

/// What an install makes removable by name: its packages and an apk `--virtual` group.
fn install_names(pkg: &Package) -> Vec<String> {
    let mut names: Vec<String> = pkg.names.iter().map(|n| bare_name(n).to_string()).collect();
    if pkg.manager == Manager::Apk {
        if let Some(group) = option_value(&pkg.command, &["-t", "--virtual"]) {
            names.push(group.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, passes};

    #[test]
    fn catches_cache_cleanup_in_a_later_run() {
        assert_eq!(
            catches(
                &RULE,
                "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n"
            ),
            [3]
        );
        catches(
            &RULE,
            "FROM alpine:3\nRUN apk update\nRUN apk add --no-cache git\nRUN rm -r /var/cache/apk/*\n",
        );
        catches(
            &RULE,
            "FROM centos:7\nRUN yum install -y httpd\nRUN yum clean all\n",
        );
        catches(
            &RULE,
            "FROM python:3\nRUN pip install flask\nRUN rm -rf /root/.cache\n",
        );
    }

    #[test]
    fn catches_build_dependencies_removed_later() {
        catches(
            &RULE,
            "FROM alpine:3\nRUN apk add --virtual .build-deps gcc\nRUN make\nRUN apk del .build-deps\n",
        );
        catches(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\nRUN sudo apt-get purge -y gcc\n",
        );
    }

    #[test]
    fn catches_files_deleted_later() {
        assert_eq!(
            catches(
                &RULE,
                "FROM php:8\nRUN wget -O /tmp/nr.tar.gz https://x/nr.tar.gz\nRUN tar -xzf /tmp/nr.tar.gz -C /opt\nRUN rm /tmp/nr.tar.gz\n"
            ),
            [4]
        );
        catches(
            &RULE,
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN rm -rf tests\n",
        );
        catches(
            &RULE,
            "FROM alpine\nWORKDIR /tmp\nRUN curl -fsSLO https://x/a.zip\nRUN <<EOF\nrm -f /tmp/*.zip\nEOF\n",
        );
        // Through a stage the final one builds on.
        catches(
            &RULE,
            "FROM alpine AS base\nCOPY big.bin /opt/big.bin\nFROM base\nRUN rm /opt/big.bin\n",
        );
    }

    #[test]
    fn does_not_catch_same_run_cleanup() {
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n",
        );
        passes(
            &RULE,
            "FROM alpine:3\nRUN apk add --virtual .b gcc && make && apk del .b\n",
        );
        passes(
            &RULE,
            "FROM alpine\nRUN wget -O /tmp/a https://x && tar xf /tmp/a && rm /tmp/a\nRUN rm -rf /tmp/*\n",
        );
        // Files of the base image: nothing here wrote them.
        passes(&RULE, "FROM nginx\nRUN rm /etc/nginx/conf.d/default.conf\n");
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get purge -y --auto-remove perl\n",
        );
    }

    #[test]
    fn does_not_catch_stages_that_do_not_ship() {
        passes(
            &RULE,
            "FROM debian:12 AS build\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\nFROM scratch\nCOPY --from=build /x /x\n",
        );
        passes(
            &RULE,
            "FROM alpine\nRUN --mount=type=cache,target=/tmp/dl wget -O /tmp/dl/a https://x\nRUN rm /tmp/dl/a\n",
        );
        passes(
            &RULE,
            "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add x\nRUN rm -rf /var/cache/apk/*\n",
        );
    }

    #[test]
    fn fixes_by_moving_the_cleanup_into_the_run_before() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl\n# tidy\nRUN apt-get clean && rm -rf /var/lib/apt/lists/*\nCMD [\"curl\"]\n"
            ),
            "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl \\\n# tidy\n    && apt-get clean && rm -rf /var/lib/apt/lists/*\nCMD [\"curl\"]\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM alpine:3\nRUN apk add --virtual .b gcc && make\nRUN apk del .b\n"
            ),
            "FROM alpine:3\nRUN apk add --virtual .b gcc && make \\\n && apk del .b\n"
        );
    }

    #[test]
    fn does_not_fix_unless_the_run_before_made_it_and_only_cleanup_moves() {
        // Something else in between may need the files.
        does_not_fix(
            &RULE,
            "FROM alpine:3\nRUN apk add --virtual .b gcc\nRUN make\nRUN apk del .b\n",
        );
        // The cleanup RUN does more than clean up.
        does_not_fix(
            &RULE,
            "FROM python:3\nRUN pip install flask\nRUN rm -rf /root/.cache && python -m compileall\n",
        );
        does_not_fix(
            &RULE,
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN rm -rf tests\n",
        );
        does_not_fix(
            &RULE,
            "FROM alpine\nWORKDIR /tmp\nRUN cd /tmp && curl -fsSLO https://x/a.zip\nRUN rm -f a.zip\n",
        );
        does_not_fix(
            &RULE,
            "FROM centos:7\nRUN yum install -y httpd\nRUN yum clean all; rm -rf /var/cache/yum\n",
        );
    }
}
