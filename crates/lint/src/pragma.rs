//! Inline suppressions: hadolint's `# hadolint ignore=DL3008,DL3015` (the next instruction) and
//! `# hadolint global ignore=...` (the whole file), and the same with `drydock`, which may also
//! name rules by Drydock code or name.

use std::ops::RangeInclusive;

use drydock_dockerfile::Dockerfile;

/// One `ignore=` comment.
#[derive(Debug, Clone)]
pub struct Pragma {
    /// 1-based line of the comment.
    pub line: u32,
    /// Column where the comment's `#` sits.
    pub column: u32,
    pub end_column: u32,
    /// `hadolint` or `drydock`.
    pub tool: String,
    pub global: bool,
    pub ids: Vec<String>,
    /// The lines it covers: the next instruction's, or the whole file for `global`.
    pub covers: RangeInclusive<u32>,
}

/// Finds the pragmas in `source`, skipping heredoc bodies (their `#` lines are data).
pub fn pragmas(source: &str, file: &Dockerfile) -> Vec<Pragma> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    // Heredoc bodies and instructions come in source order, so both lookups below are binary
    // searches: a file of many pragmas and many instructions stays fast.
    let bodies: Vec<(u32, u32)> = file
        .instructions
        .iter()
        .flat_map(|ins| &ins.heredocs)
        .map(|h| (h.body_span.start.line, h.body_span.end.line))
        .collect();
    let in_heredoc = |line: u32| {
        let before = bodies.partition_point(|&(start, _)| start <= line);
        before > 0 && bodies.get(before - 1).is_some_and(|&(_, end)| line <= end)
    };
    let mut out = Vec::new();
    for (i, text) in source.lines().enumerate() {
        let Ok(line) = u32::try_from(i + 1) else {
            break;
        };
        let Some((tool, global, ids, column)) = read(text) else {
            continue;
        };
        if in_heredoc(line) {
            continue;
        }
        let covers = if global {
            1..=u32::MAX
        } else {
            let next = file
                .instructions
                .partition_point(|ins| ins.span.start.line <= line);
            match file.instructions.get(next) {
                Some(next) => next.span.start.line..=next.span.end.line,
                // Covers nothing: reported as unused.
                None => 0..=0,
            }
        };
        out.push(Pragma {
            line,
            column,
            end_column: u32::try_from(text.trim_end().chars().count() + 1).unwrap_or(u32::MAX),
            tool,
            global,
            ids,
            covers,
        });
    }
    out
}

/// Reads `# <tool> [global] ignore=a,b` from one line: (tool, global, ids, column of `#`).
fn read(text: &str) -> Option<(String, bool, Vec<String>, u32)> {
    let trimmed = text.trim_start();
    let column = u32::try_from(text.chars().count() - trimmed.chars().count() + 1).ok()?;
    let rest = trimmed.strip_prefix('#')?.trim_start();
    let (tool, rest) = rest.split_once(char::is_whitespace)?;
    let tool = tool.to_ascii_lowercase();
    if tool != "hadolint" && tool != "drydock" {
        return None;
    }
    let mut rest = rest.trim_start();
    let global = match rest.strip_prefix("global") {
        Some(after) if after.starts_with(char::is_whitespace) => {
            rest = after.trim_start();
            true
        }
        _ => false,
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    // Anything after the list (a space then prose) is a comment on the pragma.
    let ids = list
        .trim_start()
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Some((tool, global, ids, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_tools_and_both_scopes() {
        assert_eq!(
            read("# hadolint ignore=DL3008,DL3015"),
            Some((
                "hadolint".into(),
                false,
                vec!["DL3008".into(), "DL3015".into()],
                1
            ))
        );
        assert_eq!(
            read("  #drydock global ignore = latest-base-image  because we pin by digest"),
            Some(("drydock".into(), true, vec!["latest-base-image".into()], 3))
        );
        assert_eq!(read("# hadolint is great"), None);
        assert_eq!(read("RUN x # hadolint ignore=DL3008"), None);
    }

    #[test]
    fn a_pragma_covers_the_next_instruction_only() {
        let source = "FROM a\n# hadolint ignore=DL3008\nRUN apt-get install \\\n  x\nRUN y\n";
        let file = drydock_dockerfile::parse(source);
        let found = pragmas(source, &file);
        assert_eq!(found[0].covers, 3..=4);
    }

    #[test]
    fn comments_inside_heredocs_are_data() {
        let source = "FROM a\nRUN <<EOF\n# hadolint ignore=DL3008\nEOF\n# hadolint ignore=DL3007\nRUN x\n# hadolint ignore=DL3059\n";
        let file = drydock_dockerfile::parse(source);
        let found: Vec<(u32, std::ops::RangeInclusive<u32>)> = pragmas(source, &file)
            .into_iter()
            .map(|p| (p.line, p.covers))
            .collect();
        assert_eq!(found, [(5, 6..=6), (7, 0..=0)]);
    }
}
