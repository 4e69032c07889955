//! ## What it does
//! Flags `dnf install` or `microdnf install` in a stage that ends up in the final image when
//! the same RUN does not end with `dnf clean all` (`microdnf clean all`) or delete the cache
//! directory, unless it mounts a cache there.
//!
//! ## Why it matters
//! dnf keeps repository metadata and downloaded packages in `/var/cache/dnf` (microdnf in
//! `/var/cache/yum`): often more than the packages it installed. Committed with the layer,
//! that cache ships in every pull and is never read again. A clean in a later RUN cannot shrink
//! the earlier layer; it must run in the same RUN as the install.
//!
//! ## Example
//! ```dockerfile
//! RUN dnf install -y nginx
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN dnf install -y nginx \
//!  && dnf clean all
//! ```
//! Stages that only feed `COPY --from` are not checked: their cache never ships.
//!
//! Upgrades (`upgrade`, `up`, `up-min`, `distro-sync`, `downgrade`) and dnf's aliases (`in`,
//! `rei`) download packages like installs do and are checked the same way. dnf5 keeps its cache in
//! /var/cache/libdnf5: a cache mount there (or on /var/cache/dnf) keeps it out of the layer.

use crate::finding::Level;
use crate::packages::{Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::caches;

pub const RULE: Rule = Rule {
    code: "DD108",
    name: "dnf-cache-kept",
    level: Level::Warning,
    hadolint: Some("DL3040"),
    source: include_str!("dnf_cache_kept.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let hits = caches::installs_keeping_cache(
        cx,
        Manager::Dnf,
        |p| p.action == Action::Install,
        |p| p.manager == Manager::Dnf && p.action == Action::Clean,
        Manager::Dnf.cache_dirs(),
    );
    for (_, ins, pkg) in hits {
        let program = pkg.command.program();
        out.add(
            cx.head(ins),
            format!(
                "`{}` leaves its cache in the layer: end the same RUN with `{program} clean all`",
                pkg.title()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_dnf_without_clean() {
        assert_eq!(
            catches(&RULE, "FROM fedora:40\nRUN dnf install -y nginx\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils\n",
        );
        catches(
            &RULE,
            "FROM fedora:40\nRUN dnf -y group install 'Development Tools'\n",
        );
        catches(&RULE, "FROM fedora:40\nRUN <<EOF\ndnf install -y x\nEOF\n");
    }

    #[test]
    fn does_not_catch_cleaned_or_cached() {
        passes(
            &RULE,
            "FROM fedora:40\nRUN dnf install -y nginx && dnf clean all\n",
        );
        passes(
            &RULE,
            "FROM ubi9/ubi-minimal\nRUN microdnf install -y x && microdnf clean all\n",
        );
        passes(
            &RULE,
            "FROM fedora:40\nRUN dnf install -y x && rm -rf /var/cache/dnf/*\n",
        );
        passes(
            &RULE,
            "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y x\n",
        );
        passes(&RULE, "FROM centos:7\nRUN yum install -y x\n");
    }

    // The size rules' yum/dnf list lacked `--forcearch`, so its value read as the subcommand.
    #[test]
    fn a_forcearch_value_is_not_the_subcommand() {
        catches(
            &RULE,
            "FROM fedora\nRUN dnf --forcearch aarch64 install -y x\n",
        );
    }

    // dnf's aliases and upgrades were not read as installs; dnf5's cache dir was unknown.
    #[test]
    fn catches_aliases_and_upgrades_and_knows_the_dnf5_cache() {
        for run in [
            "dnf in -y nginx",
            "dnf -y upgrade",
            "dnf up -y",
            "dnf rei -y nginx",
            "dnf up-min -y",
        ] {
            assert_eq!(
                catches(&RULE, &format!("FROM fedora:40\nRUN {run}\n")),
                [2],
                "{run}"
            );
        }
        passes(
            &RULE,
            "FROM fedora:41\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y nginx-1.24.0\n",
        );
        passes(&RULE, "FROM fedora:41\nRUN dnf5 up -y && dnf5 clean all\n");
    }
}
