use drydock_dockerfile::{Kind, Span};

use crate::rule::{Context, Rule};

pub mod add_instead_of_copy;
pub mod copy_from_own_stage;
pub mod copy_multiple_sources_without_slash;
pub mod copy_relative_destination_without_workdir;
pub mod duplicate_stage_name;
pub mod env_self_reference;
pub mod expose_invalid_port;
pub mod expose_protocol_casing;
pub mod from_as_casing;
pub mod inconsistent_instruction_casing;
pub mod inline_ignore_pragma;
pub mod instruction_before_from;
pub mod legacy_key_value_format;
pub mod maintainer_instruction;
pub mod missing_healthcheck;
pub mod multiple_cmd;
pub mod multiple_entrypoint;
pub mod multiple_healthcheck;
pub mod onbuild_invalid_trigger;
pub mod relative_workdir;
pub mod reserved_stage_name;
pub mod shell_form_cmd;
pub mod stage_name_casing;
pub mod undefined_arg_in_from;
pub mod undefined_variable;

pub const RULES: &[Rule] = &[
    relative_workdir::RULE,
    maintainer_instruction::RULE,
    duplicate_stage_name::RULE,
    reserved_stage_name::RULE,
    stage_name_casing::RULE,
    from_as_casing::RULE,
    inconsistent_instruction_casing::RULE,
    shell_form_cmd::RULE,
    multiple_cmd::RULE,
    multiple_entrypoint::RULE,
    multiple_healthcheck::RULE,
    missing_healthcheck::RULE,
    legacy_key_value_format::RULE,
    undefined_variable::RULE,
    undefined_arg_in_from::RULE,
    copy_multiple_sources_without_slash::RULE,
    copy_from_own_stage::RULE,
    expose_invalid_port::RULE,
    expose_protocol_casing::RULE,
    env_self_reference::RULE,
    instruction_before_from::RULE,
    add_instead_of_copy::RULE,
    copy_relative_destination_without_workdir::RULE,
    inline_ignore_pragma::RULE,
    onbuild_invalid_trigger::RULE,
];

/// The source text a span covers (lines joined with `\n`).
pub(crate) fn span_text(cx: &Context, span: Span) -> String {
    let mut out = String::new();
    let first = span.start.line.max(1);
    for number in first..=span.end.line.min(cx.line_count()) {
        let line = cx.line(number);
        let line = if number == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let from = if number == span.start.line {
            span.start.column.saturating_sub(1) as usize
        } else {
            0
        };
        let to = if number == span.end.line {
            span.end.column.saturating_sub(1) as usize
        } else {
            usize::MAX
        };
        if number != first {
            out.push('\n');
        }
        out.extend(line.chars().skip(from).take(to.saturating_sub(from)));
    }
    out
}

/// Per stage, the image its chain of `FROM <stage>` starts from, lowercased (parents first, so
/// each stage is looked at once).
pub(crate) fn root_images(cx: &Context) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(cx.stages.len());
    for stage in &cx.stages {
        let inherited = cx
            .parent(stage)
            .filter(|p| p.index < stage.index)
            .and_then(|p| out.get(p.index).cloned());
        out.push(inherited.unwrap_or_else(|| {
            stage
                .base
                .as_ref()
                .map_or_else(String::new, |b| b.value.to_ascii_lowercase())
        }));
    }
    out
}

/// Per stage, whether its working directory is fixed before its own instructions run: a
/// stage it builds on set a WORKDIR, or it starts from `scratch`, where the directory is `/`
/// and nothing can move it.
pub(crate) fn workdir_settled(cx: &Context) -> Vec<bool> {
    let roots = root_images(cx);
    // Whether the stage or one it builds on sets a WORKDIR.
    let mut sets: Vec<bool> = Vec::with_capacity(cx.stages.len());
    let mut settled = Vec::with_capacity(cx.stages.len());
    for stage in &cx.stages {
        let inherited = cx
            .parent(stage)
            .filter(|p| p.index < stage.index)
            .is_some_and(|p| sets.get(p.index).copied().unwrap_or(false));
        let own = stage.instructions.clone().any(|i| {
            cx.instructions()
                .get(i)
                .is_some_and(|ins| ins.kind == Kind::Workdir)
        });
        sets.push(inherited || own);
        let scratch = roots.get(stage.index).is_some_and(|r| r == "scratch");
        settled.push(inherited || scratch);
    }
    settled
}

/// `/x`, `\x`, `C:\x`, `c:/x`: absolute on Linux or Windows.
pub(crate) fn is_absolute(path: &str) -> bool {
    let mut chars = path.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some('/' | '\\'), _, _) => true,
        (Some(drive), Some(':'), Some('/' | '\\')) => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

/// Edit distance where swapping two neighbouring chars counts as one edit (`PAHT` is one away
/// from `PATH`), bounded: anything above `limit` comes back as `limit + 1`.
pub(crate) fn distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit || a.len() > 64 || b.len() > 64 {
        return limit + 1;
    }
    // rows[i][j]: distance between the first i chars of a and the first j chars of b.
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j - 1] + cost)
                .min(rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()].min(limit + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("PATH", "PAHT", 2), 1);
        assert_eq!(distance("APP_HOME", "APP_HOEM", 1), 1);
        assert_eq!(distance("APP_HOME", "APP_HOM", 2), 1);
        assert_eq!(distance("A", "LONGER_NAME", 2), 3);
    }

    #[test]
    fn absolute_paths() {
        assert!(is_absolute("/app"));
        assert!(is_absolute("C:\\app"));
        assert!(is_absolute("c:/app"));
        assert!(!is_absolute("app"));
        assert!(!is_absolute("./app"));
        assert!(!is_absolute("C:"));
    }
}
