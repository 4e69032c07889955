//! ## What it does
//! Flags `apk add` without `--no-cache` in a stage that ends up in the final image, unless the
//! same RUN then deletes `/var/cache/apk` (or runs `apk cache clean`) or mounts a cache there.
//!
//! ## Why it matters
//! With `--update` or after `apk update`, apk keeps the repository index in `/var/cache/apk`,
//! and with a cache configured, the downloaded packages as well. On an image whose whole base
//! is a few megabytes, that is a sizeable share, and nothing at run time reads it.
//! `apk add --no-cache` fetches a fresh index, installs, and keeps nothing: no `apk update`, no
//! cleanup step to forget.
//!
//! ## Example
//! ```dockerfile
//! RUN apk update && apk add curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN apk add --no-cache curl
//! ```
//! Stages that only feed `COPY --from` are not checked: their cache never ships.

use crate::finding::Level;
use crate::fix;
use crate::packages::{Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::caches;

pub const RULE: Rule = Rule {
    code: "DD106",
    name: "apk-add-cache-kept",
    level: Level::Info,
    hadolint: Some("DL3019"),
    source: include_str!("apk_add_cache_kept.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let hits = caches::installs_keeping_cache(
        cx,
        Manager::Apk,
        |p| {
            // `--no-network` installs from what is already there and downloads nothing.
            p.action == Action::Install && !p.skips_cache()
        },
        |p| p.action == Action::Clean,
        Manager::Apk.cache_dirs(),
    );
    for (_, ins, _) in hits {
        let edits = fix::insert_option(cx, ins, "--no-cache", |p| {
            p.manager == Manager::Apk && p.action == Action::Install && !p.skips_cache()
        });
        out.add_with_edits(
            cx.head(ins),
            "`apk add` keeps the package index in /var/cache/apk: use `apk add --no-cache`",
            None,
            edits,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, fixes, passes};

    #[test]
    fn catches_apk_add_with_cache() {
        assert_eq!(catches(&RULE, "FROM alpine:3\nRUN apk add curl\n"), [2]);
        catches(
            &RULE,
            "FROM alpine:3\nRUN apk update && sudo apk add --update curl\n",
        );
        catches(&RULE, "FROM alpine:3\nRUN [\"apk\", \"add\", \"curl\"]\n");
        catches(&RULE, "FROM alpine:3\nRUN <<EOF\napk add curl\nEOF\n");
    }

    #[test]
    fn does_not_catch_no_cache_cleanup_or_mounts() {
        passes(&RULE, "FROM alpine:3\nRUN apk add --no-cache curl\n");
        passes(&RULE, "FROM alpine:3\nRUN apk --no-cache add curl\n");
        passes(
            &RULE,
            "FROM alpine:3\nRUN apk add --no-network --virtual .rundeps $runDeps\n",
        );
        passes(
            &RULE,
            "FROM alpine:3\nRUN apk add -U curl && rm -rf /var/cache/apk/*\n",
        );
        passes(
            &RULE,
            "FROM alpine:3\nRUN apk add curl && apk cache clean\n",
        );
        passes(
            &RULE,
            "FROM alpine:3\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
        );
        passes(
            &RULE,
            "FROM alpine:3 AS build\nRUN apk add gcc\nFROM scratch\nCOPY --from=build /x /x\n",
        );
    }

    #[test]
    fn fixes_by_inserting_no_cache() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM alpine:3\nRUN apk update && sudo apk add --update curl\n"
            ),
            "FROM alpine:3\nRUN apk update && sudo apk add --no-cache --update curl\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "\u{feff}FROM alpine:3\r\nRUN apk add é && apk add --no-cache x\r\n"
            ),
            "\u{feff}FROM alpine:3\r\nRUN apk add --no-cache é && apk add --no-cache x\r\n"
        );
    }
}
