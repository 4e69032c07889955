//! ## What it does
//! Flags a `$VAR` in an instruction's arguments (`COPY`, `ADD`, `ENV`, `LABEL`, `WORKDIR`,
//! `USER`, `EXPOSE`, `VOLUME`, `STOPSIGNAL`, `ARG` defaults) that no `ARG` or `ENV` in scope
//! defines, when the file shows it is a mistake:
//! - the variable is set later in the stage, so it is still empty where it is used;
//! - it is a global `ARG` (before the first `FROM`), an `ARG` of the stage this one builds on,
//!   or a builder-provided one such as `TARGETARCH`, none of which a stage sees until it
//!   declares `ARG NAME` itself;
//! - it is set only in another stage, which this one does not build on;
//! - it is one letter away from a variable that is in scope (a typo);
//! - nothing could provide it: the stage starts from `scratch`, or the use is in a global `ARG`.
//!
//! `RUN`, `CMD` and `ENTRYPOINT` are not checked: their variables belong to the shell at run
//! time. Variables the base image may set (`PATH`, `JAVA_HOME`, `NODE_VERSION`...) cannot be
//! seen from the Dockerfile, so a name the file never mentions is only reported when the
//! stage starts from `scratch`. `${VAR:-default}` is an explicit choice and never reported.
//!
//! ## Why it matters
//! An unset variable expands to an empty string without any error: `COPY app-$VERSION.jar /app/`
//! copies `app-.jar` or fails with a puzzling "not found", and `ENV PATH=$APP_HOME/bin:$PATH`
//! puts `/bin` first. The build goes on and the mistake surfaces at run time, far from its
//! cause.
//!
//! ## Example
//! ```dockerfile
//! ARG VERSION=1.4.2
//! FROM eclipse-temurin:21-jre
//! COPY target/app-$VERSION.jar /app/app.jar
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! ARG VERSION=1.4.2
//! FROM eclipse-temurin:21-jre
//! ARG VERSION
//! COPY target/app-$VERSION.jar /app/app.jar
//! ```
//! A file with no FROM is not checked (BuildKit refuses it; `instruction-before-from` says so).

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};

use drydock_dockerfile::{Args, Instruction, Kind, Lexer, Span};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

use super::{distance, root_images, span_text};

pub const RULE: Rule = Rule {
    code: "DD513",
    name: "undefined-variable",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("undefined_variable.rs"),
    check,
};

/// Set by the builder, but a stage sees them only after declaring them with ARG.
pub(crate) const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

/// Never reported: the builder's own switches, the proxy ARGs every build has, and what
/// nearly every image defines.
const ALWAYS_KNOWN: &[&str] = &[
    "BUILDKIT_SBOM_SCAN_CONTEXT",
    "BUILDKIT_SBOM_SCAN_STAGE",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "PATH",
];

/// Variables base images commonly set: a stage may rely on them even when another stage of
/// the file also sets them.
const BASE_IMAGE_ENV: &[&str] = &[
    "HOME",
    "HOSTNAME",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "TERM",
    "USER",
    "SHELL",
    "PWD",
    "LD_LIBRARY_PATH",
    "JAVA_HOME",
    "JAVA_VERSION",
    "JDK_HOME",
    "JRE_HOME",
    "GOPATH",
    "GOROOT",
    "GOTOOLCHAIN",
    "YARN_VERSION",
    "PIP_VERSION",
    "GEM_HOME",
    "BUNDLE_PATH",
    "BUNDLE_APP_CONFIG",
    "BUNDLE_SILENCE_ROOT_WARNING",
    "PHP_INI_DIR",
    "CATALINA_HOME",
    "MAVEN_HOME",
    "MAVEN_CONFIG",
    "GRADLE_HOME",
    "RUSTUP_HOME",
    "CARGO_HOME",
    "CONDA_DIR",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "NVM_DIR",
    "DOTNET_VERSION",
    "ASPNET_VERSION",
    "APP_UID",
];

/// Where a variable is declared in the file.
#[derive(Debug, Clone, Copy)]
struct Declaration {
    index: usize,
    line: u32,
    env: bool,
}

