//! ## What it does
//! Flags a RUN of a stage that ends up in the final image that runs `apt-get update` (or
//! `apt update`) without deleting `/var/lib/apt/lists` before it ends, unless the RUN mounts a
//! cache there (`--mount=type=cache,target=/var/lib/apt/lists` or `/var/lib/apt`).
//!
//! ## Why it matters
//! `apt-get update` downloads the package index of every configured repository into
//! `/var/lib/apt/lists`: often tens of megabytes that nothing in the running container uses.
//! Left there, they are committed with the layer and shipped with every pull. Deleting them in
//! a later RUN does not help, since the earlier layer keeps its copy; only the same RUN can
//! drop them before the layer is saved.
//!
//! ## Example
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN apt-get update && apt-get install -y --no-install-recommends curl \
//!  && rm -rf /var/lib/apt/lists/*
//! ```
//! Stages that only feed `COPY --from` are not checked: their lists never ship.
//!
//! `drydock lint --fix` appends `&& rm -rf /var/lib/apt/lists/*` to the RUN, in the
//! continuation style it already uses, when the RUN is in shell form without a heredoc and runs
//! as root (no `USER` of another user before it, no `sudo` in it).

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::fix::join;
use crate::packages::{Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::caches;

pub const RULE: Rule = Rule {
    code: "DD105",
    name: "apt-lists-kept",
    level: Level::Info,
    hadolint: Some("DL3009"),
    source: include_str!("apt_lists_kept.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let hits = caches::installs_keeping_cache(
        cx,
        Manager::Apt,
        |p| p.action == Action::Update,
        // `apt-get dist-clean` (APT 2.7+) removes the lists too.
        |p| p.cleans_lists(),
        &["/var/lib/apt/lists"],
    );
    let root = runs_as_root(cx);
    for (index, ins, pkg) in hits {
        let sudo = cx
            .script(index)
            .is_some_and(|s| s.commands.iter().any(|c| c.is("sudo")));
        // A next RUN that deletes the lists is folded into this one by
        // `cleanup-in-later-layer`; appending here too would leave it behind as dead weight.
        let folded_next = cx.script(index + 1).is_some_and(|s| {
            s.commands
                .iter()
                .any(|c| caches::removes_any(c, &["/var/lib/apt/lists"]))
        }) && join::fold(cx, index + 1).is_some();
        let edits = if root.get(index).copied().unwrap_or(false) && !sudo && !folded_next {
            join::append(cx, index, "rm -rf /var/lib/apt/lists/*")
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        out.add_with_edits(
            cx.head(ins),
            format!(
                "`{}` leaves the package lists in this layer: end the same RUN with `rm -rf /var/lib/apt/lists/*`",
                pkg.title()
            ),
            None,
            edits,
        );
    }
}

/// Per instruction, whether it runs as root as far as the file says: no USER before it in its
/// stage or the stages it builds on, or the last one names root. A base image's own USER is not
/// known; images that install with APT run as root unless told otherwise.
fn runs_as_root(cx: &Context) -> Vec<bool> {
    let mut out = vec![true; cx.instructions().len()];
    // Whether each stage ends as root, filled in file order so a parent is known first.
    let mut at_end: Vec<bool> = Vec::with_capacity(cx.stages.len());
    for stage in &cx.stages {
        let mut root = cx
            .parent(stage)
            .and_then(|p| at_end.get(p.index).copied())
            .unwrap_or(true);
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            if ins.kind == Kind::User {
                root = match &ins.args {
                    Args::Shell(arg) => {
                        let user = arg.value.trim();
                        let name = user.split(':').next().unwrap_or(user);
                        matches!(name, "root" | "0")
                    }
                    _ => false,
                };
            }
            if let Some(slot) = out.get_mut(index) {
                *slot = root;
            }
        }
        at_end.push(root);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, passes};

    #[test]
    fn catches_lists_left_behind() {
        assert_eq!(
            catches(
                &RULE,
                "FROM debian:12\nRUN apt-get update && apt-get install -y x\n"
            ),
            [2]
        );
        catches(&RULE, "FROM debian:12\nRUN sudo apt update\n");
        catches(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y x && apt-get clean\n",
        );
        // Cleaning before the update does not count.
        catches(
            &RULE,
            "FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update\n",
        );
        catches(
            &RULE,
            "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n",
        );
        // A cache mount on the archives alone leaves the lists in the layer.
        catches(
            &RULE,
            "FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\n",
        );
    }

    #[test]
    fn does_not_catch_cleaned_or_cached_lists() {
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists\n",
        );
        passes(
            &RULE,
            "FROM debian:13\nRUN apt-get update; apt-get install -y x; apt-get dist-clean\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update; find /var/lib/apt/lists -type f -delete\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update\n",
        );
        passes(
            &RULE,
            "FROM debian:12 AS build\nRUN apt-get update\nFROM scratch\nCOPY --from=build /x /x\n",
        );
        passes(&RULE, "FROM debian:12\nRUN apt-get install -y ./x.deb\n");
    }

    // `dist-clean` was read as the first operand, without skipping `-o`'s value.
    #[test]
    fn dist_clean_after_an_option_value_still_removes_the_lists() {
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y x && apt-get -o Debug::NoLocking=1 dist-clean\n",
        );
    }

    #[test]
    fn fixes_by_removing_the_lists_at_the_end_of_the_run() {
        assert_eq!(
            fixes(&RULE, "FROM debian:12\nRUN apt-get update && apt-get install -y x\n"),
            "FROM debian:12\nRUN apt-get update && apt-get install -y x \\\n && rm -rf /var/lib/apt/lists/*\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y x\nCMD [\"x\"]\n"
            ),
            "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y x \\\n    && rm -rf /var/lib/apt/lists/*\nCMD [\"x\"]\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM debian:12\nUSER app\nUSER root\nRUN apt-get update && \\\n  apt-get install -y x\n"
            ),
            "FROM debian:12\nUSER app\nUSER root\nRUN apt-get update && \\\n  apt-get install -y x && \\\n  rm -rf /var/lib/apt/lists/*\n"
        );
    }

    #[test]
    fn does_not_fix_what_it_cannot_append_to_safely() {
        does_not_fix(
            &RULE,
            "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n",
        );
        does_not_fix(&RULE, "FROM debian:12\nRUN [\"apt-get\", \"update\"]\n");
        does_not_fix(&RULE, "FROM debian:12\nRUN apt-get update # refresh\n");
        does_not_fix(&RULE, "FROM debian:12\nRUN apt-get update || exit 0\n");
        // Not root: the rm would fail and break the build.
        does_not_fix(&RULE, "FROM debian:12\nUSER app\nRUN sudo apt-get update\n");
        does_not_fix(
            &RULE,
            "FROM debian:12 AS base\nUSER 1000\nFROM base\nRUN apt-get update\n",
        );
        does_not_fix(&RULE, "FROM debian:12\nRUN sudo apt-get update\n");
        // The next RUN deletes them: that RUN moves in instead.
        does_not_fix(
            &RULE,
            "FROM debian:12\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\n",
        );
    }
}
