//! ## What it does
//! Flags `yarn install` (or a bare `yarn`) in a stage that ends up in the final image when the
//! same RUN does not end with `yarn cache clean`, delete the cache, or mount a cache over it.
//!
//! ## Why it matters
//! Yarn keeps a copy of every package it downloads in its global cache
//! (`/usr/local/share/.cache/yarn` for root in the official Node images, `~/.cache/yarn`
//! otherwise), next to the unpacked copy in `node_modules`. In an image build nothing reuses
//! that cache: it is committed with the layer and shipped with every pull, often hundreds of
//! megabytes. Cleaning it in the same RUN keeps it out; cleaning it in a later RUN does not,
//! because the earlier layer still holds it.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! COPY package.json yarn.lock ./
//! RUN yarn install --frozen-lockfile --production
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! COPY package.json yarn.lock ./
//! RUN yarn install --frozen-lockfile --production && yarn cache clean
//! ```
//! or keep the speed-up without the bytes:
//! `RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile`.
//!
//! ## Differences from hadolint
//! hadolint's DL3060 reports only in the last stage, accepts `yarn cache clean` anywhere in the
//! RUN (even before the install) and knows only `yarn install`. Drydock checks every stage that
//! ships (the last and those it is built `FROM`), wants the clean after the install, also reads
//! a bare `yarn`, and accepts a cache mount or an `rm` of the cache directory.

use crate::finding::Level;
use crate::packages::NODE;
use crate::rule::{mount_covers, Context, Report, Rule};
use crate::rules::size::caches::{cleaned_after, removes_any};
use crate::shell::Command;

pub const RULE: Rule = Rule {
    code: "DD132",
    name: "yarn-cache-kept",
    level: Level::Info,
    hadolint: Some("DL3060"),
    source: include_str!("yarn_cache_kept.rs"),
    check,
};

/// Where yarn keeps its global cache, by user and version.
const CACHE: &[&str] = &[
    "/usr/local/share/.cache/yarn",
    "/root/.cache/yarn",
    "/home/node/.cache/yarn",
    "~/.cache/yarn",
    "$HOME/.cache/yarn",
    "/root/.yarn/berry/cache",
    "~/.yarn/berry/cache",
];

fn check(cx: &Context, out: &mut Report) {
    for (index, ins, script) in cx.runs() {
        let ships = cx.stage_of(index).is_some_and(|s| cx.ships(s));
        if !ships || CACHE.iter().any(|d| mount_covers(ins, d)) {
            continue;
        }
        let commands = &script.commands;
        let cleaned = cleaned_after(commands, |c| cleans(c) || removes_any(c, CACHE));
        let kept = commands.iter().enumerate().find(|(at, c)| {
            installs(&c.unwrapped()) && !cleaned.get(*at).copied().unwrap_or(false)
        });
        if let Some((_, cmd)) = kept {
            let cmd = cmd.unwrapped();
            let folder = crate::packages::option_value(&cmd, &["--cache-folder"]);
            if folder.is_some_and(|f| mount_covers(ins, f)) {
                continue;
            }
            let title = match NODE.subcommand(&cmd) {
                Some(sub) => format!("yarn {sub}"),
                None => "yarn".to_string(),
            };
            out.add(
                cx.head(ins),
                format!("`{title}` leaves a copy of every package in yarn's cache: end the same RUN with `yarn cache clean`"),
            );
        }
    }
}

/// `yarn install`, or `yarn` alone (which installs), but not `yarn --version`.
fn installs(cmd: &Command) -> bool {
    cmd.is("yarn")
        && matches!(NODE.subcommand(cmd), None | Some("install"))
        && !cmd.has_any_flag(&["-v", "--version", "-h", "--help"])
}

/// `yarn cache clean`.
fn cleans(cmd: &Command) -> bool {
    let cmd = cmd.unwrapped();
    cmd.is("yarn") && NODE.operands(&cmd).starts_with(&["cache", "clean"])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_installs_that_keep_the_cache() {
        assert_eq!(
            catches(&RULE, "FROM node:22\nRUN yarn install --frozen-lockfile\n"),
            [2]
        );
        catches(&RULE, "FROM node:22\nRUN yarn --production\n");
        catches(
            &RULE,
            "FROM node:22\nRUN yarn cache clean && yarn install\n",
        );
        catches(
            &RULE,
            "FROM node:22\nRUN yarn install\nRUN yarn cache clean\n",
        );
    }

    #[test]
    fn does_not_catch_cleaned_mounted_or_unshipped_installs() {
        passes(
            &RULE,
            "FROM node:22\nRUN yarn install && yarn build && yarn cache clean --all\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN yarn install && rm -rf /usr/local/share/.cache/yarn\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN --mount=type=cache,target=/yc yarn install --cache-folder /yc\n",
        );
        passes(
            &RULE,
            "FROM node:22 AS build\nRUN yarn install\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
        );
        passes(&RULE, "FROM node:22\nRUN yarn --version && yarn build\n");
    }
}