/// The declarations of the file by name, each list in file order, and what judging needs
/// about the stages, made once so that many findings cost no rescans of the file.
struct Known<'a> {
    all: HashMap<&'a str, Vec<Declaration>>,
    /// Only the ARGs.
    args: HashMap<&'a str, Vec<Declaration>>,
    roots: Vec<String>,
    global_end: usize,
    /// Per stage, where its subtree of stages built on it starts and ends in a depth-first
    /// walk: a stage is an ancestor of another when its span holds the other's start.
    spans: Vec<(usize, usize)>,
}

impl Known<'_> {
    /// Whether stage `a` is `b` or a stage `b` builds on, directly or not.
    fn above(&self, a: usize, b: usize) -> bool {
        match (self.spans.get(a), self.spans.get(b)) {
            (Some(&(start, end)), Some(&(at, _))) => start <= at && at < end,
            _ => false,
        }
    }

    fn of<'k>(map: &'k HashMap<&str, Vec<Declaration>>, name: &str) -> &'k [Declaration] {
        map.get(name).map_or(&[], Vec::as_slice)
    }

    /// The first declaration of `name` among instructions `range`.
    fn first_in<'k>(
        map: &'k HashMap<&str, Vec<Declaration>>,
        name: &str,
        range: std::ops::Range<usize>,
    ) -> Option<&'k Declaration> {
        let list = Known::of(map, name);
        let at = list.partition_point(|d| d.index < range.start);
        list.get(at).filter(|d| d.index < range.end)
    }
}

fn check(cx: &Context, out: &mut Report) {
    // Without a FROM every instruction is in the global scope, where only ARGs belong: which
    // variables a stage would see cannot be told.
    if !cx.has_from() {
        return;
    }
    let scopes = cx.scopes();
    let known = OnceCell::new();
    for (index, ins) in cx.instructions().iter().enumerate() {
        let Some(scope) = scopes.get(index) else {
            continue;
        };
        let mut reported = BTreeSet::new();
        for (text, span) in words(ins) {
            let Ok(expansion) = Lexer::new(cx.file.escape).process(&text, scope) else {
                continue;
            };
            let defaulted = with_default(&text);
            for name in &expansion.unset {
                if scope.contains(name)
                    || ALWAYS_KNOWN.contains(&name.as_str())
                    || defaulted.contains(name)
                    || !reported.insert(name.clone())
                {
                    continue;
                }
                let known = known.get_or_init(|| known_of(cx));
                let Some((message, fix)) = judge(cx, known, index, name) else {
                    continue;
                };
                let fix = fix
                    .filter(|_| span.start.line == span.end.line)
                    .map(|(from, to)| replace_variable(&span_text(cx, span), &from, &to));
                match fix {
                    Some(fix) => out.add_with_fix(span, message, fix),
                    None => out.add(span, message),
                }
            }
        }
    }
}

