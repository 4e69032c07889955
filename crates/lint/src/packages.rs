//! What Drydock knows about package managers' command lines, written once for every rule:
//! which options take a value in the next word (so `-o Dpkg::x` is not read as a subcommand or a
//! package), what answers a prompt with yes, what keeps the download cache out of the layer, and
//! which subcommands install, refresh the index, remove or clean. Not a rule.
//!
//! The option tables follow each tool's manual. An option missing here makes its value pass for
//! the subcommand or a package name, so a rule either misses the command or reports a "package"
//! that is an option value: add it here, never in a rule.

use crate::shell::Command;

/// Where a manager's value-taking options may stand.
#[derive(Debug)]
pub struct Options {
    /// Options taking the next word as their value wherever they stand (`-o Dpkg::x`).
    pub takes_value: &'static [&'static str],
    /// Global options taking a value only before the subcommand: after it, zypper's `-D` is
    /// `--dry-run` and `-C` is `--capability`, both without a value.
    pub takes_value_before: &'static [&'static str],
    /// Subcommand options taking a value only after the subcommand: before it, zypper's `-t` is
    /// `--terse`, without a value.
    pub takes_value_after: &'static [&'static str],
}

impl Options {
    /// The arguments of `cmd` that are not options nor option values, in order; every word
    /// after `--` is one (`apt-get install -y -- curl` gives `install`, `curl`).
    pub fn operands<'c>(&self, cmd: &'c Command) -> Vec<&'c str> {
        let mut out: Vec<&str> = Vec::new();
        let mut args = cmd.args().iter();
        let mut rest = false;
        while let Some(arg) = args.next() {
            if rest {
                out.push(arg);
            } else if arg == "--" {
                rest = true;
            } else if arg.starts_with('-') && arg.len() > 1 {
                let arg = arg.as_str();
                let positional = if out.is_empty() {
                    self.takes_value_before
                } else {
                    self.takes_value_after
                };
                if self.takes_value.contains(&arg) || positional.contains(&arg) {
                    args.next();
                }
            } else {
                out.push(arg);
            }
        }
        out
    }

    /// The first operand: `install` in `apt-get -o Dpkg::x install curl`.
    pub fn subcommand<'c>(&self, cmd: &'c Command) -> Option<&'c str> {
        self.operands(cmd).first().copied()
    }
}

