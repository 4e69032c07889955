use crate::rule::{Context, Rule};
use crate::shell::Command;

pub mod apt_get_without_yes;
pub mod apt_instead_of_apt_get;
pub mod bin_sh_symlink;
pub mod cd_instead_of_workdir;
pub mod dnf_without_yes;
pub mod pipe_without_pipefail;
pub mod pointless_command;
pub mod wget_and_curl;
pub mod wget_progress;
pub mod yum_without_yes;
pub mod zypper_without_yes;

pub const RULES: &[Rule] = &[
    pipe_without_pipefail::RULE,
    cd_instead_of_workdir::RULE,
    pointless_command::RULE,
    apt_instead_of_apt_get::RULE,
    apt_get_without_yes::RULE,
    yum_without_yes::RULE,
    dnf_without_yes::RULE,
    zypper_without_yes::RULE,
    wget_and_curl::RULE,
    wget_progress::RULE,
    bin_sh_symlink::RULE,
];

/// Whether a cluster of one-letter options (`-qy`, `-fy`, `-qO-`) holds `letter` among the
/// letters it starts with. A cluster that starts with a digit or symbol is a value, not
/// options.
pub(crate) fn short_cluster_has(cmd: &Command, letter: char) -> bool {
    cmd.args().iter().any(|arg| {
        arg.strip_prefix('-').is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_ascii_alphabetic())
                && rest
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .any(|c| c == letter)
        })
    })
}

/// The first operand, skipping the values of the options in `takes_value` (`-o x`, `-c x`):
/// `apt-get -o Dpkg::Options::=--force-confold install x` gives `install`.
pub(crate) fn subcommand_skipping<'c>(cmd: &'c Command, takes_value: &[&str]) -> Option<&'c str> {
    let mut args = cmd.args().iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            return args.next().map(String::as_str);
        }
        if takes_value.contains(&arg.as_str()) {
            args.next();
        } else if !(arg.starts_with('-') && arg.len() > 1) {
            return Some(arg);
        }
    }
    None
}

/// Whether `cmd` only asks where a program is (`command -v ps`), which the unwrapping of
/// `command` would otherwise read as running it.
pub(crate) fn is_lookup(cmd: &Command) -> bool {
    cmd.program() == "command"
        && cmd
            .args()
            .first()
            .is_some_and(|a| a.starts_with("-v") || a.starts_with("-V"))
}

/// Whether the stage holding instruction `index` builds on Alpine or BusyBox, where `/bin/sh` is
/// BusyBox ash and `wget` is BusyBox's (no `--progress`, no bash unless installed): the image
/// the chain of `FROM <stage>` starts from says so, or a RUN of the chain runs `apk`.
pub(crate) fn busybox_stage(cx: &Context, index: usize) -> bool {
    let mut stage = cx.stage_of(index);
    // Follow `FROM <earlier stage>` to the image the chain starts from.
    for _ in 0..cx.stages.len() {
        let Some(current) = stage else { return false };
        let uses_apk = current
            .instructions
            .clone()
            .filter_map(|i| cx.script(i))
            .any(|s| s.runs("apk"));
        if uses_apk {
            return true;
        }
        let base = current.base.as_ref().map_or("", |b| b.value.as_str());
        match cx
            .stages
            .get(..current.index)
            .unwrap_or(&[])
            .iter()
            .rev()
            .find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(base))
            }) {
            Some(parent) => stage = Some(parent),
            None => {
                let image = base.to_ascii_lowercase();
                return image.contains("alpine") || image.contains("busybox");
            }
        }
    }
    false
}
