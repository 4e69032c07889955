//! ## What it does
//! Flags `CMD` and `ENTRYPOINT` in shell form (`CMD node server.js`) when no `SHELL` was chosen
//! for the stage. A shell form that starts with `exec` is left alone, since the shell then
//! replaces itself with the program, and so are Windows stages, whose shell is cmd. A shell
//! form meant as the exec form but not valid JSON (`CMD ['node', 'app.js']`, single quotes)
//! is reported as such.
//!
//! ## Why it matters
//! The shell form runs as `/bin/sh -c "node server.js"`: the shell is PID 1 and the program
//! is its child. `docker stop` sends SIGTERM to the shell, which does not pass it on, so the
//! program never gets to shut down cleanly and is killed after the timeout, ten seconds later.
//! The exec form (a JSON array) runs the program itself as PID 1, where it receives the
//! signals. A shell-form `ENTRYPOINT` also ignores `CMD` and `docker run` arguments.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! CMD node server.js
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! CMD ["node", "server.js"]
//! ```
//! When the command needs the shell (variables, `&&`), write it as
//! `CMD ["/bin/sh", "-c", "exec node server.js --port \"$PORT\""]`.

use drydock_dockerfile::{Args, Instruction, Kind};

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::shell::{self, Joint};

pub const RULE: Rule = Rule {
    code: "DD508",
    name: "shell-form-cmd",
    level: Level::Warning,
    hadolint: Some("DL3025"),
    source: include_str!("shell_form_cmd.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (index, ins) in cx.instructions().iter().enumerate() {
        if !matches!(ins.kind, Kind::Cmd | Kind::Entrypoint) {
            continue;
        }
        let Args::Shell(arg) = &ins.args else {
            continue;
        };
        if arg.value.trim().is_empty() {
            continue;
        }
        let keyword = ins.kind.name();
        // `['node', 'app.js']`, not `[ -f /ready ] && serve` (the shell's test command).
        if arg.value.trim_start().starts_with('[') && arg.value.contains(',') {
            out.add(
                arg.span,
                format!("this {keyword} looks like the exec form but is not valid JSON (strings need double quotes), so it runs as a shell command: fix the JSON"),
            );
            continue;
        }
        // An explicit SHELL says the shell is wanted (the builder does not warn then either);
        // Windows has no POSIX signals to lose.
        if cx
            .shell(index)
            .is_some_and(|sh| sh.shell.is_some() || sh.windows)
        {
            continue;
        }
        let script = shell::parse(&arg.value);
        if script.commands.first().is_some_and(|c| c.is("exec")) {
            continue;
        }
        let message = format!(
            "{keyword} in shell form runs under `/bin/sh -c`, which does not pass signals on, so `docker stop` cannot stop it cleanly: use the exec form"
        );
        match exec_form(ins, &arg.value) {
            Some(fix) => {
                let edits = if same_behaviour(cx, index) {
                    cx.replace(arg.span, fix.clone())
                } else {
                    Vec::new()
                };
                out.add_with_edits(arg.span, message, Some(fix), edits);
            }
            None => out.add(arg.span, message),
        }
    }
}

/// Whether the exec form runs the same command as the shell form at `index`, so `--fix` may
/// rewrite it. A shell-form ENTRYPOINT ignores CMD and an exec-form one takes it as arguments,
/// so an ENTRYPOINT is only rewritten in a stage without CMD, and a CMD in a stage without an
/// ENTRYPOINT of its own (an inherited one is the base image's wrapper, which runs its
/// arguments either way).
fn same_behaviour(cx: &Context, index: usize) -> bool {
    let Some(ins) = cx.instructions().get(index) else {
        return false;
    };
    let other = match ins.kind {
        Kind::Cmd => Kind::Entrypoint,
        _ => Kind::Cmd,
    };
    let Some(stage) = cx.stage_of(index) else {
        return false;
    };
    !stage
        .instructions
        .clone()
        .filter_map(|i| cx.instructions().get(i))
        .any(|i| i.kind == other)
}

/// `["node", "server.js"]` when the shell form is one simple command of plain words.
fn exec_form(ins: &Instruction, text: &str) -> Option<String> {
    if ins.span.start.line != ins.span.end.line
        || text.contains(['$', '*', '?', '~', '`', '\\', '[', '{'])
    {
        return None;
    }
    let script = shell::parse(text);
    let [cmd] = script.commands.as_slice() else {
        return None;
    };
    if cmd.joint != Joint::Sequence || !cmd.redirects.is_empty() || !cmd.assignments.is_empty() {
        return None;
    }
    let words: Vec<String> = cmd
        .words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    Some(format!("[{}]", words.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, hits, passes};

    #[test]
    fn catches_shell_forms_with_an_exec_form_fix() {
        assert_eq!(catches(&RULE, "FROM node\nCMD node server.js\n"), [2]);
        let found = hits(
            &RULE,
            "FROM node\nENTRYPOINT python -m 'http.server' 8000\n",
        );
        assert_eq!(
            found[0].fix.as_deref(),
            Some("[\"python\", \"-m\", \"http.server\", \"8000\"]")
        );
        let found = hits(&RULE, "FROM node\nCMD node server.js --port $PORT\n");
        assert!(found[0].fix.is_none());
        let found = hits(&RULE, "FROM node\nCMD ./migrate && ./serve\n");
        assert!(found[0].fix.is_none());
        let found = hits(&RULE, "FROM node\nCMD ['node', 'server.js']\n");
        assert!(found[0].message.contains("not valid JSON"));
        let found = hits(&RULE, "FROM node\nCMD [ -f /ready ] && serve\n");
        assert!(found[0].message.contains("/bin/sh -c"));
    }

    #[test]
    fn catches_an_onbuild_trigger_the_child_image_runs() {
        assert_eq!(
            catches(&RULE, "FROM node\nONBUILD CMD node server.js\n"),
            [2]
        );
    }

    #[test]
    fn does_not_catch_exec_forms_exec_or_a_chosen_shell() {
        passes(&RULE, "FROM node\nCMD [\"node\", \"server.js\"]\n");
        passes(&RULE, "FROM node\nCMD exec node server.js\n");
        passes(
            &RULE,
            "FROM node\nSHELL [\"/bin/bash\", \"-c\"]\nCMD node server.js\n",
        );
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD app.exe\n",
        );
        passes(
            &RULE,
            "FROM node\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
        );
    }

    #[test]
    fn fixes_simple_commands_to_the_exec_form() {
        assert_eq!(
            fixes(&RULE, "FROM node\nCMD node 'server.js' --port 80\n"),
            "FROM node\nCMD [\"node\", \"server.js\", \"--port\", \"80\"]\n"
        );
        assert_eq!(
            fixes(&RULE, "FROM node\nENTRYPOINT python -m http.server\n"),
            "FROM node\nENTRYPOINT [\"python\", \"-m\", \"http.server\"]\n"
        );
    }

    #[test]
    fn does_not_fix_where_the_exec_form_would_run_something_else() {
        // A shell-form ENTRYPOINT ignores CMD; the exec form would pass it as arguments.
        does_not_fix(&RULE, "FROM node\nCMD [\"-v\"]\nENTRYPOINT node app.js\n");
        // An exec-form ENTRYPOINT would get `node app.js` instead of `/bin/sh -c ...`.
        does_not_fix(
            &RULE,
            "FROM node\nENTRYPOINT [\"tini\", \"--\"]\nCMD node app.js\n",
        );
        does_not_fix(&RULE, "FROM node\nCMD node server.js --port $PORT\n");
    }
}
