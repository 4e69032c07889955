//! ## What it does
//! Flags commands in a `RUN` that make no sense while an image is built: interactive editors
//! and monitors (`vim`, `nano`, `top`), status displays (`ps`, `free`, `ifconfig`), `ssh`,
//! `mount`, `shutdown`, and a `service` start that nothing after it in the same `RUN` uses.
//!
//! ## Why it matters
//! A build step has no terminal and no running system: an editor waits for input that never
//! comes, `shutdown` and `mount` need a machine the build does not have, a status display
//! shows the throwaway build container, and a service started by a `RUN` is gone when the `RUN`
//! ends, since an image stores files, not processes. Each such line costs a layer or build time
//! and does nothing for the image.
//!
//! ## Example
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends nginx
//! RUN service nginx start
//! RUN ps aux
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends nginx
//! CMD ["nginx", "-g", "daemon off;"]
//! ```
//! Start long-running processes with `CMD` or `ENTRYPOINT`; inspect a container with
//! `docker exec` once it runs.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::is_lookup;

pub const RULE: Rule = Rule {
    code: "DD403",
    name: "pointless-command",
    level: Level::Info,
    hadolint: Some("DL3001"),
    source: include_str!("pointless_command.rs"),
    check,
};

fn reason(program: &str) -> Option<&'static str> {
    Some(match program {
        "vim" | "vi" | "nano" | "emacs" => "waits for keyboard input a build never gives",
        "top" | "htop" => "is an interactive monitor of the throwaway build container",
        "ps" | "free" | "ifconfig" => "only describes the throwaway build container",
        "shutdown" | "reboot" | "halt" | "poweroff" => "has no machine to act on in a build",
        "mount" => {
            "needs privileges a build does not have, and mounts do not persist into the image"
        }
        "ssh" => "opens a remote session; credentials and host keys used here end up in the image",
        _ => return None,
    })
}

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for (at, cmd) in script.commands.iter().enumerate() {
            if is_lookup(cmd) {
                continue;
            }
            let cmd = cmd.unwrapped();
            let program = cmd.program();
            let message = if program == "service" {
                // `service mysql start && mysql < init.sql && service mysql stop` is setup; a
                // start as the last thing the RUN does is lost when the RUN ends.
                let starts = cmd
                    .args()
                    .get(1)
                    .is_some_and(|a| a == "start" || a == "restart");
                if !starts || at + 1 < script.commands.len() {
                    continue;
                }
                format!(
                    "`{}` starts a process that ends with this RUN; an image keeps files, not processes: start it from CMD or ENTRYPOINT",
                    cmd.words.join(" ")
                )
            } else if let Some(why) = reason(program) {
                format!("`{program}` {why}: remove it")
            } else {
                continue;
            };
            out.add(cx.head(ins), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_pointless_commands() {
        assert_eq!(catches(&RULE, "FROM debian\nRUN ps aux\n"), [2]);
        catches(
            &RULE,
            "FROM debian\nRUN apt-get install -y vim && vim /etc/hosts\n",
        );
        catches(&RULE, "FROM debian\nRUN sudo shutdown -h now\n");
        catches(&RULE, "FROM debian\nRUN service nginx start\n");
        catches(&RULE, "FROM debian\nRUN <<EOF\nfree -m\nEOF\n");
    }

    #[test]
    fn does_not_catch_installs_lookups_or_service_setup() {
        passes(
            &RULE,
            "FROM debian\nRUN apt-get install -y vim procps openssh-client\n",
        );
        passes(&RULE, "FROM debian\nRUN command -v ps && which top\n");
        passes(
            &RULE,
            "FROM debian\nRUN service mysql start && mysql < /init.sql && service mysql stop\n",
        );
        passes(
            &RULE,
            "FROM debian\nRUN ssh-keyscan github.com >> /etc/ssh/ssh_known_hosts\n",
        );
        passes(&RULE, "FROM debian\nRUN echo ps\n");
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN ps\n",
        );
    }
}
