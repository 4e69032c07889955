//! ## What it does
//! Flags a `COPY` or `ADD` of the whole build context (`COPY . .`, `ADD . /app`) that comes
//! before a dependency installation in the same stage: `npm ci`, `pip install -r`,
//! `go mod download`, `bundle install`, `composer install`, `mvn`, `gradle`, `cargo build`,
//! `dotnet restore`, or a system package install such as `apt-get install`.
//!
//! ## Why it matters
//! The build cache reuses a layer only while everything before it is unchanged, and a copy of
//! the whole context changes whenever any file in the project does. Every step after it then
//! runs again: editing one line of code re-downloads and reinstalls every dependency. The
//! dependency list changes far less often than the code, so it belongs in its own, earlier
//! layer: copy the manifest and lockfile, install, and only then copy the sources. System
//! packages do not need the sources at all and belong above the copy.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! RUN npm ci
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN npm ci
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//! A RUN that keeps downloads in a `--mount=type=cache` is not reported: re-running it costs
//! little.
//!
//! `drydock lint --fix` reorders the two when the RUN right after `COPY . <dest>` does nothing
//! but install with npm (`npm ci`, `npm install`: it copies `package*.json`, which matches the
//! `package.json` npm needs and the lockfile if there is one) or `pip install -r FILE` (it copies
//! that file), and `<dest>` is where the install reads them (the WORKDIR). It adds the
//! manifests' COPY (with the same flags) and the RUN above `COPY . <dest>` and deletes the RUN
//! below it. The fix cannot see the context: an install that needs more than the manifests (an
//! `.npmrc`, a `postinstall` script that reads the sources, a requirements file that includes
//! another) needs those copied too before it builds again.

use std::collections::HashMap;

use drydock_dockerfile::{Args, Instruction, Kind};

