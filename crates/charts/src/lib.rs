//! Charts as SVG strings, drawn with plotters: a pure function from figures to SVG text.
//!
//! The app shows exactly the SVG the CLI could write to a file. Image names are untrusted text
//! (anyone can push a tag): plotters escapes `<`, `>`, `&` and quotes, and [`label`] removes the
//! characters XML forbids and shortens what would not fit, so a name can never become markup or
//! break the document. The UI shows the SVG as an image, never as inline HTML.

mod draw;
mod over_time;

use draw::{Bar, BarChart};
use drydock_inventory::{human_bytes, DfReport, ImageRow};
pub use over_time::{disk_use_over_time, when};

/// Reclaimable bytes against total bytes for each kind of object.
pub fn reclaimable_by_category(report: &DfReport) -> String {
    let kinds = [
        ("Images", &report.images),
        ("Containers", &report.containers),
        ("Volumes", &report.volumes),
        ("Build cache", &report.build_cache),
    ];
    let bars = kinds
        .iter()
        .map(|(name, usage)| Bar {
            label: (*name).to_owned(),
            total: usage.size.max(0),
            part: usage.reclaimable.clamp(0, usage.size.max(0)),
            caption: format!(
                "{} of {} reclaimable",
                human_bytes(usage.reclaimable),
                human_bytes(usage.size)
            ),
        })
        .collect();
    BarChart {
        title: "Reclaimable space by kind".into(),
        bars,
        width: 640,
    }
    .to_svg()
}

/// The `limit` images holding the most bytes of their own (unique size), largest first.
pub fn top_images_by_unique_size(rows: &[ImageRow], limit: usize) -> String {
    let mut sorted: Vec<&ImageRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        b.unique_size
            .cmp(&a.unique_size)
            .then_with(|| a.id.cmp(&b.id))
    });
    let bars = sorted
        .into_iter()
        .take(limit)
        .map(|row| Bar {
            label: label(&image_name(row), 34),
            total: row.unique_size.max(0),
            part: row.unique_size.max(0),
            caption: human_bytes(row.unique_size),
        })
        .collect();
    BarChart {
        title: format!("Top {limit} images by unique size"),
        bars,
        width: 640,
    }
    .to_svg()
}

/// The name a person knows an image by: its first tag, or its short id when dangling.
pub fn image_name(row: &ImageRow) -> String {
    match row.tags.first() {
        Some(tag) => tag.clone(),
        None => {
            let hex = row.id.strip_prefix("sha256:").unwrap_or(&row.id);
            format!("<dangling> {}", hex.chars().take(12).collect::<String>())
        }
    }
}

/// Untrusted text made safe and short for a chart: characters XML 1.0 forbids (controls other
/// than tab, line feed and carriage return, and U+FFFE/U+FFFF) become `?`, line breaks a space, and
/// anything over `max` characters is cut with an ellipsis.
pub fn label(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => '?',
            c => c,
        })
        .collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests;
