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

use drydock_dockerfile::{Args, Instruction, Kind};

use crate::finding::Level;
use crate::packages::{self, Action};
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
        for index in stage.instructions.clone() {
            let Some(ins) = cx.instructions().get(index) else {
                continue;
            };
            match ins.kind {
                Kind::Copy | Kind::Add if copies_context(ins) => match pending.last_mut() {
                    Some((before, copies)) if *before == seen => copies.push(index),
                    _ => pending.push((seen.clone(), vec![index])),
                },
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
                                    report(cx, out, copy_ins, ins, hit);
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

fn report(cx: &Context, out: &mut Report, copy: &Instruction, run: &Instruction, hit: &Install) {
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
    out.add(cx.head(copy), message);
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
    use crate::rules::testing::{catches, passes};

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
}
