//! `--format json`: stable keys, documented in docs/cli.md. Text is escaped by serde.

use super::{EngineRow, Render};
use drydock_inventory::{DfReport, HistoryRow, ImageRow};
use drydock_layers::LayerReport;
use serde::Serialize;

pub struct Json;

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // These types hold only strings, numbers and bools: serialising cannot fail.
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

impl Render for Json {
    fn images(&self, rows: &[ImageRow]) -> String {
        to_json(rows)
    }

    fn df(&self, report: &DfReport) -> String {
        to_json(report)
    }

    fn history(&self, rows: &[HistoryRow]) -> String {
        to_json(rows)
    }

    fn engines(&self, rows: &[EngineRow]) -> String {
        to_json(rows)
    }

    fn layers(&self, report: &LayerReport) -> String {
        to_json(report)
    }
}
