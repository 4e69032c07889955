//! ## What it does
//! Flags `apt-get install` (and `upgrade`, `dist-upgrade`, `remove`, `purge`, `autoremove`)
//! without `-y` / `--yes` / `--assume-yes`, or the `-qq` quiet level that implies it.
//!
//! ## Why it matters
//! Whenever apt-get would change more than what was asked, say to pull in dependencies, it
//! asks "Do you want to continue? [Y/n]". A build has no one to answer: apt-get reads the end
//! of its input as "no", prints `Abort.` and the `RUN` fails, or, when the prompt is not needed
//! today, the same line fails later once a dependency appears. Answering up front makes the
//! step behave the same every time.
//!
//! An `APT::Get::Assume-Yes` setting given with `-o` or written to apt's configuration by an
//! earlier `RUN` of the stage counts as answering.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update && apt-get install --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update \
//!  && apt-get install -y --no-install-recommends curl \
//!  && rm -rf /var/lib/apt/lists/*
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::shell::Command;

use super::{short_cluster_has, subcommand_skipping};

pub const RULE: Rule = Rule {
    code: "DD405",
    name: "apt-get-without-yes",
    level: Level::Warning,
    hadolint: Some("DL3014"),
    source: include_str!("apt_get_without_yes.rs"),
    check,
};

/// apt-get's options that take a separate value.
const TAKES_VALUE: &[&str] = &[
    "-o",
    "--option",
    "-c",
    "--config-file",
    "-t",
    "--target-release",
];

const PROMPTING: &[&str] = &[
    "install",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "remove",
    "purge",
    "autoremove",
];

fn check(cx: &Context, out: &mut Report) {
    // The stage whose earlier RUN wrote `APT::Get::Assume-Yes` into apt's configuration.
    let mut configured: Option<usize> = None;
    for (index, ins, script) in cx.runs() {
        let stage = cx.stage_of(index).map(|s| s.index);
        let answered = stage.is_some() && configured == stage;
        if script.words().any(|w| w.contains("Assume-Yes")) {
            configured = stage;
        }
        if answered {
            continue;
        }
        for cmd in script.running("apt-get") {
            let Some(sub) = subcommand_skipping(&cmd, TAKES_VALUE) else {
                continue;
            };
            if !PROMPTING.contains(&sub) || answers_yes(&cmd) {
                continue;
            }
            out.add(
                cx.head(ins),
                format!("`apt-get {sub}` may stop at a yes/no prompt nobody can answer in a build: add `-y`"),
            );
            break;
        }
    }
}

fn answers_yes(cmd: &Command) -> bool {
    let args = cmd.args();
    if short_cluster_has(cmd, 'y')
        || args
            .iter()
            .any(|a| matches!(a.as_str(), "--yes" | "--assume-yes") || a.contains("Assume-Yes"))
    {
        return true;
    }
    // Quiet level 2 (`-qq`, `-q -q`, `-q=2`) implies -y.
    let mut quiet = 0;
    for arg in args {
        if let Some(level) = arg
            .strip_prefix("-q=")
            .or_else(|| arg.strip_prefix("--quiet="))
        {
            quiet += level.parse::<u32>().unwrap_or(1);
        } else if arg == "--quiet" {
            quiet += 1;
        } else if let Some(rest) = arg.strip_prefix('-') {
            if !rest.starts_with('-') && rest.chars().all(|c| c.is_ascii_alphabetic()) {
                quiet += u32::try_from(rest.matches('q').count()).unwrap_or(0);
            }
        }
    }
    quiet >= 2
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_a_missing_yes() {
        assert_eq!(
            catches(&RULE, "FROM debian\nRUN apt-get install python3\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM debian\nRUN apt-get update && sudo apt-get install -q python3\n",
        );
        catches(
            &RULE,
            "FROM debian\nRUN apt-get -o Dpkg::Use-Pty=0 install python3\n",
        );
        catches(&RULE, "FROM debian\nRUN apt-get --quiet install python3\n");
        catches(&RULE, "FROM debian\nRUN apt-get dist-upgrade\n");
        catches(
            &RULE,
            "FROM debian\nRUN <<EOF\napt-get update\napt-get install python3\nEOF\n",
        );
        catches(
            &RULE,
            "FROM debian\nRUN [\"apt-get\", \"install\", \"python3\"]\n",
        );
    }

    #[test]
    fn does_not_catch_yes_in_any_spelling() {
        passes(&RULE, "FROM debian\nRUN apt-get install -y python3\n");
        passes(&RULE, "FROM debian\nRUN apt-get install -yq python3\n");
        passes(&RULE, "FROM debian\nRUN apt-get -qq install python3\n");
        passes(&RULE, "FROM debian\nRUN apt-get -q -q install python3\n");
        passes(&RULE, "FROM debian\nRUN apt-get install --yes python3\n");
        passes(
            &RULE,
            "FROM debian\nRUN apt-get install --assume-yes python3\n",
        );
        passes(
            &RULE,
            "FROM debian\nRUN apt-get -o APT::Get::Assume-Yes=true install python3\n",
        );
        passes(&RULE, "FROM debian\nRUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90y\nRUN apt-get install python3\n");
        passes(&RULE, "FROM debian\nRUN apt-get update && apt-get clean\n");
        passes(&RULE, "FROM debian\nRUN echo apt-get install x\n");
    }
}
