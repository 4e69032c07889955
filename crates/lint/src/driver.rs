//! Runs the rules over one file, then applies levels, ignores and pragmas.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use drydock_dockerfile::{Pos, Span};

use crate::config::Config;
use crate::finding::{Finding, Level};
use crate::pragma::{pragmas, Pragma};
use crate::rule::{Context, Hit, Project, Report, Rule};
use crate::rules::{self, names, UnknownRule};

mod triggers;

/// Which rules run: all, or only those named (by code, name or hadolint code).
#[derive(Debug, Clone, Default)]
pub enum Selection {
    #[default]
    All,
    Only(Vec<String>),
}

/// Findings that are not rules: (code, level, what it means).
pub fn meta_codes() -> [(&'static str, Level, &'static str); 4] {
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
        (
            UNUSED,
            Level::Style,
            "a suppression that suppressed nothing",
        ),
        (
            EXPANSION_LIMIT,
            Level::Warning,
            "variables expand to more than Drydock follows, so later values are unknown",
        ),
    ]
}

const PARSE_ERROR: &str = "parse-error";
const UNKNOWN: &str = "unknown-suppression";
const UNUSED: &str = "unused-suppression";
const EXPANSION_LIMIT: &str = "expansion-limit";

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
        if !runs(rule, config, selection) {
            continue;
        }
        let mut report = Report::default();
        (rule.check)(&cx, &mut report);
        let level = level_of(rule, config);
        for hit in report.hits {
            findings.push((finding(name, rule, level, hit), Some(rule)));
        }
    }
    let on_triggers = triggers::findings(source, &file, &cx, |rule| runs(rule, config, selection));
    if !on_triggers.is_empty() {
        // A rule that already read the ONBUILD itself (a secret in its ENV, say) is not
        // reported twice.
        let seen: HashSet<(&str, Pos)> = findings
            .iter()
            .map(|(f, _)| {
                (
                    f.code.as_str(),
                    Pos {
                        line: f.line,
                        column: f.column,
                    },
                )
            })
            .collect();
        let new: Vec<_> = on_triggers
            .into_iter()
            .filter(|(rule, hit)| !seen.contains(&(rule.code, hit.span.start)))
            .map(|(rule, hit)| (finding(name, rule, level_of(rule, config), hit), Some(rule)))
            .collect();
        findings.extend(new);
    }
    let pragmas = pragmas(source, &file);
    let mut used: Vec<Vec<bool>> = pragmas.iter().map(|p| vec![false; p.ids.len()]).collect();
    let mut suppressions = Suppressions::new(&pragmas);
    findings.retain(|(finding, rule)| {
        let Some(rule) = rule else { return true };
        !suppressions.suppress(rule, finding.line, &mut used)
    });
    let mut out: Vec<Finding> = findings.into_iter().map(|(f, _)| f).collect();
    let mut metas = suppression_findings(name, &pragmas, &used, config, selection);
    metas.extend(expansion_finding(name, &cx));
    out.extend(configured(metas, config));
    out.sort_by(|a, b| (a.line, a.column, &a.code).cmp(&(b.line, b.column, &b.code)));
    out
}

fn finding(name: &str, rule: &Rule, level: Level, hit: Hit) -> Finding {
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
        edits: hit.edits,
    }
}

/// The pragma ids naming each rule, grouped by the lines they cover, so that a finding meets
/// only the pragmas over its own line: many pragmas and many findings stay fast.
struct Suppressions {
    /// Per rule code: groups of ids covering the whole file, and groups covering one
    /// instruction's lines, sorted by first line.
    by_rule: HashMap<&'static str, (Vec<Group>, Vec<Group>)>,
}

