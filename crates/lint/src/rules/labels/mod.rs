//! Labels: the keys Docker recommends, and the schema a team requires (hadolint's
//! `label-schema` and `strict-labels` settings).

use std::collections::HashSet;

use drydock_dockerfile::{Args, Kind, Lexer, Span};

use crate::rule::{Context, LabelType, Report, Rule};

pub(crate) mod formats;
mod spdx;

pub mod empty_required_label;
pub mod invalid_label_key;
pub mod label_not_email;
pub mod label_not_git_hash;
pub mod label_not_rfc3339;
pub mod label_not_semver;
pub mod label_not_spdx;
pub mod label_not_url;
pub mod label_outside_schema;
pub mod missing_required_label;

pub const RULES: &[Rule] = &[
    invalid_label_key::RULE,
    missing_required_label::RULE,
    label_outside_schema::RULE,
    empty_required_label::RULE,
    label_not_url::RULE,
    label_not_rfc3339::RULE,
    label_not_spdx::RULE,
    label_not_git_hash::RULE,
    label_not_semver::RULE,
    label_not_email::RULE,
];

/// One `key=value` of a LABEL, the key expanded as the build expands it.
pub(crate) struct Label<'a> {
    /// The LABEL's instruction index.
    pub index: usize,
    /// The key, or `None` when it names a variable with no value here.
    pub key: Option<String>,
    pub key_span: Span,
    /// The value as written; see [`Label::value`].
    value: &'a str,
    pub value_span: Span,
}

impl Label<'_> {
    /// The value as the build sees it, or `None` when it names a variable with no value here
    /// (a build argument decides it). Expanded on demand: expansions spend the file's budget.
    pub fn value(&self, cx: &Context) -> Option<String> {
        expanded(cx, self.index, self.value)
    }
}

/// Every label the file sets, in file order.
pub(crate) fn labels<'a>(cx: &Context<'a>) -> Vec<Label<'a>> {
    let mut out = Vec::new();
    for (index, ins) in cx.instructions().iter().enumerate() {
        let (Kind::Label, Args::KeyValues(pairs)) = (&ins.kind, &ins.args) else {
            continue;
        };
        for pair in pairs {
            out.push(Label {
                index,
                key: expanded(cx, index, &pair.key.value),
                key_span: pair.key.span,
                value: &pair.value.value,
                value_span: pair.value.span,
            });
        }
    }
    out
}

/// `word` as the build sees it at instruction `index` (quotes removed, variables expanded), or
/// `None` when a variable in it has no value there.
fn expanded(cx: &Context, index: usize, word: &str) -> Option<String> {
    match Lexer::new(cx.file.escape).process(word, cx.scope(index)) {
        Ok(e) if e.unset.is_empty() => Some(e.value),
        _ => None,
    }
}

/// The label names `label-schema` requires to be of type `kind`.
pub(crate) fn required_of<'a>(cx: &Context<'a>, kind: LabelType) -> HashSet<&'a str> {
    cx.settings
        .label_schema
        .iter()
        .filter(|(_, t)| *t == kind)
        .map(|(name, _)| name.as_str())
        .collect()
}

/// Reports each label the schema requires to be of type `kind` whose known value `valid`
/// rejects; `valid` returns `Err(why)` with what to say after the value. Where `fixed` gives
/// the value to write instead and the value is written out (not built from variables), the
/// finding carries the edit.
pub(crate) fn check_form(
    cx: &Context,
    out: &mut Report,
    kind: LabelType,
    valid: impl Fn(&str) -> Result<(), String>,
    fixed: impl Fn(&str) -> Option<String>,
) {
    let names = required_of(cx, kind);
    if names.is_empty() {
        return;
    }
    for label in labels(cx) {
        let Some(key) = &label.key else { continue };
        if !names.contains(key.as_str()) {
            continue;
        }
        let Some(value) = label.value(cx) else {
            continue;
        };
        if let Err(why) = valid(&value) {
            let span = if value.is_empty() {
                label.key_span
            } else {
                label.value_span
            };
            let message = format!("label `{key}` is {}, {why}", shown(&value));
            let edits = match fixed(&value) {
                Some(instead) if label.value == value => cx.replace(label.value_span, instead),
                Some(instead) if label.value == format!("\"{value}\"") => {
                    cx.replace(label.value_span, format!("\"{instead}\""))
                }
                _ => Vec::new(),
            };
            out.add_with_edits(span, message, None, edits);
        }
    }
}

