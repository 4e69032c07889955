//! The default human output: aligned columns, human sizes, hostile text made inert.

mod cleanup;

use super::{inert, EngineRow, Render};
use drydock_cleanup::{JournalReport, PlanReport, QuarantineReport, Restored, RunReport};
use drydock_inventory::{human_bytes, DfReport, HistoryRow, ImageRow, KindUsage};
use drydock_layers::LayerReport;
use drydock_store::Entry;

/// Wasted paths a table shows; JSON lists them all.
const WASTED_ROWS: usize = 20;

pub struct Table;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// Lays out rows under headers; numbers align right.
pub(crate) fn render(headers: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|(h, _)| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_cells: Vec<String> = headers.iter().map(|(h, _)| (*h).to_owned()).collect();
    for cells in std::iter::once(&header_cells).chain(rows) {
        let mut line = String::new();
        for (i, ((_, align), cell)) in headers.iter().zip(cells).enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            if i > 0 {
                line.push_str("   ");
            }
            match align {
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                }
                Align::Right => {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub(crate) fn short_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    inert(&hex.chars().take(12).collect::<String>())
}

/// `2026-11-22T08:39:34Z` → `2026-11-22 08:39`.
fn short_time(rfc3339: &str) -> String {
    rfc3339
        .get(..16)
        .map(|t| t.replacen('T', " ", 1))
        .unwrap_or_else(|| rfc3339.to_owned())
}

/// The classic builder's `/bin/sh -c #(nop) ` prefix says nothing to a reader.
fn short_step(created_by: &str) -> String {
    let text = created_by.trim();
    let text = text
        .strip_prefix("/bin/sh -c #(nop)")
        .map(str::trim_start)
        .unwrap_or(text);
    let text = inert(text);
    const MAX: usize = 70;
    if text.chars().count() > MAX {
        format!("{}…", text.chars().take(MAX - 1).collect::<String>())
    } else {
        text
    }
}

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return String::new();
    }
    format!(
        " ({}%)",
        (part as f64 * 100.0 / whole as f64).round() as i64
    )
}

impl Render for Table {
    fn images(&self, rows: &[ImageRow]) -> String {
        use Align::*;
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let name = match r.tags.as_slice() {
                    [] => "<dangling>".to_owned(),
                    [one] => inert(one),
                    [first, rest @ ..] => format!("{} (+{} more)", inert(first), rest.len()),
                };
                vec![
                    name,
                    short_id(&r.id),
                    short_time(&r.created),
                    human_bytes(r.size),
                    human_bytes(r.shared_size),
                    human_bytes(r.unique_size),
                    r.containers.to_string(),
                ]
            })
            .collect();
        render(
            &[
                ("IMAGE", Left),
                ("ID", Left),
                ("CREATED", Left),
                ("SIZE", Right),
                ("SHARED", Right),
                ("UNIQUE", Right),
                ("CONTAINERS", Right),
            ],
            &cells,
        )
    }

    fn df(&self, report: &DfReport) -> String {
        use Align::*;
        let row = |name: &str, k: &KindUsage| {
            vec![
                name.to_owned(),
                k.count.to_string(),
                k.active.to_string(),
                human_bytes(k.size),
                format!(
                    "{}{}",
                    human_bytes(k.reclaimable),
                    percent(k.reclaimable, k.size)
                ),
            ]
        };
        let mut out = render(
            &[
                ("TYPE", Left),
                ("TOTAL", Right),
                ("ACTIVE", Right),
                ("SIZE", Right),
                ("RECLAIMABLE", Right),
            ],
            &[
                row("Images", &report.images),
                row("Containers", &report.containers),
                row("Volumes", &report.volumes),
                row("Build cache", &report.build_cache),
            ],
        );
        if let Some(host) = &report.host {
            let total = i64::try_from(host.total).unwrap_or(i64::MAX);
            let free = i64::try_from(host.free).unwrap_or(i64::MAX);
            out.push_str(&format!(
                "\nHost disk holding {} (mounted at {}): {} total, {} free\n",
                inert(&host.data_root),
                inert(&host.mount_point),
                human_bytes(total),
                human_bytes(free)
            ));
        }
        out
    }

    fn history(&self, rows: &[HistoryRow]) -> String {
        use Align::*;
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    if r.id.starts_with("sha256:") {
                        short_id(&r.id)
                    } else {
                        inert(&r.id)
                    },
                    short_time(&r.created),
                    short_step(&r.created_by),
                    if r.empty_layer {
                        "-".to_owned()
                    } else {
                        human_bytes(r.size)
                    },
                    inert(&r.comment),
                ]
            })
            .collect();
        render(
            &[
                ("IMAGE", Left),
                ("CREATED", Left),
                ("CREATED BY", Left),
                ("SIZE", Right),
                ("COMMENT", Left),
            ],
            &cells,
        )
    }

    fn engines(&self, rows: &[EngineRow]) -> String {
        use Align::*;
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let status = match (&r.version, &r.error) {
                    (Some(v), _) => format!(
                        "in use: Docker {} (API {})",
                        inert(v),
                        inert(r.api_version.as_deref().unwrap_or("?"))
                    ),
                    (None, Some(e)) => format!("chosen, unusable: {}", inert(e)),
                    (None, None) if r.present => "found".to_owned(),
                    (None, None) => "not found".to_owned(),
                };
                vec![
                    if r.chosen {
                        "*".to_owned()
                    } else {
                        String::new()
                    },
                    inert(&r.source),
                    inert(&r.endpoint),
                    status,
                ]
            })
            .collect();
        render(
            &[
                ("", Left),
                ("SOURCE", Left),
                ("ENDPOINT", Left),
                ("STATUS", Left),
            ],
            &cells,
        )
    }

    fn layers(&self, report: &LayerReport) -> String {
        layers_table(report)
    }

    fn plan(&self, report: &PlanReport) -> String {
        cleanup::plan(report)
    }

    fn run(&self, report: &RunReport, plan_shown: bool) -> String {
        cleanup::run(report, plan_shown)
    }

    fn quarantine(&self, report: &QuarantineReport) -> String {
        cleanup::quarantine(report)
    }

    fn restored(&self, restored: &Restored) -> String {
        cleanup::restored(restored)
    }

    fn journal(&self, report: &JournalReport, unsettled: &[Entry]) -> String {
        cleanup::journal(report, unsettled)
    }

    fn keep(&self, list: &[String]) -> String {
        cleanup::keep(list)
    }
}

