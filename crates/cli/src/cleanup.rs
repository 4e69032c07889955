//! `drydock prune`, `gc`, `restore`, `journal` and `keep`: plan, show, confirm, run, report.
//! The work is `drydock-cleanup`'s; this module asks and prints.

use crate::args::{
    Confirm, Format, GcArgs, ImagesArg, JournalArgs, KeepArgs, PruneArgs, RestoreArgs,
};
use crate::commands::Outcome;
use crate::output::inert;
use crate::output::table::short_id;
use drydock_cleanup::{
    execute, prepare, prepare_gc, saved_keep, set_saved_keep, unix_now, ImageChoice, Options,
    Outcome as RunOutcome, Prepared, Progress, QuarantineEntry, QuarantinePolicy, Spec, Step,
};
use drydock_engine::Engine;
use drydock_inventory::human_bytes;
use drydock_inventory::images::rfc3339;
use drydock_prune::Item;
use drydock_store::Store;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;

fn data_dir() -> Result<PathBuf, String> {
    drydock_store::data_dir().ok_or_else(|| {
        "cannot tell where Drydock keeps its data on this system\n  fix: set DRYDOCK_DATA_DIR to a writable directory".to_owned()
    })
}

/// The journal. Without one nothing is removed: every removal must be recorded.
fn open_store() -> Result<(Store, PathBuf), String> {
    let dir = data_dir()?;
    let store = Store::open_in(&dir).map_err(|e| {
        format!(
            "{e}\n  fix: nothing was removed; make {} writable or set DRYDOCK_DATA_DIR",
            dir.display()
        )
    })?;
    Ok((store, dir))
}

/// Settles what an earlier Drydock left unsettled (a lost answer, a killed run), now that the
/// engine answers. Best effort and quiet when there is nothing to settle: no store is created,
/// and a failure here never fails the command that connected.
pub async fn settle_left_over(engine: &Engine) {
    let Some(dir) = drydock_store::data_dir() else {
        return;
    };
    let Ok(Some(store)) = Store::open_existing(&dir) else {
        return;
    };
    let journal = Mutex::new(store);
    if let Ok(settled) = drydock_cleanup::settle(engine, &journal).await {
        if settled.settled_any() {
            eprintln!(
                "note: settled {} removal(s) an earlier cleanup could not confirm ({} removed, {} only untagged, {} not done); `drydock journal` has them",
                settled.removed + settled.untagged + settled.not_done,
                settled.removed,
                settled.untagged,
                settled.not_done
            );
        }
    }
}

/// Whether the journal holds removals whose outcome is not known yet.
pub fn has_unsettled() -> bool {
    drydock_store::data_dir()
        .and_then(|dir| Store::open_existing(&dir).ok().flatten())
        .and_then(|store| store.journal_pending().ok())
        .is_some_and(|pending| !pending.is_empty())
}

