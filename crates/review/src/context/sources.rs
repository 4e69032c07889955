//! The context paths a Dockerfile's COPY and ADD read: their sources, matched the way the
//! builder does (`*`, `?`, `[...]` within a component; a directory brings everything under it).

use drydock_dockerfile::{Args, Dockerfile, Instruction, Kind};

use super::ignore::clean;
use super::pattern::Pattern;

/// The COPY/ADD sources of a Dockerfile, `--from` copies and URLs left out.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    patterns: Vec<Pattern>,
    /// A source the review cannot resolve without the build (a `$VAR`): then every path counts
    /// as used, so "unused" stays a lower bound rather than a guess.
    uses_everything: bool,
}

impl Sources {
    pub fn of(dockerfile: &Dockerfile) -> Sources {
        let mut sources = Sources::default();
        for ins in &dockerfile.instructions {
            sources.add(ins);
        }
        sources
    }

    fn add(&mut self, ins: &Instruction) {
        if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
            return;
        }
        let words: Vec<&str> = match &ins.args {
            Args::Words(args) | Args::Exec(args) => args.iter().map(|a| a.value.as_str()).collect(),
            _ => return,
        };
        let Some((_dest, srcs)) = words.split_last() else {
            return;
        };
        for src in srcs {
            if src.starts_with("<<") || src.contains("://") || src.starts_with("git@") {
                continue;
            }
            if src.contains('$') {
                self.uses_everything = true;
                continue;
            }
            let cleaned = clean(src);
            let cleaned = cleaned.trim_start_matches('/');
            if cleaned.is_empty() || cleaned == "." || cleaned.starts_with("..") {
                self.uses_everything = true;
                continue;
            }
            // A malformed source fails the build; it copies nothing.
            if let Ok(p) = Pattern::compile(cleaned, false) {
                self.patterns.push(p);
            }
        }
    }

    /// Whether a COPY/ADD source names `path` or something under it (not merely `.` or a
    /// variable): ignoring it would break the build.
    pub fn names(&self, path: &str) -> bool {
        self.patterns.iter().any(|p| {
            p.matches_path_or_parent(path, true)
                || (p.text.len() > path.len()
                    && p.text.starts_with(path)
                    && p.text.as_bytes().get(path.len()) == Some(&b'/'))
        })
    }

    /// Whether some COPY/ADD reads `path` (relative, cleaned) or a directory above it.
    pub fn uses(&self, path: &str) -> bool {
        self.uses_everything
            || self
                .patterns
                .iter()
                .any(|p| p.matches_path_or_parent(path, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_and_adds_but_not_from_other_stages() {
        let df = drydock_dockerfile::parse(
            "FROM a AS b\nCOPY src/ /app/src\nADD [\"pkg.json\", \"*.lock\", \"/app/\"]\n\
             COPY --from=b /out /out\nADD https://x/y.tgz /y\nCOPY <<EOF /f\nhi\nEOF\n",
        );
        let sources = Sources::of(&df);
        assert!(sources.uses("src/main.rs"));
        assert!(sources.uses("pkg.json"));
        assert!(sources.uses("yarn.lock"));
        assert!(!sources.uses("out/x"));
        assert!(!sources.uses("docs/a.md"));
        assert!(!sources.uses("sub/yarn.lock"));
        assert!(sources.names("src"));
        assert!(!sources.names("docs"));
    }

    #[test]
    fn copy_dot_and_variables_use_everything() {
        let dot = Sources::of(&drydock_dockerfile::parse("FROM a\nCOPY . /app\n"));
        assert!(dot.uses("x/y"));
        assert!(!dot.names("x"));
        let df = drydock_dockerfile::parse("FROM a\nARG D=src\nCOPY $D /app\n");
        assert!(Sources::of(&df).uses("anything"));
    }
}
