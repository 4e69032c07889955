//! ## What it does
//! Flags a `CMD` that a later `CMD` of the same stage replaces.
//!
//! ## Why it matters
//! An image has one default command: only the last `CMD` of the stage takes effect, and the
//! earlier ones are dead lines that mislead whoever reads the file into thinking the container
//! runs them. To run several processes, use a process supervisor or, better, one container
//! per process.
//!
//! ## Example
//! ```dockerfile
//! FROM python:3.12-slim
//! CMD ["python", "manage.py", "migrate"]
//! CMD ["gunicorn", "app.wsgi"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM python:3.12-slim
//! CMD ["gunicorn", "app.wsgi"]
//! ```
//! Run migrations as a separate step (a job, an init container, or a `RUN` if they belong in
//! the image).

use drydock_dockerfile::Kind;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD509",
    name: "multiple-cmd",
    level: Level::Warning,
    hadolint: Some("DL4003"),
    source: include_str!("multiple_cmd.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    super::multiple_entrypoint::report_overridden(cx, out, Kind::Cmd);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_overridden_cmds() {
        assert_eq!(
            catches(&RULE, "FROM a\nCMD [\"a\"]\nCMD [\"b\"]\nCMD c\n"),
            [2, 3]
        );
    }

    #[test]
    fn does_not_catch_one_per_stage() {
        passes(&RULE, "FROM a AS x\nCMD [\"a\"]\nFROM x\nCMD [\"b\"]\n");
        passes(&RULE, "FROM a\nONBUILD CMD [\"a\"]\nCMD [\"b\"]\n");
    }
}
