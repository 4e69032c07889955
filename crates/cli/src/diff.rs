//! `drydock diff IMAGE_A IMAGE_B`: why one build is bigger than another. The layers both share
//! from the base, B's size minus A's, then the files added, removed and changed, biggest first.
//!
//! Paths come from the images: the table makes each inert; JSON leaves the escaping to serde.

use crate::args::Format;
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::inert;
use clap::Args;
use drydock_engine::Engine;
use drydock_history::{diff_images, ImageDiff};
use drydock_inventory::human_bytes;
use std::fmt::Write as _;
use std::io::IsTerminal;

const DIFF_HELP: &str = "\
Each image is read once (both exports stream at once; every file's content is digested), so a
file rewritten with the same bytes in another layer counts as unchanged. Directories are not
listed; a path that changed kind is. Exit codes: 0 compared, 2 usage or engine errors.
JSON: docs/cli.md.";

/// `drydock diff`: what differs between two images, file by file.
#[derive(Debug, Args)]
#[command(after_help = DIFF_HELP)]
pub struct DiffArgs {
    /// The image compared from (name, tag or id), e.g. the previous build
    #[arg(value_name = "IMAGE_A")]
    pub a: String,
    /// The image compared to; sizes are B's minus A's
    #[arg(value_name = "IMAGE_B")]
    pub b: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Paths listed per kind in the table, biggest first (JSON lists all); 0 shows only totals
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

pub async fn run(args: &DiffArgs, engine: &Engine) -> Result<Outcome, CliError> {
    let live = std::io::stderr().is_terminal();
    let result = diff_images(engine, &args.a, &args.b, |p| {
        if live {
            let percent = (p.read.saturating_mul(100))
                .checked_div(p.total)
                .unwrap_or(0)
                .min(100);
            eprint!("\r\x1b[2Kreading {}: {percent}%", inert(&p.image));
        }
    })
    .await;
    if live {
        eprint!("\r\x1b[2K");
    }
    let diff = result.map_err(|e| match e {
        drydock_history::HistoryError::Engine(e) => CliError::from(e),
        other => CliError::from_error(other),
    })?;
    let stdout = match args.format {
        Format::Table => table(&diff, args.limit),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&diff).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    Ok(Outcome::ok(stdout))
}

/// For people: the two images, what they share, the size change, then each list.
pub(crate) fn table(diff: &ImageDiff, limit: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} -> {}",
        named(&diff.a, &diff.a_id),
        named(&diff.b, &diff.b_id)
    );
    let _ = writeln!(
        out,
        "shared layers: {} (from the base up)",
        diff.shared_layers
    );
    let _ = writeln!(
        out,
        "size change:   {} ({} bytes of files, B minus A)",
        signed(diff.size_delta),
        diff.size_delta
    );

    let added: Vec<(u64, String)> = diff
        .added
        .iter()
        .map(|p| {
            (
                p.bytes,
                format!("{:>10}  {}", human(p.bytes), inert(&p.path)),
            )
        })
        .collect();
    section(&mut out, "added", &added, limit);
    let removed: Vec<(u64, String)> = diff
        .removed
        .iter()
        .map(|p| {
            (
                p.bytes,
                format!("{:>10}  {}", human(p.bytes), inert(&p.path)),
            )
        })
        .collect();
    section(&mut out, "removed", &removed, limit);
    let changed: Vec<(u64, String)> = diff
        .changed
        .iter()
        .map(|c| {
            let delta = i128::from(c.bytes_after) - i128::from(c.bytes_before);
            let delta = saturated(delta);
            (
                c.bytes_before.abs_diff(c.bytes_after),
                format!(
                    "{:>10}  {} ({} -> {})",
                    signed(delta),
                    inert(&c.path),
                    human(c.bytes_before),
                    human(c.bytes_after)
                ),
            )
        })
        .collect();
    let net = diff.changed.iter().fold(0i128, |sum, c| {
        sum + i128::from(c.bytes_after) - i128::from(c.bytes_before)
    });
    let net = saturated(net);
    section_with(
        &mut out,
        "changed",
        &changed,
        limit,
        Some(format!("{} net", signed(net))),
    );
    out
}

