//! ## What it does
//! Flags `chmod`, `chown` or `chgrp` in a RUN on files that an earlier instruction of the image
//! wrote: a `COPY` or `ADD`, or an earlier RUN that downloaded or cloned them.
//!
//! ## Why it matters
//! Layers store whole files. Changing a file's mode or owner in a later layer copies the file
//! up into that layer with its new metadata, so the image holds it twice: once as first
//! written, once as changed. A `chown -R` over a copied application directory can double the
//! size of the application in the image. Setting mode and owner as the files arrive costs
//! nothing: `COPY --chmod` and `COPY --chown`, or the same RUN that downloads them.
//!
//! ## Example
//! ```dockerfile
//! COPY . /app
//! RUN chown -R app:app /app
//! RUN wget -O /usr/local/bin/dep https://example.com/dep
//! RUN chmod 755 /usr/local/bin/dep
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! COPY --chown=app:app . /app
//! RUN wget -O /usr/local/bin/dep https://example.com/dep \
//!  && chmod 755 /usr/local/bin/dep
//! ```
//! Only stages that end up in the final image are checked.
//!
//! `drydock lint --fix` rewrites two shapes, deleting the RUN:
//! - a RUN that only runs one `chown USER:GROUP FILE` or `chmod MODE FILE` right after the
//!   `COPY` of that one file becomes `COPY --chown=USER:GROUP` or `COPY --chmod=MODE`. `--chown`
//!   works on every builder; `--chmod` only on BuildKit, so it is written only into a file that
//!   already relies on BuildKit (a `# syntax=` line, a heredoc, `RUN --mount`, `COPY --chmod` or
//!   `--link`...), and only for an octal mode (older BuildKit takes no `u+x`). A source without
//!   an extension may be a directory, whose files the flag would change too: no fix.
//! - a RUN of only `chmod`/`chown`/`chgrp` right after the RUN that downloaded the files is
//!   joined to it with `&&`, as for `consecutive-run-instructions`.

use drydock_dockerfile::{Args, Instruction, Kind};

use crate::finding::Level;
use crate::fix::{join, relies_on_buildkit, Edit};
use crate::rule::{Context, Report, Rule};
use crate::rules::size::paths::{self, covers, RunView, Written};

pub const RULE: Rule = Rule {
    code: "DD103",
    name: "chmod-in-separate-layer",
    level: Level::Warning,
    hadolint: None,
    source: include_str!("chmod_in_separate_layer.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    paths::walk(cx, |run: &RunView| {
        for (at, step) in run.steps.iter().enumerate() {
            let cmd = &step.command;
            let program = cmd.program();
            if !matches!(program, "chmod" | "chown" | "chgrp") {
                continue;
            }
            // `chown --from=root:root` only touches files with that owner: which ones the
            // earlier layer holds is not known here.
            if cmd.has_flag("--from") {
                continue;
            }
            let operands = cmd.operands();
            let by_reference = cmd.args().iter().any(|a| a.starts_with("--reference"));
            let (setting, targets) = if by_reference {
                (None, &operands[..])
            } else {
                match operands.split_first() {
                    Some((first, rest)) => (Some(*first), rest),
                    None => continue,
                }
            };
            let recursive = cmd.has_flag("-R") || cmd.has_flag("--recursive");
            for target in targets {
                let path = run.resolve(cx, step, target);
                // Changed, then deleted in the same RUN: the layer keeps no second copy.
                let removed = run
                    .steps
                    .iter()
                    .skip(at + 1)
                    .any(|later| later.removes.iter().any(|(r, _)| covers(r, &path)));
                if removed {
                    continue;
                }
                // A directory's own metadata is cheap to copy up; its files are not.
                let hit = run.earlier.last_changed_by(&path, recursive);
                let Some(w) = hit else { continue };
                let Some(origin) = cx.instructions().get(w.index) else {
                    continue;
                };
                let line = origin.span.start.line;
                let keyword = origin.kind.name();
                let advice = match (keyword, program, setting) {
                    ("RUN", ..) => format!("run `{program}` in that RUN"),
                    (_, "chmod", Some(mode)) if mode.chars().all(|c| c.is_ascii_digit()) => {
                        format!("use `{keyword} --chmod={mode}` there")
                    }
                    (_, "chmod", Some("+x" | "a+x" | "ugo+x")) => {
                        format!("use `{keyword} --chmod=755` there")
                    }
                    (_, "chmod", _) => format!("use `{keyword} --chmod` there"),
                    (_, "chown", Some(owner)) => format!("use `{keyword} --chown={owner}` there"),
                    (_, _, Some(group)) => format!("use `{keyword} --chown=<user>:{group}` there"),
                    _ => format!("use `{keyword} --chown` there"),
                };
                let edits = fix(cx, run, w, &path).into_iter().collect();
                out.add_with_edits(
                    cx.head(run.ins),
                    format!(
                        "`{program}` on `{target}` changes files the {keyword} on line {line} wrote, so the image stores them twice: {advice}"
                    ),
                    None,
                    edits,
                );
                return;
            }
        }
    });
}

