//! ## What it does
//! Flags `apt` (the interactive front end) in a `RUN`.
//!
//! ## Why it matters
//! `apt` is made for people at a terminal: its output and options may change between releases,
//! and it warns that it "does not have a stable CLI interface" when its output is not a
//! terminal, which is always the case in a build. `apt-get` (and `apt-cache`) are the stable
//! interfaces meant for scripts, so a Dockerfile that uses them keeps building the same way
//! after the base image moves to a newer release.
//!
//! ## Example
//! ```dockerfile
//! FROM ubuntu:24.04
//! RUN apt update && apt install -y curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ubuntu:24.04
//! RUN apt-get update \
//!  && apt-get install -y --no-install-recommends curl \
//!  && rm -rf /var/lib/apt/lists/*
//! ```

use crate::finding::Level;
use crate::packages::APT;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD404",
    name: "apt-instead-of-apt-get",
    level: Level::Warning,
    hadolint: Some("DL3027"),
    source: include_str!("apt_instead_of_apt_get.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for original in &script.commands {
            if super::is_lookup(original) {
                continue;
            }
            let cmd = original.unwrapped();
            if !cmd.is("apt") {
                continue;
            }
            let sub = APT.subcommand(&cmd).unwrap_or("");
            let instead = match sub {
                "update" | "upgrade" | "install" | "reinstall" | "remove" | "purge"
                | "autoremove" | "dist-upgrade" | "source" | "build-dep" | "clean"
                | "autoclean" | "download" | "satisfy" => format!("apt-get {sub}"),
                "full-upgrade" => "apt-get dist-upgrade".to_string(),
                "search" | "show" | "showsrc" | "policy" | "depends" | "rdepends" => {
                    format!("apt-cache {sub}")
                }
                _ => "apt-get or apt-cache".to_string(),
            };
            let shown = if sub.is_empty() {
                "apt".to_string()
            } else {
                format!("apt {sub}")
            };
            out.add(
                cx.head(ins),
                format!("`{shown}` is the interactive front end, with no stable interface for scripts: use `{instead}`"),
            );
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_apt() {
        assert_eq!(
            catches(
                &RULE,
                "FROM ubuntu\nRUN apt update && apt install -y curl\n"
            ),
            [2]
        );
        catches(&RULE, "FROM ubuntu\nRUN sudo apt install -y curl\n");
        catches(
            &RULE,
            "FROM ubuntu\nRUN <<EOF\napt-get update\napt install -y curl\nEOF\n",
        );
        let found = hits(&RULE, "FROM ubuntu\nRUN apt search curl\n");
        assert!(found[0].message.contains("apt-cache search"));
    }

    #[test]
    fn does_not_catch_apt_get_or_words_named_apt() {
        passes(
            &RULE,
            "FROM ubuntu\nRUN apt-get update && apt-get install -y curl\n",
        );
        passes(
            &RULE,
            "FROM ubuntu\nRUN echo apt install && apt-cache policy curl\n",
        );
        passes(&RULE, "FROM ubuntu\nRUN rm -rf /var/lib/apt/lists/*\n");
        passes(&RULE, "FROM ubuntu\nRUN command -v apt || true\n");
    }

    // The subcommand was read without skipping `-o`'s value: the message named `apt Dpkg::...`.
    #[test]
    fn an_option_value_is_not_named_as_the_subcommand() {
        let found = hits(
            &RULE,
            "FROM ubuntu\nRUN apt -o Dpkg::Use-Pty=0 install -y curl\n",
        );
        assert!(
            found[0].message.contains("use `apt-get install`"),
            "{}",
            found[0].message
        );
    }
}
