//! ## What it does
//! Flags a `RUN` that runs a command through `sudo`.
//!
//! ## Why it matters
//! A build step already runs as the `USER` in effect, with no one at a terminal. `sudo` adds
//! nothing there but surprises: it may not be installed, it resets the environment (so `ENV`
//! values such as `PATH` or proxy settings silently disappear), it can insist on a TTY or a
//! password and hang or fail the build, and keeping it in the image leaves a way back to root
//! for whoever gets into the container.
//!
//! ## Example
//! ```dockerfile
//! FROM ubuntu:24.04
//! USER app
//! RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ubuntu:24.04
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! USER app
//! ```
//! Run the steps that need root before switching `USER`; to drop privileges when the
//! container starts, use `gosu` or `su-exec` in the entrypoint.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::shell::Command;

pub const RULE: Rule = Rule {
    code: "DD205",
    name: "sudo-in-run",
    level: Level::Error,
    hadolint: Some("DL3004"),
    source: include_str!("sudo_in_run.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        if let Some(cmd) = script.commands.iter().find(|c| uses_sudo(c)) {
            let rest = cmd.unwrapped();
            let what = match rest.name() {
                "" => String::new(),
                name => format!(" to run `{name}`"),
            };
            out.add(
                cx.head(ins),
                format!(
                    "this RUN uses `sudo`{what}: build steps already run as the USER in effect, so run them as root before switching USER instead"
                ),
            );
        }
    }
}

/// Whether `sudo` is the command or one of the wrappers in front of it (`env sudo x`).
fn uses_sudo(cmd: &Command) -> bool {
    for word in &cmd.words {
        let base = word.rsplit('/').next().unwrap_or(word);
        match base {
            "sudo" => return true,
            // `command -v sudo` looks sudo up; it does not run it.
            "-v" | "-V" if cmd.name() == "command" => return false,
            "env" | "exec" | "nice" | "time" | "nohup" | "command" => {}
            _ if word.starts_with('-') || crate::shell::is_assignment(word) => {}
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_sudo() {
        assert_eq!(
            catches(&RULE, "FROM ubuntu\nRUN sudo apt-get update\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM ubuntu\nRUN apt-get update && sudo -E make install\n",
        );
        catches(
            &RULE,
            "FROM ubuntu\nRUN [\"sudo\", \"make\", \"install\"]\n",
        );
        catches(
            &RULE,
            "FROM ubuntu\nRUN env DEBUG=1 /usr/bin/sudo make install\n",
        );
        catches(
            &RULE,
            "FROM ubuntu\nRUN <<EOF\nset -e\nsudo make install\nEOF\n",
        );
        catches(&RULE, "FROM ubuntu\nRUN if true; then sudo true; fi\n");
    }

    #[test]
    fn does_not_catch_installing_or_mentioning_sudo() {
        passes(&RULE, "FROM ubuntu\nRUN apt-get install -y sudo\n");
        passes(
            &RULE,
            "FROM ubuntu\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\n",
        );
        passes(&RULE, "FROM ubuntu\nRUN command -v sudo\n");
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN sudo x\n",
        );
    }
}