/// A rule's code, whether the pragma is global, and the first and last line it covers.
type GroupKey = (&'static str, bool, u32, u32);

/// Ids (pragma, position in its list) covering the same lines; once one finding met them
/// all are marked used, so later findings cost nothing more.
struct Group {
    covers: RangeInclusive<u32>,
    ids: Vec<(usize, usize)>,
    met: bool,
    /// The last line covered by this group or any before it in the list.
    reach: u32,
}

/// Every rule under each id a pragma may name it by (code, name, hadolint code; lowercase),
/// built once per process rather than once per file.
fn rules_by_id() -> &'static HashMap<String, Vec<&'static Rule>> {
    static NAMED: std::sync::OnceLock<HashMap<String, Vec<&'static Rule>>> =
        std::sync::OnceLock::new();
    NAMED.get_or_init(|| {
        let mut named: HashMap<String, Vec<&'static Rule>> = HashMap::new();
        for rule in rules::all() {
            let mut keys = vec![
                rule.code.to_ascii_lowercase(),
                rule.name.to_ascii_lowercase(),
            ];
            keys.extend(rule.hadolint.map(str::to_ascii_lowercase));
            keys.dedup();
            for key in keys {
                named.entry(key).or_default().push(rule);
            }
        }
        named
    })
}

impl Suppressions {
    fn new(pragmas: &[Pragma]) -> Suppressions {
        let named = rules_by_id();
        let mut groups: HashMap<GroupKey, Vec<(usize, usize)>> = HashMap::new();
        for (p, pragma) in pragmas.iter().enumerate() {
            for (i, id) in pragma.ids.iter().enumerate() {
                let rules = named
                    .get(&id.to_ascii_lowercase())
                    .map_or(&[][..], Vec::as_slice);
                for rule in rules {
                    let key = (
                        rule.code,
                        pragma.global,
                        *pragma.covers.start(),
                        *pragma.covers.end(),
                    );
                    groups.entry(key).or_default().push((p, i));
                }
            }
        }
        let mut by_rule: HashMap<&'static str, (Vec<Group>, Vec<Group>)> = HashMap::new();
        for ((code, global, start, end), ids) in groups {
            let group = Group {
                covers: start..=end,
                ids,
                met: false,
                reach: end,
            };
            let (globals, locals) = by_rule.entry(code).or_default();
            if global {
                globals.push(group);
            } else {
                locals.push(group);
            }
        }
        for (_, locals) in by_rule.values_mut() {
            locals.sort_by_key(|g| (*g.covers.start(), *g.covers.end()));
            let mut reach = 0;
            for group in locals.iter_mut() {
                reach = reach.max(*group.covers.end());
                group.reach = reach;
            }
        }
        Suppressions { by_rule }
    }

    /// Whether a pragma covering `line` names `rule`; marks the ids that do as used.
    fn suppress(&mut self, rule: &Rule, line: u32, used: &mut [Vec<bool>]) -> bool {
        let Some((globals, locals)) = self.by_rule.get_mut(rule.code) else {
            return false;
        };
        let before = locals.partition_point(|g| *g.covers.start() <= line);
        let covering = globals.iter_mut().chain(
            locals
                .get_mut(..before)
                .unwrap_or(&mut [])
                .iter_mut()
                .rev()
                .take_while(|g| g.reach >= line),
        );
        let mut suppressed = false;
        for group in covering {
            if !group.covers.contains(&line) {
                continue;
            }
            suppressed = true;
            if !group.met {
                group.met = true;
                for &(p, i) in &group.ids {
                    if let Some(flag) = used.get_mut(p).and_then(|u| u.get_mut(i)) {
                        *flag = true;
                    }
                }
            }
        }
        suppressed
    }
}

fn suppression_findings(
    name: &str,
    pragmas: &[Pragma],
    used: &[Vec<bool>],
    config: &Config,
    selection: &Selection,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // Whether each rule ran, asked once per rule rather than once per id.
    let mut ran: HashMap<&'static str, bool> = HashMap::new();
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
            match rules::resolve(id) {
                Err(unknown) => out.push(meta(
                    name,
                    UNKNOWN,
                    unknown_level(&unknown),
                    span,
                    &unknown_message(&unknown),
                )),
                // A rule that did not run (ignored in config, or not selected) cannot be
                // suppressed, so its pragma is not "unused".
                Ok(rule)
                    if !was_used
                        && *ran
                            .entry(rule.code)
                            .or_insert_with(|| runs(rule, config, selection)) =>
                {
                    let message = if p.global {
                        format!("`{id}` is ignored for the whole file but `{}` reports nothing here: remove it from the pragma", rule.name)
                    } else {
                        format!("`{id}` is ignored on the next instruction but `{}` reports nothing there: remove it from the pragma", rule.name)
                    };
                    out.push(meta(name, UNUSED, Level::Style, span, &message));
                }
                Ok(_) => {}
            }
        }
    }
    out
}

/// One finding for the file when variables expanded past its budget (ENVs that double the
/// last one grow exponentially): at the first instruction where they did. Rules read the
/// values past it as unset, so they stay quiet rather than judge a value they do not have.
fn expansion_finding(name: &str, cx: &Context) -> Option<Finding> {
    let (at, budget) = cx.expansion_cut()?;
    let span = cx.head(cx.instructions().get(at)?);
    let message = format!("variables here expand to more than Drydock follows ({budget} bytes): later values are treated as unknown, and findings that depend on them are not reported");
    Some(meta(name, EXPANSION_LIMIT, Level::Warning, span, &message))
}

