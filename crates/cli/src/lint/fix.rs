//! `drydock lint --fix` and `--diff`: the rules' mechanical fixes applied to each file, shown as
//! a unified diff, and with `--fix` written back in place (a backup beside it first, then a
//! temporary file in the same directory renamed over the original, so an interrupted write
//! never leaves half a Dockerfile).

use std::path::Path;

use drydock_lint::run::{Input, Run};

use crate::error::CliError;
use crate::output::inert_lines;

/// The inputs with their fixed text, and the diff of every file that changed. `write`: rewrite
/// the files; `terminal`: the diff goes to a terminal, so the Dockerfiles' text in it is made
/// inert.
pub(super) fn fix(
    run: &Run,
    mut inputs: Vec<Input>,
    write: bool,
    terminal: bool,
) -> Result<(Vec<Input>, String), CliError> {
    if write && inputs.iter().any(|i| i.name == "-") {
        return Err(CliError::new("`--fix` cannot rewrite stdin in place")
            .fix("use `--diff` to see the fixes for stdin, or give the file's path"));
    }
    let mut diffs = String::new();
    for input in &mut inputs {
        let fixed = run.fix(input);
        if fixed == input.text {
            continue;
        }
        diffs.push_str(&drydock_lint::fix::diff(&input.text, &fixed, &input.name));
        if write {
            write_in_place(Path::new(&input.name), &input.text, &fixed)?;
        }
        input.text = fixed;
    }
    Ok((inputs, shown(diffs, terminal)))
}

/// The diffs as printed: on a terminal the Dockerfiles' text is made inert (a control character
/// in a fixed line must not reach it); piped, the bytes stay as they are, so `patch` applies
/// them. A blank line parts them from the findings that follow.
fn shown(diffs: String, terminal: bool) -> String {
    if diffs.is_empty() {
        return diffs;
    }
    let diffs = if terminal { inert_lines(&diffs) } else { diffs };
    diffs + "\n"
}

/// Replaces `path`'s content, which must still be `read` (what was linted), with `fixed`,
/// keeping the original as `<path>.drydock-bak`: the review's writer, which `apply` also uses.
fn write_in_place(path: &Path, read: &str, fixed: &str) -> Result<(), CliError> {
    use drydock_review::apply::{write_in_place, ApplyError};
    let shown = inert_lines(&path.display().to_string());
    match write_in_place(path, Some(read), fixed) {
        Ok(_) => Ok(()),
        // Text that was not UTF-8 was linted with U+FFFD in place of its bytes: writing it back
        // would change more than the fixes. A file changed since it was read is left alone too.
        Err(ApplyError::Changed { .. }) => Err(CliError::new(format!(
            "{shown} is not UTF-8 text, or changed while it was linted: it was not rewritten"
        ))
        .fix("see the fixes with `--diff` and apply them by hand")),
        // The writer's message names the file, the OS's reason and the fix.
        Err(e) => Err(CliError::new(inert_lines(&e.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_on_a_terminal_is_inert_and_piped_keeps_its_bytes() {
        let diff = "--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-CMD a\u{1b}[2J\n+CMD [\"a\u{1b}[2J\"]\n";
        let shown_there = shown(diff.to_string(), true);
        assert!(!shown_there.contains('\u{1b}'), "{shown_there}");
        assert_eq!(
            shown_there.lines().count(),
            6,
            "line breaks kept, then a blank line"
        );
        assert_eq!(shown(diff.to_string(), false), format!("{diff}\n"));
        assert_eq!(shown(String::new(), true), "");
    }
}
