//! ## What it does
//! Flags `apt-get install` (and `apt install`) of packages without a version
//! (`curl` rather than `curl=8.5.0-2ubuntu10.6`). Local `.deb` files, release selections
//! (`pkg/bookworm-backports`) and packages named by a variable are not reported.
//!
//! ## Why it matters
//! An unpinned package installs whatever the archive holds on the day of the build. The same
//! Dockerfile then produces different images over time, a rebuild for an unrelated change
//! can pull in an upgrade that breaks the application, and the layer cache hides this until
//! it is invalidated. A pinned version makes an upgrade a visible change in review. Pinning
//! also has a cost: old versions disappear from the archive and the build fails until the pin
//! is updated, which is why this rule is informational; pin what the application depends on,
//! and update the pins deliberately.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:12-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:12-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends \
//!         curl=7.88.1-10+deb12u8 ca-certificates=20230311
//! ```

use crate::finding::Level;
use crate::packages::APT;
use crate::rule::{Context, Report, Rule};

use super::{report, unknowable};

pub const RULE: Rule = Rule {
    code: "DD601",
    name: "apt-get-unpinned",
    level: Level::Info,
    hadolint: Some("DL3008"),
    source: include_str!("apt_get_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("apt-get").chain(script.running("apt")) {
            let args = APT.operands(&cmd);
            let Some((&"install", packages)) = args.split_first() else {
                continue;
            };
            let unpinned: Vec<&str> = packages.iter().copied().filter(|p| !pinned(p)).collect();
            let tool = format!("{} install", cmd.program());
            report(cx, out, ins, &tool, &unpinned, |p| format!("{p}=<version>"));
        }
    }
}

fn pinned(package: &str) -> bool {
    unknowable(package)
        || package.contains('=')
        || package.contains('/')
        || package.ends_with(".deb")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_unpinned_packages() {
        assert_eq!(
            catches(
                &RULE,
                "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
            ),
            [2]
        );
        catches(&RULE, "FROM debian:12\nRUN apt install -y curl=1.0 git\n");
        catches(
            &RULE,
            "FROM debian:12\nRUN sudo apt-get -o Dpkg::Use-Pty=0 install -y git\n",
        );
        catches(
            &RULE,
            "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y git\nEOF\n",
        );
        catches(
            &RULE,
            "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"git\"]\n",
        );
        let found = hits(&RULE, "FROM debian:12\nRUN apt-get install -y a b c d e\n");
        assert!(
            found[0].message.contains("`a`, `b`, `c` and 2 more"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn does_not_catch_pinned_local_or_variable_packages() {
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -y curl=7.88.1-10+deb12u8\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -y -t bookworm-backports git=1:2.43\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -y ./pkg.deb /tmp/x.deb\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -y $PACKAGES \"nginx=${NGINX_VERSION}\"\n",
        );
        passes(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get upgrade -y\n",
        );
        passes(&RULE, "FROM debian:12\nRUN apt-get install -y -f\n");
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apt-get install curl\n",
        );
    }

    // The pinning rules stopped reading at `--`; every word after it is a package.
    #[test]
    fn packages_after_a_double_dash_are_still_packages() {
        catches(&RULE, "FROM debian:12\nRUN apt-get install -y -- curl\n");
    }
}
