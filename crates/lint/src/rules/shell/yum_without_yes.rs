//! ## What it does
//! Flags `yum install` (and `groupinstall`, `localinstall`, `reinstall`, `update`, `upgrade`,
//! `remove`, `erase`, `downgrade`) without `-y` / `--assumeyes`.
//!
//! ## Why it matters
//! yum asks "Is this ok [y/N]" before it changes anything. A build has no one to answer, so
//! yum takes the default, which is no: it prints "Exiting on user command" and the `RUN`
//! fails. Answering up front makes the step run unattended, the same way every time.
//!
//! ## Example
//! ```dockerfile
//! FROM centos:7
//! RUN yum install httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd && yum clean all
//! ```
//!
//! ## Differences from hadolint
//! - dnf's aliases (`in`, `up`, `rei`, ...), which yum 4 takes, are read as the commands they
//!   stand for; hadolint knows only the full names.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use crate::packages::{Manager, RPM};

pub const RULE: Rule = Rule {
    code: "DD406",
    name: "yum-without-yes",
    level: Level::Warning,
    hadolint: Some("DL3030"),
    source: include_str!("yum_without_yes.rs"),
    check,
};

/// Options of yum (and dnf) that take a separate value.
/// Subcommands that ask before changing anything.
pub(crate) const PROMPTING: &[&str] = &[
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "remove",
    "erase",
    "downgrade",
    "autoremove",
    "distro-sync",
    // dnf's aliases (yum 4 is dnf).
    "in",
    "rei",
    "up",
    "up-min",
    "upgrade-minimal",
    "update-minimal",
    "dsync",
    "distribution-synchronization",
    "dg",
    "rm",
];

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("yum") {
            let Some(sub) = RPM.subcommand(&cmd) else {
                continue;
            };
            if PROMPTING.contains(&sub) && !Manager::Yum.answers_yes(&cmd) {
                out.add(
                    cx.head(ins),
                    format!("`yum {sub}` stops at an \"Is this ok [y/N]\" prompt that a build answers with no: add `-y`"),
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
        assert_eq!(
            catches(&RULE, "FROM centos:7\nRUN yum install httpd\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM centos:7\nRUN yum --enablerepo extras install httpd && yum clean all\n",
        );
        catches(
            &RULE,
            "FROM centos:7\nRUN sudo yum groupinstall 'Development Tools'\n",
        );
        catches(&RULE, "FROM centos:7\nRUN <<EOF\nyum update\nEOF\n");
    }

    #[test]
    fn does_not_catch_yes_or_read_only_commands() {
        passes(&RULE, "FROM centos:7\nRUN yum install -y httpd\n");
        passes(&RULE, "FROM centos:7\nRUN yum -y install httpd\n");
        passes(&RULE, "FROM centos:7\nRUN yum install --assumeyes httpd\n");
        passes(
            &RULE,
            "FROM centos:7\nRUN yum -q -y update && yum clean all\n",
        );
        passes(
            &RULE,
            "FROM centos:7\nRUN yum makecache && yum list installed\n",
        );
    }

    // yum 4 is dnf and takes its aliases, which prompt the same way.
    #[test]
    fn catches_dnf_aliases() {
        assert_eq!(catches(&RULE, "FROM rockylinux:9\nRUN yum in httpd\n"), [2]);
        passes(&RULE, "FROM rockylinux:9\nRUN yum up -y && yum clean all\n");
    }
}
