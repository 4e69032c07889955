//! ## What it does
//! Flags `zypper install` (or `zypper in`) of packages without a version constraint (`curl`
//! rather than `curl=8.6.0` or `'curl>=8.6'`). Local `.rpm` files, paths, capabilities,
//! patterns and packages named by a variable are not reported.
//!
//! ## Why it matters
//! Without a version, zypper installs whatever the repositories hold when the layer is built,
//! so the same Dockerfile produces different images over time and an upgrade can slip into a
//! rebuild made for an unrelated change. A version constraint makes upgrades explicit. Old
//! builds disappear from repositories, so this rule is informational: pin what the
//! application relies on and move the pins on purpose.
//!
//! ## Example
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install curl && zypper clean --all
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM opensuse/leap:15.6
//! RUN zypper --non-interactive install 'curl=8.6.0' && zypper clean --all
//! ```

use crate::finding::Level;
use crate::packages::ZYPPER;
use crate::rule::{Context, Report, Rule};
use crate::shell::Command;

use super::{report, unknowable};

pub const RULE: Rule = Rule {
    code: "DD608",
    name: "zypper-unpinned",
    level: Level::Info,
    hadolint: Some("DL3037"),
    source: include_str!("zypper_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("zypper") {
            if installs_non_packages(&cmd) {
                continue;
            }
            let args = ZYPPER.operands(&cmd);
            let Some((&("install" | "in"), packages)) = args.split_first() else {
                continue;
            };
            let unpinned: Vec<&str> = packages.iter().copied().filter(|p| !pinned(p)).collect();
            report(cx, out, ins, "zypper install", &unpinned, |p| {
                format!("{p}=<version>")
            });
        }
    }
}

/// `-t pattern` and friends install things that have no version to pin.
fn installs_non_packages(cmd: &Command) -> bool {
    // `-t TYPE` is an option of the command; before the command, `-t` is `--terse`.
    let args = cmd.args();
    let sub = ZYPPER.subcommand(cmd);
    let after = args
        .iter()
        .position(|a| Some(a.as_str()) == sub)
        .map_or(args.len(), |at| at + 1);
    let args = args.get(after..).unwrap_or(&[]);
    args.windows(2)
        .any(|w| matches!(w[0].as_str(), "-t" | "--type") && w[1] != "package")
        || args
            .iter()
            .any(|a| a.starts_with("--type=") && a != "--type=package")
}

fn pinned(package: &str) -> bool {
    unknowable(package)
        || package.contains(['=', '<', '>', '/', '(', '*'])
        || package.ends_with(".rpm")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_unpinned_packages() {
        assert_eq!(
            catches(
                &RULE,
                "FROM opensuse/leap:15.6\nRUN zypper install -y curl\n"
            ),
            [2]
        );
        catches(&RULE, "FROM opensuse/leap:15.6\nRUN zypper --non-interactive in --no-recommends git curl=8.6.0\n");
    }

    #[test]
    fn does_not_catch_versions_patterns_or_files() {
        passes(
            &RULE,
            "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.6.0 'git>=2.43'\n",
        );
        passes(
            &RULE,
            "FROM opensuse/leap:15.6\nRUN zypper install -y -t pattern devel_basis\n",
        );
        passes(
            &RULE,
            "FROM opensuse/leap:15.6\nRUN zypper install -y /tmp/x.rpm 'pkgconfig(zlib)'\n",
        );
        passes(
            &RULE,
            "FROM opensuse/leap:15.6\nRUN zypper refresh && zypper update -y\n",
        );
    }

    // The pinning rule's zypper list lacked the global `--reposd-dir`, and read `-t` as taking a
    // value on both sides of the command (before it, `-t` is `--terse`).
    #[test]
    fn global_options_are_read_as_zypper_reads_them() {
        catches(
            &RULE,
            "FROM opensuse/leap\nRUN zypper --reposd-dir /r install -y curl\n",
        );
        catches(&RULE, "FROM opensuse/leap\nRUN zypper -t install -y curl\n");
    }

    // The shell rule's zypper list had `-D` and `-C` taking a value anywhere; after the command
    // they are `--dry-run` and `--capability`, so the next word is a package.
    #[test]
    fn dry_run_after_the_command_takes_no_value() {
        catches(&RULE, "FROM opensuse/leap\nRUN zypper install -y -D curl\n");
    }
}
