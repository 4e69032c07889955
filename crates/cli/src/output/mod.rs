//! Output formats, one file each behind [`Render`].

mod escape;
mod json;
pub(crate) mod table;

pub(crate) use escape::{escaped_char, inert, inert_lines};

use crate::args::Format;
use drydock_cleanup::{JournalReport, PlanReport, QuarantineReport, Restored, RunReport};
use drydock_engine::{Discovery, EngineError, EngineStatus};
use drydock_inventory::{DfReport, HistoryRow, ImageRow};
use drydock_layers::LayerReport;
use drydock_store::Entry;
use serde::Serialize;

/// Renders each report as text for stdout.
pub trait Render {
    fn images(&self, rows: &[ImageRow]) -> String;
    fn df(&self, report: &DfReport) -> String;
    fn history(&self, rows: &[HistoryRow]) -> String;
    fn engines(&self, rows: &[EngineRow]) -> String;
    fn layers(&self, report: &LayerReport) -> String;
    fn plan(&self, report: &PlanReport) -> String;
    /// `plan_shown`: the plan is already on the terminal (the user confirmed it there).
    fn run(&self, report: &RunReport, plan_shown: bool) -> String;
    fn quarantine(&self, report: &QuarantineReport) -> String;
    fn restored(&self, restored: &Restored) -> String;
    /// `unsettled`: every journaled removal whose outcome is not known yet.
    fn journal(&self, report: &JournalReport, unsettled: &[Entry]) -> String;
    fn keep(&self, list: &[String]) -> String;
}

pub fn pick(format: Format) -> Box<dyn Render> {
    match format {
        Format::Table => Box::new(table::Table),
        Format::Json => Box::new(json::Json),
    }
}

/// One line of `drydock engines`.
#[derive(Debug, Clone, Serialize)]
pub struct EngineRow {
    pub source: String,
    pub endpoint: String,
    pub present: bool,
    pub chosen: bool,
    /// For the chosen engine: its version, or why it cannot be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub fn engine_rows(
    found: &Discovery,
    answer: Option<&Result<EngineStatus, EngineError>>,
) -> Vec<EngineRow> {
    found
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let chosen = found.chosen == Some(i);
            let (version, api_version, error) = match (chosen, answer) {
                (true, Some(Ok(v))) => (Some(v.version.clone()), Some(v.api_version.clone()), None),
                (true, Some(Err(e))) => {
                    (None, None, e.to_string().lines().next().map(str::to_owned))
                }
                _ => (None, None, None),
            };
            EngineRow {
                source: c.source.to_string(),
                endpoint: c.endpoint.to_string(),
                present: c.present,
                chosen,
                version,
                api_version,
                error,
            }
        })
        .collect()
}
