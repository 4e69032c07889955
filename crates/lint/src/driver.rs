//! Runs the rules over one file, then applies levels, ignores and pragmas.

use drydock_dockerfile::Span;

use crate::config::Config;
use crate::finding::{Finding, Level};
use crate::pragma::{pragmas, Pragma};
use crate::rule::{Context, Project, Report, Rule};
use crate::rules;

/// Which rules run: all, or only those named (by code, name or hadolint code).
#[derive(Debug, Clone, Default)]
pub enum Selection {
    #[default]
    All,
    Only(Vec<String>),
}

/// Findings that are not rules: (code, level, what it means).
pub fn meta_codes() -> [(&'static str, Level, &'static str); 3] {
    [
        (
            PARSE_ERROR,
            Level::Error,
            "the file cannot be parsed as BuildKit would",
        ),
        (
            UNKNOWN,
            Level::Warning,
            "a suppression names no rule Drydock has",
        ),
        (UNUSED, Level::Info, "a suppression that suppressed nothing"),
    ]
}

const PARSE_ERROR: &str = "parse-error";
const UNKNOWN: &str = "unknown-suppression";
const UNUSED: &str = "unused-suppression";

/// Lints `source` (shown as `name` in findings). Findings come sorted by position.
pub fn lint(
    name: &str,
    source: &str,
    config: &Config,
    project: Project,
    selection: &Selection,
) -> Vec<Finding> {
    let file = drydock_dockerfile::parse(source);
    let cx = Context::new(source, &file, &config.settings, project);
    let mut findings: Vec<(Finding, Option<&'static Rule>)> = file
        .errors
        .iter()
        .map(|e| {
            (
                meta(name, PARSE_ERROR, Level::Error, e.span, &e.message),
                None,
            )
        })
        .collect();
    for rule in rules::all() {
        if !selected(rule, selection) || ignored(rule, config) {
            continue;
        }
        let mut report = Report::default();
        (rule.check)(&cx, &mut report);
        let level = level_of(rule, config);
        for hit in report.hits {
            findings.push((
                Finding {
                    file: name.to_string(),
                    line: hit.span.start.line,
                    column: hit.span.start.column,
                    end_line: hit.span.end.line,
                    end_column: hit.span.end.column,
                    code: rule.code.to_string(),
                    rule: rule.name.to_string(),
                    level,
                    message: hit.message,
                    hadolint: rule.hadolint.map(str::to_string),
                    fix: hit.fix,
                },
                Some(rule),
            ));
        }
    }
    let pragmas = pragmas(source, &file);
    let mut used = vec![vec![false; 0]; pragmas.len()];
    for (slot, p) in used.iter_mut().zip(&pragmas) {
        *slot = vec![false; p.ids.len()];
    }
    findings.retain(|(finding, rule)| {
        let Some(rule) = rule else { return true };
        let mut keep = true;
        for (p, used) in pragmas.iter().zip(used.iter_mut()) {
            if !p.covers.contains(&finding.line) {
                continue;
            }
            for (id, flag) in p.ids.iter().zip(used.iter_mut()) {
                if names(rule, id) {
                    *flag = true;
                    keep = false;
                }
            }
        }
        keep
    });
    let mut out: Vec<Finding> = findings.into_iter().map(|(f, _)| f).collect();
    out.extend(suppression_findings(
        name, &pragmas, &used, config, selection,
    ));
    out.sort_by(|a, b| (a.line, a.column, &a.code).cmp(&(b.line, b.column, &b.code)));
    out
}

fn suppression_findings(
    name: &str,
    pragmas: &[Pragma],
    used: &[Vec<bool>],
    config: &Config,
    selection: &Selection,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (p, used) in pragmas.iter().zip(used) {
        let span = Span {
            start: drydock_dockerfile::Pos {
                line: p.line,
                column: p.column,
            },
            end: drydock_dockerfile::Pos {
                line: p.line,
                column: p.end_column,
            },
        };
        for (id, was_used) in p.ids.iter().zip(used) {
            match rules::find(id) {
                None => out.push(meta(
                    name,
                    UNKNOWN,
                    Level::Warning,
                    span,
                    &unknown_message(id),
                )),
                // A rule that did not run (ignored in config, or not selected) cannot be
                // suppressed, so its pragma is not "unused".
                Some(rule) if !was_used && selected(rule, selection) && !ignored(rule, config) => {
                    let message = if p.global {
                        format!("`{id}` is ignored for the whole file but `{}` reports nothing here: remove it from the pragma", rule.name)
                    } else {
                        format!("`{id}` is ignored on the next instruction but `{}` reports nothing there: remove it from the pragma", rule.name)
                    };
                    out.push(meta(name, UNUSED, Level::Info, span, &message));
                }
                Some(_) => {}
            }
        }
    }
    out
}

fn unknown_message(id: &str) -> String {
    let upper = id.to_ascii_uppercase();
    let hadolint_shaped = (upper.starts_with("DL") || upper.starts_with("SC"))
        && upper.len() > 2
        && upper[2..].chars().all(|c| c.is_ascii_digit());
    if hadolint_shaped {
        format!("Drydock has no rule matching hadolint's `{id}`, so this suppression does nothing here; see `drydock rule --list`")
    } else {
        format!("no rule is called `{id}`: check the spelling against `drydock rule --list`")
    }
}

fn meta(name: &str, code: &str, level: Level, span: Span, message: &str) -> Finding {
    Finding {
        file: name.to_string(),
        line: span.start.line.max(1),
        column: span.start.column.max(1),
        end_line: span.end.line.max(1),
        end_column: span.end.column.max(1),
        code: code.to_string(),
        rule: code.to_string(),
        level,
        message: message.to_string(),
        hadolint: None,
        fix: None,
    }
}

/// Whether `id` refers to `rule` (its code, name or hadolint code, any case).
pub(crate) fn names(rule: &Rule, id: &str) -> bool {
    rule.code.eq_ignore_ascii_case(id)
        || rule.name.eq_ignore_ascii_case(id)
        || rule.hadolint.is_some_and(|h| h.eq_ignore_ascii_case(id))
}

fn selected(rule: &Rule, selection: &Selection) -> bool {
    match selection {
        Selection::All => true,
        Selection::Only(ids) => ids.iter().any(|id| names(rule, id)),
    }
}

fn ignored(rule: &Rule, config: &Config) -> bool {
    config.ignored.iter().any(|e| names(rule, &e.id))
}

fn level_of(rule: &Rule, config: &Config) -> Level {
    config
        .overrides
        .iter()
        .rev()
        .find(|(e, _)| names(rule, &e.id))
        .map_or(rule.level, |(_, level)| *level)
}
