//! ## What it does
//! Flags `yum install` in a stage that ends up in the final image when the same RUN does not
//! end with `yum clean all` (or delete `/var/cache/yum`), unless it mounts a cache there.
//!
//! ## Why it matters
//! yum keeps repository metadata and often the downloaded RPMs in `/var/cache/yum`: easily
//! tens or hundreds of megabytes committed with the layer and never read again in the running
//! container. Cleaning in a later RUN cannot recover that space, since the earlier layer keeps
//! its copy; the clean has to run in the same RUN as the install.
//!
//! ## Example
//! ```dockerfile
//! RUN yum install -y httpd
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN yum install -y httpd \
//!  && yum clean all \
//!  && rm -rf /var/cache/yum
//! ```
//! Stages that only feed `COPY --from` are not checked: their cache never ships.
//!
//! ## Differences from hadolint
//! - Upgrades (`yum update`, `yum upgrade`, dnf's aliases, which yum 4 takes) download
//!   packages like installs and are reported too; hadolint checks `yum install` only.

use crate::finding::Level;
use crate::packages::{Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::caches;

pub const RULE: Rule = Rule {
    code: "DD107",
    name: "yum-cache-kept",
    level: Level::Warning,
    hadolint: Some("DL3032"),
    source: include_str!("yum_cache_kept.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let hits = caches::installs_keeping_cache(
        cx,
        Manager::Yum,
        |p| p.action == Action::Install,
        |p| p.manager == Manager::Yum && p.action == Action::Clean,
        Manager::Yum.cache_dirs(),
    );
    for (_, ins, pkg) in hits {
        out.add(
            cx.head(ins),
            format!(
                "`{}` leaves its cache in /var/cache/yum: end the same RUN with `yum clean all`",
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
    fn catches_yum_without_clean() {
        assert_eq!(
            catches(&RULE, "FROM centos:7\nRUN yum install -y httpd\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM centos:7\nRUN yum clean all && yum -y install httpd\n",
        );
        catches(
            &RULE,
            "FROM centos:7\nRUN sudo yum groupinstall -y 'Development Tools'\n",
        );
        catches(&RULE, "FROM centos:7\nRUN <<EOF\nyum install -y x\nEOF\n");
    }

    #[test]
    fn does_not_catch_cleaned_or_cached() {
        passes(
            &RULE,
            "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
        );
        passes(
            &RULE,
            "FROM centos:7\nRUN yum install -y x && rm -rf /var/cache/yum\n",
        );
        passes(
            &RULE,
            "FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y x\n",
        );
        passes(&RULE, "FROM fedora:40\nRUN dnf install -y x\n");
        passes(
            &RULE,
            "FROM centos:7 AS build\nRUN yum install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n",
        );
    }

    // The size rules' yum/dnf list lacked the long `--config`, so its value read as the
    // subcommand.
    #[test]
    fn a_config_value_is_not_the_subcommand() {
        catches(
            &RULE,
            "FROM centos:7\nRUN yum --config /etc/yum.conf install -y httpd\n",
        );
    }

    #[test]
    fn catches_upgrades_without_clean() {
        assert_eq!(catches(&RULE, "FROM centos:7\nRUN yum -y update\n"), [2]);
        passes(&RULE, "FROM centos:7\nRUN yum -y update && yum clean all\n");
    }
}