/// Config entries (`ignored`, `override`) that name no rule, as `unknown-suppression` findings
/// against the config file at the entry, sorted by file and position. The meta codes
/// (`unknown-suppression`, ...) are known names, not typos.
pub fn config_findings(config: &Config) -> Vec<Finding> {
    let entries = config
        .ignored
        .iter()
        .chain(config.overrides.iter().map(|(entry, _)| entry));
    let mut out: Vec<Finding> = entries
        .filter(|e| !is_meta(&e.id))
        .filter_map(|e| Some((e, rules::resolve(&e.id).err()?)))
        .map(|(e, unknown)| {
            let width = u32::try_from(e.id.chars().count()).unwrap_or(0);
            let span = Span {
                start: drydock_dockerfile::Pos {
                    line: e.line,
                    column: e.column,
                },
                end: drydock_dockerfile::Pos {
                    line: e.line,
                    column: e.column.saturating_add(width),
                },
            };
            let file = e.file.display().to_string();
            meta(
                &file,
                UNKNOWN,
                unknown_level(&unknown),
                span,
                &unknown_message(&unknown),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    configured(out, config)
}

/// A hadolint or ShellCheck code Drydock does not check is expected in a migrated project
/// (style: reported, but under the default threshold); anything else is likely a typo.
fn unknown_level(unknown: &UnknownRule) -> Level {
    match unknown {
        UnknownRule::Hadolint { .. } => Level::Style,
        UnknownRule::Unknown { .. } => Level::Warning,
    }
}

fn is_meta(id: &str) -> bool {
    meta_codes()
        .iter()
        .any(|(code, _, _)| code.eq_ignore_ascii_case(id))
}

/// Suppression findings obey `ignored` and `override` like rules do: a hadolint config that
/// names DL codes Drydock lacks must not fail every run for good. Parse errors never pass here.
fn configured(findings: Vec<Finding>, config: &Config) -> Vec<Finding> {
    let named = |e: &crate::config::Entry, code: &str| e.id.eq_ignore_ascii_case(code);
    // Per code: ignored, or the level an override gives it (the codes are few).
    let mut verdicts: HashMap<String, (bool, Option<Level>)> = HashMap::new();
    findings
        .into_iter()
        .filter_map(|mut f| {
            let (ignored, level) = *verdicts.entry(f.code.clone()).or_insert_with(|| {
                let ignored = config.ignored.iter().any(|e| named(e, &f.code));
                let level = config
                    .overrides
                    .iter()
                    .rev()
                    .find(|(e, _)| named(e, &f.code))
                    .map(|(_, level)| *level);
                (ignored, level)
            });
            if ignored {
                return None;
            }
            if let Some(level) = level {
                f.level = level;
            }
            Some(f)
        })
        .collect()
}

fn unknown_message(unknown: &UnknownRule) -> String {
    match unknown {
        UnknownRule::Hadolint { .. } => {
            format!("{unknown}, so this suppression does nothing here; see `drydock rule --list`")
        }
        UnknownRule::Unknown { .. } => {
            format!("{unknown}: check the spelling against `drydock rule --list`")
        }
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
        edits: Vec::new(),
    }
}

/// Whether `rule` runs: selected, not ignored, and either on by default or turned on (named by
/// the selection, or given a level under `override`, as hadolint turns on its `ignore`-level
/// rules).
fn runs(rule: &Rule, config: &Config, selection: &Selection) -> bool {
    let turned_on = || match selection {
        Selection::Only(_) => true,
        Selection::All => config.overrides.iter().any(|(e, _)| names(rule, &e.id)),
    };
    selected(rule, selection) && !ignored(rule, config) && (rule.on_by_default() || turned_on())
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn config(text: &str) -> Config {
        let mut config = Config::default();
        config
            .apply(Path::new("ci/.hadolint.yaml"), text)
            .expect("valid config");
        config
    }

    #[test]
    fn config_entries_naming_no_rule_are_findings_at_the_entry() {
        let found = config_findings(&config(
            "ignored:\n  - DL3007\n  - no-such-rule\noverride:\n  info: [DD999, unused-suppression]\n",
        ));
        let at: Vec<(&str, u32, u32, u32)> = found
            .iter()
            .map(|f| (f.file.as_str(), f.line, f.column, f.end_column))
            .collect();
        assert_eq!(
            at,
            [
                ("ci/.hadolint.yaml", 3, 5, 17),
                ("ci/.hadolint.yaml", 5, 10, 15)
            ]
        );
        assert!(found
            .iter()
            .all(|f| f.code == UNKNOWN && f.level == Level::Warning));
        let migrated = config_findings(&config("ignored: [SC2086]\n"));
        assert_eq!(migrated[0].level, Level::Style);
    }

    #[test]
    fn suppression_findings_obey_ignored_and_override() {
        let source = "FROM alpine:3.20\n# hadolint ignore=DL3007,nope\nRUN true\n";
        let codes = |config: &Config| -> Vec<(String, Level)> {
            lint(
                "Dockerfile",
                source,
                config,
                Project::default(),
                &Selection::All,
            )
            .into_iter()
            .filter(|f| f.code == UNKNOWN || f.code == UNUSED)
            .map(|f| (f.code, f.level))
            .collect()
        };
        assert_eq!(
            codes(&Config::default()),
            [
                (UNKNOWN.to_string(), Level::Warning),
                (UNUSED.to_string(), Level::Style)
            ]
        );
        let quiet =
            config("ignored: [unknown-suppression]\noverride:\n  info: [unused-suppression]\n");
        assert_eq!(codes(&quiet), [(UNUSED.to_string(), Level::Info)]);
        assert!(config_findings(&config("ignored: [nope, unknown-suppression]\n")).is_empty());
    }
}
