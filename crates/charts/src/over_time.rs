//! Disk use over time: one line per kind and their total, a vertical mark where each cleanup
//! ended (with the bytes it freed), and the forecast of when the host disk fills, when there is
//! one. Drawn from primitives like the bar charts: the SVG backend has no font metrics here.

use crate::label;
use drydock_history::{total_size, DfHistory, Sample};
use drydock_inventory::human_bytes;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const HEIGHT: u32 = 340;
const LEFT: i32 = 90;
const RIGHT: i32 = 20;
const TOP: i32 = 50;
/// Below the plot: the time axis, the legend, the forecast.
const BOTTOM: i32 = 90;
const TEXT: RGBColor = RGBColor(0x6b, 0x77, 0x85);
const GRID: RGBColor = RGBColor(0xc9, 0xd1, 0xda);
const MARK: RGBColor = RGBColor(0xd9, 0x6c, 0x2c);
/// Images, containers, volumes, build cache, total: mid-tones that read on light and dark.
const KINDS: [(&str, RGBColor); 5] = [
    ("Images", RGBColor(0x2f, 0x80, 0xc8)),
    ("Containers", RGBColor(0x3a, 0xa8, 0x76)),
    ("Volumes", RGBColor(0x9b, 0x6b, 0xd6)),
    ("Build cache", RGBColor(0xc8, 0x9b, 0x2f)),
    ("Total", RGBColor(0x6b, 0x77, 0x85)),
];

fn figures(s: &Sample) -> [i64; 5] {
    [
        s.images.size.max(0),
        s.containers.size.max(0),
        s.volumes.size.max(0),
        s.build_cache.size.max(0),
        total_size(s),
    ]
}

