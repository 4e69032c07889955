//! ## What it does
//! Flags `apk add` of packages without a version constraint (`curl` rather than `curl=8.9.1-r0`
//! or `curl~8.9`). The name given to `--virtual`/`-t`, local `.apk` files and packages named
//! by a variable are not reported.
//!
//! ## Why it matters
//! Without a version, `apk add` installs whatever the repository holds when the layer is
//! built, so the same Dockerfile yields different images over time and an upgrade slips in
//! with an unrelated rebuild. Alpine keeps only the latest release of a package in each branch,
//! so an exact pin (`=8.9.1-r0`) breaks the build when the package is updated; a fuzzy pin
//! (`~8.9`) keeps the major and minor version while accepting security fixes. This rule is
//! informational: pin what the application depends on.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl git
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl~8.9 git~2.45
//! ```

use crate::finding::Level;
use crate::packages::APK;
use crate::rule::{Context, Report, Rule};

use super::{report, unknowable};

pub const RULE: Rule = Rule {
    code: "DD602",
    name: "apk-unpinned",
    level: Level::Info,
    hadolint: Some("DL3018"),
    source: include_str!("apk_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("apk") {
            let args = APK.operands(&cmd);
            let Some((&"add", packages)) = args.split_first() else {
                continue;
            };
            let unpinned: Vec<&str> = packages.iter().copied().filter(|p| !pinned(p)).collect();
            report(cx, out, ins, "apk add", &unpinned, |p| {
                format!("{p}~<version>")
            });
        }
    }
}

fn pinned(package: &str) -> bool {
    unknowable(package) || package.contains(['=', '~', '<', '>', '/']) || package.ends_with(".apk")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_unpinned_packages() {
        assert_eq!(
            catches(&RULE, "FROM alpine:3.20\nRUN apk add --no-cache curl\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc=13.2.1-r0 make\n",
        );
        catches(
            &RULE,
            "FROM alpine:3.20\nRUN apk update && apk add -U git\n",
        );
    }

    #[test]
    fn does_not_catch_pinned_virtual_names_or_files() {
        passes(
            &RULE,
            "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0 git~2.45 'tzdata>2024a'\n",
        );
        passes(
            &RULE,
            "FROM alpine:3.20\nRUN apk add --no-cache -t .deps gcc=13.2.1-r0\n",
        );
        passes(
            &RULE,
            "FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/x.apk\n",
        );
        passes(&RULE, "FROM alpine:3.20\nRUN apk add --no-cache $DEPS\n");
        passes(
            &RULE,
            "FROM alpine:3.20\nRUN apk del .build-deps && apk upgrade\n",
        );
    }

    // The pinning rule's apk list lacked `--timeout`, so its value read as the subcommand.
    #[test]
    fn a_timeout_value_is_not_the_subcommand() {
        catches(&RULE, "FROM alpine:3.20\nRUN apk --timeout 30 add curl\n");
    }
}
