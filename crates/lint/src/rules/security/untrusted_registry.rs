//! ## What it does
//! When the configuration lists trusted registries (`trustedRegistries` in `.hadolint.yaml` or
//! `.drydock.yaml`), flags a `FROM` whose image comes from any other registry. Images named
//! without a registry (`python:3.12`) come from `docker.io`; a `*.` entry trusts every
//! subdomain (`*.example.com`). Earlier stages, `scratch` and images named by a variable that
//! cannot be resolved are not checked.
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

use drydock_dockerfile::Lexer;

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
        let env = cx.scope(stage.from);
        let image = match Lexer::new(cx.file.escape).process(&base.value, env) {
            Ok(e) if e.unset.is_empty() && !e.value.is_empty() => e.value,
            _ => continue,
        };
        let earlier_stage = cx.first_stage_named(&image, stage.index).is_some();
        if image.eq_ignore_ascii_case("scratch") || earlier_stage {
            continue;
        }
        let registry = registry_of(&image);
        if !trusted.iter().any(|t| trusts(t, &registry)) {
            let list = trusted
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.add(
                base.span,
                format!(
                    "`{image}` comes from `{registry}`, which is not a trusted registry ({list}): use an image from a trusted registry or add this one to `trustedRegistries`"
                ),
            );
        }
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

/// Whether the configured entry `trusted` covers `registry`.
fn trusts(trusted: &str, registry: &str) -> bool {
    let trusted = trusted.trim().trim_end_matches('/').to_ascii_lowercase();
    let hub = |r: &str| matches!(r, "docker.io" | "index.docker.io" | "registry-1.docker.io");
    if let Some(suffix) = trusted.strip_prefix("*.") {
        return registry.ends_with(&format!(".{suffix}"));
    }
    trusted == registry || (hub(&trusted) && hub(registry))
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
}
