//! `--format json`: stable keys, documented in docs/cli.md. Text is escaped by serde.

use super::{EngineRow, Render};
use drydock_cleanup::{JournalReport, PlanReport, QuarantineReport, Restored, RunReport};
use drydock_inventory::{DfReport, HistoryRow, ImageRow};
use drydock_layers::LayerReport;
use drydock_store::Entry;
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

    fn plan(&self, report: &PlanReport) -> String {
        to_json(report)
    }

    fn run(&self, report: &RunReport, _plan_shown: bool) -> String {
        to_json(report)
    }

    fn quarantine(&self, report: &QuarantineReport) -> String {
        to_json(report)
    }

    fn restored(&self, restored: &Restored) -> String {
        to_json(restored)
    }

    fn journal(&self, report: &JournalReport, _unsettled: &[Entry]) -> String {
        // Each entry carries its status: the unsettled ones are among them.
        to_json(report)
    }

    fn keep(&self, list: &[String]) -> String {
        to_json(list)
    }
}
