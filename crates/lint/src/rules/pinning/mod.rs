use drydock_dockerfile::Instruction;

use crate::rule::{Context, Report, Rule};
use crate::shell::Command;

pub mod apk_unpinned;
pub mod apt_get_unpinned;
pub mod dnf_unpinned;
pub mod gem_unpinned;
pub mod go_install_unpinned;
pub mod npm_unpinned;
pub mod pip_unpinned;
pub mod yum_unpinned;
pub mod zypper_unpinned;

pub const RULES: &[Rule] = &[
    apt_get_unpinned::RULE,
    apk_unpinned::RULE,
    pip_unpinned::RULE,
    npm_unpinned::RULE,
    gem_unpinned::RULE,
    yum_unpinned::RULE,
    dnf_unpinned::RULE,
    zypper_unpinned::RULE,
    go_install_unpinned::RULE,
];

/// The arguments of `cmd` that are not options, skipping the value after each option in
/// `takes_value` (written as a separate word: `-t bookworm-backports`). Stops at `--`.
fn plain_args<'a>(cmd: &'a Command, takes_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut args = cmd.args().iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg.starts_with('-') && arg.len() > 1 {
            if takes_value.contains(&arg.as_str()) {
                args.next();
            }
            continue;
        }
        out.push(arg.as_str());
    }
    out
}

/// Words a rule cannot judge: variables and substitutions, whose value the build decides.
fn unknowable(word: &str) -> bool {
    word.is_empty() || word.contains('$') || word.contains('`')
}

/// Reports the packages `tool` leaves unpinned in one command, with how to pin one.
fn report(
    cx: &Context,
    out: &mut Report,
    ins: &Instruction,
    tool: &str,
    unpinned: &[&str],
    pin: impl Fn(&str) -> String,
) {
    let Some(first) = unpinned.first() else {
        return;
    };
    let names: Vec<String> = unpinned.iter().take(3).map(|p| format!("`{p}`")).collect();
    let list = match (names.as_slice(), unpinned.len()) {
        ([one], 1) => one.clone(),
        ([a, b], 2) => format!("{a} and {b}"),
        (shown, n) if n > shown.len() => {
            format!("{} and {} more", shown.join(", "), n - shown.len())
        }
        (shown, _) => shown.join(", "),
    };
    out.add(
        cx.head(ins),
        format!(
            "`{tool}` installs {list} without a version, so rebuilds may get different ones: pin them like `{}`",
            pin(first)
        ),
    );
}

/// yum/dnf options followed by a value in the next word.
const RPM_TAKES_VALUE: &[&str] = &[
    "-c",
    "--config",
    "--installroot",
    "--releasever",
    "--setopt",
    "-x",
    "--exclude",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "--rpmverbosity",
    "--forcearch",
    "--downloaddir",
    "--destdir",
];

/// What a yum/dnf command leaves unpinned: packages of `install`, or modules of
/// `module install` (which pin with `:<stream>`).
enum RpmUnpinned<'a> {
    Packages(Vec<&'a str>),
    Modules(Vec<&'a str>),
}

fn rpm_unpinned(cmd: &Command) -> Option<RpmUnpinned<'_>> {
    let args = plain_args(cmd, RPM_TAKES_VALUE);
    match args.as_slice() {
        ["install", packages @ ..] => Some(RpmUnpinned::Packages(
            packages
                .iter()
                .copied()
                .filter(|p| !rpm_pinned(p))
                .collect(),
        )),
        ["module", "install", modules @ ..] => Some(RpmUnpinned::Modules(
            modules
                .iter()
                .copied()
                .filter(|m| !unknowable(m) && !m.contains(':') && !m.contains('/'))
                .collect(),
        )),
        _ => None,
    }
}

/// Reports what one yum/dnf command (`tool`) leaves unpinned.
fn report_rpm(cx: &Context, out: &mut Report, ins: &Instruction, tool: &str, cmd: &Command) {
    match rpm_unpinned(cmd) {
        Some(RpmUnpinned::Packages(packages)) => {
            report(cx, out, ins, &format!("{tool} install"), &packages, |p| {
                format!("{p}-<version>")
            });
        }
        Some(RpmUnpinned::Modules(modules)) => {
            report(
                cx,
                out,
                ins,
                &format!("{tool} module install"),
                &modules,
                |m| format!("{m}:<stream>"),
            );
        }
        None => {}
    }
}

/// `name-version[-release]`: the part after the last `-` starts with a digit, which tells
/// `httpd-2.4.6` (pinned) from `java-17-openjdk` or `python3-devel` (not). Files, paths,
/// groups (`@x`), capabilities (`perl(Foo)`) and globs cannot be pinned this way.
fn rpm_pinned(package: &str) -> bool {
    unknowable(package)
        || package.ends_with(".rpm")
        || package.starts_with('@')
        || package.contains(['/', '(', '*', '=', '<', '>'])
        || package
            .rsplit_once('-')
            .is_some_and(|(_, version)| version.starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse;

    #[test]
    fn plain_args_skip_options_and_their_values() {
        let script = parse("apt-get -o Dpkg::Options::=--force-confnew install -t bookworm-backports -y curl -- -x");
        let cmd = &script.commands[0];
        assert_eq!(plain_args(cmd, &["-o", "-t"]), ["install", "curl"]);
    }
}
