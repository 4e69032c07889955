//! ## What it does
//! Flags `npm install <package>` (also `npm i`, `npm add`) where a package has no version or
//! asks for `@latest`. `npm install` and `npm ci` without package names (which follow
//! `package-lock.json`), local folders and tarballs, Git sources pinned with `#<ref>` and
//! packages named by a variable are not reported.
//!
//! ## Why it matters
//! A package named without a version resolves to its `latest` tag when the layer is built. A
//! global tool installed that way (`npm install -g typescript`) changes under the image with
//! every rebuild, including major versions that change behaviour. Application dependencies
//! belong in `package.json` and the lock file, installed with `npm ci` after copying only those
//! two files, so the layer stays cached until the dependencies change.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! RUN npm install -g typescript pm2@latest
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! RUN npm install -g typescript@5.6.3 pm2@5.4.2
//! ```

use crate::finding::Level;
use crate::packages::NODE;
use crate::rule::{Context, Report, Rule};

use super::{report, unknowable};

pub const RULE: Rule = Rule {
    code: "DD604",
    name: "npm-unpinned",
    level: Level::Info,
    hadolint: Some("DL3016"),
    source: include_str!("npm_unpinned.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("npm") {
            let args = NODE.operands(&cmd);
            let Some((&("install" | "i" | "add" | "in"), packages)) = args.split_first() else {
                continue;
            };
            let unpinned: Vec<&str> = packages.iter().copied().filter(|p| !pinned(p)).collect();
            report(cx, out, ins, "npm install", &unpinned, |p| {
                format!("{}@<version>", p.trim_end_matches("@latest"))
            });
        }
    }
}

fn pinned(package: &str) -> bool {
    if unknowable(package) {
        return true;
    }
    let local = ["/", "./", "../", "~/"]
        .iter()
        .any(|p| package.starts_with(p))
        || package == ".";
    let tarball = [".tgz", ".tar", ".tar.gz"]
        .iter()
        .any(|s| package.ends_with(s));
    if local || tarball {
        return true;
    }
    let git = package.starts_with("git")
        || package.starts_with("github:")
        || package.starts_with("gitlab:")
        || package.starts_with("bitbucket:");
    if git {
        return package.contains('#');
    }
    if package.contains("://") {
        // A tarball URL: the URL names the exact file.
        return true;
    }
    let (unscoped, scoped) = match package.strip_prefix('@') {
        Some(rest) => (rest.split_once('/').map_or("", |(_, name)| name), true),
        None => (package, false),
    };
    if !scoped && unscoped.contains('/') {
        // `user/repo` is a GitHub shorthand.
        return unscoped.contains('#');
    }
    match unscoped.split_once('@') {
        Some((_, version)) => !version.is_empty() && version != "latest",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_unpinned_packages() {
        assert_eq!(
            catches(&RULE, "FROM node:22\nRUN npm install -g typescript\n"),
            [2]
        );
        catches(&RULE, "FROM node:22\nRUN npm i -g npm@latest\n");
        catches(&RULE, "FROM node:22\nRUN npm install --save @angular/cli\n");
        catches(&RULE, "FROM node:22\nRUN npm add expressjs/express\n");
        let found = hits(&RULE, "FROM node:22\nRUN npm i -g npm@latest\n");
        assert!(
            found[0].message.contains("`npm@<version>`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn does_not_catch_lockfile_installs_versions_or_local_sources() {
        passes(
            &RULE,
            "FROM node:22\nRUN npm install && npm ci --omit=dev\n",
        );
        passes(&RULE, "FROM node:22\nRUN npm install --production\n");
        passes(
            &RULE,
            "FROM node:22\nRUN npm install -g typescript@5.6.3 @angular/cli@18.2 pm2@^5\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN npm install ./packages/a ../b /tmp/c.tgz .\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN npm install git+https://github.com/x/y.git#v1.0.0 x/y#abc\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN npm install -g \"npm@${NPM_VERSION}\" $EXTRA\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN npm run build && npm install --prefix /app\n",
        );
    }

    // The pinning rule's npm list lacked `--only`: its value was reported as a package.
    #[test]
    fn an_only_value_is_not_a_package() {
        passes(
            &RULE,
            "FROM node:22\nRUN npm install --only production express@4.19.2\n",
        );
    }

    // `--save-prefix '~'` read `~` as a package.
    #[test]
    fn option_values_are_not_packages() {
        passes(
            &RULE,
            "FROM node:22\nRUN npm install --save-prefix '~' --before 2024-06-01 express@4.19.2\n",
        );
        passes(
            &RULE,
            "FROM node:22\nRUN yarn add --cwd /app express@4.19.2\n",
        );
    }
}