/// A value quoted for a message, cut to a readable length.
pub(crate) fn shown(value: &str) -> String {
    if value.is_empty() {
        return "empty".to_string();
    }
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        Some((at, _)) => format!("`{}...`", &value[..at]),
        None => format!("`{value}`"),
    }
}

/// Per stage, whether its image carries what `own` says it sets itself or a stage it builds
/// on (`FROM <stage>`) set; stages only read from (`COPY --from`, `RUN --mount=...,from=`)
/// are left out of what the caller reports, as their image is never run or pushed.
pub(crate) struct StageFacts {
    pub has: Vec<bool>,
    pub source_only: Vec<bool>,
}

pub(crate) fn stage_facts(cx: &Context, own: impl Fn(usize) -> bool) -> StageFacts {
    let mut has: Vec<bool> = Vec::with_capacity(cx.stages.len());
    for stage in &cx.stages {
        let inherited = cx
            .parent(stage)
            .filter(|p| p.index < stage.index)
            .is_some_and(|p| has.get(p.index).copied().unwrap_or(false));
        has.push(inherited || own(stage.index));
    }
    let sources = read_from(cx);
    let source_only = cx
        .stages
        .iter()
        .map(|s| {
            sources.contains(&s.index.to_string())
                || s.name
                    .as_ref()
                    .is_some_and(|n| sources.contains(&n.value.to_ascii_lowercase()))
        })
        .collect();
    StageFacts { has, source_only }
}

/// What `COPY --from=` and `RUN --mount=...,from=` name, lowercased.
fn read_from(cx: &Context) -> HashSet<String> {
    crate::rules::from_references(cx)
        .into_iter()
        .filter(|r| r.kind != Kind::Add)
        .map(|r| r.value.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::rule::LabelType;
    use crate::{lint, Config, Finding, Project, Rule, Selection};

    /// The findings `rule` alone reports on `source` under `schema` (`name:type, ...`, as
    /// `--require-label` takes them) and `strict-labels`.
    pub fn hits(rule: &Rule, schema: &str, strict: bool, source: &str) -> Vec<Finding> {
        let mut config = Config::default();
        for entry in schema.split(',').filter(|e| !e.trim().is_empty()) {
            let (name, kind) = entry.trim().rsplit_once(':').expect("name:type");
            let kind = LabelType::parse(kind).expect("a label type");
            config.settings.require_label(name, kind);
        }
        config.settings.strict_labels = strict;
        lint(
            "Dockerfile",
            source,
            &config,
            Project::default(),
            &Selection::Only(vec![rule.code.to_string()]),
        )
        .into_iter()
        .filter(|f| f.code == rule.code)
        .collect()
    }

    /// `source` with the edits of `rule`'s findings under `schema` applied; asserts the fixed
    /// file is clean of the rule.
    #[track_caller]
    pub fn fixed(rule: &Rule, schema: &str, source: &str) -> String {
        let edits: Vec<_> = hits(rule, schema, false, source)
            .into_iter()
            .flat_map(|f| f.edits)
            .collect();
        let fixed = crate::fix::apply(source, &edits);
        assert!(fixed.conflicts.is_empty(), "{:?}", fixed.conflicts);
        assert!(
            lines(rule, schema, &fixed.text).is_empty(),
            "still reported:\n{}",
            fixed.text
        );
        fixed.text
    }

    /// Asserts `rule` reports on `source` under `schema`.
    #[track_caller]
    pub fn catches(rule: &Rule, schema: &str, source: &str) {
        assert!(
            !lines(rule, schema, source).is_empty(),
            "{} should catch:\n{source}",
            rule.name
        );
    }

    /// Asserts `rule` says nothing about `source` under `schema`.
    #[track_caller]
    pub fn passes(rule: &Rule, schema: &str, source: &str) {
        assert!(
            lines(rule, schema, source).is_empty(),
            "{} should pass:\n{source}",
            rule.name
        );
    }

    /// The lines `rule` reports on `source` under `schema`.
    pub fn lines(rule: &Rule, schema: &str, source: &str) -> Vec<u32> {
        hits(rule, schema, false, source)
            .iter()
            .map(|f| f.line)
            .collect()
    }
}