/// Why `name`, unset at instruction `index`, is a mistake, if the file shows it is; with the
/// replacement of a typo.
fn judge(
    cx: &Context,
    known: &Known,
    index: usize,
    name: &str,
) -> Option<(String, Option<(String, String)>)> {
    let Some(stage) = cx.stage_of(index) else {
        // A global ARG default: only earlier global ARGs and the builder's platform ARGs
        // could define it.
        if PLATFORM_ARGS.contains(&name) {
            return None;
        }
        return Some((
            format!(
                "`${name}` is not defined before this global ARG, so it expands to an empty string"
            ),
            None,
        ));
    };
    let this_stage = stage.instructions.clone();
    let named = |s: &drydock_dockerfile::Stage| {
        s.name
            .as_ref()
            .map_or_else(|| format!("#{}", s.index), |n| format!("`{}`", n.value))
    };
    // Set later in this stage.
    if let Some(d) = Known::first_in(&known.all, name, index + 1..this_stage.end) {
        let what = if d.env { "ENV" } else { "ARG" };
        return Some((
            format!("`${name}` is used before the {what} on line {} sets it, so it is empty here: declare it earlier", d.line),
            None,
        ));
    }
    // An ARG of a stage this one builds on: ARGs are not inherited. The nearest such stage
    // is the latest one before this stage that declares the name and is above it.
    let args = Known::of(&known.args, name);
    let mut before = args.partition_point(|d| d.index < stage.from);
    while let Some(d) = before.checked_sub(1).and_then(|i| args.get(i)) {
        let Some(declaring) = cx.stage_of(d.index) else {
            break;
        };
        if known.above(declaring.index, stage.index) {
            let first = Known::first_in(&known.args, name, declaring.instructions.clone());
            if let Some(d) = first {
                return Some((
                    format!("`${name}` is an ARG of stage {} (line {}), and ARGs do not carry over to stages built on it: add `ARG {name}` to this stage", named(declaring), d.line),
                    None,
                ));
            }
        }
        before = args.partition_point(|d| d.index < declaring.from);
    }
    if PLATFORM_ARGS.contains(&name) {
        return Some((
            format!("`${name}` is set by the builder, but a stage sees it only after `ARG {name}`: add that line to this stage"),
            None,
        ));
    }
    let root = known.roots.get(stage.index).map_or("", String::as_str);
    if let Some(d) = Known::first_in(&known.all, name, 0..known.global_end) {
        if !maybe_from_image(root, name) {
            return Some((
                format!("`${name}` is a global ARG (line {}), which a stage sees only after `ARG {name}` inside it: add that line to this stage", d.line),
                None,
            ));
        }
        return None;
    }
    let near = cx
        .scope(index)
        .vars_near(name)
        .into_iter()
        .find(|v| is_typo(name, v));
    if let Some(near) = near {
        return Some((
            format!("`${name}` is not defined; did you mean `${near}`?"),
            Some((name.to_string(), near.to_string())),
        ));
    }
    let elsewhere = Known::of(&known.all, name).iter().find(|d| {
        !this_stage.contains(&d.index)
            && !cx
                .stage_of(d.index)
                .is_some_and(|s| s.index != stage.index && known.above(s.index, stage.index))
    });
    if let Some(d) = elsewhere {
        if BASE_IMAGE_ENV.contains(&name) || maybe_from_image(root, name) || root.contains('$') {
            return None;
        }
        let other = cx
            .stage_of(d.index)
            .map_or_else(String::new, |s| format!("stage {} ", named(s)));
        return Some((
            format!("`${name}` is set only in {other}(line {}), which this stage does not build on: declare it in this stage", d.line),
            None,
        ));
    }
    if root.eq_ignore_ascii_case("scratch") {
        return Some((
            format!("`${name}` is not defined in this stage, which starts from scratch: it expands to an empty string"),
            None,
        ));
    }
    None
}

fn known_of<'a>(cx: &Context<'a>) -> Known<'a> {
    let mut known = Known {
        all: HashMap::new(),
        args: HashMap::new(),
        roots: root_images(cx),
        global_end: drydock_dockerfile::global_instructions(cx.file).end,
        spans: spans(cx),
    };
    for (name, d) in declarations(cx) {
        if !d.env {
            known.args.entry(name).or_default().push(d);
        }
        known.all.entry(name).or_default().push(d);
    }
    known
}

/// Per stage, the span of its subtree in a depth-first walk of the stages (children after
/// their parent, in file order).
fn spans(cx: &Context) -> Vec<(usize, usize)> {
    let count = cx.stages.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut roots = Vec::new();
    for stage in &cx.stages {
        match cx.parent(stage).filter(|p| p.index < stage.index) {
            Some(p) => children
                .get_mut(p.index)
                .into_iter()
                .for_each(|c| c.push(stage.index)),
            None => roots.push(stage.index),
        }
    }
    let mut spans = vec![(0, 0); count];
    let mut clock = 0;
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in roots {
        stack.push((root, 0));
        if let Some(span) = spans.get_mut(root) {
            span.0 = clock;
        }
        clock += 1;
        while let Some((stage, next)) = stack.last_mut() {
            match children.get(*stage).and_then(|c| c.get(*next)) {
                Some(&child) => {
                    *next += 1;
                    if let Some(span) = spans.get_mut(child) {
                        span.0 = clock;
                    }
                    clock += 1;
                    stack.push((child, 0));
                }
                None => {
                    if let Some(span) = spans.get_mut(*stage) {
                        span.1 = clock;
                    }
                    stack.pop();
                }
            }
        }
    }
    spans
}

