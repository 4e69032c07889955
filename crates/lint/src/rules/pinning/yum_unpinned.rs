//! ## What it does
//! Flags `yum install` of packages without a version (`httpd` rather than `httpd-2.4.6`) and
//! `yum module install` of a module without a stream (`nodejs` rather than `nodejs:20`).
//! Local `.rpm` files, paths, groups (`@development`), capabilities and packages named by a
//! variable are not reported.
//!
//! ## Why it matters
//! Without a version, yum installs whatever the enabled repositories hold when the layer is
//! built, so two builds of the same Dockerfile can ship different software, and an upgrade
//! rides along with a rebuild made for another reason. A pinned version turns an upgrade into
//! a reviewed change. Repositories do drop old builds, so this rule is informational: pin what
//! the application relies on and update the pins on purpose.
//!
//! ## Example
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd && yum clean all
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM centos:7
//! RUN yum install -y httpd-2.4.6-99.el7 && yum clean all
//! ```
//!
//! ## Differences from hadolint
//! - A version variable is a pin when this stage sees it (its own ARG, or an ENV of a stage it
//!   builds FROM); hadolint reports every variable. One declared only in another stage is empty
//!   here and is reported, with a message saying so.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{report_rpm, ForeignVars};

pub const RULE: Rule = Rule {
    code: "DD606",
    name: "yum-unpinned",
    level: Level::Info,
    hadolint: Some("DL3033"),
    source: include_str!("yum_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let foreign = ForeignVars::of(cx);
    for (index, ins, script) in cx.runs() {
        for cmd in script.running("yum") {
            report_rpm(cx, out, (index, ins), "yum", &cmd, &foreign);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_unpinned_packages() {
        assert_eq!(
            catches(&RULE, "FROM centos:7\nRUN yum install -y httpd\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM centos:7\nRUN yum -y install java-17-openjdk python3-devel\n",
        );
        catches(&RULE, "FROM centos:7\nRUN yum module install -y nodejs\n");
        catches(
            &RULE,
            "FROM centos:7\nRUN yum --enablerepo epel install -y jq\n",
        );
    }

    #[test]
    fn does_not_catch_versions_files_groups_or_other_commands() {
        passes(
            &RULE,
            "FROM centos:7\nRUN yum install -y httpd-2.4.6-99.el7 java-1.8.0-openjdk-1.8.0.412\n",
        );
        passes(&RULE, "FROM centos:7\nRUN yum install -y /tmp/x.rpm https://x/y.rpm @development 'perl(JSON)'\n");
        passes(
            &RULE,
            "FROM centos:7\nRUN yum module install -y nodejs:20\n",
        );
        passes(
            &RULE,
            "FROM centos:7\nRUN yum install -y $PKGS && yum update -y && yum clean all\n",
        );
    }

    // The pinning rules' yum/dnf list lacked `-R` (`--randomwait`), so its value read as the
    // subcommand.
    #[test]
    fn a_randomwait_value_is_not_the_subcommand() {
        catches(&RULE, "FROM centos:7\nRUN yum -R 1 install -y httpd\n");
    }

    #[test]
    fn a_version_env_of_another_stage_is_no_pin() {
        let source = "FROM centos:7 AS a\nENV HTTPD_VERSION=2.4.6\nFROM centos:7\nRUN yum install -y httpd-$HTTPD_VERSION\n";
        assert_eq!(catches(&RULE, source), [4]);
        passes(
            &RULE,
            "FROM centos:7 AS a\nENV HTTPD_VERSION=2.4.6\nFROM a\nRUN yum install -y httpd-$HTTPD_VERSION\n",
        );
    }
}