/// Docker's disk use by kind over `history`'s span, `width` pixels wide.
pub fn disk_use_over_time(history: &DfHistory, width: u32) -> String {
    let width = width.max(320);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, HEIGHT)).into_drawing_area();
        // Drawing into a String cannot fail for I/O reasons (see draw.rs).
        let _ = draw(&root, history, width);
        let _ = root.present();
    }
    svg
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw<'a>(
    root: &Area<'a>,
    history: &DfHistory,
    width: u32,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let title = ("sans-serif", 18)
        .into_font()
        .style(FontStyle::Bold)
        .color(&TEXT);
    root.draw(&Text::new("Disk use over time".to_string(), (0, 12), title))?;
    let font = ("sans-serif", 13).into_font().color(&TEXT);
    if history.samples.is_empty() {
        root.draw(&Text::new(
            "Nothing here yet: each drydock df records a sample".to_string(),
            (0, TOP),
            ("sans-serif", 16).into_font().color(&TEXT),
        ))?;
        return Ok(());
    }
    let (t0, t1) = span(history);
    let right = width as i32 - RIGHT;
    let bottom = HEIGHT as i32 - BOTTOM;
    let max = history
        .samples
        .iter()
        .map(total_size)
        .max()
        .unwrap_or(0)
        .max(1);
    let x = |t: i64| {
        // In f64: a span asked from the dawn of time must not overflow.
        let f = (t.clamp(t0, t1) as f64 - t0 as f64) / (t1 as f64 - t0 as f64).max(1.0);
        LEFT + (f * f64::from(right - LEFT)).round() as i32
    };
    let y = |bytes: i64| {
        let f = bytes.max(0) as f64 / max as f64;
        bottom - (f * f64::from(bottom - TOP)).round() as i32
    };
    // Four grid lines with their sizes.
    let left_text = font.clone().pos(Pos::new(HPos::Right, VPos::Center));
    for step in 0..=4_i64 {
        let bytes = max / 4 * step;
        let yy = y(bytes);
        root.draw(&PathElement::new(vec![(LEFT, yy), (right, yy)], GRID))?;
        root.draw(&Text::new(
            human_bytes(bytes),
            (LEFT - 8, yy),
            left_text.clone(),
        ))?;
    }
    // The time axis: start, middle, end.
    let day_only = t1.saturating_sub(t0) >= 2 * 86_400;
    // The ends are anchored inwards so neither date runs past the plot's edge.
    for (t, h) in [
        (t0, HPos::Left),
        (t0 / 2 + t1 / 2, HPos::Center),
        (t1, HPos::Right),
    ] {
        root.draw(&Text::new(
            when(t, day_only),
            (x(t), bottom + 6),
            font.clone().pos(Pos::new(h, VPos::Top)),
        ))?;
    }
    // Cleanups first, so the lines are drawn over them. Marks closer than a label's width share
    // one label with their bytes added up (and how many runs), so labels never overlap.
    let mut xs: Vec<(i32, u64)> = history
        .cleanups
        .iter()
        .map(|c| (x(c.at), c.freed))
        .collect();
    xs.sort_unstable();
    for &(xx, _) in &xs {
        root.draw(&PathElement::new(
            vec![(xx, TOP), (xx, bottom)],
            MARK.stroke_width(1),
        ))?;
    }
    for (xx, freed, runs) in mark_labels(&xs, MARK_LABEL_WIDTH) {
        let freed = i64::try_from(freed).unwrap_or(i64::MAX);
        let text = match runs {
            1 => format!("−{}", human_bytes(freed)),
            n => format!("−{} ({n} cleanups)", human_bytes(freed)),
        };
        // Near an edge the label is anchored inwards.
        let h = if xx + MARK_LABEL_WIDTH / 2 > right {
            HPos::Right
        } else if xx - MARK_LABEL_WIDTH / 2 < LEFT {
            HPos::Left
        } else {
            HPos::Center
        };
        root.draw(&Text::new(
            label(&text, 28),
            (xx, TOP - 4),
            font.clone().color(&MARK).pos(Pos::new(h, VPos::Bottom)),
        ))?;
    }
    for (i, (_, colour)) in KINDS.iter().enumerate() {
        let points: Vec<(i32, i32)> = history
            .samples
            .iter()
            .map(|s| (x(s.at), y(figures(s)[i])))
            .collect();
        let stroke = if i == 4 { 3 } else { 2 };
        if points.len() == 1 {
            root.draw(&Circle::new(points[0], 3, colour.filled()))?;
        } else {
            root.draw(&PathElement::new(points, colour.stroke_width(stroke)))?;
        }
    }
    // The legend, one swatch per line.
    let legend_y = bottom + 32;
    let left = font.clone().pos(Pos::new(HPos::Left, VPos::Center));
    let mut lx = LEFT;
    for (name, colour) in KINDS {
        root.draw(&Rectangle::new(
            [(lx, legend_y - 5), (lx + 14, legend_y + 5)],
            colour.filled(),
        ))?;
        root.draw(&Text::new(
            name.to_string(),
            (lx + 20, legend_y),
            left.clone(),
        ))?;
        lx += 20 + name.chars().count() as i32 * 8 + 18;
    }
    let note = match &history.forecast {
        Some(f) => format!(
            "At {} a day, the host disk fills around {} ({})",
            human_bytes(f.bytes_per_day.round() as i64),
            when(f.full_at, true),
            f.basis
        ),
        None => "No forecast: the samples show no steady growth".to_string(),
    };
    root.draw(&Text::new(label(&note, 110), (LEFT, legend_y + 26), left))?;
    Ok(())
}

/// Room one cleanup label takes, in pixels (13 px sans-serif, about 16 characters).
const MARK_LABEL_WIDTH: i32 = 130;

/// One label per cluster of marks (sorted by x): a mark within `room` pixels of the cluster's
/// last mark joins it, so labels, each at its cluster's last mark, stand at least `room` apart.
/// Each carries its cluster's bytes and runs summed.
fn mark_labels(marks: &[(i32, u64)], room: i32) -> Vec<(i32, u64, usize)> {
    let mut labels: Vec<(i32, u64, usize)> = Vec::new();
    for &(x, freed) in marks {
        match labels.last_mut() {
            Some((last, sum, runs)) if x - *last < room => {
                *last = x;
                *sum = sum.saturating_add(freed);
                *runs += 1;
            }
            _ => labels.push((x, freed, 1)),
        }
    }
    labels
}

/// The span drawn: the one asked for, widened to the samples and marks if they fall outside.
fn span(history: &DfHistory) -> (i64, i64) {
    let times = history
        .samples
        .iter()
        .map(|s| s.at)
        .chain(history.cleanups.iter().map(|c| c.at));
    let (lo, hi) = times.fold((history.since, history.until), |(lo, hi), t| {
        (lo.min(t), hi.max(t))
    });
    (lo, hi.max(lo.saturating_add(1)))
}

/// `2026-12-04`, or `2026-12-04 06:30` for spans under two days (UTC).
pub fn when(at: i64, day_only: bool) -> String {
    let days = at.div_euclid(86_400);
    let secs = at.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if day_only {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60
        )
    }
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
#[path = "over_time_tests.rs"]
mod tests;
