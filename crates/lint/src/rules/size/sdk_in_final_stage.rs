//! ## What it does
//! Flags a final image that carries a compiler toolchain: its base (directly or through the
//! stages it builds on) is an SDK image such as `golang`, `rust`, `gcc`, `maven`, `gradle`, a
//! JDK or `mcr.microsoft.com/dotnet/sdk`, or one of its RUNs installs `build-essential`,
//! `gcc`, `g++`, `make` or a similar toolchain without removing it in the same RUN.
//!
//! Only application images are checked: the image copies something from the build context
//! and its CMD or ENTRYPOINT starts a program. SDK images, dev containers and development
//! stages (named `dev`, `test`, `debug`..., or starting a shell or a dev server) need their
//! toolchain and are left alone.
//!
//! ## Why it matters
//! What a program needs to be built and what it needs to run are different sets. A compiler
//! image weighs hundreds of megabytes, and every tool in it ships to production, waits to be
//! scanned and patched, and is there for an intruder to use. A multi-stage build compiles in
//! one stage and copies only the artefact into a small runtime stage; the toolchain never
//! reaches the final image.
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /app .
//! CMD ["/app"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS build
//! WORKDIR /src
//! COPY . .
//! RUN CGO_ENABLED=0 go build -o /app .
//!
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=build /app /app
//! CMD ["/app"]
//! ```
//! When a package needs a compiler to install (a Python or Node module with C code), install the
//! compiler, build, and remove it in one RUN (`apk add --virtual .build-deps ... && apk del
//! .build-deps`, or `apt-get purge --auto-remove`), or build in an earlier stage.

use drydock_dockerfile::{Args, Kind, Lexer, Stage};

use crate::finding::Level;
use crate::packages::{self, bare_name, Action, Manager};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::{purpose, shipping_chain, Purpose};

pub const RULE: Rule = Rule {
    code: "DD101",
    name: "sdk-in-final-stage",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("sdk_in_final_stage.rs"),
    check,
};

/// Package names that are a compiler toolchain.
const TOOLCHAIN: &[&str] = &[
    "build-essential",
    "build-base",
    "alpine-sdk",
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "make",
    "cmake",
    "Development Tools",
    "@development-tools",
];

fn check(cx: &Context, out: &mut Report) {
    let chain = shipping_chain(cx);
    if purpose(cx) != Purpose::Application || !copies_from_context(cx, &chain) {
        return;
    }
    if let Some(root) = chain.last() {
        if let Some(base) = &root.base {
            let image = expand_base(cx, root, &base.value);
            if let Some(runtime) = sdk_runtime(&image) {
                out.add(
                    base.span,
                    format!(
                        "the final image is built on `{image}`, a compiler image whose toolchain ships with it: build in an earlier stage and copy the result into {runtime}"
                    ),
                );
            }
        }
    }
    for stage in chain.iter().rev() {
        for index in stage.instructions.clone() {
            let (Some(ins), Some(script)) = (cx.instructions().get(index), cx.script(index)) else {
                continue;
            };
            let pkgs: Vec<_> = script.commands.iter().filter_map(packages::read).collect();
            for pkg in &pkgs {
                if pkg.action != Action::Install {
                    continue;
                }
                // Removed again in the same RUN (`apk del .build-deps`, `apt-get purge
                // --auto-remove`): the layer never holds the toolchain.
                if pkgs
                    .iter()
                    .any(|p| p.manager == pkg.manager && p.action == Action::Remove)
                {
                    continue;
                }
                let tools: Vec<&str> = pkg
                    .names
                    .iter()
                    .map(|n| bare_name(n))
                    .filter(|n| TOOLCHAIN.contains(n))
                    .collect();
                if tools.is_empty() {
                    continue;
                }
                let how = match pkg.manager {
                    Manager::Apk => "`apk add --virtual .build-deps` then `apk del .build-deps`",
                    Manager::Apt => "`apt-get purge -y --auto-remove`",
                    _ => "the package manager's remove command",
                };
                let list = tools
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.add(
                    cx.head(ins),
                    format!(
                        "`{}` puts {list} in the final image: compile in an earlier stage and copy the result, or remove them in the same RUN with {how}",
                        pkg.title()
                    ),
                );
                break;
            }
        }
    }
}

/// Whether a stage of the chain copies files from the build context: the mark of an
/// application image rather than an SDK or dev-container image built on purpose.
fn copies_from_context(cx: &Context, chain: &[&Stage]) -> bool {
    chain.iter().any(|stage| {
        stage.instructions.clone().any(|i| {
            cx.instructions().get(i).is_some_and(|ins| {
                matches!(ins.kind, Kind::Copy | Kind::Add)
                    && ins.flag("from").is_none()
                    && match &ins.args {
                        Args::Words(w) | Args::Exec(w) => {
                            w.split_last().is_some_and(|(_, sources)| {
                                sources
                                    .iter()
                                    .any(|s| !s.value.contains("://") && !s.value.starts_with("<<"))
                            })
                        }
                        _ => false,
                    }
            })
        })
    })
}

