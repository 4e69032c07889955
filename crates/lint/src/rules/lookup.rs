//! Which rule an id names, as users write ids: our code (`DD301`), our name
//! (`latest-base-image`) or hadolint's code (`DL3007`), in any case. The CLI's flags and
//! `drydock rule`, and the config and pragma checks, all resolve ids here.

use crate::driver::meta_codes;
use crate::rule::Rule;

use super::all;

/// An id that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownRule {
    /// A hadolint or ShellCheck code (`DL3999`, `SC2086`) that no Drydock rule matches:
    /// expected in a project that migrates from hadolint.
    #[error("Drydock has no rule matching hadolint's `{id}`")]
    Hadolint { id: String },
    /// Anything else: likely a typo ([`UnknownRule::suggestion`] finds the nearest name).
    #[error("no rule is called `{id}`")]
    Unknown { id: String },
}

/// A known name near a misspelt one: a rule's name or code, or a code that is not a rule
/// (`unused-suppression`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// As the user would write it: a name, or a code in upper case.
    pub name: String,
    pub code: String,
}

impl UnknownRule {
    /// The known name nearest to a misspelt id. Worked out on demand: the linter meets
    /// unknown ids in pragmas by the thousand in hostile files and never shows a suggestion.
    pub fn suggestion(&self) -> Option<Suggestion> {
        match self {
            UnknownRule::Hadolint { .. } => None,
            UnknownRule::Unknown { id } => closest(id),
        }
    }

    /// What to do about it, for a `fix:` line.
    pub fn fix(&self) -> String {
        if let UnknownRule::Hadolint { .. } = self {
            return "`drydock rule --list` shows the hadolint code each rule matches".to_string();
        }
        match self.suggestion() {
            Some(Suggestion { name, code }) => {
                format!("did you mean `{name}` ({code})? `drydock rule --list` lists every rule")
            }
            None => "`drydock rule --list` lists every rule".to_string(),
        }
    }
}

/// The rule `id` names (its code, name or hadolint code, any case).
pub fn resolve(id: &str) -> Result<&'static Rule, UnknownRule> {
    if let Some(rule) = all().find(|rule| names(rule, id)) {
        return Ok(rule);
    }
    if hadolint_shaped(id) {
        return Err(UnknownRule::Hadolint { id: id.to_string() });
    }
    Err(UnknownRule::Unknown { id: id.to_string() })
}

/// Whether `id` refers to `rule` (its code, name or hadolint code, any case).
pub(crate) fn names(rule: &Rule, id: &str) -> bool {
    rule.code.eq_ignore_ascii_case(id)
        || rule.name.eq_ignore_ascii_case(id)
        || rule.hadolint.is_some_and(|h| h.eq_ignore_ascii_case(id))
}

/// `DL3008`, `SC2086` (any case).
fn hadolint_shaped(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    (upper.starts_with("DL") || upper.starts_with("SC"))
        && upper.len() > 2
        && upper[2..].chars().all(|c| c.is_ascii_digit())
}

/// The known name nearest to `id`: one that contains it, else the smallest edit distance
/// within a third of its length.
fn closest(id: &str) -> Option<Suggestion> {
    let id = id.to_ascii_lowercase();
    let mut names: Vec<(String, String)> = all()
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
fn shown((name, code): &(String, String)) -> Suggestion {
    let name = if name.eq_ignore_ascii_case(code) {
        code.clone()
    } else {
        name.clone()
    };
    Suggestion {
        name,
        code: code.clone(),
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

    fn suggestion(name: &str, code: &str) -> Option<Suggestion> {
        Some(Suggestion {
            name: name.into(),
            code: code.into(),
        })
    }

    #[test]
    fn ids_resolve_by_code_name_or_hadolint_code_in_any_case() {
        for id in ["DD301", "dd301", "latest-base-image", "DL3007", "dl3007"] {
            assert_eq!(resolve(id).map(|r| r.code), Ok("DD301"), "{id}");
        }
    }

    #[test]
    fn misspelt_names_get_the_nearest_rule() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("latest-base-imag"),
            suggestion("latest-base-image", "DD301")
        );
        assert_eq!(closest("dd3011"), suggestion("DD301", "DD301"));
        assert_eq!(closest("zzzzzzzzzz"), None);
        let e = resolve("latest-base-imag").expect_err("typo");
        assert_eq!(e.to_string(), "no rule is called `latest-base-imag`");
        assert!(e
            .fix()
            .starts_with("did you mean `latest-base-image` (DD301)?"));
    }

    #[test]
    fn hadolint_codes_without_a_rule_say_so() {
        let e = resolve("DL9999").expect_err("no such rule");
        assert_eq!(
            e,
            UnknownRule::Hadolint {
                id: "DL9999".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "Drydock has no rule matching hadolint's `DL9999`"
        );
    }
}