fn bytes(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

pub async fn prune(engine: &Engine, args: &PruneArgs) -> Result<Outcome, String> {
    let (store, dir) = open_store()?;
    let mut labels = args.label.clone();
    labels.extend(args.label_not.iter().map(|l| format!("!{l}")));
    let spec = Spec {
        one_click: args.one_click,
        images: args.images.map(|i| match i {
            ImagesArg::Dangling => ImageChoice::Dangling,
            ImagesArg::Unused => ImageChoice::Unused,
        }),
        containers: args.containers,
        volumes: args.volumes.clone(),
        networks: args.networks,
        build_cache: args.build_cache,
        until: args.until.clone(),
        labels,
        keep: args.keep.clone(),
    };
    let keep = saved_keep(&store).map_err(|e| e.to_string())?;
    let request = spec.request(&keep).map_err(|e| e.to_string())?;
    let why = if args.one_click { "one-click" } else { "prune" };
    let prepared = prepare(engine, request, why, unix_now())
        .await
        .map_err(|e| e.to_string())?;
    no_such_volumes(engine, &args.volumes).await?;
    run_prepared(engine, store, &dir, prepared, &args.confirm, None).await
}

/// `--volumes NAME` naming a volume the engine does not have is a mistake to report, not a
/// plan item to skip quietly: nothing is removed, and the exit code is 2.
async fn no_such_volumes(engine: &Engine, names: &[String]) -> Result<(), String> {
    if names.is_empty() {
        return Ok(());
    }
    // The df answer the plan was just made from.
    let usage = engine
        .disk_usage_cached()
        .await
        .map_err(|e| e.to_string())?;
    let missing: Vec<String> = names
        .iter()
        .filter(|name| !usage.volumes.iter().any(|v| &v.name == *name))
        .map(|name| format!("{name:?}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "--volumes: no volume is called {} on this engine\n  fix: nothing was removed; `docker volume ls` lists the volumes (names are matched exactly)",
        missing.join(" or ")
    ))
}

pub async fn gc(engine: &Engine, args: &GcArgs) -> Result<Outcome, String> {
    let (store, dir) = open_store()?;
    let mut keep = saved_keep(&store).map_err(|e| e.to_string())?;
    keep.extend(args.keep.iter().cloned());
    let journal = Mutex::new(store);
    let (prepared, plan) = prepare_gc(engine, &journal, args.max_size, keep, unix_now())
        .await
        .map_err(|e| e.to_string())?;
    let store = journal
        .into_inner()
        .map_err(|_| "the journal is unavailable".to_owned())?;
    let mut note = format!(
        "Docker's images take {} ({} bytes); the limit is {}.",
        bytes(plan.image_bytes),
        plan.image_bytes,
        bytes(plan.max_bytes)
    );
    if !plan.fits {
        note.push_str(" Even after this plan they will not fit: what stays is in use, kept, or a base of those.");
    }
    let gc_json = json!({
        "image_bytes": plan.image_bytes,
        "max_bytes": plan.max_bytes,
        "fits": plan.fits,
    });
    run_prepared(
        engine,
        store,
        &dir,
        prepared,
        &args.confirm,
        Some((note, gc_json)),
    )
    .await
}

/// Shows the plan, asks (unless told), runs it and reports. `extra` is a line and JSON fields
/// the command adds (gc's sizes).
async fn run_prepared(
    engine: &Engine,
    store: Store,
    dir: &std::path::Path,
    prepared: Prepared,
    confirm: &Confirm,
    extra: Option<(String, Value)>,
) -> Result<Outcome, String> {
    let json_out = confirm.format.format == Format::Json;
    let mut plan_text = plan_table(&prepared);
    if let Some((line, _)) = &extra {
        plan_text.push_str(line);
        plan_text.push('\n');
    }
    let mut doc = plan_json(&prepared);
    if let Some((_, fields)) = &extra {
        if let (Some(doc), Some(fields)) = (doc.as_object_mut(), fields.as_object()) {
            doc.extend(fields.clone());
        }
    }
    if confirm.dry_run || prepared.plan.items.is_empty() {
        return Ok(Outcome::ok(if json_out {
            format!("{doc:#}\n")
        } else {
            plan_text
        }));
    }
    let mut shown = String::new();
    if !confirm.yes {
        ask(&plan_text, &prepared)?;
    } else if !json_out {
        shown = plan_text;
    }
    let policy = if confirm.quarantine {
        Some(QuarantinePolicy::load(&store, dir).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let journal = Mutex::new(store);
    let opts = Options {
        quarantine: policy.as_ref(),
        cancel: None,
    };
    let live = std::io::stderr().is_terminal();
    let outcome = execute(engine, &journal, &prepared, &opts, |p| {
        if live {
            show_progress(p);
        }
    })
    .await
    .map_err(|e| e.to_string())?;
    if live {
        eprint!("\r\x1b[2K");
    }
    let stdout = if json_out {
        if let Some(doc) = doc.as_object_mut() {
            doc.extend(result_json(&outcome));
        }
        format!("{doc:#}\n")
    } else {
        shown + &result_text(&outcome)
    };
    Ok(Outcome {
        stdout,
        error: outcome.stopped.as_ref().map(|why| {
            format!(
                "the cleanup stopped before its end: {why}\n  fix: what was removed is listed above and in `drydock journal`; once the engine is back, run the command again"
            )
        }),
        failed: !outcome.skipped.is_empty(),
    })
}

/// Asks on the terminal; with none, refuses (a script must say --yes).
fn ask(plan_text: &str, prepared: &Prepared) -> Result<(), String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err("refusing to remove anything without a confirmation, and there is no terminal to ask on\n  fix: review the plan with --dry-run, then run again with --yes".to_owned());
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "{plan_text}Remove these {} objects, freeing {}? [y/N] ",
        prepared.plan.items.len(),
        bytes(prepared.plan.predicted_reclaim)
    );
    let _ = err.flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err("nothing was removed (not confirmed)".to_owned())
    }
}

