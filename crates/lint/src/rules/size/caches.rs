//! Download caches left in a layer, as the size and cache rules look for them across a RUN:
//! an install, then no clean of the same manager nor `rm` of its cache before the RUN ends.

use drydock_dockerfile::Instruction;

use crate::packages::{read, Manager, Package};
use crate::rule::{mount_covers, Context};
use crate::shell::Command;

/// The installs of the stages that ship whose download cache stays in the layer: for each RUN
/// (by instruction index), the first `manager` command that `keeps` a cache and is not followed in the same RUN by a
/// clean (`cleans`) or an `rm` of one of `dirs`, and whose RUN mounts no cache over `dirs`.
pub fn installs_keeping_cache<'a>(
    cx: &Context<'a>,
    manager: Manager,
    keeps: impl Fn(&Package) -> bool,
    cleans: impl Fn(&Package) -> bool,
    dirs: &[&str],
) -> Vec<(usize, &'a Instruction, Package)> {
    let mut out = Vec::new();
    for (index, ins, script) in cx.runs() {
        let ships = cx.stage_of(index).is_some_and(|s| cx.ships(s));
        if !ships || dirs.iter().any(|d| mount_covers(ins, d)) {
            continue;
        }
        let commands = &script.commands;
        let cleaned = cleaned_after(commands, |c| {
            read(c).is_some_and(|p| cleans(&p)) || removes_any(c, dirs)
        });
        let found = commands.iter().enumerate().find_map(|(at, c)| {
            let pkg = read(c).filter(|p| p.manager == manager && keeps(p))?;
            let cleaned = cleaned.get(at).copied().unwrap_or(false);
            (!cleaned).then_some(pkg)
        });
        if let Some(pkg) = found {
            out.push((index, ins, pkg));
        }
    }
    out
}

/// For each command, whether a later one of the same script `cleans`: read once from the end,
/// so a long RUN of many installs and one cleanup is not reread per install.
pub fn cleaned_after(commands: &[Command], cleans: impl Fn(&Command) -> bool) -> Vec<bool> {
    let mut out = vec![false; commands.len()];
    let mut later = false;
    for (at, command) in commands.iter().enumerate().rev() {
        if let Some(slot) = out.get_mut(at) {
            *slot = later;
        }
        later |= cleans(command);
    }
    out
}

/// Whether `cmd` is an `rm` (or `find ... -delete`) of something in one of `dirs`.
pub fn removes_any(cmd: &Command, dirs: &[&str]) -> bool {
    if !matches!(cmd.unwrapped_program(), "rm" | "find") {
        return false;
    }
    let cmd = cmd.unwrapped();
    let deletes = cmd.is("rm") || (cmd.is("find") && cmd.args().iter().any(|a| a == "-delete"));
    deletes
        && cmd.operands().iter().any(|op| {
            dirs.iter()
                .any(|d| super::paths::covers(op, &format!("{d}/x")))
        })
}