/// Every ARG and ENV of the file (ONBUILD triggers excluded: they run in another build).
fn declarations<'a>(cx: &Context<'a>) -> Vec<(&'a str, Declaration)> {
    let mut out = Vec::new();
    for (index, ins) in cx.instructions().iter().enumerate() {
        let line = ins.span.start.line;
        match (&ins.kind, &ins.args) {
            (Kind::Arg, Args::Words(words)) => {
                for w in words {
                    let name = w.value.split_once('=').map_or(w.value.as_str(), |(n, _)| n);
                    let d = Declaration {
                        index,
                        line,
                        env: false,
                    };
                    out.push((name, d));
                }
            }
            (Kind::Env, Args::KeyValues(pairs)) => {
                for kv in pairs {
                    let d = Declaration {
                        index,
                        line,
                        env: true,
                    };
                    out.push((kv.key.value.as_str(), d));
                }
            }
            _ => {}
        }
    }
    out
}

/// The words of `ins` the builder expands, with where each is.
fn words(ins: &Instruction) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    match (&ins.kind, &ins.args) {
        (Kind::Env | Kind::Label, Args::KeyValues(pairs)) => {
            for kv in pairs {
                out.push((kv.key.value.clone(), kv.key.span));
                out.push((kv.value.value.clone(), kv.value.span));
            }
        }
        (Kind::Arg, Args::Words(words)) => {
            for w in words {
                if let Some((_, default)) = w.value.split_once('=') {
                    out.push((default.to_string(), w.span));
                }
            }
        }
        (Kind::Add | Kind::Copy, args) => {
            for arg in args.all() {
                if !arg.value.starts_with("<<") {
                    out.push((arg.value.clone(), arg.span));
                }
            }
            for flag in &ins.flags {
                if let (Some(value), "chown" | "chmod") = (&flag.value, flag.name.as_str()) {
                    out.push((value.clone(), flag.span));
                }
            }
        }
        (Kind::Expose | Kind::Volume | Kind::Workdir | Kind::User | Kind::Stopsignal, args) => {
            for arg in args.all() {
                out.push((arg.value.clone(), arg.span));
            }
        }
        _ => {}
    }
    out
}

/// Names used as `${NAME:-default}` (or `-`, `:+`, `+`, `:?`, `?`, `:=`, `=`): the author
/// handled the unset case on purpose.
pub(crate) fn with_default(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        rest = &rest[at + 2..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let after = &rest[name.len()..];
        let after = after.strip_prefix(':').unwrap_or(after);
        if after.starts_with(['-', '+', '?', '=']) {
            out.insert(name);
        }
    }
    out
}

/// One edit apart, or equal but for case; short names are left alone (`$A` vs `$B`).
fn is_typo(name: &str, candidate: &str) -> bool {
    if name.eq_ignore_ascii_case(candidate) {
        return true;
    }
    name.len() >= 4 && candidate.len() >= 4 && distance(name, candidate, 1) <= 1
}

/// Whether an official image named like the variable's prefix may set it: the `node` image
/// sets `NODE_VERSION`, `python` sets `PYTHON_VERSION`, `golang` sets `GOLANG_VERSION`.
fn maybe_from_image(image: &str, name: &str) -> bool {
    let repository = image.split(['@', ':']).next().unwrap_or(image);
    let repository = repository.rsplit('/').next().unwrap_or(repository);
    let repository = repository.replace('-', "_");
    let name = name.to_ascii_lowercase();
    !repository.is_empty()
        && name.starts_with(&repository)
        && name[repository.len()..].starts_with('_')
}