fn show_progress(p: &Progress) {
    let what = match p.step {
        Step::Checking => "checking the plan against the engine".to_owned(),
        Step::Measuring => "measuring what was freed".to_owned(),
        step => {
            let verb = match step {
                Step::Saving => "saving",
                Step::Removing => "removing",
                Step::Removed => "removed",
                _ => "skipped",
            };
            let name = p.item.as_ref().map_or(String::new(), |i| inert(&i.name));
            format!("{verb} {name}")
        }
    };
    let line: String = format!("[{}/{}] {what}", p.done, p.total)
        .chars()
        .take(100)
        .collect();
    eprint!("\r\x1b[2K{line}");
}

fn kind_label(item: &Item) -> &'static str {
    match item.kind {
        drydock_prune::Kind::Image => "image",
        drydock_prune::Kind::Container => "container",
        drydock_prune::Kind::Volume => "volume",
        drydock_prune::Kind::Network => "network",
        drydock_prune::Kind::BuildCache => "build cache",
    }
}

fn plan_table(prepared: &Prepared) -> String {
    let plan = &prepared.plan;
    let mut out = String::new();
    if plan.items.is_empty() {
        out.push_str("Nothing to remove: the selection matches nothing that can go.\n");
    } else {
        let name_width = plan
            .items
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
        for item in &plan.items {
            let name: String = inert(&item.name).chars().take(48).collect();
            let _ = writeln!(
                out,
                "{:<11}  {:<name_width$}  {:>9}  {}",
                kind_label(item),
                name,
                bytes(item.bytes),
                inert(&item.reason)
            );
        }
    }
    if !plan.kept.is_empty() {
        let _ = writeln!(out, "\nStaying ({}):", plan.kept.len());
        for (id, why) in &plan.kept {
            let _ = writeln!(out, "  {}  {}", short_id(id), inert(why));
        }
    }
    let _ = writeln!(
        out,
        "\nPlan {}: {} objects, frees {} ({} bytes).",
        prepared.plan_id,
        plan.items.len(),
        bytes(plan.predicted_reclaim),
        plan.predicted_reclaim
    );
    out
}

fn item_json(item: &Item) -> Value {
    json!({
        "kind": item.kind,
        "id": item.id,
        "name": item.name,
        "bytes": item.bytes,
        "reason": item.reason,
    })
}

fn plan_json(prepared: &Prepared) -> Value {
    json!({
        "plan_id": prepared.plan_id,
        "plan": prepared.plan.items.iter().map(item_json).collect::<Vec<_>>(),
        "predicted_reclaim": prepared.plan.predicted_reclaim,
        "kept": prepared.plan.kept.iter().map(|(id, reason)| json!({"id": id, "reason": reason})).collect::<Vec<_>>(),
    })
}

fn result_json(outcome: &RunOutcome) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert(
        "removed".into(),
        outcome.removed.iter().map(item_json).collect(),
    );
    map.insert(
        "skipped".into(),
        outcome
            .skipped
            .iter()
            .map(|s| json!({"kind": s.kind, "id": s.id, "name": s.name, "reason": s.reason}))
            .collect(),
    );
    map.insert("actual_reclaim".into(), json!(outcome.actual_reclaim));
    map.insert("quarantined".into(), json!(outcome.quarantined));
    map.insert("stopped".into(), json!(outcome.stopped));
    map.insert(
        "unsettled".into(),
        outcome.unsettled.iter().map(item_json).collect(),
    );
    map
}

fn result_text(outcome: &RunOutcome) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "Removed {} of {} objects. ",
        outcome.removed.len(),
        outcome.plan.len()
    );
    match outcome.actual_reclaim {
        Some(actual) => {
            let _ = writeln!(
                out,
                "Freed {} ({actual} bytes, measured); predicted {} ({} bytes).",
                bytes(actual),
                bytes(outcome.predicted_reclaim),
                outcome.predicted_reclaim
            );
        }
        None => {
            let _ = writeln!(
                out,
                "What was freed could not be measured (the engine did not answer)."
            );
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
            let _ = writeln!(out, "  {}  {}", kind_label(item), inert(&item.name));
        }
    }
    out
}