/// The base as the build sees it: global ARG defaults substituted.
fn expand_base(cx: &Context, stage: &Stage, base: &str) -> String {
    if !base.contains('$') {
        return base.to_string();
    }
    let env = cx.scope(stage.from);
    match Lexer::new(cx.file.escape).process(base, env) {
        Ok(e) if e.unset.is_empty() => e.value,
        _ => base.to_string(),
    }
}

/// For a compiler/SDK image, the kind of runtime image to suggest instead.
fn sdk_runtime(image: &str) -> Option<&'static str> {
    let image = image.to_ascii_lowercase();
    let image = image.split('@').next().unwrap_or(&image);
    let (path, tag) = match image.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => (path, tag),
        _ => (image, ""),
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    const NATIVE: &str = "a slim runtime such as `debian:<version>-slim` or distroless `cc`";
    const JAVA: &str = "a JRE image such as `eclipse-temurin:<version>-jre`";
    match name {
        "golang" => Some("`scratch` or `gcr.io/distroless/static` for a static binary"),
        "rust" | "gcc" | "haskell" => Some(NATIVE),
        "swift" if !tag.contains("slim") => Some(NATIVE),
        "maven" | "gradle" => Some(JAVA),
        "openjdk" | "eclipse-temurin" | "amazoncorretto" | "sapmachine" | "adoptopenjdk"
            if !tag.contains("jre") =>
        {
            Some(JAVA)
        }
        "ibm-semeru-runtimes" | "ibmjava" if tag.contains("jdk") || tag.contains("sdk") => {
            Some(JAVA)
        }
        "sdk" if path.contains("dotnet/") => {
            Some("`mcr.microsoft.com/dotnet/aspnet` or `mcr.microsoft.com/dotnet/runtime`")
        }
        _ if name.contains("jdk") && !name.contains("jre") => Some(JAVA),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{sdk_runtime, RULE};
    use crate::rules::testing::{catches, passes};

    #[test]
    fn knows_sdk_images() {
        for image in [
            "golang:1.22-alpine",
            "docker.io/library/rust:1-slim",
            "maven:3-eclipse-temurin-21",
            "eclipse-temurin:21-jdk",
            "openjdk:17",
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "registry:5000/gcc",
        ] {
            assert!(sdk_runtime(image).is_some(), "{image}");
        }
        for image in [
            "eclipse-temurin:21-jre",
            "mcr.microsoft.com/dotnet/aspnet:8.0",
            "node:22",
            "python:3.12",
            "swift:5.10-slim",
            "debian:12",
        ] {
            assert!(sdk_runtime(image).is_none(), "{image}");
        }
    }

    #[test]
    fn catches_sdk_bases_and_toolchains() {
        assert_eq!(
            catches(
                &RULE,
                "FROM golang:1.22\nCOPY . .\nRUN go build -o /app\nCMD [\"/app\"]\n"
            ),
            [1]
        );
        // Through a stage alias and a global ARG.
        catches(
            &RULE,
            "ARG JDK=eclipse-temurin:21-jdk\nFROM $JDK AS base\nFROM base\nCOPY app.jar /app.jar\nENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n",
        );
        assert_eq!(
            catches(
                &RULE,
                "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y build-essential\nCOPY . .\nCMD python app.py\n"
            ),
            [2]
        );
        catches(
            &RULE,
            "FROM python:3.12-alpine\nCOPY . .\nRUN <<EOF\nsudo apk add gcc=13.2.1-r0 musl-dev\nEOF\nCMD [\"python\", \"app.py\"]\n",
        );
    }

    #[test]
    fn does_not_catch_builder_stages_or_same_run_removal() {
        passes(
            &RULE,
            "FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n",
        );
        passes(
            &RULE,
            "FROM python:3.12-alpine\nCOPY . .\nRUN apk add --virtual .build-deps gcc musl-dev && pip install -r r.txt && apk del .build-deps\n",
        );
        passes(
            &RULE,
            "FROM python:3.12-slim\nCOPY . .\nRUN apt-get install -y gcc && pip install . && apt-get purge -y --auto-remove gcc\n",
        );
        // An SDK image built on purpose: nothing from the context.
        passes(
            &RULE,
            "FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\nCMD [\"gopls\"]\n",
        );
        passes(
            &RULE,
            "FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\nCMD java -jar /app.jar\n",
        );
    }

    #[test]
    fn does_not_catch_development_images() {
        // No CMD: whatever the base runs, usually a shell.
        passes(&RULE, "FROM golang:1.22\nCOPY . .\nRUN go build ./...\n");
        passes(&RULE, "FROM golang:1.22\nCOPY . .\nCMD [\"/bin/bash\"]\n");
        passes(&RULE, "FROM rust:1\nCOPY x.sh /x.sh\nCMD sleep infinity\n");
        passes(
            &RULE,
            "FROM golang:1.22 AS dev\nCOPY . .\nRUN apt-get install -y gcc\nCMD [\"go\", \"run\", \".\"]\n",
        );
    }
}