fn bytes(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

fn layers_table(report: &LayerReport) -> String {
    use Align::*;
    let mut out = format!(
        "{}: {} stored in {} layers, {} hidden by later layers, efficiency {:.1}%\n\n",
        if report.image.is_empty() {
            "image".to_owned()
        } else {
            inert(&report.image)
        },
        bytes(report.stored_bytes),
        report.layers.len(),
        bytes(report.hidden_bytes),
        report.efficiency * 100.0
    );
    let cells: Vec<Vec<String>> = report
        .layers
        .iter()
        .map(|l| {
            vec![
                l.index.to_string(),
                short_id(&l.digest),
                bytes(l.size),
                l.files_added.to_string(),
                l.files_modified.to_string(),
                l.files_removed.to_string(),
                bytes(l.hidden_bytes),
                short_step(&l.created_by),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            ("LAYER", Right),
            ("DIGEST", Left),
            ("SIZE", Right),
            ("ADDED", Right),
            ("MODIFIED", Right),
            ("REMOVED", Right),
            ("HIDDEN LATER", Right),
            ("CREATED BY", Left),
        ],
        &cells,
    ));
    if report.wasted.is_empty() {
        out.push_str("\nNo bytes are hidden: every byte stored is visible in the image.\n");
        return out;
    }
    out.push_str("\nHidden bytes, biggest first:\n");
    let cells: Vec<Vec<String>> = report
        .wasted
        .iter()
        .take(WASTED_ROWS)
        .map(|w| {
            vec![
                bytes(w.bytes),
                w.written_in.to_string(),
                w.hidden_in.to_string(),
                w.how.as_str().to_owned(),
                inert(&w.path),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            ("SIZE", Right),
            ("WRITTEN IN", Right),
            ("HIDDEN IN", Right),
            ("HOW", Left),
            ("PATH", Left),
        ],
        &cells,
    ));
    let rest = &report.wasted[report.wasted.len().min(WASTED_ROWS)..];
    if !rest.is_empty() {
        out.push_str(&format!(
            "... and {} more paths ({}); --format json lists them all\n",
            rest.len(),
            bytes(rest.iter().map(|w| w.bytes).sum())
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_numbers_sit_right() {
        let text = render(
            &[("NAME", Align::Left), ("SIZE", Align::Right)],
            &[
                vec!["a".into(), "1 B".into()],
                vec!["longer".into(), "10 kB".into()],
            ],
        );
        assert_eq!(text, "NAME      SIZE\na          1 B\nlonger   10 kB\n");
    }

    #[test]
    fn layer_tables_show_the_biggest_hidden_paths_and_count_the_rest() {
        use drydock_layers::{How, LayerRow, Wasted};
        let wasted = |i: u64| Wasted {
            path: format!("/f{i}\u{1b}"),
            bytes: 1000 - i,
            written_in: 0,
            hidden_in: 1,
            how: How::Removed,
        };
        let report = LayerReport {
            image: "app:1".into(),
            stored_bytes: 1_000_000,
            hidden_bytes: 24_000,
            efficiency: 0.976,
            layers: vec![LayerRow {
                index: 0,
                digest: format!("sha256:{}", "ab".repeat(32)),
                created_by: "/bin/sh -c #(nop) COPY x /".into(),
                size: 1_000_000,
                files_added: 3,
                files_modified: 0,
                files_removed: 0,
                hidden_bytes: 24_000,
            }],
            wasted: (0..24).map(wasted).collect(),
        };
        let text = layers_table(&report);
        assert!(
            text.starts_with(
                "app:1: 1 MB stored in 1 layers, 24 kB hidden by later layers, efficiency 97.6%\n"
            ),
            "{text}"
        );
        assert!(text.contains("    0   ababababab"), "{text}");
        assert!(
            text.contains("1 kB            0           1   removed   /f0\\u{1b}\n"),
            "{text}"
        );
        assert!(
            text.ends_with("... and 4 more paths (3.91 kB); --format json lists them all\n"),
            "{text}"
        );
        let clean = LayerReport {
            wasted: Vec::new(),
            hidden_bytes: 0,
            ..report
        };
        assert!(layers_table(&clean)
            .ends_with("No bytes are hidden: every byte stored is visible in the image.\n"));
    }

    #[test]
    fn classic_builder_noise_is_trimmed_and_long_steps_shortened() {
        assert_eq!(short_step("/bin/sh -c #(nop)  ENV A=b"), "ENV A=b");
        let long = format!("RUN {}", "x".repeat(100));
        assert_eq!(short_step(&long).chars().count(), 70);
    }
}