pub fn quarantine_list(args: &RestoreArgs) -> Result<Outcome, String> {
    let (store, dir) = open_store()?;
    let policy = QuarantinePolicy::load(&store, &dir).map_err(|e| e.to_string())?;
    let journal = Mutex::new(store);
    let entries =
        QuarantineEntry::list(&journal, &policy, unix_now()).map_err(|e| e.to_string())?;
    if args.format.format == Format::Json {
        let doc = json!({
            "quarantine": entries,
            "max_bytes": policy.max_bytes,
            "max_days": policy.max_days,
            "dir": policy.dir.display().to_string(),
        });
        return Ok(Outcome::ok(format!("{doc:#}\n")));
    }
    let mut out = String::new();
    if entries.is_empty() {
        out.push_str("Quarantine is empty. `drydock prune --quarantine` saves images there before removing them.\n");
    } else {
        let _ = writeln!(
            out,
            "{:<12}  {:>9}  {:<10}  {:<10}  TAGS",
            "IMAGE ID", "ARCHIVE", "SAVED", "EXPIRES"
        );
        for e in &entries {
            let day = |t: i64| rfc3339(t).chars().take(10).collect::<String>();
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
        bytes(policy.max_bytes),
        policy.max_days,
        policy.dir.display()
    );
    Ok(Outcome::ok(out))
}

pub async fn restore(engine: &Engine, image: &str, args: &RestoreArgs) -> Result<Outcome, String> {
    let (store, _) = open_store()?;
    let journal = Mutex::new(store);
    let restored = drydock_cleanup::restore(engine, &journal, image)
        .await
        .map_err(|e| e.to_string())?;
    if args.format.format == Format::Json {
        return Ok(Outcome::ok(format!("{:#}\n", json!(restored))));
    }
    let mut out = format!("Restored {}", inert(&restored.image_id));
    if restored.tags.is_empty() {
        out.push_str(" (untagged, as it was).\n");
    } else {
        let _ = writeln!(out, " as {}.", inert(&restored.tags.join(", ")));
    }
    for (reference, why) in &restored.not_restored {
        let _ = writeln!(out, "  not restored: {}: {}", inert(reference), inert(why));
    }
    Ok(Outcome::ok(out))
}

pub fn journal(args: &JournalArgs) -> Result<Outcome, String> {
    let (store, _) = open_store()?;
    let runs = store.runs(args.limit).map_err(|e| e.to_string())?;
    let total = store.total_freed().map_err(|e| e.to_string())?;
    if args.format.format == Format::Json {
        let entries: Vec<_> = runs
            .iter()
            .map(|r| {
                let removed = store.journal(Some(&r.plan_id), 10_000).unwrap_or_default();
                json!({"run": r, "removed": removed})
            })
            .collect();
        let doc = json!({"runs": entries, "total_freed": total});
        return Ok(Outcome::ok(format!("{doc:#}\n")));
    }
    let mut out = String::new();
    if runs.is_empty() {
        out.push_str("No cleanups yet.\n");
    } else {
        let _ = writeln!(
            out,
            "{:<16}  {:<9}  {:>7}  {:>7}  {:>9}  {:>9}  NOTE",
            "WHEN", "WHY", "REMOVED", "SKIPPED", "PREDICTED", "FREED"
        );
        for r in &runs {
            let when: String = rfc3339(r.started)
                .replace('T', " ")
                .chars()
                .take(16)
                .collect();
            let _ = writeln!(
                out,
                "{:<16}  {:<9}  {:>7}  {:>7}  {:>9}  {:>9}  {}",
                when,
                r.why,
                r.removed,
                r.skipped,
                bytes(r.predicted),
                r.actual.map_or_else(|| "-".to_owned(), bytes),
                r.stopped.as_deref().map(inert).unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "Freed in all: {} ({total} bytes).", bytes(total));
    let unsettled = store.journal_pending().map_err(|e| e.to_string())?;
    if !unsettled.is_empty() {
        let _ = writeln!(
            out,
            "Unsettled ({}): removals asked for whose outcome is not known yet (the engine's answer never came, or Drydock stopped). Any command that reaches the engine settles them.",
            unsettled.len()
        );
        for (_, e) in &unsettled {
            let _ = writeln!(out, "  {}  {}", e.kind, inert(&e.name));
        }
    }
    Ok(Outcome::ok(out))
}

pub fn keep(args: &KeepArgs) -> Result<Outcome, String> {
    let (store, _) = open_store()?;
    let mut list = saved_keep(&store).map_err(|e| e.to_string())?;
    if !args.add.is_empty() || !args.remove.is_empty() {
        list.extend(args.add.iter().cloned());
        list.retain(|k| !args.remove.contains(k));
        set_saved_keep(&store, &list).map_err(|e| e.to_string())?;
        list = saved_keep(&store).map_err(|e| e.to_string())?;
    }
    let mut out = String::new();
    if list.is_empty() {
        out.push_str("The keep list is empty. Add globs with `drydock keep --add 'postgres:*'`.\n");
    }
    for k in &list {
        let _ = writeln!(out, "{}", inert(k));
    }
    Ok(Outcome::ok(out))
}
