use std::borrow::Cow;
use std::collections::HashSet;

use drydock_dockerfile::{Args, Instruction, Kind};

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

fn rpm_unpinned<'c>(cmd: &'c Command, foreign: impl Fn(&str) -> bool) -> Option<RpmUnpinned<'c>> {
    let args = RPM.operands(cmd);
    match args.as_slice() {
        ["install" | "in", packages @ ..] => Some(RpmUnpinned::Packages(
            packages
                .iter()
                .copied()
                .filter(|p| !rpm_pinned(&without_vars(p, &foreign)))
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

/// Reports what one yum/dnf command (`tool`) of the RUN (index, instruction) leaves
/// unpinned.
fn report_rpm(
    cx: &Context,
    out: &mut Report,
    (index, ins): (usize, &Instruction),
    tool: &str,
    cmd: &Command,
    foreign: &ForeignVars,
) {
    let scope = cx.scope(index);
    let foreign = |name: &str| foreign.declared.contains(name) && !scope.contains(name);
    match rpm_unpinned(cmd, foreign) {
        Some(RpmUnpinned::Packages(packages)) => {
            let (emptied, plain): (Vec<&str>, Vec<&str>) = packages
                .iter()
                .partition(|p| without_vars(p, foreign) != **p);
            report(cx, out, ins, &format!("{tool} install"), &plain, |p| {
                format!("{p}-<version>")
            });
            if let Some(first) = emptied.first() {
                out.add(
                    cx.head(ins),
                    format!(
                        "`{tool} install {first}` pins with a variable declared in another stage, which is empty here, so the build installs `{}` with no version: declare it in this stage (`ARG`), or set it with ENV in a stage this one builds FROM",
                        without_vars(first, foreign)
                    ),
                );
            }
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

/// The names of every ARG and ENV in the file. A `$NAME` that is one of them but not in
/// scope where it is used was declared in another stage: the build expands it to nothing, so
/// `nginx-${NGINX_VERSION}` there is `nginx-`, not a pin.
pub(crate) struct ForeignVars {
    declared: HashSet<String>,
}

impl ForeignVars {
    pub(crate) fn of(cx: &Context) -> ForeignVars {
        let mut declared = HashSet::new();
        for ins in cx.instructions() {
            match (&ins.kind, &ins.args) {
                (Kind::Arg, Args::Words(words)) => {
                    for w in words {
                        let name = w.value.split('=').next().unwrap_or("");
                        declared.insert(name.to_string());
                    }
                }
                (Kind::Env, Args::KeyValues(pairs)) => {
                    declared.extend(pairs.iter().map(|kv| kv.key.value.clone()));
                }
                _ => {}
            }
        }
        ForeignVars { declared }
    }
}

/// `word` with the plain references (`$NAME`, `${NAME}`) to variables `foreign` names
/// removed, as the build expands them to nothing; other references stay.
fn without_vars<'w>(word: &'w str, foreign: impl Fn(&str) -> bool) -> Cow<'w, str> {
    if !word.contains('$') {
        return Cow::Borrowed(word);
    }
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at + 1..).unwrap_or("");
        let (name, len) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) if inner.get(..end).is_some_and(|n| n.chars().all(is_name)) => {
                    (inner.get(..end).unwrap_or(""), end + 2)
                }
                _ => ("", 0),
            },
            None => {
                let end = after.find(|c: char| !is_name(c)).unwrap_or(after.len());
                (after.get(..end).unwrap_or(""), end)
            }
        };
        if !name.is_empty() && foreign(name) {
            rest = after.get(len..).unwrap_or("");
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
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
