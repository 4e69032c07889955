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

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};
use crate::rules::size::paths::{self, covers, RunView};

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
                out.add(
                    cx.head(run.ins),
                    format!(
                        "`{program}` on `{target}` changes files the {keyword} on line {line} wrote, so the image stores them twice: {advice}"
                    ),
                );
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

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
}
