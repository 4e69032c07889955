//! The cleanup commands' tables: the plan before it runs, what the run did, the journal, the
//! quarantine.

use super::short_id;
use crate::output::inert;
use drydock_cleanup::{JournalReport, PlanReport, QuarantineReport, Restored, RunReport};
use drydock_inventory::human_bytes;
use drydock_inventory::images::rfc3339;
use drydock_prune::{Item, Kind};
use drydock_store::Entry;
use std::fmt::Write as _;

fn bytes(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Image => "image",
        Kind::Container => "container",
        Kind::Volume => "volume",
        Kind::Network => "network",
        Kind::BuildCache => "build cache",
    }
}

pub(super) fn plan(report: &PlanReport) -> String {
    let mut out = String::new();
    if report.items.is_empty() {
        out.push_str("Nothing to remove: the selection matches nothing that can go.\n");
    } else {
        items(&mut out, &report.items);
    }
    if !report.kept.is_empty() {
        let _ = writeln!(out, "\nStaying ({}):", report.kept.len());
        for kept in &report.kept {
            let _ = writeln!(out, "  {}  {}", short_id(&kept.id), inert(&kept.reason));
        }
    }
    let _ = writeln!(
        out,
        "\nPlan {}: {} objects, frees {} ({} bytes).",
        report.plan_id,
        report.items.len(),
        bytes(report.predicted_reclaim),
        report.predicted_reclaim
    );
    if let Some(gc) = &report.gc {
        let _ = write!(
            out,
            "Docker's images take {} ({} bytes); the limit is {}.",
            bytes(gc.image_bytes),
            gc.image_bytes,
            bytes(gc.max_bytes)
        );
        if !gc.fits {
            out.push_str(" Even after this plan they will not fit: what stays is in use, kept, or a base of those.");
        }
        out.push('\n');
    }
    out
}

fn items(out: &mut String, items: &[Item]) {
    let name_width = items
        .iter()
        .map(|i| inert(&i.name).chars().count().min(48))
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<11}  {:<name_width$}  {:>9}  WHY",
        "KIND", "NAME", "FREES"
    );
    for item in items {
        let name: String = inert(&item.name).chars().take(48).collect();
        let _ = writeln!(
            out,
            "{:<11}  {:<name_width$}  {:>9}  {}",
            kind_label(item.kind),
            name,
            bytes(item.bytes),
            inert(&item.reason)
        );
    }
}

pub(super) fn run(report: &RunReport, plan_shown: bool) -> String {
    let outcome = &report.outcome;
    let mut out = if plan_shown {
        String::new()
    } else {
        plan(&report.plan)
    };
    let _ = write!(
        out,
        "Removed {} of {} objects. ",
        outcome.removed.len(),
        report.plan.items.len()
    );
    let predicted = report.plan.predicted_reclaim;
    match outcome.actual_reclaim {
        Some(actual) => {
            let _ = writeln!(
                out,
                "Freed {} ({actual} bytes, measured); predicted {} ({predicted} bytes).",
                bytes(actual),
                bytes(predicted),
            );
        }
        None => {
            out.push_str("What was freed could not be measured (the engine did not answer).\n");
        }
    }
    if !outcome.quarantined.is_empty() {
        let _ = writeln!(
            out,
            "Quarantined {} image(s): `drydock restore` lists them.",
            outcome.quarantined.len()
        );
    }
    if !outcome.skipped.is_empty() {
        let _ = writeln!(out, "Skipped ({}):", outcome.skipped.len());
        for s in &outcome.skipped {
            let _ = writeln!(out, "  {}  {}", inert(&s.name), inert(&s.reason));
        }
    }
    if !outcome.unsettled.is_empty() {
        let _ = writeln!(
            out,
            "Not known ({}): asked for, but the engine's answer never came. Journaled as unsettled; Drydock settles them against the engine the next time it reaches it.",
            outcome.unsettled.len()
        );
        for item in &outcome.unsettled {
            let _ = writeln!(out, "  {}  {}", kind_label(item.kind), inert(&item.name));
        }
    }
    out
}

pub(super) fn quarantine(report: &QuarantineReport) -> String {
    let mut out = String::new();
    if report.entries.is_empty() {
        out.push_str("Quarantine is empty. `drydock prune --quarantine` saves images there before removing them.\n");
    } else {
        let _ = writeln!(
            out,
            "{:<12}  {:>9}  {:<10}  {:<10}  TAGS",
            "IMAGE ID", "ARCHIVE", "SAVED", "EXPIRES"
        );
        let day = |t: i64| rfc3339(t).chars().take(10).collect::<String>();
        for e in &report.entries {
            let _ = writeln!(
                out,
                "{:<12}  {:>9}  {:<10}  {:<10}  {}",
                short_id(&e.image_id),
                bytes(e.file_bytes),
                day(e.saved_at),
                day(e.expires_at),
                inert(&e.tags.join(", "))
            );
        }
    }
    let _ = writeln!(
        out,
        "Limits: {} in all, {} days ({}).",
        bytes(report.max_bytes),
        report.max_days,
        inert(&report.dir)
    );
    out
}

pub(super) fn restored(restored: &Restored) -> String {
    let mut out = format!("Restored {}", inert(&restored.image_id));
    if restored.tags.is_empty() {
        out.push_str(" (untagged, as it was).\n");
    } else {
        let _ = writeln!(out, " as {}.", inert(&restored.tags.join(", ")));
    }
    for (reference, why) in &restored.not_restored {
        let _ = writeln!(out, "  not restored: {}: {}", inert(reference), inert(why));
    }
    out
}

pub(super) fn journal(report: &JournalReport, unsettled: &[Entry]) -> String {
    let mut out = String::new();
    if report.runs.is_empty() {
        out.push_str("No cleanups yet.\n");
    } else {
        let _ = writeln!(
            out,
            "{:<16}  {:<9}  {:>7}  {:>7}  {:>9}  {:>9}  NOTE",
            "WHEN", "WHY", "REMOVED", "SKIPPED", "PREDICTED", "FREED"
        );
        for r in &report.runs {
            let when: String = rfc3339(r.started)
                .replace('T', " ")
                .chars()
                .take(16)
                .collect();
            let _ = writeln!(
                out,
                "{:<16}  {:<9}  {:>7}  {:>7}  {:>9}  {:>9}  {}",
                when,
                inert(&r.why),
                r.removed,
                r.skipped,
                bytes(r.predicted),
                r.actual.map_or_else(|| "-".to_owned(), bytes),
                r.stopped.as_deref().map(inert).unwrap_or_default()
            );
        }
    }
    let total = report.total_freed;
    let _ = writeln!(out, "Freed in all: {} ({total} bytes).", bytes(total));
    if !unsettled.is_empty() {
        let _ = writeln!(
            out,
            "Unsettled ({}): removals asked for whose outcome is not known yet (the engine's answer never came, or Drydock stopped). Any command that reaches the engine settles them.",
            unsettled.len()
        );
        for e in unsettled {
            let _ = writeln!(out, "  {}  {}", inert(&e.kind), inert(&e.name));
        }
    }
    out
}

pub(super) fn keep(list: &[String]) -> String {
    if list.is_empty() {
        return "The keep list is empty. Add globs with `drydock keep --add 'postgres:*'`.\n"
            .to_owned();
    }
    list.iter().map(|k| format!("{}\n", inert(k))).collect()
}
