//! ## What it does
//! When the configuration lists trusted registries (`trustedRegistries` in `.hadolint.yaml` or
//! `.drydock.yaml`), flags a `FROM`, `COPY --from=<image>` or `RUN --mount=...,from=<image>`
//! whose image comes from any other registry. Images named without a registry (`python:3.12`)
//! come from `docker.io`; `*` in an entry matches anything, so `*.example.com` trusts every
//! subdomain and `*` alone every registry. Earlier stages, stage numbers, `scratch` and images
//! named by a variable that cannot be resolved are not checked.
//!
//! ## Why it matters
//! The base image is code that runs in every build and ships in every image. A team that
//! mirrors, scans and signs its bases in its own registry loses all of that the moment one
//! Dockerfile pulls from somewhere else, and a typo in a registry host can pull an attacker's
//! image. The list makes the rule explicit, so review catches the exception.
//!
//! ## Example
//! ```dockerfile
//! # trustedRegistries: [registry.example.com]
//! FROM quay.io/someone/python:3.12
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM registry.example.com/mirror/python:3.12
//! ```
//! Or add the registry to `trustedRegistries` once it is approved.
//!
//! ## Differences from hadolint
//! - Variables in the image are expanded (`FROM ${REGISTRY}/app`); hadolint reads them as
//!   written.

use drydock_dockerfile::{Lexer, Span};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD207",
    name: "untrusted-registry",
    level: Level::Error,
    hadolint: Some("DL3026"),
    source: include_str!("untrusted_registry.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    let trusted = &cx.settings.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    for stage in &cx.stages {
        let Some(base) = &stage.base else { continue };
        if let Some(image) = image_of(cx, stage.from, stage.index, &base.value) {
            check_image(cx, out, base.span, &image, "");
        }
    }
    // `COPY --from=<image>` and `RUN --mount=...,from=<image>` pull images too.
    for reference in crate::rules::from_references(cx) {
        let Some(stage) = cx.stage_of(reference.index) else {
            continue;
        };
        let from = reference.value.trim_matches('"');
        if let Some(image) = image_of(cx, reference.index, stage.index, from) {
            let flag = if reference.copy { "from" } else { "mount" };
            let what = format!(" (`--{flag}` of {})", reference.kind.name());
            check_image(cx, out, reference.span, &image, &what);
        }
    }
}

/// The image `written` names as instruction `index` of stage `stage` sees it: variables
/// expanded, or `None` for `scratch`, a stage, a stage number, and a variable without a value.
fn image_of(cx: &Context, index: usize, stage: usize, written: &str) -> Option<String> {
    let env = cx.scope(index);
    let image = match Lexer::new(cx.file.escape).process(written, env) {
        Ok(e) if e.unset.is_empty() && !e.value.is_empty() => e.value,
        _ => return None,
    };
    let earlier_stage = cx.first_stage_named(&image, stage).is_some();
    let stage_number = image.bytes().all(|b| b.is_ascii_digit());
    let not_image = image.eq_ignore_ascii_case("scratch") || earlier_stage || stage_number;
    (!not_image).then_some(image)
}

fn check_image(cx: &Context, out: &mut Report, span: Span, image: &str, what: &str) {
    let trusted = &cx.settings.trusted_registries;
    let registry = registry_of(image);
    if !trusted.iter().any(|t| trusts(t, &registry)) {
        let list = trusted
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.add(
            span,
            format!(
                "`{image}`{what} comes from `{registry}`, which is not a trusted registry ({list}): use an image from a trusted registry or add this one to `trustedRegistries`"
            ),
        );
    }
}

/// The registry host of an image reference; Docker Hub for names without one.
fn registry_of(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            first.to_ascii_lowercase()
        }
        _ => "docker.io".to_string(),
    }
}

