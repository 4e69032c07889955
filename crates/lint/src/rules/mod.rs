//! The rule registry. Rules live one per file in a category folder; each category lists its
//! rules in `RULES`, and this module chains the categories. A code is never reused: retire a
//! rule by keeping its code out of every list, never by giving the code to another rule.

use drydock_dockerfile::{Kind, Span};

use crate::rule::{Context, Rule};

pub(crate) use lookup::names;
pub use lookup::{resolve, Suggestion, UnknownRule};

mod lookup;

pub mod base;
pub mod cache;
pub mod context;
pub mod labels;
pub mod pinning;
pub mod security;
pub mod shell;
pub mod size;
pub mod syntax;
pub mod windows;

/// Categories in the order `drydock rule --list` shows them, with a one-line purpose.
pub const CATEGORIES: &[(&str, &str, &[Rule])] = &[
    (
        "cache",
        "Build cache: instruction order and layer boundaries",
        cache::RULES,
    ),
    (
        "size",
        "Image size: what ships and what hides in lower layers",
        size::RULES,
    ),
    ("base", "Base images and stages", base::RULES),
    (
        "security",
        "Secrets, users and where code comes from",
        security::RULES,
    ),
    (
        "shell",
        "RUN commands that misbehave in a build",
        shell::RULES,
    ),
    (
        "syntax",
        "Instructions BuildKit and hadolint flag as mistakes",
        syntax::RULES,
    ),
    ("pinning", "Reproducible package versions", pinning::RULES),
    ("windows", "Windows images", windows::RULES),
    ("context", "The build context", context::RULES),
    (
        "labels",
        "Label keys and the label schema a team requires",
        labels::RULES,
    ),
];

/// Rules that run only when asked for, like hadolint's `ignore`-level rules: named by
/// `drydock lint --rule`, or given a level under `override` in the config. Each one's doc says
/// so under "## Off by default".
pub const OFF_BY_DEFAULT: &[&str] = &["DD530", "DD550"];

/// A `COPY --from=<x>`, `ADD --from=<x>` or `RUN --mount=...,from=<x>`: what it names, where.
pub(crate) struct FromReference {
    /// The value as written (a mount's `from=` field trimmed).
    pub value: String,
    /// The flag's span.
    pub span: Span,
    /// `COPY --from` or `ADD --from` (true), or a `RUN --mount` (false).
    pub copy: bool,
    /// The instruction's kind.
    pub kind: Kind,
    /// The instruction index, for its variable scope.
    pub index: usize,
}

