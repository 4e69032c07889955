//! ## What it does
//! Flags a `COPY` of an archive (`.tar.gz`, `.tgz`, `.zip`, ...) from the build context that a
//! later RUN of the same stage unpacks with `tar -x`, `unzip`, `gunzip` and the like.
//!
//! ## Why it matters
//! The COPY commits the archive in its own layer, and the RUN commits what it unpacks in
//! another: the image carries the contents twice, once compressed, and removing the archive
//! in the RUN frees nothing because the earlier layer still holds it. `ADD` unpacks a local
//! tar archive (plain, gzip, bzip2 or xz) straight into the layer; for other formats a bind
//! mount lends the archive to the one RUN that unpacks it, without committing it.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! COPY vendor.tar.gz /tmp/
//! RUN tar -xzf /tmp/vendor.tar.gz -C /opt && rm /tmp/vendor.tar.gz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! ADD vendor.tar.gz /opt/
//! ```
//! or, for a zip: `RUN --mount=type=bind,source=vendor.zip,target=/tmp/vendor.zip unzip
//! /tmp/vendor.zip -d /opt`.
//!
//! ## Differences from hadolint
//! hadolint's DL3010 recommends `ADD` for every format; `ADD` unpacks only tar archives, so for
//! zip and single-file compression Drydock recommends a bind mount. Drydock also reads zip
//! archives, which hadolint 2.15 does not report, and tar's old-style options (`tar xzf`).

use std::collections::HashMap;

use drydock_dockerfile::{Args, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::shell::Command;

pub const RULE: Rule = Rule {
    code: "DD130",
    name: "archive-copied-then-extracted",
    level: Level::Info,
    hadolint: Some("DL3010"),
    source: include_str!("archive_copied_then_extracted.rs"),
    check,
};

/// Archives `ADD` unpacks.
const TAR: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz",
];
/// Archives and compressed files it does not.
const OTHER: &[&str] = &[
    ".zip", ".gz", ".bz2", ".xz", ".lz", ".lzma", ".tlz", ".Z", ".tZ", ".7z", ".zst", ".tar.zst",
];

const UNPACKERS: &[&str] = &[
    "unzip",
    "gunzip",
    "bunzip2",
    "unlzma",
    "unxz",
    "uncompress",
    "zcat",
    "gzcat",
    "7z",
    "unzstd",
];

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        // Archive basename -> the COPYs that brought it, in this stage so far.
        let mut copied: HashMap<String, Vec<usize>> = HashMap::new();
        let mut reported: Vec<usize> = Vec::new();
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            if ins.kind == Kind::Copy && ins.flag("from").is_none() {
                for name in archives(&ins.args) {
                    copied.entry(name).or_default().push(index);
                }
                continue;
            }
            if copied.is_empty() {
                continue;
            }
            let Some(script) = cx.script(index) else {
                continue;
            };
            for cmd in &script.commands {
                let cmd = cmd.unwrapped();
                if !unpacks(&cmd) {
                    continue;
                }
                for arg in cmd.args() {
                    let Some(copies) = copied.remove(basename(arg)) else {
                        continue;
                    };
                    reported.extend(copies);
                }
            }
        }
        reported.sort_unstable();
        reported.dedup();
        for ins in reported.iter().filter_map(|&at| cx.instructions().get(at)) {
            let names = archives(&ins.args);
            let name = names.first().map_or("the archive", String::as_str);
            let advice = if TAR.iter().any(|e| name.ends_with(e)) {
                format!("`ADD {name} <dir>/` unpacks it in one step")
            } else {
                "lend it to the RUN with `--mount=type=bind,source=...` instead".to_string()
            };
            out.add(
                cx.head(ins),
                format!("`{name}` is copied into a layer and unpacked in a later RUN, so the image stores it twice: {advice}"),
            );
        }
    }
}

/// The archive names a COPY brings in: the destination's if it names an archive, else its
/// sources'.
fn archives(args: &Args) -> Vec<String> {
    let words = match args {
        Args::Words(w) | Args::Exec(w) => w,
        _ => return Vec::new(),
    };
    let Some((dest, sources)) = words.split_last() else {
        return Vec::new();
    };
    if is_archive(&dest.value) {
        return vec![basename(&dest.value).to_string()];
    }
    sources
        .iter()
        .map(|s| basename(&s.value))
        .filter(|s| is_archive(s))
        .map(str::to_string)
        .collect()
}

fn is_archive(word: &str) -> bool {
    let word = word.trim_matches(['"', '\'']);
    !word.contains('$') && TAR.iter().chain(OTHER).any(|e| word.ends_with(e))
}

fn basename(word: &str) -> &str {
    let word = word.trim_matches(['"', '\'']);
    word.rsplit(['/', '\\']).next().unwrap_or(word)
}

/// `tar -x`/`--extract`/`--get`/`tar xzf`, or one of the unpackers.
fn unpacks(cmd: &Command) -> bool {
    if cmd.is("tar") {
        let old_style = cmd.args().first().is_some_and(|a| {
            !a.starts_with('-') && a.contains('x') && a.chars().all(|c| c.is_ascii_alphabetic())
        });
        return old_style || cmd.has_short_option('x') || cmd.has_any_flag(&["--extract", "--get"]);
    }
    UNPACKERS.iter().any(|p| cmd.is(p))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_archives_unpacked_later() {
        assert_eq!(
            catches(
                &RULE,
                "FROM a:1\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n"
            ),
            [2]
        );
        catches(
            &RULE,
            "FROM a:1\nCOPY dist/x.zip /tmp/\nRUN cd /opt && unzip /tmp/x.zip\n",
        );
        catches(
            &RULE,
            "FROM a:1\nCOPY src.tgz /tmp/app.tgz\nRUN tar xf /tmp/app.tgz\n",
        );
        catches(
            &RULE,
            "FROM a:1\nCOPY [\"a.tar\", \"/tmp/\"]\nRUN sudo tar --extract -f /tmp/a.tar\n",
        );
    }

    #[test]
    fn does_not_catch_other_stages_copies_or_commands() {
        passes(
            &RULE,
            "FROM a:1\nCOPY app.tar.gz /tmp/\nFROM b:1\nRUN tar -xzf /tmp/app.tar.gz\n",
        );
        passes(
            &RULE,
            "FROM a:1 AS b\nFROM c:1\nCOPY --from=b /app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
        );
        passes(
            &RULE,
            "FROM a:1\nCOPY app.tar.gz /srv/\nRUN tar -tzf /srv/app.tar.gz && tar -czf b.tgz /srv\n",
        );
        passes(
            &RULE,
            "FROM a:1\nRUN tar -xzf /tmp/app.tar.gz\nCOPY app.tar.gz /tmp/\n",
        );
        passes(&RULE, "FROM a:1\nCOPY . /src\nRUN unzip /src/other.zip\n");
    }
}
