//! ## What it does
//! Flags `zypper dist-upgrade` (`zypper dup`) in a RUN.
//!
//! ## Why it matters
//! A distribution upgrade moves every package of the base image to whatever the repositories
//! hold on the day of the build, and may change vendors or replace packages on the way. The
//! image then matches neither its `FROM` line nor the last build: the same Dockerfile gives a
//! different system each time, the layer holds a second copy of most of the base image, and a
//! major-version jump (Leap to Tumbleweed repositories, say) lands without anyone choosing it.
//! A newer base image tag brings the same fixes, reviewed and in the right layer.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.5
//! RUN zypper --non-interactive dist-upgrade && zypper --non-interactive install curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install curl && zypper clean --all
//! ```
//! When individual fixes are needed before the base image has them, `zypper patch` applies
//! only the released security and bug fixes.
//!
//! ## Differences from hadolint
//! hadolint's DL3035 reports `dup` or `dist-upgrade` anywhere on a zypper line, so
//! `zypper install dup` is reported too; Drydock reads the subcommand.

use crate::finding::Level;
use crate::packages::ZYPPER;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD430",
    name: "zypper-dist-upgrade",
    level: Level::Warning,
    hadolint: Some("DL3035"),
    source: include_str!("zypper_dist_upgrade.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("zypper") {
            let Some(sub) = ZYPPER.subcommand(&cmd) else {
                continue;
            };
            if matches!(sub, "dist-upgrade" | "dup") {
                out.add(
                    cx.head(ins),
                    format!("`zypper {sub}` upgrades the whole distribution to whatever the repositories hold at build time: use a newer base image instead"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_dist_upgrades() {
        assert_eq!(
            catches(&RULE, "FROM opensuse/leap:15.6\nRUN zypper dup\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM opensuse/leap:15.6\nRUN sudo zypper -n --gpg-auto-import-keys dist-upgrade -y\n",
        );
    }

    #[test]
    fn does_not_catch_other_commands() {
        passes(
            &RULE,
            "FROM opensuse/leap:15.6\nRUN zypper -n install dup && zypper patch && zypper -n up\n",
        );
    }
}