/// apt-get(8), apt(8): `-o`, `-c` and `-t` anywhere on the line.
pub const APT: Options = Options {
    takes_value: &[
        "-o",
        "--option",
        "-c",
        "--config-file",
        "-t",
        "--target-release",
        "--default-release",
        "-a",
        "--host-architecture",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

/// apk(8) of apk-tools.
pub const APK: Options = Options {
    takes_value: &[
        "-X",
        "--repository",
        "-p",
        "--root",
        "-t",
        "--virtual",
        "--cache-dir",
        "--cache-max-age",
        "--arch",
        "--keys-dir",
        "--repositories-file",
        "--timeout",
        "--wait",
        "--progress-fd",
        "--from",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

/// yum(8) and dnf(8) (dnf5, microdnf and tdnf take the same spellings).
pub const RPM: Options = Options {
    takes_value: &[
        "-c",
        "--config",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "-R",
        "--randomwait",
        "-x",
        "--exclude",
        "--installroot",
        "--releasever",
        "--setopt",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--repoid",
        "--rpmverbosity",
        "--forcearch",
        "--downloaddir",
        "--destdir",
        "--repofrompath",
        "--from-repo",
        "--comment",
        "--advisory",
        "--advisories",
        "--bz",
        "--cve",
        "--sec-severity",
        "--secseverity",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

/// zypper(8): global options stand before the command, command options after it, and a
/// letter means something else on each side.
pub const ZYPPER: Options = Options {
    takes_value: &[],
    takes_value_before: &[
        "-c",
        "--config",
        "-R",
        "--root",
        "--installroot",
        "-D",
        "--reposd-dir",
        "-C",
        "--cache-dir",
        "--raw-cache-dir",
        "--solv-cache-dir",
        "--pkg-cache-dir",
        "--userdata",
    ],
    takes_value_after: &["-r", "--repo", "--from", "-t", "--type", "--download"],
};

/// pip's install options and general options (`pip install --help`).
pub const PIP: Options = Options {
    takes_value: &[
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
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
        "-b",
        "--build",
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
        "--install-option",
        "--report",
        "--root-user-action",
        "--python",
        "--use-feature",
        "--use-deprecated",
        "--keyring-provider",
        "--group",
        "--resume-retries",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

/// pipx(1) options followed by a value word (`pipx install --python python3.12 black`).
pub const PIPX: Options = Options {
    takes_value: &[
        "--python",
        "--pip-args",
        "--suffix",
        "-i",
        "--index-url",
        "--preinstall",
        "--spec",
        "--backend",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

/// npm, yarn and pnpm options followed by a value word.
pub const NODE: Options = Options {
    takes_value: &[
        "--prefix",
        "-w",
        "--workspace",
        "--omit",
        "--include",
        "--only",
        "--tag",
        "--install-strategy",
        "--location",
        "--registry",
        "--cache",
        "--loglevel",
        "--userconfig",
        "--network-timeout",
        "--modules-folder",
        "--cache-folder",
        "--mutex",
        "--filter",
        "-F",
        "--save-prefix",
        "--before",
        "--cpu",
        "--os",
        "--libc",
        "--globalconfig",
        "--fetch-retries",
        "--fetch-timeout",
        "--audit-level",
        "--script-shell",
        "--node-options",
        "--lockfile-version",
        "--cwd",
        "--network-concurrency",
        "--store-dir",
        "--virtual-store-dir",
        "-C",
        "--dir",
        "--reporter",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

/// gem(1) install options.
pub const GEM: Options = Options {
    takes_value: &[
        "-v",
        "--version",
        "-i",
        "--install-dir",
        "-n",
        "--bindir",
        "-s",
        "--source",
        "--platform",
        "-P",
        "--trust-policy",
        "--build-root",
        "-g",
        "--file",
        "--without",
        "--config-file",
        "-B",
        "--bulk-threshold",
        "--target-rbconfig",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

/// `go install`, `go get`, `go run` build flags.
pub const GO: Options = Options {
    takes_value: &[
        "-o",
        "-C",
        "-p",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-gccgoflags",
        "-tags",
        "-modfile",
        "-mod",
        "-pkgdir",
        "-toolexec",
        "-overlay",
        "-exec",
        "-buildmode",
        "-compiler",
        "-installsuffix",
        "-pgo",
        "-covermode",
        "-coverpkg",
    ],
    takes_value_before: &[],
    takes_value_after: &[],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Manager {
    /// `apt-get`, `apt`, `aptitude`.
    Apt,
    Apk,
    Yum,
    /// `dnf`, `dnf5`, `microdnf`, `tdnf`.
    Dnf,
    Zypper,
    /// `pip`, `pip3`, `python -m pip`.
    Pip,
}

impl Manager {
    /// The manager a program name (without directory) belongs to.
    pub fn of(program: &str) -> Option<Manager> {
        Some(match program {
            "apt-get" | "apt" | "aptitude" => Manager::Apt,
            "apk" => Manager::Apk,
            "yum" => Manager::Yum,
            "dnf" | "dnf5" | "microdnf" | "tdnf" => Manager::Dnf,
            "zypper" => Manager::Zypper,
            _ if is_pip(program) => Manager::Pip,
            _ => return None,
        })
    }

    pub fn options(self) -> &'static Options {
        match self {
            Manager::Apt => &APT,
            Manager::Apk => &APK,
            Manager::Yum | Manager::Dnf => &RPM,
            Manager::Zypper => &ZYPPER,
            Manager::Pip => &PIP,
        }
    }

    /// Where the manager keeps what it downloads, for `--mount=type=cache` checks.
    pub fn cache_dirs(self) -> &'static [&'static str] {
        match self {
            Manager::Apt => &["/var/lib/apt/lists", "/var/cache/apt"],
            Manager::Apk => &["/var/cache/apk", "/etc/apk/cache"],
            Manager::Yum => &["/var/cache/yum"],
            // dnf5 (Fedora 41+) keeps its cache in /var/cache/libdnf5.
            Manager::Dnf => &["/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum"],
            Manager::Zypper => &["/var/cache/zypp"],
            Manager::Pip => &["/root/.cache/pip"],
        }
    }

    /// Whether `cmd` (this manager's command) answers its confirmation prompts with yes.
    pub fn answers_yes(self, cmd: &Command) -> bool {
        let long = |names: &[&str]| cmd.args().iter().any(|a| names.contains(&a.as_str()));
        match self {
            Manager::Apt => {
                cmd.has_short_option('y')
                    || long(&["--yes", "--assume-yes"])
                    || cmd.args().iter().any(|a| a.contains("Assume-Yes"))
                    || apt_quiet_level(cmd) >= 2
            }
            Manager::Yum | Manager::Dnf => cmd.has_short_option('y') || long(&["--assumeyes"]),
            Manager::Zypper => {
                cmd.has_short_option('n')
                    || cmd.has_short_option('y')
                    || long(&["--non-interactive", "--no-confirm"])
            }
            Manager::Pip => cmd.has_short_option('y') || long(&["--yes"]),
            // apk never asks.
            Manager::Apk => true,
        }
    }
}

/// apt's quiet level: `-qq`, `-q -q`, `-q=2`, `--quiet=2`. Level 2 implies `-y`.
fn apt_quiet_level(cmd: &Command) -> u32 {
    let mut quiet = 0;
    for arg in cmd.args() {
        if let Some(level) = arg
            .strip_prefix("-q=")
            .or_else(|| arg.strip_prefix("--quiet="))
        {
            quiet += level.parse::<u32>().unwrap_or(1);
        } else if arg == "--quiet" {
            quiet += 1;
        } else if let Some(rest) = arg.strip_prefix('-') {
            if !rest.starts_with('-') && rest.chars().all(|c| c.is_ascii_alphabetic()) {
                quiet += u32::try_from(rest.matches('q').count()).unwrap_or(0);
            }
        }
    }
    quiet
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
    /// The subcommand as written (`install`, `dist-clean`, `group`).
    pub subcommand: String,
    /// The operands after the subcommand: package names, `.build-deps`, `-r` files excluded.
    pub names: Vec<String>,
}

impl Package {
    /// The command as a user would name it: `apt-get install`, `pip install`.
    pub fn title(&self) -> String {
        let program = self.command.program();
        let sub = match (self.manager, self.action) {
            (Manager::Apk, Action::Install) => "add",
            // `dnf up`, `yum update`: as written, since upgrades count as installs.
            (Manager::Yum | Manager::Dnf, Action::Install)
                if !matches!(self.subcommand.as_str(), "group" | "groups") =>
            {
                self.subcommand.as_str()
            }
            (_, Action::Install) => "install",
            (Manager::Apt | Manager::Apk, Action::Update) => "update",
            (Manager::Yum | Manager::Dnf, Action::Update) => "makecache",
            (Manager::Zypper, Action::Update) => "refresh",
            _ => return program.to_string(),
        };
        format!("{program} {sub}")
    }

    /// An install that keeps nothing it downloads: `apk add --no-cache` (or `--no-network`,
    /// which downloads nothing), `pip install --no-cache-dir`.
    pub fn skips_cache(&self) -> bool {
        match self.manager {
            Manager::Apk => self.command.has_any_flag(&["--no-cache", "--no-network"]),
            Manager::Pip => self.command.has_flag("--no-cache-dir"),
            _ => false,
        }
    }

    /// A clean that also removes apt's package lists: `apt-get dist-clean` (APT 2.7+).
    pub fn cleans_lists(&self) -> bool {
        self.manager == Manager::Apt
            && self.action == Action::Clean
            && self.subcommand == "dist-clean"
    }

    /// An apt install told to leave recommended packages out: `--no-install-recommends`, or
    /// `-o APT::Install-Recommends=false` (or `0`, `no`).
    pub fn skips_recommends(&self) -> bool {
        self.manager == Manager::Apt
            && (self.command.has_flag("--no-install-recommends")
                || self.command.args().iter().any(|a| recommends_off(a)))
    }
}

/// Whether a word sets apt's `Install-Recommends` off (`APT::Install-Recommends=0`, or
/// `APT::Install-Recommends "false";` written into apt.conf.d).
pub fn recommends_off(word: &str) -> bool {
    let Some((_, value)) = word.split_once("Install-Recommends") else {
        return false;
    };
    let value = value
        .trim_start_matches(['=', ' ', '"'])
        .to_ascii_lowercase();
    value.starts_with("false") || value.starts_with('0') || value.starts_with("no")
}

/// Reads `cmd` as a package-manager command, if it is one.
pub fn read(cmd: &Command) -> Option<Package> {
    // Most commands run no package manager: say so before copying anything.
    let program = cmd.unwrapped_program();
    if Manager::of(program).is_none() && !is_python(program) {
        return None;
    }
    let cmd = pip_view(&cmd.unwrapped());
    let manager = Manager::of(cmd.program())?;
    let ops = manager.options().operands(&cmd);
    let (sub, rest) = ops.split_first()?;
    let sub = (*sub).to_string();
    let mut rest: Vec<String> = rest.iter().map(|s| (*s).to_string()).collect();
    let action = match (manager, sub.as_str()) {
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
        (Manager::Yum | Manager::Dnf, sub) if RPM_INSTALLS.contains(&sub) => Action::Install,
        (Manager::Yum | Manager::Dnf, "group" | "groups")
            if rest.first().is_some_and(|s| s == "install") =>
        {
            rest.remove(0);
            Action::Install
        }
        (Manager::Yum | Manager::Dnf, "makecache" | "mc") => Action::Update,
        (Manager::Yum | Manager::Dnf, "remove" | "erase" | "rm" | "autoremove") => Action::Remove,
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
        subcommand: sub,
        names: rest,
    })
}

/// yum and dnf subcommands that download and install packages, aliases included (dnf's `in`,
/// `rei`, `up`, `up-min`, `dsync`, `dg`; yum 4 on RHEL 8+ is dnf and takes them too): upgrades
/// fill the cache like installs do, so they count as installs.
pub const RPM_INSTALLS: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "rei",
    "upgrade",
    "update",
    "up",
    "upgrade-minimal",
    "update-minimal",
    "up-min",
    "distro-sync",
    "distribution-synchronization",
    "dsync",
    "downgrade",
    "dg",
];

/// `pip`, `pip3`, `pip3.12`.
fn is_pip(program: &str) -> bool {
    program
        .strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `python3 -m pip install x` (also `python3.12 -I -m pip3 install x`) read as
/// `pip install x`; other commands unchanged.
/// `python`, `python3`, `python3.12`: a program that may run pip as `-m pip`.
fn is_python(program: &str) -> bool {
    program
        .strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn pip_view(cmd: &Command) -> Command {
    if !is_python(cmd.program()) {
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
        for alias in ["in", "rei", "up", "up-min", "upgrade", "dsync"] {
            let p = first(&format!("dnf -y {alias} nginx")).expect("dnf");
            assert_eq!(p.action, Action::Install, "{alias}");
            assert_eq!(p.title(), format!("dnf {alias}"));
        }
        assert_eq!(first("yum -y update").expect("yum").title(), "yum update");
        assert_eq!(bare_name("curl=7.1"), "curl");
        assert_eq!(bare_name("flask>=2"), "flask");
    }

    #[test]
    fn words_after_a_double_dash_are_operands() {
        let script = parse("apt-get -o Dpkg::Options::=--force-confnew install -t bookworm-backports -y curl -- -x");
        assert_eq!(APT.operands(&script.commands[0]), ["install", "curl", "-x"]);
    }

    #[test]
    fn zypper_letters_take_a_value_on_one_side_of_the_command_only() {
        let cmd = |text: &str| parse(text).commands.remove(0);
        // Before the command, -t is --terse and -D is --reposd-dir DIR.
        assert_eq!(
            ZYPPER.operands(&cmd("zypper -t -D /r in -t package curl")),
            ["in", "curl"]
        );
        // After it, -D is --dry-run and -C is --capability.
        assert_eq!(
            ZYPPER.operands(&cmd("zypper in -D -C curl")),
            ["in", "curl"]
        );
    }

    // Option values read as packages or as the subcommand (issue 16).
    #[test]
    fn more_option_values_are_not_operands() {
        let cmd = |text: &str| parse(text).commands.remove(0);
        assert_eq!(
            APT.operands(&cmd("apt-get install -a arm64 -y curl")),
            ["install", "curl"]
        );
        assert_eq!(
            APK.operands(&cmd("apk add --wait 30 --no-cache curl")),
            ["add", "curl"]
        );
        assert_eq!(
            RPM.operands(&cmd(
                "dnf --repofrompath r,/repo install -y --advisory FEDORA-1 x"
            )),
            ["install", "x"]
        );
        assert_eq!(
            ZYPPER.operands(&cmd("zypper --userdata note in --download only curl")),
            ["in", "curl"]
        );
    }

    // The size rules' pip list lacked `-e`: an editable path read as a package name.
    #[test]
    fn an_editable_path_is_not_a_package_name() {
        let p = first("pip install -e ./lib flask").expect("pip");
        assert_eq!(p.names, ["flask"]);
    }
}