/// A heading with the count and bytes, the first `limit` lines, then what was left out.
/// `net`: the heading's bytes when they are not the rows' sum (changed files: the net change).
fn section(out: &mut String, title: &str, rows: &[(u64, String)], limit: usize) {
    section_with(out, title, rows, limit, None);
}

fn section_with(
    out: &mut String,
    title: &str,
    rows: &[(u64, String)],
    limit: usize,
    net: Option<String>,
) {
    let total: u64 = rows
        .iter()
        .fold(0u64, |sum, (bytes, _)| sum.saturating_add(*bytes));
    out.push('\n');
    if rows.is_empty() {
        let _ = writeln!(out, "{title}: none");
        return;
    }
    let bytes = net.unwrap_or_else(|| human(total));
    let _ = writeln!(out, "{title}: {}, {bytes}", paths(rows.len()));
    for (_, line) in rows.iter().take(limit) {
        let _ = writeln!(out, "  {line}");
    }
    if rows.len() > limit {
        let rest = &rows[limit..];
        let bytes: u64 = rest.iter().fold(0u64, |sum, (b, _)| sum.saturating_add(*b));
        let more = rest.len();
        let noun = if more == 1 { "path" } else { "paths" };
        let _ = writeln!(out, "  and {more} more {noun} ({})", human(bytes));
    }
}

fn paths(n: usize) -> String {
    if n == 1 {
        "1 path".to_owned()
    } else {
        format!("{n} paths")
    }
}

/// `name (0123456789ab)`, or the short id alone when the name is the id.
fn named(name: &str, id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    let short = &hex[..hex.len().min(12)];
    if short.is_empty() || name == id || hex.starts_with(name) {
        inert(name)
    } else {
        format!("{} ({})", inert(name), inert(short))
    }
}

fn saturated(n: i128) -> i64 {
    i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

fn human(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `+80.0 kB`, `-3.0 kB`, `0 B`.
fn signed(delta: i64) -> String {
    match delta {
        0 => "0 B".to_owned(),
        d if d > 0 => format!("+{}", human_bytes(d)),
        d => format!("-{}", human(d.unsigned_abs())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_history::{ChangedPath, PathBytes};

    fn diff() -> ImageDiff {
        ImageDiff {
            a: "app:41".into(),
            b: "app:42".into(),
            a_id: "sha256:aaaaaaaaaaaa1111".into(),
            b_id: "sha256:bbbbbbbbbbbb2222".into(),
            shared_layers: 2,
            size_delta: 80_010,
            added: vec![
                PathBytes {
                    path: "/app/big".into(),
                    bytes: 80_000,
                },
                PathBytes {
                    path: "/app/evil\u{1b}[2J".into(),
                    bytes: 7,
                },
                PathBytes {
                    path: "/app/small".into(),
                    bytes: 3,
                },
            ],
            removed: vec![],
            changed: vec![ChangedPath {
                path: "/app/conf".into(),
                bytes_before: 20,
                bytes_after: 10,
            }],
        }
    }

    #[test]
    fn lists_biggest_first_up_to_the_limit_then_what_is_left() {
        let text = table(&diff(), 1);
        assert!(
            text.starts_with("app:41 (aaaaaaaaaaaa) -> app:42 (bbbbbbbbbbbb)\n"),
            "{text}"
        );
        assert!(text.contains("shared layers: 2"), "{text}");
        assert!(
            text.contains("size change:   +80 kB (80010 bytes"),
            "{text}"
        );
        assert!(text.contains("added: 3 paths, 80 kB\n"), "{text}");
        assert!(
            text.contains("/app/big\n  and 2 more paths (10 B)\n"),
            "{text}"
        );
        assert!(text.contains("removed: none"), "{text}");
        assert!(text.contains("changed: 1 path, -10 B net\n"), "{text}");
        assert!(text.contains("-10 B  /app/conf (20 B -> 10 B)"), "{text}");
    }

    #[test]
    fn paths_from_the_image_are_shown_not_obeyed() {
        let text = table(&diff(), 20);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("/app/evil\\u{1b}[2J"), "{text}");
    }
}
