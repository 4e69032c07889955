//! ## What it does
//! Flags `dnf install` (also `dnf5`, `microdnf` and `tdnf`) of packages without a version
//! (`nginx` rather than `nginx-1.24.0`) and `dnf module install` without a stream. Local `.rpm`
//! files, paths, groups, capabilities and packages named by a variable are not reported.
//!
//! ## Why it matters
//! Without a version, dnf installs whatever the repositories hold when the layer is built, so
//! the image changes under an unchanged Dockerfile and an upgrade arrives with an unrelated
//! rebuild. A pinned version makes the upgrade a visible, reviewable change. Repositories drop
//! old builds over time, so this rule is informational: pin what the application relies on and
//! move the pins deliberately.
//!
//! ## Example
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y nginx && dnf clean all
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y nginx-1.26.1 && dnf clean all
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::report_rpm;

pub const RULE: Rule = Rule {
    code: "DD607",
    name: "dnf-unpinned",
    level: Level::Info,
    hadolint: Some("DL3041"),
    source: include_str!("dnf_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for tool in ["dnf", "dnf5", "microdnf", "tdnf"] {
            for cmd in script.running(tool) {
                report_rpm(cx, out, ins, tool, &cmd);
            }
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
            catches(&RULE, "FROM fedora:40\nRUN dnf install -y nginx\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM fedora:40\nRUN microdnf install -y --nodocs shadow-utils\n",
        );
        catches(&RULE, "FROM mcr.microsoft.com/azurelinux/base/core:3.0\nRUN tdnf install -y ca-certificates\n");
        catches(&RULE, "FROM fedora:40\nRUN dnf module install -y nodejs\n");
    }

    #[test]
    fn does_not_catch_versions_files_or_other_commands() {
        passes(
            &RULE,
            "FROM fedora:40\nRUN dnf install -y nginx-1.26.1 /tmp/x.rpm @core\n",
        );
        passes(
            &RULE,
            "FROM fedora:40\nRUN dnf module install -y nodejs:20/common\n",
        );
        passes(
            &RULE,
            "FROM fedora:40\nRUN dnf upgrade -y && dnf clean all\n",
        );
        passes(&RULE, "FROM fedora:40\nRUN yum install -y nginx-1.26.1\n");
    }
}
