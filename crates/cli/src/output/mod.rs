//! Output formats, one file each behind [`Render`].

mod escape;
mod json;
pub(crate) mod table;

pub(crate) use escape::{escaped_char, inert, inert_lines};

use crate::args::Format;
use drydock_engine::{Discovery, EngineError, EngineStatus};
use drydock_inventory::{DfReport, HistoryRow, ImageRow};
use drydock_layers::LayerReport;
use serde::Serialize;

/// Renders each report as text for stdout.
pub trait Render {
    fn images(&self, rows: &[ImageRow]) -> String;
    fn df(&self, report: &DfReport) -> String;
    fn history(&self, rows: &[HistoryRow]) -> String;
    fn engines(&self, rows: &[EngineRow]) -> String;
    fn layers(&self, report: &LayerReport) -> String;
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
