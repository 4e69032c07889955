//! `drydock rule CODE|NAME` explains one rule with the documentation from its source file;
//! `drydock rule --list` (or `drydock rules`) lists them all. Unknown names get the closest
//! known one as a suggestion, here and in `drydock lint --rule/--ignore`.

use std::fmt::Write as _;

use drydock_lint::rules::{self, UnknownRule};
use drydock_lint::{meta_codes, Rule};

use crate::args::RuleArgs;
use crate::commands::Outcome;
use crate::error::CliError;

pub fn rule(args: &RuleArgs) -> Result<Outcome, CliError> {
    let text = match &args.rule {
        Some(id) if !args.list => explain(id)?,
        _ => list(),
    };
    Ok(Outcome {
        stdout: text,
        error: None,
        failed: false,
    })
}

fn explain(id: &str) -> Result<String, CliError> {
    let mut out = String::new();
    let unknown = match rules::resolve(id) {
        Ok(rule) => {
            let _ = writeln!(out, "{} {}", rule.code, rule.name);
            let _ = writeln!(out, "category: {}", rules::category_of(rule));
            let off = if rule.on_by_default() {
                ""
            } else {
                " (off by default: turn it on with --rule or an override level)"
            };
            let _ = writeln!(out, "level:    {}{off}", rule.level);
            let _ = writeln!(out, "hadolint: {}", rule.hadolint.unwrap_or("-"));
            let _ = writeln!(out, "\n{}", rule.doc());
            return Ok(out);
        }
        Err(unknown) => unknown,
    };
    if let Some((code, level, what)) = meta_codes()
        .into_iter()
        .find(|(code, _, _)| code.eq_ignore_ascii_case(id))
    {
        let _ = writeln!(out, "{code}");
        let _ = writeln!(out, "level:    {level}");
        let _ = writeln!(out, "\nNot a rule: Drydock reports it when {what}.");
        let _ = if code == "parse-error" {
            writeln!(
                out,
                "It cannot be turned off: BuildKit would not build the file either."
            )
        } else {
            writeln!(out, "List it under `ignored` or `override` in the config to turn it off or change its level.")
        };
        return Ok(out);
    }
    Err(explained(&unknown))
}

fn list() -> String {
    let rows: Vec<[String; 6]> = rules::all()
        .map(|r: &Rule| {
            [
                r.code.to_string(),
                r.name.to_string(),
                rules::category_of(r).to_string(),
                if r.on_by_default() {
                    r.level.to_string()
                } else {
                    format!("{} (off)", r.level)
                },
                r.hadolint.unwrap_or("-").to_string(),
                r.summary(),
            ]
        })
        .collect();
    let header = ["CODE", "NAME", "CATEGORY", "LEVEL", "HADOLINT", "SUMMARY"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out, "\nAlso reported, not rules:");
    for (code, level, what) in meta_codes() {
        let _ = writeln!(out, "  {code} ({level}): {what}");
    }
    out
}

/// Whether `id` names a rule; `hadolint_ok` accepts hadolint codes Drydock has no rule for
/// (hadolint command lines carry them over, and ignoring a rule that does not exist is
/// harmless).
pub fn check_id(flag: &str, id: &str, hadolint_ok: bool) -> Result<(), CliError> {
    match rules::resolve(id) {
        Ok(_) => Ok(()),
        Err(UnknownRule::Hadolint { .. }) if hadolint_ok => Ok(()),
        Err(unknown) => Err(CliError::new(format!("{flag} {id}: {unknown}")).fix(unknown.fix())),
    }
}

/// The error for a name that is no rule, with the closest one when there is one.
fn explained(unknown: &UnknownRule) -> CliError {
    CliError::new(unknown.to_string()).fix(unknown.fix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hadolint_codes_without_a_rule_are_only_fine_to_ignore() {
        assert!(check_id("--ignore", "DL9999", true).is_ok());
        let e = check_id("--rule", "DL9999", false)
            .expect_err("no such rule")
            .report();
        assert!(e.contains("hadolint's `DL9999`"), "{e}");
        let e = check_id("--ignore", "latest-base-imag", true)
            .expect_err("typo")
            .report();
        assert!(
            e.contains("\n  fix: did you mean `latest-base-image`"),
            "{e}"
        );
    }
}
