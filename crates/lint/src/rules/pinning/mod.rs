use drydock_dockerfile::Instruction;

use crate::packages::RPM;
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

/// What a yum/dnf command leaves unpinned: packages of `install`, or modules of
/// `module install` (which pin with `:<stream>`).
enum RpmUnpinned<'a> {
    Packages(Vec<&'a str>),
    Modules(Vec<&'a str>),
}

fn rpm_unpinned(cmd: &Command) -> Option<RpmUnpinned<'_>> {
    let args = RPM.operands(cmd);
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
