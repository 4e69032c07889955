//! ## What it does
//! Flags a `RUN` that starts by changing directory (`RUN cd /app && npm ci`), where `WORKDIR`
//! says the same thing once for every later instruction.
//!
//! A `cd` further into the script (`tar -xf src.tgz && cd src && make`) is left alone: it moves
//! into something the same `RUN` just made, which `WORKDIR` cannot do. A `cd` inside a subshell
//! (`(cd web && npm run build)`) is left alone too, since it cannot leak anywhere.
//!
//! ## Why it matters
//! Each `RUN` starts a fresh shell in the `WORKDIR`, so a leading `cd` has to be repeated in
//! every `RUN` that needs it, and `COPY`, `CMD` and `ENTRYPOINT` never see it. A `WORKDIR` states
//! where the stage works once, creates the directory if needed and applies to every following
//! instruction, including at run time.
//!
//! ## Example
//! ```dockerfile
//! FROM node:22-slim
//! COPY . /app
//! RUN cd /app && npm ci
//! CMD ["node", "/app/server.js"]
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM node:22-slim
//! WORKDIR /app
//! COPY . .
//! RUN npm ci
//! CMD ["node", "server.js"]
//! ```

use drydock_dockerfile::Args;

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD402",
    name: "cd-instead-of-workdir",
    level: Level::Warning,
    hadolint: Some("DL3003"),
    source: include_str!("cd_instead_of_workdir.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        // The first command that does something (a leading `set -e` does not).
        let Some(first) = script
            .commands
            .iter()
            .find(|c| c.unwrapped_program() != "set" && !c.words.is_empty())
        else {
            continue;
        };
        if !first.is("cd") || first.substituted {
            continue;
        }
        if starts_in_subshell(ins) {
            continue;
        }
        let dir = first
            .args()
            .iter()
            .find(|a| !a.starts_with('-'))
            .map_or("", String::as_str);
        if dir.is_empty() || dir == "-" {
            continue;
        }
        out.add(
            cx.head(ins),
            format!("`cd {dir}` only lasts for this RUN: set `WORKDIR {dir}` before it and drop the `cd`"),
        );
    }
}

/// `RUN (cd web && npm run build)`: the change of directory stays inside the subshell.
fn starts_in_subshell(ins: &drydock_dockerfile::Instruction) -> bool {
    let text = match (&ins.args, ins.heredocs.first()) {
        (Args::Shell(arg), Some(doc)) if arg.value.trim().starts_with("<<") => doc.content(),
        (Args::Shell(arg), _) => arg.value.clone(),
        _ => return false,
    };
    // Skip leading `set -e;` style prefixes and comment lines.
    let mut rest = text.trim_start();
    loop {
        if let Some(line) = rest.strip_prefix('#') {
            rest = line.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("set ") {
            match rest.find([';', '&', '\n']) {
                Some(at) => rest = rest[at..].trim_start_matches([';', '&', '\n', ' ', '\t']),
                None => return false,
            }
        } else {
            break;
        }
    }
    rest.starts_with('(')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_a_leading_cd() {
        assert_eq!(catches(&RULE, "FROM node\nRUN cd /app && npm ci\n"), [2]);
        catches(&RULE, "FROM node\nRUN set -ex; cd /app; npm ci\n");
        catches(&RULE, "FROM node\nRUN <<EOF\ncd /app\nnpm ci\nEOF\n");
        catches(&RULE, "FROM node\nRUN cd $APP_HOME && make\n");
        catches(
            &RULE,
            "FROM node\nRUN [\"sh\", \"-c\", \"cd /app && make\"]\n",
        );
    }

    #[test]
    fn does_not_catch_cd_into_what_the_run_made_or_subshells() {
        passes(
            &RULE,
            "FROM node\nRUN git clone https://x/y /src && cd /src && make\n",
        );
        passes(&RULE, "FROM node\nRUN (cd web && npm run build) && make\n");
        passes(&RULE, "FROM node\nRUN set -e; (cd web && npm run build)\n");
        passes(&RULE, "FROM node\nWORKDIR /app\nRUN npm ci\n");
        passes(&RULE, "FROM node\nRUN echo $(cd /x && pwd)\n");
    }

    #[test]
    fn never_reads_powershell_as_posix() {
        passes(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN cd C:\\app; npm ci\n",
        );
    }
}