/// Whether the configured entry `trusted` covers `registry`. `*` in an entry stands for any
/// run of characters, as in hadolint: `*` alone trusts every registry, `*.example.com` every
/// subdomain.
fn trusts(trusted: &str, registry: &str) -> bool {
    let trusted = trusted.trim().trim_end_matches('/').to_ascii_lowercase();
    let hub = |r: &str| matches!(r, "docker.io" | "index.docker.io" | "registry-1.docker.io");
    if trusted.contains('*') {
        return glob(&trusted, registry);
    }
    trusted == registry || (hub(&trusted) && hub(registry))
}

/// `*`-only wildcard matching (greedy, with one backtrack point: linear in practice).
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if t.get(ti) == Some(&c) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or(&[]).iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::{lint, Config, Finding, Project, Selection};

    fn lint_with(trusted: &[&str], source: &str) -> Vec<Finding> {
        let mut config = Config::default();
        config.settings.trusted_registries = trusted.iter().map(|t| t.to_string()).collect();
        lint(
            "Dockerfile",
            source,
            &config,
            Project::default(),
            &Selection::Only(vec![RULE.code.to_string()]),
        )
    }

    #[test]
    fn catches_registries_off_the_list() {
        let found = lint_with(&["docker.io"], "FROM quay.io/app/python:3.12\n");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("`quay.io`"),
            "{}",
            found[0].message
        );
        assert_eq!(
            lint_with(&["registry.example.com"], "FROM python:3.12\n").len(),
            1
        );
        assert_eq!(
            lint_with(&["docker.io"], "ARG REG=ghcr.io\nFROM ${REG}/x/y:1\n").len(),
            1
        );
        assert_eq!(
            lint_with(&["*.example.com"], "FROM example.com/a:1\n").len(),
            1
        );
    }

    #[test]
    fn does_not_catch_trusted_stages_scratch_or_an_empty_list() {
        assert!(lint_with(&[], "FROM quay.io/app/python:3.12\n").is_empty());
        assert!(lint_with(&["docker.io"], "FROM python:3.12\nFROM library/python\n").is_empty());
        assert!(lint_with(&["index.docker.io"], "FROM docker.io/python:3.12\n").is_empty());
        assert!(lint_with(
            &["registry.example.com:5000"],
            "FROM registry.example.com:5000/x:1 AS build\nFROM build\nFROM scratch\n"
        )
        .is_empty());
        assert!(lint_with(&["*.example.com"], "FROM eu.registry.example.com/a:1\n").is_empty());
        assert!(lint_with(&["docker.io"], "FROM $UNSET/x\n").is_empty());
    }

    // `*` failed every FROM; hadolint reads it as any registry.
    #[test]
    fn a_lone_star_trusts_every_registry() {
        assert!(lint_with(&["*"], "FROM quay.io/a/b:1\nFROM python:3.12\n").is_empty());
        assert!(lint_with(&["*.io"], "FROM quay.io/a/b:1\n").is_empty());
        assert_eq!(
            lint_with(&["*.io"], "FROM registry.example.com/a:1\n").len(),
            1
        );
    }

    // Only FROM was checked.
    #[test]
    fn catches_images_pulled_by_copy_and_run_mounts() {
        let source = "FROM python:3.12 AS build\nCOPY --from=quay.io/org/tools:1 /bin/t /bin/t\nRUN --mount=type=bind,from=ghcr.io/org/src:1,target=/src make\nFROM python:3.12\nCOPY --from=build /app /app\nCOPY --from=0 /app /app2\nRUN --mount=type=cache,target=/root/.cache pip --version\nRUN --mount=from=build,target=/b true\n";
        let found = lint_with(&["docker.io"], source);
        let lines: Vec<u32> = found.iter().map(|f| f.line).collect();
        assert_eq!(lines, [2, 3], "{found:?}");
        assert!(
            found[0].message.contains("`--from` of COPY"),
            "{}",
            found[0].message
        );
        assert!(lint_with(&["docker.io", "quay.io", "ghcr.io"], source).is_empty());
    }
}
