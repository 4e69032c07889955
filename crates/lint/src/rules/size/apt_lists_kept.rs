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

use crate::finding::Level;
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
    for (ins, pkg) in hits {
        out.add(
            cx.head(ins),
            format!(
                "`{}` leaves the package lists in this layer: end the same RUN with `rm -rf /var/lib/apt/lists/*`",
                pkg.title()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

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
}