/// The edit that sets the mode or owner where the file `path` is written (`w`, the instruction
/// right before the RUN), deleting the RUN; see the module doc for when there is one.
fn fix(cx: &Context, run: &RunView, w: &Written, path: &str) -> Option<Edit> {
    let origin = cx.instructions().get(w.index)?;
    if Some(w.index) != run.index.checked_sub(1) {
        return None;
    }
    let script = cx.script(run.index)?;
    if origin.kind == Kind::Run {
        let only_mode = script
            .commands
            .iter()
            .all(|c| matches!(c.unwrapped_program(), "chmod" | "chown" | "chgrp"));
        return if only_mode {
            join::fold(cx, run.index)
        } else {
            None
        };
    }
    let [command] = script.commands.as_slice() else {
        return None;
    };
    let plain = command.assignments.is_empty()
        && command.redirects.is_empty()
        && !command.substituted
        && w.path == path
        && !w.dir
        && origin.kind == Kind::Copy
        && copies_one_file(origin);
    let (Some(setting), 2) = (command.args().first(), command.args().len()) else {
        return None;
    };
    if !plain || setting.contains('$') {
        return None;
    }
    let fits = match command.name() {
        "chmod" => {
            let octal =
                matches!(setting.len(), 3 | 4) && setting.chars().all(|c| matches!(c, '0'..='7'));
            octal && relies_on_buildkit(cx.file)
        }
        // `chown user` keeps the group where `--chown=user` sets it to the user's id.
        "chown" => setting
            .split_once(':')
            .is_some_and(|(user, group)| !user.is_empty() && !group.is_empty()),
        _ => false,
    };
    let name = command.name();
    if !fits || setting.starts_with('-') || origin.flag(name).is_some() {
        return None;
    }
    let at = cx.offset(origin.keyword_span.end)?;
    join::insert_and_delete(cx, at, &format!(" --{name}={setting}"), run.index)
}

