//! ## What it does
//! Flags a `RUN` that pipes one command into another (`curl ... | tar x`) when neither the
//! `SHELL` nor the script itself turns on `pipefail`.
//!
//! ## Why it matters
//! A pipeline's exit status is the status of its last command. Without `pipefail`, a failed
//! download piped into `tar` or `sh` still "succeeds" if the last command does, so the build
//! goes on and caches a broken layer: every later build reuses it until the cache is cleared.
//! With `pipefail` the `RUN` fails where the problem is.
//!
//! Pipelines fed only by `echo` or `printf` are left alone (those cannot fail), and so are
//! pipelines fed by `yes`, which `pipefail` would break: `yes` is killed by a broken pipe on
//! purpose. Bodies under PowerShell or cmd are never read as POSIX shell.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:bookworm-slim
//! SHELL ["/bin/bash", "-o", "pipefail", "-c"]
//! RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
//! ```
//! Debian's and Ubuntu's `/bin/sh` is dash, which has no `pipefail`: use bash in the `SHELL`.
//! On Alpine `/bin/sh` is BusyBox ash, which has it: `SHELL ["/bin/ash", "-o", "pipefail",
//! "-c"]`, or begin the script with `set -o pipefail &&`.

use std::collections::HashSet;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::shell::{Command, Joint};

use super::{busybox_stages, in_busybox_stage};

pub const RULE: Rule = Rule {
    code: "DD401",
    name: "pipe-without-pipefail",
    level: Level::Warning,
    hadolint: Some("DL4006"),
    source: include_str!("pipe_without_pipefail.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let busybox = busybox_stages(cx);
    let mut fixed_stages = HashSet::new();
    for (index, ins, script) in cx.runs() {
        if cx.shell(index).is_some_and(|sh| sh.pipefail) {
            continue;
        }
        let mut pipefail = false;
        // The commands writing into the pipe so far: where the pipeline starts, whether they
        // all only print (`echo`, `printf`) and whether one is `yes`.
        let mut feeders = Feeders::default();
        for (at, cmd) in script.commands.iter().enumerate() {
            if cmd.joint != Joint::Pipe {
                feeders = Feeders {
                    head: at,
                    ..Feeders::default()
                };
            }
            let before = feeders.clone();
            feeders.add(cmd);
            if sets_pipefail(cmd) {
                pipefail = true;
            }
            if cmd.joint != Joint::Pipe || pipefail {
                continue;
            }
            if before.only_print || before.yes {
                continue;
            }
            let source = script
                .commands
                .get(before.head)
                .filter(|_| before.head < at)
                .map_or("", |c| c.name());
            let alpine = in_busybox_stage(cx, &busybox, index);
            let (shell, note) = if alpine {
                (
                    r#"SHELL ["/bin/ash", "-o", "pipefail", "-c"]"#,
                    "or begin the script with `set -o pipefail &&`",
                )
            } else {
                (
                    r#"SHELL ["/bin/bash", "-o", "pipefail", "-c"]"#,
                    "dash, Debian's /bin/sh, has no pipefail",
                )
            };
            let message = format!(
                "a failure of `{source}` is hidden by the pipe into `{}`: add `{shell}` before this RUN ({note})",
                cmd.name()
            );
            // One SHELL per stage fixes every RUN after it: offer it once.
            let stage = cx.stage_of(index).map(|s| s.index);
            if !fixed_stages.insert(stage) {
                out.add(cx.head(ins), message);
            } else {
                out.add_with_fix(
                    ins.keyword_span,
                    message,
                    format!("{shell}\n{}", ins.keyword),
                );
            }
            break;
        }
    }
}

/// `set -o pipefail`, `set -euo pipefail`, `set -e -o pipefail`.
fn sets_pipefail(cmd: &Command) -> bool {
    let cmd = cmd.unwrapped();
    cmd.is("set")
        && cmd.args().windows(2).any(|w| {
            w[0].starts_with('-')
                && !w[0].starts_with("--")
                && w[0].ends_with('o')
                && w[1] == "pipefail"
        })
}

/// The commands of a pipeline before the one being looked at: kept as the commands go by, so
/// a long pipeline is read once.
#[derive(Debug, Clone)]
struct Feeders {
    /// Where the pipeline starts.
    head: usize,
    only_print: bool,
    yes: bool,
}

impl Default for Feeders {
    fn default() -> Feeders {
        Feeders {
            head: 0,
            only_print: true,
            yes: false,
        }
    }
}

impl Feeders {
    fn add(&mut self, cmd: &Command) {
        let cmd = cmd.unwrapped();
        self.only_print &= matches!(cmd.program(), "echo" | "printf");
        self.yes |= cmd.is("yes");
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_pipes_without_pipefail() {
        assert_eq!(
            catches(&RULE, "FROM debian\nRUN wget -O - https://x | wc -l > /n\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM debian\nRUN apt-get update && curl -sL https://x | bash -\n",
        );
        catches(
            &RULE,
            "FROM debian\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\n",
        );
        catches(
            &RULE,
            "FROM debian\nRUN <<EOF\ncurl -sL https://x | sh\nEOF\n",
        );
        // A SHELL without pipefail does not help; neither does a set after the pipe.
        catches(
            &RULE,
            "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN curl x | sh\n",
        );
        catches(&RULE, "FROM debian\nRUN curl x | sh && set -o pipefail\n");
        // A pipe fed by echo then something that can fail.
        catches(&RULE, "FROM debian\nRUN echo x | gpg --dearmor | tee /k\n");
    }

    #[test]
    fn fix_names_the_shell_for_the_distribution() {
        let debian = hits(&RULE, "FROM debian\nRUN curl x | sh\n");
        assert_eq!(
            debian[0].fix.as_deref(),
            Some("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN")
        );
        let alpine = hits(&RULE, "FROM alpine:3.20 AS a\nFROM a\nRUN curl x | sh\n");
        assert!(alpine[0].message.contains("/bin/ash"));
    }

    #[test]
    fn does_not_catch_pipefail_or_harmless_pipes() {
        passes(
            &RULE,
            "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | sh\n",
        );
        passes(&RULE, "FROM debian\nSHELL [\"/bin/bash\", \"-eux\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | sh\n");
        passes(&RULE, "FROM alpine\nRUN set -euo pipefail; curl x | sh\n");
        passes(&RULE, "FROM alpine\nRUN set -o pipefail && curl x | sh\n");
        passes(
            &RULE,
            "FROM debian\nRUN <<EOF\n#!/bin/bash\nset -eo pipefail\ncurl x | sh\nEOF\n",
        );
        passes(&RULE, "FROM debian\nRUN curl x || true\n");
        passes(
            &RULE,
            "FROM debian\nRUN echo 'deb http://x y main' | tee /etc/apt/sources.list.d/x.list\n",
        );
        passes(&RULE, "FROM debian\nRUN yes | apt-get install x\n");
        // Inherited from the stage it builds on.
        passes(&RULE, "FROM debian AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM a\nRUN curl x | sh\n");
    }

    #[test]
    fn never_reads_powershell_as_posix() {
        passes(&RULE, "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN Get-ChildItem | Select-Object Name\n");
        passes(
            &RULE,
            "FROM debian\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-ChildItem | Select-Object Name\n",
        );
    }
}
