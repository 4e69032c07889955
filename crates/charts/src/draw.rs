//! One horizontal bar chart, the shape every Drydock chart takes: a label, a bar whose filled part
//! is a share of its total, and a caption.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct Bar {
    pub label: String,
    pub total: i64,
    pub part: i64,
    pub caption: String,
}

pub struct BarChart {
    pub title: String,
    pub bars: Vec<Bar>,
    pub width: u32,
}

const ROW: u32 = 30;
const TOP: u32 = 40;
const CAPTION_WIDTH: u32 = 200;
/// SVG text has no measured width here; this per-character estimate sizes the label column.
const CHAR_WIDTH: u32 = 8;
/// Mid-tone colours read on light and dark backgrounds alike; the background stays transparent.
const TEXT: RGBColor = RGBColor(0x6b, 0x77, 0x85);
const TRACK: RGBColor = RGBColor(0xc9, 0xd1, 0xda);
const FILL: RGBColor = RGBColor(0x2f, 0x80, 0xc8);

impl BarChart {
    pub fn to_svg(&self) -> String {
        let rows = self.bars.len().max(1) as u32;
        let height = TOP + rows * ROW + 10;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (self.width, height)).into_drawing_area();
            // Drawing into a String cannot fail for I/O reasons; a failure would mean a plotters
            // bug, and an empty chart is a better answer than a crash.
            let _ = self.draw(&root);
            let _ = root.present();
        }
        svg
    }

    fn draw(
        &self,
        root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    ) -> Result<(), Box<dyn std::error::Error + '_>> {
        let title = ("sans-serif", 18)
            .into_font()
            .style(FontStyle::Bold)
            .color(&TEXT);
        root.draw(&Text::new(self.title.clone(), (0, 12), title))?;
        if self.bars.is_empty() {
            let note = ("sans-serif", 16).into_font().color(&TEXT);
            root.draw(&Text::new(
                "Nothing here yet".to_string(),
                (0, TOP as i32 + 4),
                note,
            ))?;
            return Ok(());
        }
        let max = self.bars.iter().map(|b| b.total).max().unwrap_or(0).max(1);
        let longest = self
            .bars
            .iter()
            .map(|b| b.label.chars().count() as u32)
            .max()
            .unwrap_or(0);
        let label_width = (longest * CHAR_WIDTH + 16).clamp(80, 260);
        let track_width = self.width.saturating_sub(label_width + CAPTION_WIDTH + 20) as f64;
        let font = ("sans-serif", 16).into_font().color(&TEXT);
        let right = font.clone().pos(Pos::new(HPos::Right, VPos::Center));
        let left = font.pos(Pos::new(HPos::Left, VPos::Center));
        for (i, bar) in self.bars.iter().enumerate() {
            let y = (TOP + i as u32 * ROW) as i32;
            let mid = y + (ROW as i32 - 8) / 2;
            let x0 = label_width as i32;
            root.draw(&Text::new(bar.label.clone(), (x0 - 10, mid), right.clone()))?;
            let scale =
                |bytes: i64| (bytes.max(0) as f64 / max as f64 * track_width).round() as i32;
            let total_w = scale(bar.total).max(2);
            root.draw(&Rectangle::new(
                [(x0, y), (x0 + total_w, y + ROW as i32 - 8)],
                TRACK.filled(),
            ))?;
            if bar.part > 0 {
                let part_w = scale(bar.part).max(2);
                root.draw(&Rectangle::new(
                    [(x0, y), (x0 + part_w, y + ROW as i32 - 8)],
                    FILL.filled(),
                ))?;
            }
            root.draw(&Text::new(
                bar.caption.clone(),
                (x0 + total_w + 8, mid),
                left.clone(),
            ))?;
        }
        Ok(())
    }
}
