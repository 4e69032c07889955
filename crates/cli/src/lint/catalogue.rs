//! `drydock rule CODE|NAME` explains one rule with the documentation from its source file;
//! `drydock rule --list` (or `drydock rules`) lists them all. Unknown names get the closest
//! known one as a suggestion, here and in `drydock lint --rule/--ignore`.

use std::fmt::Write as _;

use drydock_lint::{meta_codes, rules, Rule};

use crate::args::RuleArgs;
use crate::commands::Outcome;

pub fn rule(args: &RuleArgs) -> Result<Outcome, String> {
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

fn explain(id: &str) -> Result<String, String> {
    let mut out = String::new();
    if let Some(rule) = rules::find(id) {
        let _ = writeln!(out, "{} {}", rule.code, rule.name);
        let _ = writeln!(out, "category: {}", rules::category_of(rule));
        let _ = writeln!(out, "level:    {}", rule.level);
        let _ = writeln!(out, "hadolint: {}", rule.hadolint.unwrap_or("-"));
        let _ = writeln!(out, "\n{}", rule.doc());
        return Ok(out);
    }
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
    Err(unknown(id))
}

fn list() -> String {
    let rows: Vec<[String; 6]> = rules::all()
        .map(|r: &Rule| {
            [
                r.code.to_string(),
                r.name.to_string(),
                rules::category_of(r).to_string(),
                r.level.to_string(),
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
pub fn check_id(flag: &str, id: &str, hadolint_ok: bool) -> Result<(), String> {
    if rules::find(id).is_some() || (hadolint_ok && hadolint_shaped(id)) {
        return Ok(());
    }
    Err(format!("{flag} {id}: {}", unknown(id)))
}

fn hadolint_shaped(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    (upper.starts_with("DL") || upper.starts_with("SC"))
        && upper.len() > 2
        && upper[2..].chars().all(|c| c.is_ascii_digit())
}

/// The message for a name that is no rule, with the closest one when there is one.
fn unknown(id: &str) -> String {
    if hadolint_shaped(id) {
        return format!(
            "Drydock has no rule matching hadolint's `{id}`\nfix: `drydock rule --list` shows the hadolint code each rule matches"
        );
    }
    match closest(id) {
        Some((name, code)) => format!(
            "no rule is called `{id}`\nfix: did you mean `{name}` ({code})? `drydock rule --list` lists every rule"
        ),
        None => format!("no rule is called `{id}`\nfix: `drydock rule --list` lists every rule"),
    }
}

/// The known name nearest to `id`: one that contains it, else the smallest edit distance
/// within a third of its length. Returns (name, code).
fn closest(id: &str) -> Option<(String, String)> {
    let id = id.to_ascii_lowercase();
    let mut names: Vec<(String, String)> = rules::all()
        .flat_map(|r| {
            let mut names = vec![
                (r.name.to_string(), r.code.to_string()),
                (r.code.to_ascii_lowercase(), r.code.to_string()),
            ];
            if let Some(h) = r.hadolint {
                names.push((h.to_ascii_lowercase(), r.code.to_string()));
            }
            names
        })
        .collect();
    names.extend(
        meta_codes()
            .iter()
            .map(|(code, _, _)| (code.to_string(), code.to_string())),
    );
    if id.chars().count() >= 4 {
        if let Some(found) = names.iter().find(|(name, _)| name.contains(&id)) {
            return Some(shown(found));
        }
    }
    let limit = (id.chars().count() / 3).max(1);
    names
        .iter()
        .map(|n| (distance(&id, &n.0), n))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| shown(n))
}

/// Codes are shown upper case, as they are written.
fn shown((name, code): &(String, String)) -> (String, String) {
    if name.eq_ignore_ascii_case(code) {
        (code.clone(), code.clone())
    } else {
        (name.clone(), code.clone())
    }
}

/// Levenshtein distance in chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_names_get_the_nearest_rule() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("latest-base-imag"),
            Some(("latest-base-image".into(), "DD301".into()))
        );
        assert_eq!(closest("dd3011"), Some(("DD301".into(), "DD301".into())));
        assert_eq!(closest("zzzzzzzzzz"), None);
    }

    #[test]
    fn hadolint_codes_without_a_rule_are_only_fine_to_ignore() {
        assert!(check_id("--ignore", "DL9999", true).is_ok());
        let e = check_id("--rule", "DL9999", false).expect_err("no such rule");
        assert!(e.contains("hadolint's `DL9999`"), "{e}");
        let e = check_id("--ignore", "latest-base-imag", true).expect_err("typo");
        assert!(e.contains("did you mean `latest-base-image`"), "{e}");
    }
}
