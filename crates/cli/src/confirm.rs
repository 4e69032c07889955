//! The one question the CLI asks before it changes the engine: on a terminal, `[y/N]` after the
//! plan; with no terminal, a refusal (a script says `--yes`, having read the plan with
//! `--dry-run`).

use crate::error::CliError;
use std::io::{BufRead, IsTerminal, Write};

/// Shows `question` (the plan, then the question itself) on stderr and waits for `y` or `yes`.
/// `doing` names the change in the refusals: "remove anything", "flatten".
pub fn confirm(question: &str, doing: &str, nothing_done: &str) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::new(format!(
            "refusing to {doing} without a confirmation, and there is no terminal to ask on"
        ))
        .fix("review the plan with --dry-run, then run again with --yes"));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::new("cannot read the answer").caused_by(e))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::new(format!("{nothing_done} (not confirmed)")))
    }
}