/// `text` with every `$from` / `${from...` reference renamed to `to`.
fn replace_variable(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let braced = rest.starts_with('{');
        if braced {
            out.push('{');
            rest = &rest[1..];
        }
        if let Some(after) = rest.strip_prefix(from) {
            if !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                out.push_str(to);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_global_args_not_redeclared() {
        assert_eq!(
            catches(
                &RULE,
                "ARG VERSION=1\nFROM alpine\nCOPY app-$VERSION.jar /app/\n"
            ),
            [3]
        );
        catches(&RULE, "ARG DIR=/srv\nFROM alpine\nWORKDIR ${DIR}/app\n");
    }

    #[test]
    fn catches_use_before_declaration_and_other_stages() {
        assert_eq!(
            catches(
                &RULE,
                "FROM alpine\nENV PATH=$APP_HOME/bin:$PATH\nENV APP_HOME=/app\n"
            ),
            [2]
        );
        catches(
            &RULE,
            "FROM alpine AS build\nENV OUT=/out\nFROM alpine\nCOPY --from=build $OUT /o\n",
        );
        catches(
            &RULE,
            "FROM alpine AS base\nARG V=1\nFROM base\nLABEL v=$V\n",
        );
        catches(&RULE, "FROM alpine\nCOPY app-$TARGETARCH /app\n");
    }

    #[test]
    fn catches_typos_with_a_fix() {
        let found = hits(
            &RULE,
            "FROM alpine\nENV APP_HOME=/app\nWORKDIR $APP_HOEM/web\n",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("$APP_HOME"));
        assert_eq!(found[0].fix.as_deref(), Some("$APP_HOME/web"));
    }

    #[test]
    fn catches_anything_on_scratch_and_in_global_args() {
        catches(&RULE, "FROM scratch\nCOPY $BINARY /app\n");
        catches(&RULE, "FROM scratch AS s\nFROM s\nUSER $UID\n");
        catches(&RULE, "ARG B=$A\nFROM alpine\n");
        passes(&RULE, "ARG P=$BUILDPLATFORM\nFROM alpine\n");
    }

    #[test]
    fn does_not_catch_what_the_base_image_may_set() {
        passes(&RULE, "FROM golang:1.23\nWORKDIR $GOPATH/src/app\n");
        passes(
            &RULE,
            "FROM eclipse-temurin:21\nCOPY app.jar $JAVA_HOME/lib/\n",
        );
        passes(&RULE, "FROM alpine\nENV PATH=$PATH:/app/bin\n");
        passes(
            &RULE,
            "ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}\nLABEL node=$NODE_VERSION\n",
        );
        passes(
            &RULE,
            "FROM golang AS build\nENV GOPATH=/go\nFROM golang\nWORKDIR $GOPATH\n",
        );
    }

    #[test]
    fn does_not_catch_declared_defaulted_or_shell_variables() {
        passes(
            &RULE,
            "ARG VERSION=1\nFROM alpine\nARG VERSION\nCOPY app-$VERSION.jar /app/\n",
        );
        passes(
            &RULE,
            "FROM alpine\nARG TARGETARCH\nCOPY app-$TARGETARCH /app\n",
        );
        passes(&RULE, "FROM alpine\nARG TOKEN\nENV T=$TOKEN\n");
        passes(&RULE, "FROM scratch\nCOPY ${BINARY:-app} /app\n");
        passes(
            &RULE,
            "FROM scratch\nRUN echo $UNDEFINED\nCMD echo $UNDEFINED\n",
        );
        passes(&RULE, "FROM alpine AS a\nENV X=1\nFROM a\nCOPY $X /x\n");
        passes(
            &RULE,
            "FROM scratch\nCOPY \\$literal /x\nLABEL a='$single'\n",
        );
        passes(&RULE, "ARG BASE=alpine\nFROM $BASE\n");
    }

    // A file with no FROM is read as one stage, but its variables are all global.
    #[test]
    fn a_file_without_from_is_not_judged() {
        passes(&RULE, "ENV A=1\nRUN echo $A\n");
    }
}
