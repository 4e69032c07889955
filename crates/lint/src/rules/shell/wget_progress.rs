//! ## What it does
//! Flags `wget` in a `RUN` without a setting that quiets its progress output: `-q` /
//! `--quiet`, `-nv` / `--no-verbose`, `--progress=...`, or a log file (`-o` / `-a`). When one
//! `wget` of the `RUN` sets `--progress`, the others are taken as chosen that way.
//!
//! ## Why it matters
//! Without a terminal, GNU wget falls back to its "dot" progress display, which writes a line
//! for every 50 KB downloaded. Downloading a large archive then fills the build log with
//! thousands of lines, slows the build output down and buries the lines that matter when a
//! build fails.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN wget https://example.com/big.tar.gz
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN wget --progress=dot:giga https://example.com/big.tar.gz
//! ```
//! On Alpine, `wget` is BusyBox's, which has no `--progress`: use `wget -q`.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{busybox_stages, in_busybox_stage};

pub const RULE: Rule = Rule {
    code: "DD410",
    name: "wget-progress",
    level: Level::Info,
    hadolint: Some("DL3047"),
    source: include_str!("wget_progress.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let busybox = busybox_stages(cx);
    for (index, ins, script) in cx.runs() {
        // A RUN that sets the progress of one wget shows the author chose per download
        // (docker-library quiets the large archive and lets the signature print).
        let chosen = script
            .running("wget")
            .any(|c| c.args().iter().any(|a| a.starts_with("--progress")));
        if chosen {
            continue;
        }
        for original in &script.commands {
            if super::is_lookup(original) {
                continue;
            }
            let cmd = original.unwrapped();
            if !cmd.is("wget") {
                continue;
            }
            let args = cmd.args();
            let quiet = cmd.has_short_option('q')
                || args.iter().any(|a| {
                    matches!(
                        a.as_str(),
                        "--quiet" | "-nv" | "--no-verbose" | "-o" | "-a" | "--spider"
                    ) || a.starts_with("--progress")
                        || a.starts_with("--output-file")
                        || a.starts_with("--append-output")
                        // `-o/tmp/log`: a log file glued to its flag.
                        || (a.starts_with("-o") && a.len() > 2 && !a.starts_with("--"))
                });
            // Output to stdout for a pipe still draws progress on stderr; only -q stops that.
            if quiet {
                continue;
            }
            let message = if in_busybox_stage(cx, &busybox, index) {
                "BusyBox `wget` draws its progress bar into the build log: add `-q` (it has no `--progress`)"
            } else {
                "`wget` writes a progress line for every 50 KB it downloads into the build log: add `--progress=dot:giga`"
            };
            out.add(cx.head(ins), message);
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_wget_with_progress() {
        assert_eq!(
            catches(&RULE, "FROM debian\nRUN wget https://x/big.tgz\n"),
            [2]
        );
        catches(&RULE, "FROM debian\nRUN wget -O - https://x | tar -xz\n");
        catches(&RULE, "FROM debian\nRUN <<EOF\nwget -c https://x\nEOF\n");
        let alpine = hits(&RULE, "FROM alpine:3.20\nRUN wget https://x\n");
        assert!(alpine[0].message.contains("`-q`"));
    }

    #[test]
    fn does_not_catch_quiet_wget() {
        passes(&RULE, "FROM debian\nRUN wget -q https://x\n");
        passes(&RULE, "FROM debian\nRUN wget -qO- https://x | tar -xz\n");
        passes(
            &RULE,
            "FROM debian\nRUN wget --progress=dot:giga https://x\n",
        );
        passes(&RULE, "FROM debian\nRUN wget -nv https://x\n");
        passes(&RULE, "FROM debian\nRUN wget --no-verbose https://x\n");
        passes(&RULE, "FROM debian\nRUN wget -o /tmp/log https://x\n");
        passes(&RULE, "FROM debian\nRUN wget --spider https://x\n");
        passes(&RULE, "FROM debian\nRUN curl -fsSLO https://x\n");
        passes(&RULE, "FROM debian\nRUN wget -O x.asc https://x.asc; wget -O x https://x --progress=dot:giga\n");
    }
}