/// A COPY of one source that names a file: plain, with an extension, no wildcard or variable.
fn copies_one_file(copy: &Instruction) -> bool {
    let Args::Words(words) = &copy.args else {
        return false;
    };
    let [source, _] = words.as_slice() else {
        return false;
    };
    let name = source.value.rsplit('/').next().unwrap_or("");
    !source.value.contains(['*', '?', '[', '$', '<'])
        && !source.value.contains("://")
        && name.get(1..).is_some_and(|rest| rest.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, does_not_fix, fixes, passes};

    #[test]
    fn catches_mode_and_owner_changes_in_later_layers() {
        assert_eq!(
            catches(
                &RULE,
                "FROM alpine\nCOPY . /app\nRUN chown -R app:app /app\n"
            ),
            [3]
        );
        catches(
            &RULE,
            "FROM alpine\nRUN wget -O /usr/bin/dep https://x/dep\nRUN chmod 755 /usr/bin/dep\n",
        );
        catches(
            &RULE,
            "FROM alpine\nWORKDIR /app\nCOPY run.sh .\nRUN chmod +x run.sh\n",
        );
        catches(
            &RULE,
            "FROM alpine\nCOPY . /app\nRUN sudo chmod +x /app/bin/start\n",
        );
        catches(
            &RULE,
            "FROM alpine\nENV APP=/srv\nCOPY . ${APP}\nRUN [\"chown\", \"-R\", \"u\", \"/srv\"]\n",
        );
        catches(
            &RULE,
            "FROM alpine\nRUN git clone https://x/tool.git /opt/tool\nRUN <<EOF\nchmod -R g+w /opt/tool\nEOF\n",
        );
    }

    #[test]
    fn does_not_catch_same_run_or_untouched_files() {
        passes(&RULE, "FROM alpine\nCOPY --chmod=755 run.sh /run.sh\n");
        passes(
            &RULE,
            "FROM alpine\nRUN wget -O /usr/bin/dep https://x && chmod 755 /usr/bin/dep\n",
        );
        passes(&RULE, "FROM alpine\nRUN mkdir /data && chown app /data\n");
        passes(
            &RULE,
            "FROM alpine\nCOPY setup.sh /tmp/setup.sh\nRUN chmod +x /tmp/setup.sh && /tmp/setup.sh && rm /tmp/setup.sh\n",
        );
        passes(
            &RULE,
            "FROM alpine\nCOPY --from=build /opt/conda /opt/conda\nRUN chmod 2775 /opt/conda\n",
        );
        passes(&RULE, "FROM alpine\nCOPY a.sh /a.sh\nRUN chmod +x /b.sh\n");
        passes(
            &RULE,
            "FROM alpine\nCOPY --chown=1000 . /app\nRUN chown --from root:root -R app /app\n",
        );
        // The directory itself, not its files.
        passes(&RULE, "FROM alpine\nCOPY . /app\nRUN chmod 755 /app\n");
        // A stage that does not ship.
        passes(
            &RULE,
            "FROM alpine AS build\nCOPY . /src\nRUN chmod -R 755 /src\nFROM scratch\nCOPY --from=build /src /src\n",
        );
    }

    #[test]
    fn fixes_owner_on_any_builder_and_mode_on_buildkit() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM alpine\nCOPY --from=build app.jar /app/app.jar\nRUN chown app:app /app/app.jar\nCMD [\"x\"]\n"
            ),
            "FROM alpine\nCOPY --chown=app:app --from=build app.jar /app/app.jar\nCMD [\"x\"]\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "# syntax=docker/dockerfile:1\nFROM alpine\nWORKDIR /app\nCOPY run.sh .\n# make it runnable\nRUN chmod 0755 run.sh\n"
            ),
            "# syntax=docker/dockerfile:1\nFROM alpine\nWORKDIR /app\nCOPY --chmod=0755 run.sh .\n# make it runnable\n"
        );
        assert_eq!(
            fixes(
                &RULE,
                "FROM alpine\nRUN wget -O /usr/bin/dep https://x/dep\nRUN chmod +x /usr/bin/dep\n"
            ),
            "FROM alpine\nRUN wget -O /usr/bin/dep https://x/dep \\\n && chmod +x /usr/bin/dep\n"
        );
    }

    #[test]
    fn does_not_fix_what_the_flag_would_do_differently() {
        // `--chmod` needs BuildKit, which this file does not rely on.
        does_not_fix(
            &RULE,
            "FROM alpine\nCOPY run.sh /run.sh\nRUN chmod 755 /run.sh\n",
        );
        // Symbolic modes depend on the mode the file had.
        does_not_fix(
            &RULE,
            "# syntax=docker/dockerfile:1\nFROM alpine\nCOPY run.sh /run.sh\nRUN chmod +x /run.sh\n",
        );
        // A whole tree, or what may be a directory.
        does_not_fix(
            &RULE,
            "FROM alpine\nCOPY . /app\nRUN chown -R app:app /app\n",
        );
        does_not_fix(
            &RULE,
            "FROM alpine\nCOPY tool /bin/\nRUN chown app:app /bin/tool\n",
        );
        // The group would change with the flag.
        does_not_fix(&RULE, "FROM alpine\nCOPY a.sh /a.sh\nRUN chown app /a.sh\n");
        // More than the one change, or not right after the copy.
        does_not_fix(
            &RULE,
            "FROM alpine\nCOPY a.sh /a.sh\nRUN chown app:app /a.sh && /a.sh\n",
        );
        does_not_fix(
            &RULE,
            "FROM alpine\nCOPY a.sh /a.sh\nENV X=1\nRUN chown app:app /a.sh\n",
        );
        does_not_fix(
            &RULE,
            "FROM alpine\nRUN wget -O /usr/bin/dep https://x/dep\nRUN chmod +x /usr/bin/dep && dep --version\n",
        );
    }
}
