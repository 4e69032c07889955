//! ## What it does
//! Flags `zypper install` (and `remove`, `update`, `patch`, `dist-upgrade`, `source-install`,
//! with their short forms) without the non-interactive switch: `-n` / `--non-interactive`
//! before the command, or `-y` / `--no-confirm` after it.
//!
//! ## Why it matters
//! zypper asks "Continue? [y/n/v/...? shows all options] (y)" before it changes anything, and
//! may ask about licences or vendor changes too. A build has no one to answer, so the `RUN`
//! aborts or goes on with an answer nobody chose. The switch makes zypper take the default
//! answers on purpose and run unattended.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper install curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install curl && zypper clean --all
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use crate::packages::{Manager, ZYPPER};

pub const RULE: Rule = Rule {
    code: "DD408",
    name: "zypper-without-yes",
    level: Level::Warning,
    hadolint: Some("DL3034"),
    source: include_str!("zypper_without_yes.rs"),
    check,
};

/// Global options that take a separate value.
const PROMPTING: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
];

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("zypper") {
            let Some(sub) = ZYPPER.subcommand(&cmd) else {
                continue;
            };
            if PROMPTING.contains(&sub) && !Manager::Zypper.answers_yes(&cmd) {
                out.add(
                    cx.head(ins),
                    format!("`zypper {sub}` stops at a prompt nobody can answer in a build: use `zypper --non-interactive {sub}`"),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_a_missing_switch() {
        assert_eq!(
            catches(&RULE, "FROM opensuse/leap\nRUN zypper install curl\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM opensuse/leap\nRUN zypper refresh && zypper in curl\n",
        );
        catches(
            &RULE,
            "FROM opensuse/leap\nRUN zypper --root /x remove curl\n",
        );
    }

    #[test]
    fn does_not_catch_either_switch() {
        passes(&RULE, "FROM opensuse/leap\nRUN zypper -n install curl\n");
        passes(
            &RULE,
            "FROM opensuse/leap\nRUN zypper --non-interactive in curl\n",
        );
        passes(&RULE, "FROM opensuse/leap\nRUN zypper install -y curl\n");
        passes(
            &RULE,
            "FROM opensuse/leap\nRUN zypper in --no-confirm curl\n",
        );
        passes(
            &RULE,
            "FROM opensuse/leap\nRUN zypper refresh && zypper clean --all\n",
        );
    }
}
