//! Package-manager commands as the size and cache rules read them: which manager, and whether
//! the command installs, refreshes the index, removes packages or cleans the cache. Not a rule.

use drydock_dockerfile::Instruction;

use crate::rule::{mount_covers, Context};
use crate::shell::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Manager {
    /// `apt-get`, `apt`, `aptitude`.
    Apt,
    Apk,
    Yum,
    /// `dnf`, `microdnf`, `tdnf`.
    Dnf,
    Zypper,
    /// `pip`, `pip3`, `python -m pip`.
    Pip,
}

impl Manager {
    /// Where the manager keeps what it downloads, for `--mount=type=cache` checks.
    pub fn cache_dirs(self) -> &'static [&'static str] {
        match self {
            Manager::Apt => &["/var/lib/apt/lists", "/var/cache/apt"],
            Manager::Apk => &["/var/cache/apk", "/etc/apk/cache"],
            Manager::Yum => &["/var/cache/yum"],
            Manager::Dnf => &["/var/cache/dnf", "/var/cache/yum"],
            Manager::Zypper => &["/var/cache/zypp"],
            Manager::Pip => &["/root/.cache/pip"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    /// Refreshes the package index: `apt-get update`, `apk update`, `yum makecache`.
    Update,
    Remove,
    Clean,
    Other,
}

/// One package-manager command.
#[derive(Debug, Clone)]
pub struct Package {
    pub manager: Manager,
    pub action: Action,
    /// The command with wrappers removed; for `python -m pip` it starts at `pip`.
    pub command: Command,
    /// The operands after the subcommand: package names, `.build-deps`, `-r` files excluded.
    pub names: Vec<String>,
}

impl Package {
    /// The command as a user would name it: `apt-get install`, `pip install`.
    pub fn title(&self) -> String {
        let program = self.command.program();
        let sub = match (self.manager, self.action) {
            (Manager::Apk, Action::Install) => "add",
            (_, Action::Install) => "install",
            (Manager::Apt | Manager::Apk, Action::Update) => "update",
            (Manager::Yum | Manager::Dnf, Action::Update) => "makecache",
            (Manager::Zypper, Action::Update) => "refresh",
            _ => return program.to_string(),
        };
        format!("{program} {sub}")
    }
}

/// Reads `cmd` as a package-manager command, if it is one.
pub fn read(cmd: &Command) -> Option<Package> {
    let cmd = pip_view(&cmd.unwrapped());
    let program = cmd.program();
    let (manager, takes_value): (Manager, &[&str]) = match program {
        "apt-get" | "apt" | "aptitude" => (Manager::Apt, APT_VALUES),
        "apk" => (Manager::Apk, APK_VALUES),
        "yum" => (Manager::Yum, RPM_VALUES),
        "dnf" | "dnf5" | "microdnf" | "tdnf" => (Manager::Dnf, RPM_VALUES),
        "zypper" => (Manager::Zypper, ZYPPER_VALUES),
        _ if is_pip(program) => (Manager::Pip, PIP_VALUES),
        _ => return None,
    };
    let ops = cmd.operands_skipping(takes_value);
    let (sub, rest) = match ops.split_first() {
        Some((sub, rest)) => (*sub, rest),
        None => return None,
    };
    let mut rest: Vec<String> = rest.iter().map(|s| (*s).to_string()).collect();
    let action = match (manager, sub) {
        (Manager::Apt, "install") => Action::Install,
        (Manager::Apt, "update") => Action::Update,
        (Manager::Apt, "remove" | "purge" | "autoremove") => Action::Remove,
        (Manager::Apt, "clean" | "autoclean" | "dist-clean") => Action::Clean,
        (Manager::Apk, "add") => Action::Install,
        (Manager::Apk, "update") => Action::Update,
        (Manager::Apk, "del") => Action::Remove,
        (Manager::Apk, "cache")
            if matches!(rest.first().map(String::as_str), Some("clean" | "purge")) =>
        {
            Action::Clean
        }
        (
            Manager::Yum | Manager::Dnf,
            "install" | "groupinstall" | "localinstall" | "reinstall",
        ) => Action::Install,
        (Manager::Yum | Manager::Dnf, "group" | "groups")
            if rest.first().is_some_and(|s| s == "install") =>
        {
            rest.remove(0);
            Action::Install
        }
        (Manager::Yum | Manager::Dnf, "makecache") => Action::Update,
        (Manager::Yum | Manager::Dnf, "remove" | "erase" | "autoremove") => Action::Remove,
        (Manager::Yum | Manager::Dnf, "clean") => Action::Clean,
        (Manager::Zypper, "install" | "in") => Action::Install,
        (Manager::Zypper, "refresh" | "ref") => Action::Update,
        (Manager::Zypper, "remove" | "rm") => Action::Remove,
        (Manager::Zypper, "clean" | "cc") => Action::Clean,
        (Manager::Pip, "install") => Action::Install,
        (Manager::Pip, "uninstall") => Action::Remove,
        (Manager::Pip, "cache")
            if matches!(rest.first().map(String::as_str), Some("purge" | "remove")) =>
        {
            Action::Clean
        }
        _ => Action::Other,
    };
    Some(Package {
        manager,
        action,
        command: cmd,
        names: rest,
    })
}

/// The installs of the stages that ship whose download cache stays in the layer: for each RUN,
/// the first `manager` command that `keeps` a cache and is not followed in the same RUN by a
/// clean (`cleans`) or an `rm` of one of `dirs`, and whose RUN mounts no cache over `dirs`.
pub fn installs_keeping_cache<'a>(
    cx: &Context<'a>,
    manager: Manager,
    keeps: impl Fn(&Package) -> bool,
    cleans: impl Fn(&Package) -> bool,
    dirs: &[&str],
) -> Vec<(&'a Instruction, Package)> {
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
            out.push((ins, pkg));
        }
    }
    out
}

