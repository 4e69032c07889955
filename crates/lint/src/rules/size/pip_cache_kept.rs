//! ## What it does
//! Flags `pip install` (also `python -m pip install`) without `--no-cache-dir` in a stage that
//! ends up in the final image, unless `PIP_NO_CACHE_DIR` is set to a true value (ENV, ARG, or
//! on the command), the RUN mounts a cache over `/root/.cache/pip`, or the same RUN then runs
//! `pip cache purge` or deletes the cache.
//!
//! ## Why it matters
//! pip keeps every wheel and source archive it downloads in `~/.cache/pip` so the next install
//! on the same machine is faster. An image build never has a next install in that layer: the
//! cache is committed with it, often as large as the packages themselves, and shipped with every
//! pull. Turning the cache off costs nothing in a build; with BuildKit, a cache mount keeps the
//! speed-up without the bytes.
//!
//! ## Example
//! ```dockerfile
//! RUN pip install -r requirements.txt
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! RUN pip install --no-cache-dir -r requirements.txt
//! ```
//! or `RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt`. Stages
//! that only feed `COPY --from` are not checked: their cache never ships.

use crate::finding::Level;
use crate::fix;
use crate::packages::{self, Action, Manager};
use crate::rule::{mount_covers, Context, Report, Rule};
use crate::rules::size::caches::{self, removes_any};
use crate::rules::size::truthy;

pub const RULE: Rule = Rule {
    code: "DD110",
    name: "pip-cache-kept",
    level: Level::Warning,
    hadolint: Some("DL3042"),
    source: include_str!("pip_cache_kept.rs"),
    check,
};

const CACHE: &[&str] = &["/root/.cache/pip", "~/.cache/pip", "$HOME/.cache/pip"];

fn check(cx: &Context, out: &mut Report) {
    for (index, ins, script) in cx.runs() {
        let ships = cx.stage_of(index).is_some_and(|s| cx.ships(s));
        if !ships || mount_covers(ins, "/root/.cache/pip") {
            continue;
        }
        let in_scope = cx
            .scopes()
            .get(index)
            .and_then(|s| s.get("PIP_NO_CACHE_DIR"))
            .and_then(|v| v.value.as_deref())
            .is_some_and(truthy);
        let in_script = script
            .words()
            .any(|w| w.strip_prefix("PIP_NO_CACHE_DIR=").is_some_and(truthy));
        if in_scope || in_script {
            continue;
        }
        let commands = &script.commands;
        let cleaned = caches::cleaned_after(commands, |later| {
            packages::read(later)
                .is_some_and(|p| p.manager == Manager::Pip && p.action == Action::Clean)
                || removes_any(later, CACHE)
        });
        let found = commands.iter().enumerate().find_map(|(at, c)| {
            let pkg = packages::read(c)?;
            if pkg.manager != Manager::Pip || pkg.action != Action::Install || pkg.skips_cache() {
                return None;
            }
            let cleaned = cleaned.get(at).copied().unwrap_or(false);
            (!cleaned).then_some(pkg)
        });
        if let Some(pkg) = found {
            let edits = fix::insert_option(cx, ins, "--no-cache-dir", |p| {
                p.manager == Manager::Pip && p.action == Action::Install && !p.skips_cache()
            });
            out.add_with_edits(
                cx.head(ins),
                format!(
                    "`{}` leaves its download cache in /root/.cache/pip: add `--no-cache-dir` or set `ENV PIP_NO_CACHE_DIR=1`",
                    pkg.title()
                ),
                None,
                edits,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, fixes, passes};

    #[test]
    fn catches_pip_with_cache() {
        assert_eq!(
            catches(&RULE, "FROM python:3\nRUN pip install flask\n"),
            [2]
        );
        catches(
            &RULE,
            "FROM python:3\nRUN python3 -m pip install -r requirements.txt\n",
        );
        catches(
            &RULE,
            "FROM python:3\nRUN sudo pip3 install --upgrade pip\n",
        );
        catches(
            &RULE,
            "FROM python:3\nRUN [\"pip\", \"install\", \"flask\"]\n",
        );
        catches(&RULE, "FROM python:3\nRUN <<EOF\npip install flask\nEOF\n");
        catches(
            &RULE,
            "FROM python:3\nENV PIP_NO_CACHE_DIR=0\nRUN pip install flask\n",
        );
        catches(
            &RULE,
            "FROM python:3\nRUN pip cache purge && pip install flask\n",
        );
    }

    #[test]
    fn does_not_catch_without_cache() {
        passes(
            &RULE,
            "FROM python:3\nRUN pip install --no-cache-dir flask\n",
        );
        passes(
            &RULE,
            "FROM python:3\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
        );
        passes(
            &RULE,
            "FROM python:3\nARG PIP_NO_CACHE_DIR=true\nRUN pip install flask\n",
        );
        passes(
            &RULE,
            "FROM python:3\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n",
        );
        passes(
            &RULE,
            "FROM python:3\nRUN --mount=type=cache,target=/root/.cache pip install flask\n",
        );
        passes(
            &RULE,
            "FROM python:3\nRUN pip install flask && rm -rf /root/.cache/pip\n",
        );
        passes(
            &RULE,
            "FROM python:3\nRUN pip install flask && pip cache purge\n",
        );
        passes(
            &RULE,
            "FROM python:3\nRUN pipx install black && pipenv install\n",
        );
        passes(
            &RULE,
            "FROM python:3 AS build\nRUN pip install flask\nFROM python:3-slim\nCOPY --from=build /x /x\n",
        );
    }

    #[test]
    fn fixes_by_inserting_no_cache_dir() {
        assert_eq!(
            fixes(
                &RULE,
                "FROM python:3\nRUN python3 -m pip install -r requirements.txt\n"
            ),
            "FROM python:3\nRUN python3 -m pip install --no-cache-dir -r requirements.txt\n"
        );
        assert_eq!(
            fixes(&RULE, "FROM python:3\nRUN pip3 install -U pip && pip install x # a comment\n"),
            "FROM python:3\nRUN pip3 install --no-cache-dir -U pip && pip install --no-cache-dir x # a comment\n"
        );
    }
}
