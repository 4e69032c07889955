//! ## What it does
//! Flags `COPY --from=<stage or image> / /`: copying the whole filesystem of another stage or
//! image onto the root of this one.
//!
//! ## Why it matters
//! The copy brings everything: the other stage's package database, caches, shells, compilers
//! and `/etc` land on top of this stage's own files in one layer, replacing some and keeping
//! the rest, so the result matches neither image. The layer is as big as the whole source
//! filesystem, and files such as `/etc/passwd` or the dynamic loader from one distribution
//! silently break the other. Copying what the image needs, path by path, keeps the layer small
//! and the result predictable.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.23 AS build
//! RUN go build -o /out/app .
//! FROM debian:12-slim
//! COPY --from=build / /
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.23 AS build
//! RUN go build -o /out/app .
//! FROM debian:12-slim
//! COPY --from=build /out/app /usr/local/bin/app
//! ```
//! To make an image of exactly another stage's files, start from it (`FROM build`) or copy
//! onto `scratch`, which has nothing to clash with.
//!
//! ## Differences from hadolint
//! hadolint's DL3067 also reports the copy into a `FROM scratch` stage; Drydock does not, as
//! nothing there is overwritten or mixed.

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD133",
    name: "copy-entire-filesystem",
    level: Level::Warning,
    hadolint: Some("DL3067"),
    source: include_str!("copy_entire_filesystem.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (index, ins) in cx.instructions().iter().enumerate() {
        if ins.kind != Kind::Copy {
            continue;
        }
        let Some(from) = ins.flag("from").and_then(|f| f.value.as_deref()) else {
            continue;
        };
        let words = match &ins.args {
            Args::Words(w) | Args::Exec(w) => w,
            _ => continue,
        };
        let Some((dest, sources)) = words.split_last() else {
            continue;
        };
        let root = |w: &str| matches!(w.trim_matches(['"', '\'']), "/" | "/." | "//");
        if !root(&dest.value) || !sources.iter().any(|s| root(&s.value)) {
            continue;
        }
        let onto_scratch = cx
            .stage_of(index)
            .and_then(|s| s.base.as_ref())
            .is_some_and(|b| b.value.eq_ignore_ascii_case("scratch"));
        if onto_scratch {
            continue;
        }
        out.add(
            cx.head(ins),
            format!("`COPY --from={from} / /` lays the whole filesystem of `{from}` over this stage in one layer: copy only the paths the image needs"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_whole_filesystem_copies() {
        assert_eq!(
            catches(&RULE, "FROM a:1 AS b\nFROM c:1\nCOPY --from=b / /\n"),
            [3]
        );
        catches(&RULE, "FROM c:1\nCOPY --from=alpine:3.20 [\"/\", \"/\"]\n");
        catches(&RULE, "FROM c:1\nCOPY --link --from=0 \"/\" /.\n");
    }

    #[test]
    fn does_not_catch_paths_the_context_or_scratch() {
        passes(
            &RULE,
            "FROM a:1 AS b\nFROM c:1\nCOPY --from=b /out /\nCOPY --from=b / /opt/b/\nCOPY / /\n",
        );
        passes(&RULE, "FROM a:1 AS b\nFROM scratch\nCOPY --from=b / /\n");
    }
}