use crate::finding::Level;
use crate::fix::{join, Edit};
use crate::packages::{self, Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::shell::Command;

pub const RULE: Rule = Rule {
    code: "DD001",
    name: "copy-context-before-dependencies",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("copy_context_before_dependencies.rs"),
    check,
};

/// A dependency installation: what runs, and what to copy before it (empty for system
/// packages, which need nothing from the context).
struct Install {
    ecosystem: &'static str,
    title: String,
    manifests: String,
}

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        // Ecosystems installed so far in this stage (each once), and the context copies not
        // yet reported, grouped by the ecosystems installed before them: the groups are few,
        // however many copies and RUNs the stage has.
        let mut seen: Vec<&'static str> = Vec::new();
        let mut pending: Vec<(Vec<&'static str>, Vec<usize>)> = Vec::new();
        // The WORKDIR each context copy runs in, when the stage set it to a plain path.
        let mut workdir: Option<String> = None;
        let mut workdirs: HashMap<usize, Option<String>> = HashMap::new();
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            match ins.kind {
                Kind::Workdir => {
                    workdir = match &ins.args {
                        Args::Shell(arg) if plain_absolute(arg.value.trim()) => {
                            Some(arg.value.trim().trim_end_matches('/').to_string())
                        }
                        _ => None,
                    };
                }
                Kind::Copy | Kind::Add if copies_context(ins) => {
                    workdirs.insert(index, workdir.clone());
                    match pending.last_mut() {
                        Some((before, copies)) if *before == seen => copies.push(index),
                        _ => pending.push((seen.clone(), vec![index])),
                    }
                }
                Kind::Run => {
                    let Some(script) = cx.script(index) else {
                        continue;
                    };
                    let installs: Vec<Install> =
                        script.commands.iter().filter_map(install).collect();
                    let cached = ins.flags.iter().any(|f| {
                        f.name == "mount"
                            && f.value.as_deref().is_some_and(|v| v.contains("type=cache"))
                    });
                    if !cached && !installs.is_empty() {
                        pending.retain_mut(|(before, copies)| {
                            let hit = installs
                                .iter()
                                .find(|i| i.manifests.is_empty() || !before.contains(&i.ecosystem));
                            let Some(hit) = hit else { return true };
                            copies.retain(|copy| match cx.instructions().get(*copy) {
                                Some(copy_ins) => {
                                    let workdir = workdirs.get(copy).cloned().flatten();
                                    let edits = manifests_first(cx, *copy, index, workdir)
                                        .into_iter()
                                        .collect();
                                    report(cx, out, copy_ins, ins, hit, edits);
                                    false
                                }
                                None => true,
                            });
                            !copies.is_empty()
                        });
                    }
                    for install in &installs {
                        if !seen.contains(&install.ecosystem) {
                            seen.push(install.ecosystem);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn report(
    cx: &Context,
    out: &mut Report,
    copy: &Instruction,
    run: &Instruction,
    hit: &Install,
    edits: Vec<Edit>,
) {
    let written = copy.original.trim();
    let line = run.span.start.line;
    let message = if hit.manifests.is_empty() {
        format!(
            "`{written}` comes before the `{}` on line {line}, so every source change reinstalls those packages: install them above the copy",
            hit.title
        )
    } else {
        format!(
            "`{written}` comes before the `{}` on line {line}, so every source change reinstalls the dependencies: copy {} first, install, then copy the rest",
            hit.title, hit.manifests
        )
    };
    out.add_with_edits(cx.head(copy), message, None, edits);
}

/// The edit that copies the manifests and installs before the context copy at `copy`, moving
/// the install RUN at `run` (right after it) up; see the module doc for when there is one.
/// `workdir` is the stage's WORKDIR when it set a plain one.
fn manifests_first(cx: &Context, copy: usize, run: usize, workdir: Option<String>) -> Option<Edit> {
    let copy_ins = cx.instructions().get(copy)?;
    let run_ins = cx.instructions().get(run)?;
    let Args::Words(words) = &copy_ins.args else {
        return None;
    };
    let [source, dest] = words.as_slice() else {
        return None;
    };
    let into_workdir = matches!(dest.value.as_str(), "." | "./")
        || workdir.as_deref() == Some(dest.value.trim_end_matches('/'));
    if run != copy + 1 || !matches!(source.value.as_str(), "." | "./") || !into_workdir {
        return None;
    }
    if !join::between(cx, copy_ins, run_ins)?.is_empty() {
        return None;
    }
    let dest_dir = if dest.value.ends_with('/') {
        dest.value.clone()
    } else {
        format!("{}/", dest.value)
    };
    let workdir = workdir.unwrap_or_default();
    let mut manifests: Option<String> = None;
    for command in cx.script(run)?.commands.iter().filter(|c| !c.substituted) {
        let found = manifest(command, &dest_dir, &workdir)?;
        if manifests.get_or_insert_with(|| found.clone()) != &found {
            return None;
        }
    }
    let manifests = manifests?;
    let text = cx.source;
    let start = join::line_start(cx, copy_ins)?;
    let run_start = join::line_start(cx, run_ins)?;
    let end = join::region_end(cx, run_ins)?;
    let nl = join::newline(cx, run_ins);
    // The context copy as written, its source and destination replaced.
    let new_copy = format!(
        "{}{manifests}{}{dest_dir}{}",
        text.get(start..cx.offset(source.span.start)?)?,
        text.get(cx.offset(source.span.end)?..cx.offset(dest.span.start)?)?,
        text.get(cx.offset(dest.span.end)?..cx.offset(copy_ins.span.end)?)?,
    );
    let run_text = text.get(run_start..cx.offset(run_ins.span.end)?)?;
    let context_copy = text.get(start..run_start)?;
    Some(Edit {
        start,
        end,
        replacement: format!("{new_copy}{nl}{run_text}{nl}{context_copy}"),
    })
}

/// What to copy before `command` so it can run: `package*.json` for npm, the requirements
/// file for `pip install -r`, as written relative to `dest_dir` (the WORKDIR). None for any
/// other command, or an install that names files the fix cannot know about.
fn manifest(command: &Command, dest_dir: &str, workdir: &str) -> Option<String> {
    let cmd = command.unwrapped();
    if cmd.is("npm") {
        let ops = packages::NODE.operands(&cmd);
        let installs = matches!(ops.as_slice(), ["ci" | "install" | "i"]);
        let elsewhere = cmd
            .args()
            .iter()
            .any(|a| a.starts_with("--prefix") || a == "-g" || a == "--global");
        return (installs && !elsewhere).then(|| "package*.json".to_string());
    }
    let pkg = packages::read(command)?;
    if pkg.manager != Manager::Pip || pkg.action != Action::Install {
        return None;
    }
    let args = pkg.command.args();
    let requirements = args
        .iter()
        .filter(|a| a.starts_with("-r") || a.starts_with("--requirement"))
        .count();
    let other_files = args.iter().any(|a| {
        [
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-f",
            "--find-links",
        ]
        .iter()
        .any(|o| a == o || a.starts_with(&format!("{o}=")))
    });
    let local = pkg
        .names
        .iter()
        .any(|n| n.starts_with(['.', '/', '$', '~']) || n.contains('/'));
    if requirements != 1 || other_files || local {
        return None;
    }
    let file = packages::option_value(&pkg.command, &["-r", "--requirement"])?;
    // Read where pip runs (the WORKDIR), so it must land right there.
    let name = match file.strip_prefix('/') {
        Some(_) => {
            let dir = match (dest_dir.starts_with('/'), workdir.is_empty()) {
                (true, _) => dest_dir.to_string(),
                // Where `COPY . .` lands under the base image's WORKDIR is not known.
                (false, true) => return None,
                (false, false) => format!("{workdir}/"),
            };
            file.strip_prefix(dir.as_str())?
        }
        None => file.strip_prefix("./").unwrap_or(file),
    };
    let plain = !name.is_empty()
        && !name.contains(['/', '*', '?', '[', '$', '\\', ' '])
        && name != "."
        && name != "..";
    plain.then(|| name.to_string())
}

/// A WORKDIR written as a plain absolute path (no variable, no quote).
fn plain_absolute(path: &str) -> bool {
    path.starts_with('/') && !path.contains(['$', '"', '\'', ' ', '\\'])
}

/// A COPY/ADD from the build context whose sources include the whole context.
fn copies_context(ins: &Instruction) -> bool {
    if ins.flag("from").is_some() {
        return false;
    }
    let words: Vec<&str> = match &ins.args {
        Args::Words(w) | Args::Exec(w) => w.iter().map(|a| a.value.as_str()).collect(),
        _ => return false,
    };
    match words.split_last() {
        Some((_, sources)) => sources
            .iter()
            .any(|s| matches!(*s, "." | "./" | "./." | "*" | "./*")),
        None => false,
    }
}

/// Reads one command as a dependency installation.
fn install(raw: &Command) -> Option<Install> {
    if let Some(pkg) = packages::read(raw) {
        if pkg.action != Action::Install {
            return None;
        }
        if pkg.manager == packages::Manager::Pip {
            let file = packages::option_value(&pkg.command, &["-r", "--requirement"])?;
            return Some(Install {
                ecosystem: "pip",
                title: format!("pip install -r {file}"),
                manifests: format!("`{file}`"),
            });
        }
        // A local package file comes from the context: that install needs the copy.
        let local = pkg.names.iter().any(|n| {
            n.starts_with('.')
                || n.starts_with('/')
                || n.ends_with(".deb")
                || n.ends_with(".rpm")
                || n.ends_with(".apk")
        });
        return (!local).then(|| Install {
            ecosystem: "system",
            title: pkg.title(),
            manifests: String::new(),
        });
    }
    let cmd = raw.unwrapped();
    let program = cmd.program();
    let ops = packages::NODE.operands(&cmd);
    let sub = ops.first().copied();
    let manifest_only = ops.len() <= 1;
    let make = |ecosystem: &'static str, title: &str, manifests: &str| {
        Some(Install {
            ecosystem,
            title: title.to_string(),
            manifests: manifests.to_string(),
        })
    };
    let both = |a: &str, b: &str| format!("`{a}` and `{b}`");
    match (program, sub) {
        ("npm", Some("install" | "i" | "ci"))
            if manifest_only && !cmd.has_any_flag(&["-g", "--global"]) =>
        {
            make(
                "npm",
                &format!("npm {}", sub.unwrap_or("")),
                &both("package.json", "package-lock.json"),
            )
        }
        ("yarn", None | Some("install")) if !cmd.has_any_flag(&["-v", "--version", "-h"]) => {
            make("yarn", "yarn install", &both("package.json", "yarn.lock"))
        }
        ("pnpm", Some("install" | "i")) if manifest_only => make(
            "pnpm",
            "pnpm install",
            &both("package.json", "pnpm-lock.yaml"),
        ),
        ("pnpm", Some("fetch")) => make("pnpm", "pnpm fetch", "`pnpm-lock.yaml`"),
        ("bun", Some("install" | "i")) if manifest_only => {
            make("bun", "bun install", &both("package.json", "bun.lock"))
        }
        ("poetry", Some("install")) => make(
            "poetry",
            "poetry install",
            &both("pyproject.toml", "poetry.lock"),
        ),
        ("pipenv", Some("install" | "sync")) if manifest_only => {
            make("pipenv", "pipenv install", &both("Pipfile", "Pipfile.lock"))
        }
        ("uv", Some("sync")) => make("uv", "uv sync", &both("pyproject.toml", "uv.lock")),
        ("pdm", Some("install" | "sync")) => {
            make("pdm", "pdm install", &both("pyproject.toml", "pdm.lock"))
        }
        ("bundle", None | Some("install")) => make(
            "bundler",
            "bundle install",
            &both("Gemfile", "Gemfile.lock"),
        ),
        ("go", Some("mod")) if ops.get(1) == Some(&"download") => {
            make("go", "go mod download", &both("go.mod", "go.sum"))
        }
        ("dep", Some("ensure")) => make("dep", "dep ensure", &both("Gopkg.toml", "Gopkg.lock")),
        ("composer", Some("install")) => make(
            "composer",
            "composer install",
            &both("composer.json", "composer.lock"),
        ),
        ("mvn" | "mvnw", Some(_)) => make(
            "maven",
            &format!("{program} {}", ops.join(" ")),
            "`pom.xml`",
        ),
        ("gradle" | "gradlew", Some(_)) => make(
            "gradle",
            &format!("{program} {}", ops.join(" ")),
            "the `build.gradle` and `settings.gradle` files",
        ),
        ("cargo", Some("build" | "fetch" | "vendor")) => make(
            "cargo",
            &format!("cargo {}", sub.unwrap_or("")),
            "`Cargo.toml` and `Cargo.lock` (with a stub `src/main.rs`, or cargo-chef)",
        ),
        ("dotnet", Some("restore" | "build" | "publish")) => make(
            "dotnet",
            &format!("dotnet {}", sub.unwrap_or("")),
            "the `*.csproj` files",
        ),
        ("mix", Some("deps.get")) => make("mix", "mix deps.get", &both("mix.exs", "mix.lock")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, passes};

    #[test]
    fn catches_context_copied_before_installs() {
        assert_eq!(
            catches(&RULE, "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
            [3]
        );
        catches(
            &RULE,
            "FROM python:3.12\nADD . /app\nRUN pip install -r /app/requirements.txt\n",
        );
        catches(
            &RULE,
            "FROM golang:1.22\nCOPY ./ /src\nRUN cd /src && go mod download\n",
        );
        catches(&RULE, "FROM ruby:3\nCOPY . .\nRUN bundle install\n");
        catches(
            &RULE,
            "FROM golang:1.10\nCOPY . .\nRUN dep ensure -vendor-only\n",
        );
        catches(&RULE, "FROM maven:3\nCOPY . .\nRUN mvn -B package\n");
        catches(&RULE, "FROM rust:1\nCOPY . .\nRUN cargo build --release\n");
        catches(
            &RULE,
            "FROM debian:12\nCOPY . /app\nRUN apt-get update && apt-get install -y curl\n",
        );
        // Exec form and a heredoc body.
        catches(
            &RULE,
            "FROM node:22\nCOPY [\".\", \"/app\"]\nRUN [\"yarn\"]\n",
        );
        catches(
            &RULE,
            "FROM node:22\nCOPY . .\nRUN <<EOF\nset -e\nsudo npm install\nEOF\n",
        );
    }

    #[test]
    fn system_packages_after_the_copy_always_count() {
        // Packages installed before the copy do not excuse ones installed after it.
        catches(
            &RULE,
            "FROM alpine:3\nRUN apk add --no-cache git\nCOPY . .\nRUN apk add --no-cache curl\n",
        );
    }

    #[test]
    fn does_not_catch_manifests_first() {
        passes(
            &RULE,
            "FROM node:22\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n",
        );
        // A second install after the manifests-first one is cheap: the rule stays quiet.
        passes(
            &RULE,
            "FROM python:3.12\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\nCOPY . .\nRUN poetry install\n",
        );
        passes(&RULE, "FROM node:22\nCOPY src ./src\nRUN npm ci\n");
        passes(&RULE, "FROM node:22\nCOPY --from=build . .\nRUN npm ci\n");
        passes(&RULE, "FROM node:22\nCOPY . .\nRUN npm install -g pm2\n");
        passes(
            &RULE,
            "FROM debian:12\nCOPY . .\nRUN apt-get install -y ./pkg.deb\n",
        );
        passes(&RULE, "FROM python:3\nCOPY . .\nRUN pip install .\n");
    }

    #[test]
    fn does_not_catch_other_stages_cache_mounts_or_powershell() {
        passes(
            &RULE,
            "FROM node:22 AS src\nCOPY . .\nFROM node:22\nRUN npm ci\n",
        );
        passes(
            &RULE,
            "FROM golang:1.22\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n",
        );
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nCOPY . .\nRUN npm ci\n",
        );
    }

    #[test]
    fn fixes_npm_and_pip_by_copying_the_manifests_first() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"node\", \"server.js\"]\n"
            ),
            "FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM python:3.12\nWORKDIR /srv/\nCOPY --chown=app:app . /srv\n\nRUN pip install --no-cache-dir -r /srv/requirements.txt\nCMD [\"app\"]"
            ),
            "FROM python:3.12\nWORKDIR /srv/\nCOPY --chown=app:app requirements.txt /srv/\nRUN pip install --no-cache-dir -r /srv/requirements.txt\nCOPY --chown=app:app . /srv\n\nCMD [\"app\"]"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM python:3\nCOPY . ./\nRUN pip install -r ./requirements.txt gunicorn\n"
            ),
            "FROM python:3\nCOPY requirements.txt ./\nRUN pip install -r ./requirements.txt gunicorn\nCOPY . ./\n"
        );
    }

    #[test]
    fn does_not_fix_what_may_need_more_than_the_manifests() {
        // Something else runs in the same RUN, or after an install from the context.
        does_not_fix(
            &RULE,
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n",
        );
        does_not_fix(
            &RULE,
            "FROM python:3\nCOPY . .\nRUN pip install -r requirements/prod.txt\n",
        );
        does_not_fix(
            &RULE,
            "FROM python:3\nCOPY . .\nRUN pip install -r /requirements.txt\n",
        );
        does_not_fix(
            &RULE,
            "FROM python:3\nCOPY . .\nRUN pip install -r req.txt -c constraints.txt\n",
        );
        // Not where the install runs.
        does_not_fix(&RULE, "FROM node:22\nCOPY . /app\nRUN npm ci\n");
        // Not right after the copy, or another ecosystem.
        does_not_fix(&RULE, "FROM node:22\nCOPY . .\nENV CI=1\nRUN npm ci\n");
        does_not_fix(&RULE, "FROM ruby:3\nCOPY . .\nRUN bundle install\n");
        does_not_fix(&RULE, "FROM node:22\nCOPY . .\n# deps\nRUN npm ci\n");
        does_not_fix(
            &RULE,
            "FROM python:3\nCOPY . ./\nRUN pip install -r requirements.txt && npm ci\n",
        );
    }
}
