//! ## What it does
//! Flags `dnf install` (and `reinstall`, `upgrade`, `update`, `remove`, `downgrade`,
//! `distro-sync`, `group install`...) without `-y` / `--assumeyes`. `microdnf` never asks, so
//! it is left alone.
//!
//! ## Why it matters
//! dnf asks "Is this ok [y/N]" before it changes anything. A build has no one to answer, so
//! dnf takes the default, no: "Operation aborted." and the `RUN` fails. Answering up front
//! makes the step run unattended, the same way every time.
//!
//! ## Example
//! ```dockerfile
//! FROM fedora:41
//! RUN dnf install httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM fedora:41
//! RUN dnf install -y httpd && dnf clean all
//! ```
//!
//! ## Differences from hadolint
//! - dnf's aliases (`in`, `rei`, `up`, `up-min`, `dsync`, `dg`, `rm`) prompt as the commands they
//!   stand for and are reported; hadolint knows only the full names.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::yum_without_yes::PROMPTING;
use crate::packages::{Manager, RPM};

pub const RULE: Rule = Rule {
    code: "DD407",
    name: "dnf-without-yes",
    level: Level::Warning,
    hadolint: Some("DL3038"),
    source: include_str!("dnf_without_yes.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        let commands = script
            .commands
            .iter()
            .map(crate::shell::Command::unwrapped)
            .filter(|c| matches!(c.program(), "dnf" | "dnf5"));
        for cmd in commands {
            let operands = RPM.operands(&cmd);
            let Some(mut sub) = operands.first().copied() else {
                continue;
            };
            let mut shown = sub.to_string();
            if sub == "group" || sub == "module" {
                // `dnf group install x`: the action is the next operand.
                let action = operands.get(1).copied().unwrap_or("");
                if !matches!(action, "install" | "remove" | "upgrade" | "update") {
                    continue;
                }
                shown = format!("{sub} {action}");
                sub = action;
            }
            if PROMPTING.contains(&sub) && !Manager::Dnf.answers_yes(&cmd) {
                out.add(
                    cx.head(ins),
                    format!(
                        "`{} {shown}` stops at an \"Is this ok [y/N]\" prompt that a build answers with no: add `-y`",
                        cmd.program()
                    ),
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
    fn catches_a_missing_yes() {
        assert_eq!(catches(&RULE, "FROM fedora\nRUN dnf install httpd\n"), [2]);
        catches(
            &RULE,
            "FROM fedora\nRUN dnf --setopt install_weak_deps=False install httpd\n",
        );
        catches(
            &RULE,
            "FROM fedora\nRUN dnf group install 'Development Tools'\n",
        );
        catches(&RULE, "FROM fedora\nRUN sudo dnf5 upgrade\n");
    }

    #[test]
    fn does_not_catch_yes_microdnf_or_read_only_commands() {
        passes(
            &RULE,
            "FROM fedora\nRUN dnf install -y httpd && dnf clean all\n",
        );
        passes(
            &RULE,
            "FROM fedora\nRUN dnf -y --setopt=tsflags=nodocs install httpd\n",
        );
        passes(
            &RULE,
            "FROM fedora\nRUN dnf group install --assumeyes 'Development Tools'\n",
        );
        passes(&RULE, "FROM fedora\nRUN microdnf install httpd\n");
        passes(&RULE, "FROM fedora\nRUN dnf makecache && dnf group list\n");
    }

    // The shell rules' yum/dnf list lacked `--downloaddir`, so its value read as the subcommand.
    #[test]
    fn a_downloaddir_value_is_not_the_subcommand() {
        catches(
            &RULE,
            "FROM fedora\nRUN dnf --downloaddir /tmp/rpms install httpd\n",
        );
    }

    #[test]
    fn catches_aliases() {
        for run in ["dnf in nginx", "dnf up", "dnf rei nginx", "dnf up-min"] {
            assert_eq!(
                catches(&RULE, &format!("FROM fedora:40\nRUN {run}\n")),
                [2],
                "{run}"
            );
        }
    }
}
