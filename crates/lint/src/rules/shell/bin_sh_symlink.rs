//! ## What it does
//! Flags a `RUN` that replaces `/bin/sh` with a link to another shell
//! (`ln -sf /bin/bash /bin/sh`) to change the shell later `RUN`s use.
//!
//! ## Why it matters
//! The link changes `/bin/sh` for everything in the image, including the system's own scripts
//! and package maintainer scripts that expect the distribution's shell, and it is invisible
//! to anyone reading the Dockerfile's `RUN` lines. The `SHELL` instruction changes the shell of
//! the following `RUN`, `CMD` and `ENTRYPOINT` shell forms only, and says so where it happens.
//!
//! ## Example
//! ```dockerfile
//! FROM ubuntu:24.04
//! RUN ln -sf /bin/bash /bin/sh
//! RUN source /opt/env.sh && make
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ubuntu:24.04
//! SHELL ["/bin/bash", "-c"]
//! RUN source /opt/env.sh && make
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD411",
    name: "bin-sh-symlink",
    level: Level::Warning,
    hadolint: Some("DL4005"),
    source: include_str!("bin_sh_symlink.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for (_, ins, script) in cx.runs() {
        for cmd in script.running("ln") {
            let operands = cmd.operands();
            let [.., target, link] = operands.as_slice() else {
                continue;
            };
            if *link != "/bin/sh" {
                continue;
            }
            let shell = serde_json::to_string(target).unwrap_or_default();
            let message = format!("linking `/bin/sh` to `{target}` changes the shell of everything in the image: use `SHELL [{shell}, \"-c\"]` to change the shell of RUN");
            // The SHELL can replace the RUN when relinking is all the RUN does.
            let only_relinks = script.commands.iter().all(|c| {
                let c = c.unwrapped();
                (c.is("ln") || c.is("rm")) && c.operands().last() == Some(&"/bin/sh")
            });
            if only_relinks && ins.span.start.line == ins.span.end.line {
                out.add_with_fix(cx.head(ins), message, format!("SHELL [{shell}, \"-c\"]"));
            } else {
                out.add(cx.head(ins), message);
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, hits, passes};

    #[test]
    fn catches_relinking_bin_sh() {
        assert_eq!(
            catches(&RULE, "FROM ubuntu\nRUN ln -sf /bin/bash /bin/sh\n"),
            [2]
        );
        let found = hits(
            &RULE,
            "FROM ubuntu\nRUN rm /bin/sh && ln -s /bin/bash /bin/sh\n",
        );
        assert!(found[0].fix.is_some());
        let found = hits(&RULE, "FROM ubuntu\nRUN ln -sf /bin/bash /bin/sh && make\n");
        assert!(found[0].fix.is_none());
        let found = hits(&RULE, "FROM ubuntu\nRUN ln -snf /usr/bin/zsh /bin/sh\n");
        assert_eq!(
            found[0].fix.as_deref(),
            Some("SHELL [\"/usr/bin/zsh\", \"-c\"]")
        );
    }

    #[test]
    fn does_not_catch_other_links() {
        passes(&RULE, "FROM ubuntu\nRUN ln -s /bin/sh /usr/local/bin/sh\n");
        passes(
            &RULE,
            "FROM ubuntu\nRUN ln -sf /usr/share/zoneinfo/UTC /etc/localtime\n",
        );
        passes(&RULE, "FROM ubuntu\nSHELL [\"/bin/bash\", \"-c\"]\n");
    }
}
