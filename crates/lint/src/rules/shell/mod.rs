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
pub mod zypper_dist_upgrade;
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
    zypper_dist_upgrade::RULE,
];

/// Whether `cmd` only asks where a program is (`command -v ps`), which the unwrapping of
/// `command` would otherwise read as running it.
pub(crate) fn is_lookup(cmd: &Command) -> bool {
    cmd.program() == "command"
        && cmd
            .args()
            .first()
            .is_some_and(|a| a.starts_with("-v") || a.starts_with("-V"))
}

/// Per stage, whether it builds on Alpine or BusyBox, where `/bin/sh` is BusyBox ash and `wget`
/// is BusyBox's (no `--progress`, no bash unless installed): the image the chain of
/// `FROM <stage>` starts from says so, or a RUN of the chain runs `apk`. Worked out once for
/// all stages, parents first, so a file of many RUNs and stages is read once.
pub(crate) fn busybox_stages(cx: &Context) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::with_capacity(cx.stages.len());
    for stage in &cx.stages {
        let uses_apk = stage
            .instructions
            .clone()
            .filter_map(|i| cx.script(i))
            .any(|s| s.runs("apk"));
        let base = stage.base.as_ref().map_or("", |b| b.value.as_str());
        let busybox = uses_apk
            || match cx.last_stage_named(base, stage.index) {
                Some(parent) => out.get(parent.index).copied().unwrap_or(false),
                None => {
                    let image = base.to_ascii_lowercase();
                    image.contains("alpine") || image.contains("busybox")
                }
            };
        out.push(busybox);
    }
    out
}

/// Whether the stage holding instruction `index` is a BusyBox one, by [`busybox_stages`].
pub(crate) fn in_busybox_stage(cx: &Context, busybox: &[bool], index: usize) -> bool {
    cx.stage_of(index)
        .is_some_and(|s| busybox.get(s.index).copied().unwrap_or(false))
}
