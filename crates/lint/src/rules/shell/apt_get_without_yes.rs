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
use crate::packages::{Manager, APT};
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD405",
    name: "apt-get-without-yes",
    level: Level::Warning,
    hadolint: Some("DL3014"),
    source: include_str!("apt_get_without_yes.rs"),
    check,
};

/// apt-get's options that take a separate value.
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
            let Some(sub) = APT.subcommand(&cmd) else {
                continue;
            };
            if !PROMPTING.contains(&sub) || Manager::Apt.answers_yes(&cmd) {
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

    // The rule's own option list lacked `--default-release`, so its value read as the subcommand.
    #[test]
    fn a_default_release_value_is_not_the_subcommand() {
        catches(
            &RULE,
            "FROM debian\nRUN apt-get --default-release bookworm install python3\n",
        );
    }
}
