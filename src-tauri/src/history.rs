//! What grew, when and why: disk use over time for the overview's chart, every build of a
//! repository for an image's History tab and the Builds view, BuildKit's build records, and the
//! file-level diff of two builds. The app samples the df figures and notes the images it sees at
//! start, after the engine's changes and every few minutes while open.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The spans the overview's chart offers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "lowercase")]
pub enum Range {
    Day,
    Week,
    Month,
    Year,
}

impl Range {
    /// The span in seconds.
    pub fn seconds(self) -> i64 {
        const DAY: i64 = 24 * 60 * 60;
        match self {
            Range::Day => DAY,
            Range::Week => 7 * DAY,
            Range::Month => 30 * DAY,
            Range::Year => 365 * DAY,
        }
    }
}

/// Disk use over the span, and the chart of it the CLI writes too.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
pub struct DfHistoryView {
    pub history: drydock_history::DfHistory,
    /// The plotters SVG; the UI shows it through `<img>`, never as markup.
    pub svg: String,
}
