//! Autofixes: byte-range edits a rule attaches to a finding, applied to the source text, and
//! the unified diff that shows what they change. Pure: text in, text out.
//!
//! An edit never introduces syntax the file's builder may lack. Most rules only insert options
//! the package managers have always had, join RUNs with `&&` (see [`join`]), move instructions,
//! rewrite a shell form to the exec form, or name a stage: all of it builds on the classic
//! builder as on BuildKit. What only BuildKit builds (`COPY --chmod`, `RUN --mount`, heredocs)
//! is written only into a file that [`relies_on_buildkit`] already, the one place that decides
//! it: a `# syntax=` directive, a heredoc, or a flag the classic builder rejects (`--mount`,
//! `--network`, `--security`, `--chmod`, `--link`, `--parents`).

mod builder;
pub mod diff;
mod flags;
pub(crate) mod join;

pub use builder::relies_on_buildkit;
pub use diff::diff;
pub(crate) use flags::insert_option;

/// Replace `start..end` (byte offsets into the source) with `replacement`. An insertion has
/// `start == end`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// An edit that was not applied: it overlaps one applied before it, or does not fit the source
/// (past its end, or inside a character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub edit: Edit,
    /// The applied edit it overlaps; `None` when it does not fit the source.
    pub with: Option<Edit>,
}

/// The source with the edits applied, and the edits left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    pub conflicts: Vec<Conflict>,
}

/// Applies non-overlapping edits. Edits are taken by position (ties in the order given); one
/// that overlaps an edit already taken, or two insertions at the same place, is left out and
/// reported, as is one that does not fit the source. An edit equal to one taken is a duplicate
/// (two findings proposing the same change) and is dropped silently. Linear in the source plus
/// the edits (after sorting them).
pub fn apply(source: &str, edits: &[Edit]) -> Applied {
    let mut order: Vec<&Edit> = edits.iter().collect();
    order.sort_by_key(|e| (e.start, e.end));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut conflicts = Vec::new();
    for edit in order {
        let fits = edit.start <= edit.end
            && edit.end <= source.len()
            && source.is_char_boundary(edit.start)
            && source.is_char_boundary(edit.end);
        if !fits {
            conflicts.push(Conflict {
                edit: edit.clone(),
                with: None,
            });
            continue;
        }
        if let Some(last) = taken.last() {
            if *last == edit {
                continue;
            }
            let overlaps =
                edit.start < last.end || (edit.start == last.start && last.start == last.end);
            if overlaps {
                conflicts.push(Conflict {
                    edit: edit.clone(),
                    with: Some((*last).clone()),
                });
                continue;
            }
        }
        taken.push(edit);
    }
    let mut text = String::with_capacity(source.len());
    let mut at = 0;
    for edit in taken {
        text.push_str(source.get(at..edit.start).unwrap_or(""));
        text.push_str(&edit.replacement);
        at = edit.end;
    }
    text.push_str(source.get(at..).unwrap_or(""));
    Applied { text, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit {
            start,
            end,
            replacement: replacement.to_string(),
        }
    }

    #[test]
    fn applies_in_position_order_whatever_the_given_order() {
        let out = apply(
            "abcdef",
            &[edit(4, 5, "E"), edit(0, 0, ">"), edit(1, 3, "")],
        );
        assert_eq!(out.text, ">adEf");
        assert!(out.conflicts.is_empty());
    }

    #[test]
    fn overlapping_edits_keep_the_first_and_report_the_rest() {
        let out = apply(
            "abcdef",
            &[
                edit(1, 4, "X"),
                edit(3, 5, "Y"),
                edit(2, 2, "Z"),
                edit(6, 6, "!"),
            ],
        );
        assert_eq!(out.text, "aXef!");
        let left: Vec<&Edit> = out.conflicts.iter().map(|c| &c.edit).collect();
        assert_eq!(left, [&edit(2, 2, "Z"), &edit(3, 5, "Y")]);
        // Two insertions at one place: the order would be a guess.
        let out = apply("ab", &[edit(1, 1, "x"), edit(1, 1, "y")]);
        assert_eq!((out.text.as_str(), out.conflicts.len()), ("axb", 1));
        // The same edit twice is one edit.
        let out = apply("ab", &[edit(1, 1, "x"), edit(1, 1, "x")]);
        assert_eq!((out.text.as_str(), out.conflicts.len()), ("axb", 0));
    }

    #[test]
    fn edits_that_do_not_fit_are_reported_not_panicked_on() {
        let out = apply("é", &[edit(1, 2, "e"), edit(5, 6, "x"), edit(2, 1, "y")]);
        assert_eq!(out.text, "é");
        assert_eq!(out.conflicts.len(), 3);
        assert!(out.conflicts.iter().all(|c| c.with.is_none()));
    }
}
