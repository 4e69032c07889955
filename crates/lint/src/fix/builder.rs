//! Whether a Dockerfile already needs BuildKit, so a fix may use what only BuildKit builds.

use drydock_dockerfile::{Dockerfile, Instruction};

/// Flags only BuildKit accepts: a file that uses one cannot be built by the classic builder.
const BUILDKIT_FLAGS: &[&str] = &["mount", "chmod", "link", "parents", "network", "security"];

/// Whether the file relies on BuildKit already: a `# syntax=` parser directive, a heredoc, or
/// an instruction with a flag the classic builder rejects (`RUN --mount`, `--network`,
/// `--security`; `COPY --chmod`, `--link`, `--parents`). Such a file is never built by the
/// classic builder, so a fix may write the same kind of syntax; any other file may be.
pub fn relies_on_buildkit(file: &Dockerfile) -> bool {
    file.directives
        .iter()
        .any(|d| d.name.eq_ignore_ascii_case("syntax"))
        || file.instructions.iter().any(needs_buildkit)
}

fn needs_buildkit(ins: &Instruction) -> bool {
    !ins.heredocs.is_empty()
        || ins
            .flags
            .iter()
            .any(|f| BUILDKIT_FLAGS.contains(&f.name.as_str()))
        || match &ins.args {
            drydock_dockerfile::Args::Onbuild(trigger) => needs_buildkit(trigger),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::relies_on_buildkit;

    fn relies(source: &str) -> bool {
        relies_on_buildkit(&drydock_dockerfile::parse(source))
    }

    #[test]
    fn buildkit_syntax_anywhere_counts() {
        assert!(relies("# syntax=docker/dockerfile:1\nFROM a\n"));
        assert!(relies("FROM a\nRUN --mount=type=cache,target=/x b\n"));
        assert!(relies("FROM a\nCOPY --chmod=755 x /x\n"));
        assert!(relies("FROM a\nCOPY --link x /x\n"));
        assert!(relies("FROM a\nRUN --network=none b\n"));
        assert!(relies("FROM a\nRUN <<EOF\nb\nEOF\n"));
        assert!(relies(
            "FROM a\nONBUILD RUN --mount=type=cache,target=/x b\n"
        ));
    }

    #[test]
    fn files_the_classic_builder_builds_do_not() {
        assert!(!relies("FROM a\nCOPY --chown=1:1 x /x\nRUN b\n"));
        assert!(!relies("# escape=`\nFROM a\n"));
        assert!(!relies("FROM a\n# syntax=docker/dockerfile:1\nRUN b\n"));
        assert!(!relies(""));
    }
}