/// Whether `cmd` is an `rm` (or `find ... -delete`) of something in one of `dirs`.
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

pub fn removes_any(cmd: &Command, dirs: &[&str]) -> bool {
    let cmd = cmd.unwrapped();
    let deletes = cmd.is("rm") || (cmd.is("find") && cmd.args().iter().any(|a| a == "-delete"));
    deletes
        && cmd.operands().iter().any(|op| {
            dirs.iter()
                .any(|d| super::paths::covers(op, &format!("{d}/x")))
        })
}

/// `pip`, `pip3`, `pip3.12`.
fn is_pip(program: &str) -> bool {
    program
        .strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `python3 -m pip install x` read as `pip install x`; other commands unchanged.
fn pip_view(cmd: &Command) -> Command {
    if !cmd.program().starts_with("python") {
        return cmd.clone();
    }
    let args = cmd.args();
    let at = args.windows(2).position(|w| w[0] == "-m" && is_pip(&w[1]));
    match at {
        Some(at) => {
            let mut view = cmd.clone();
            view.words = args.get(at + 1..).unwrap_or(&[]).to_vec();
            view
        }
        None => cmd.clone(),
    }
}

/// The value of option `name` (`--virtual .x`, `--virtual=.x`, `-t .x`), if given.
pub fn option_value<'a>(cmd: &'a Command, names: &[&str]) -> Option<&'a str> {
    let args = cmd.args();
    for (i, arg) in args.iter().enumerate() {
        for name in names {
            if arg == name {
                return args.get(i + 1).map(String::as_str);
            }
            if let Some(v) = arg.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                return Some(v);
            }
        }
    }
    None
}

/// A package operand without its version pin: `curl=7.88.1-10` and `curl>=7` give `curl`.
pub fn bare_name(word: &str) -> &str {
    let end = word
        .char_indices()
        .find(|&(i, c)| matches!(c, '=' | '<' | '>' | '~' | '[' | ';') && i > 0)
        .map_or(word.len(), |(i, _)| i);
    word.get(..end).unwrap_or(word)
}

/// npm/yarn/pnpm options that take a separate value word.
pub const NODE_VALUES: &[&str] = &[
    "--prefix",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--registry",
    "--cache",
    "--loglevel",
    "--userconfig",
    "--only",
    "--network-timeout",
    "--modules-folder",
    "--cache-folder",
    "--mutex",
    "--filter",
    "-F",
];

const APT_VALUES: &[&str] = &[
    "-o",
    "-c",
    "-t",
    "--option",
    "--config-file",
    "--target-release",
    "--default-release",
];
const APK_VALUES: &[&str] = &[
    "-X",
    "--repository",
    "-p",
    "--root",
    "-t",
    "--virtual",
    "--cache-dir",
    "--arch",
    "--keys-dir",
    "--repositories-file",
    "--cache-max-age",
    "--timeout",
];
const RPM_VALUES: &[&str] = &[
    "-c",
    "-d",
    "-e",
    "-R",
    "-x",
    "--installroot",
    "--releasever",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "--exclude",
    "--repo",
    "--repoid",
];
const ZYPPER_VALUES: &[&str] = &["--root", "-R", "--repo", "-r"];
const PIP_VALUES: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--cache-dir",
    "--src",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--progress-bar",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--upgrade-strategy",
    "-C",
    "--config-settings",
    "--global-option",
    "--root-user-action",
    "--python",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse;

    fn first(text: &str) -> Option<Package> {
        parse(text).commands.first().and_then(read)
    }

    #[test]
    fn reads_managers_and_actions() {
        let p = first("sudo apt-get -o Dpkg::Options::=--force-confold -y install curl=7.1 git")
            .expect("apt-get");
        assert_eq!((p.manager, p.action), (Manager::Apt, Action::Install));
        assert_eq!(p.names, ["curl=7.1", "git"]);
        let p = first("apk add --no-cache -t .build-deps gcc").expect("apk");
        assert_eq!(p.names, ["gcc"]);
        assert_eq!(
            option_value(&p.command, &["-t", "--virtual"]),
            Some(".build-deps")
        );
        let p = first("python3 -m pip install -r req.txt flask").expect("pip");
        assert_eq!((p.manager, p.action), (Manager::Pip, Action::Install));
        assert_eq!(p.names, ["flask"]);
        let p = first("dnf group install -y 'Development Tools'").expect("dnf");
        assert_eq!(p.action, Action::Install);
        assert_eq!(p.names, ["Development Tools"]);
        assert!(first("echo apt-get install").is_none());
        assert!(first("pipx install x").is_none());
        assert_eq!(bare_name("curl=7.1"), "curl");
        assert_eq!(bare_name("flask>=2"), "flask");
    }
}
