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
//!
//! ## Differences from hadolint
//! - `dnf in` (the alias of `install`) is checked; hadolint reads only `install`.
//! - A version variable declared only in another stage (`ARG NGINX_VERSION` there) is empty
//!   where it is used, so `nginx-${NGINX_VERSION}` is reported; hadolint takes any variable for a
//!   pin. One declared in this stage, or set with ENV in a stage this one builds FROM, is a pin.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{report_rpm, ForeignVars};

pub const RULE: Rule = Rule {
    code: "DD607",
    name: "dnf-unpinned",
    level: Level::Info,
    hadolint: Some("DL3041"),
    source: include_str!("dnf_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let foreign = ForeignVars::of(cx);
    for (index, ins, script) in cx.runs() {
        for tool in ["dnf", "dnf5", "microdnf", "tdnf"] {
            for cmd in script.running(tool) {
                report_rpm(cx, out, (index, ins), tool, &cmd, &foreign);
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

    #[test]
    fn catches_the_install_alias() {
        assert_eq!(catches(&RULE, "FROM fedora:40\nRUN dnf in -y nginx\n"), [2]);
    }

    // A version ARG of another stage expands to nothing here: `nginx-` is no pin.
    #[test]
    fn a_version_variable_of_another_stage_is_no_pin() {
        let source = "FROM fedora:40 AS a\nARG NGINX_VERSION=1.26.1\nFROM fedora:40\nRUN dnf install -y nginx-${NGINX_VERSION}\n";
        assert_eq!(catches(&RULE, source), [4]);
        passes(
            &RULE,
            "FROM fedora:40\nARG NGINX_VERSION=1.26.1\nRUN dnf install -y nginx-${NGINX_VERSION}\n",
        );
        passes(
            &RULE,
            "ARG NGINX_VERSION=1.26.1\nFROM fedora:40\nARG NGINX_VERSION\nRUN dnf install -y nginx-$NGINX_VERSION\n",
        );
        passes(
            &RULE,
            "FROM fedora:40\nRUN V=1.26.1 && dnf install -y nginx-$V\n",
        );
    }
}