/// Every `--from` reference to another stage or image, in file order: the one reading of these
/// flags the stage, label and registry rules share.
pub(crate) fn from_references(cx: &Context) -> Vec<FromReference> {
    let mut refs = Vec::new();
    for (index, ins) in cx.instructions().iter().enumerate() {
        match ins.kind {
            Kind::Copy | Kind::Add => {
                if let Some(flag) = ins.flag("from") {
                    refs.push(FromReference {
                        value: flag.value.clone().unwrap_or_default(),
                        span: flag.span,
                        copy: true,
                        kind: ins.kind.clone(),
                        index,
                    });
                }
            }
            Kind::Run => {
                for flag in ins.flags.iter().filter(|f| f.name == "mount") {
                    let value = flag.value.as_deref().unwrap_or("");
                    let from = value
                        .split(',')
                        .filter_map(|field| field.split_once('='))
                        .find(|(key, _)| key.trim() == "from")
                        .map(|(_, v)| v.trim().to_string());
                    if let Some(from) = from {
                        refs.push(FromReference {
                            value: from,
                            span: flag.span,
                            copy: false,
                            kind: Kind::Run,
                            index,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    refs
}

/// Every rule, in category order.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    CATEGORIES.iter().flat_map(|(_, _, rules)| rules.iter())
}

/// The rule a code, name or hadolint code refers to (any case); [`resolve`] says why not.
pub fn find(id: &str) -> Option<&'static Rule> {
    resolve(id).ok()
}

/// The category a rule belongs to.
pub fn category_of(rule: &Rule) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(_, _, rules)| rules.iter().any(|r| r.code == rule.code))
        .map_or("", |(name, _, _)| name)
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::{lint, Config, Finding, Project, Rule, Selection};

    /// The findings `rule` alone reports on `source` (a `.dockerignore` is assumed present).
    pub fn hits(rule: &Rule, source: &str) -> Vec<Finding> {
        lint(
            "Dockerfile",
            source,
            &Config::default(),
            Project {
                dockerignore: Some(true),
            },
            &Selection::Only(vec![rule.code.to_string()]),
        )
        .into_iter()
        .filter(|f| f.code == rule.code)
        .collect()
    }

    /// Asserts `rule` reports on `source`, and returns the lines it reports.
    #[track_caller]
    pub fn catches(rule: &Rule, source: &str) -> Vec<u32> {
        let found = hits(rule, source);
        assert!(!found.is_empty(), "{} should catch:\n{source}", rule.name);
        found.iter().map(|f| f.line).collect()
    }

    /// `source` with the edits of `rule`'s findings applied. Asserts the fix is whole: the
    /// fixed file parses without new errors, `rule` no longer reports it, and fixing again
    /// changes nothing.
    #[track_caller]
    pub fn fixes(rule: &Rule, source: &str) -> String {
        let edits: Vec<_> = hits(rule, source)
            .into_iter()
            .flat_map(|f| f.edits)
            .collect();
        assert!(!edits.is_empty(), "{} should fix:\n{source}", rule.name);
        let fixed = crate::fix::apply(source, &edits);
        assert!(fixed.conflicts.is_empty(), "{:?}", fixed.conflicts);
        let fixed = fixed.text;
        let errors = |text: &str| drydock_dockerfile::parse(text).errors.len();
        assert!(
            errors(&fixed) <= errors(source),
            "the fix broke the file:\n{fixed}"
        );
        passes(rule, &fixed);
        let again: Vec<_> = hits(rule, &fixed)
            .into_iter()
            .flat_map(|f| f.edits)
            .collect();
        assert!(again.is_empty(), "fixing twice edits again:\n{fixed}");
        fixed
    }

    /// Asserts `rule` reports on `source` but offers no edit for it.
    #[track_caller]
    pub fn does_not_fix(rule: &Rule, source: &str) {
        let found = hits(rule, source);
        assert!(!found.is_empty(), "{} should catch:\n{source}", rule.name);
        assert!(
            found.iter().all(|f| f.edits.is_empty()),
            "{} should not edit:\n{source}",
            rule.name
        );
    }

    /// Asserts `rule` is off by default: a plain run of every rule on `source` leaves it out,
    /// and a `.hadolint.yaml` giving its hadolint code (or its code) a level turns it on, as
    /// hadolint does for its `ignore`-level rules.
    #[track_caller]
    pub fn off_unless_asked_for(rule: &Rule, source: &str) {
        let count = |config: &Config| {
            lint(
                "Dockerfile",
                source,
                config,
                Project::default(),
                &Selection::All,
            )
            .iter()
            .filter(|f| f.code == rule.code)
            .count()
        };
        assert_eq!(count(&Config::default()), 0, "{} ran unasked", rule.name);
        let mut on = Config::default();
        let id = rule.hadolint.unwrap_or(rule.code);
        on.apply(
            std::path::Path::new(".hadolint.yaml"),
            &format!("override:\n  warning: [{id}]\n"),
        )
        .expect("valid");
        assert!(count(&on) > 0, "{} did not run when asked for", rule.name);
    }

    /// Asserts `rule` says nothing about `source`.
    #[track_caller]
    pub fn passes(rule: &Rule, source: &str) {
        let found = hits(rule, source);
        assert!(
            found.is_empty(),
            "{} should not catch:\n{source}\n{found:#?}",
            rule.name
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        for rule in all() {
            assert!(codes.insert(rule.code), "code {} used twice", rule.code);
            assert!(names.insert(rule.name), "name {} used twice", rule.name);
            assert!(
                rule.code.len() == 5
                    && rule.code.starts_with("DD")
                    && rule.code[2..].chars().all(|c| c.is_ascii_digit()),
                "code {} is not DD + three digits",
                rule.code
            );
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "name {} is not kebab-case",
                rule.name
            );
            assert!(
                !rule.name.starts_with("no-"),
                "{}: name it after what it allows",
                rule.name
            );
        }
    }

    #[test]
    fn every_rule_documents_the_four_parts() {
        for rule in all() {
            let doc = rule.doc();
            let mut at = 0;
            for section in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## Use instead",
            ] {
                let found = doc[at..].find(section).map(|i| i + at);
                assert!(
                    found.is_some(),
                    "{} ({}) lacks `{section}` in order",
                    rule.name,
                    rule.code
                );
                at = found.unwrap_or(at);
            }
            assert!(!rule.summary().is_empty(), "{} has no summary", rule.name);
            // The review's walkthrough shows why a step matters: a paragraph of its own.
            let why = rule.why();
            assert!(
                why != rule.summary()
                    && !why.starts_with('#')
                    && doc.contains(&why.chars().take(40).collect::<String>()),
                "{}: why = {why:?}",
                rule.name
            );
        }
    }

    #[test]
    fn off_by_default_rules_exist_and_say_so() {
        for code in OFF_BY_DEFAULT {
            let rule = find(code);
            assert!(rule.is_some(), "{code} is off by default but is no rule");
            assert!(
                rule.is_some_and(|r| r.doc().contains("## Off by default")),
                "{code}: its doc must say how to turn it on"
            );
        }
    }

    #[test]
    fn hadolint_codes_are_unique() {
        let mut seen = BTreeSet::new();
        for rule in all() {
            if let Some(code) = rule.hadolint {
                assert!(seen.insert(code), "{code} mapped twice");
            }
        }
    }
}
