//! `drydock prune`, `gc`, `restore`, `journal` and `keep`: plan, show, confirm, run, report.
//! The work is `drydock-cleanup`'s; this module asks and prints.

use crate::args::{
    Confirm, Format, GcArgs, ImagesArg, JournalArgs, KeepArgs, PruneArgs, RestoreArgs,
};
use crate::commands::Outcome;
use crate::confirm::confirm;
use crate::error::CliError;
use crate::output::{self, inert};
use drydock_cleanup::{
    execute, plan_spec, prepare_gc, saved_keep, set_saved_keep, unix_now, ImageChoice,
    JournalReport, Options, PlanReport, Prepared, Progress, QuarantinePolicy, QuarantineReport,
    RunReport, Spec, Step,
};
use drydock_engine::Engine;
use drydock_inventory::human_bytes;
use drydock_store::{Entry, Store};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

fn data_dir() -> Result<PathBuf, CliError> {
    drydock_store::data_dir().ok_or_else(|| {
        CliError::new("cannot tell where Drydock keeps its data on this system")
            .fix("set DRYDOCK_DATA_DIR to a writable directory")
    })
}

/// The journal. Without one nothing is removed: every removal must be recorded.
fn open_store() -> Result<(Store, PathBuf), CliError> {
    let dir = data_dir()?;
    let store = Store::open_in(&dir).map_err(|e| {
        CliError::from_error(e).fix(format!(
            "nothing was removed; make {} writable or set DRYDOCK_DATA_DIR",
            dir.display()
        ))
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

pub async fn prune(engine: &Engine, args: &PruneArgs) -> Result<Outcome, CliError> {
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
    let journal = Mutex::new(store);
    let prepared = plan_spec(engine, &journal, &spec, unix_now())
        .await
        .map_err(CliError::from_error)?;
    let report = PlanReport::of(&prepared, None);
    run_prepared(engine, journal, &dir, prepared, report, &args.confirm).await
}

pub async fn gc(engine: &Engine, args: &GcArgs) -> Result<Outcome, CliError> {
    let (store, dir) = open_store()?;
    let mut keep = saved_keep(&store).map_err(CliError::from_error)?;
    keep.extend(args.keep.iter().cloned());
    let journal = Mutex::new(store);
    let (prepared, plan) = prepare_gc(engine, &journal, args.max_size, keep, unix_now())
        .await
        .map_err(CliError::from_error)?;
    let report = PlanReport::of(&prepared, Some(&plan));
    run_prepared(engine, journal, &dir, prepared, report, &args.confirm).await
}

/// Shows the plan, asks (unless told), runs it and reports.
async fn run_prepared(
    engine: &Engine,
    journal: Mutex<Store>,
    dir: &std::path::Path,
    prepared: Prepared,
    plan: PlanReport,
    confirm: &Confirm,
) -> Result<Outcome, CliError> {
    let out = output::pick(confirm.format.format);
    if confirm.dry_run || plan.items.is_empty() {
        return Ok(Outcome::ok(out.plan(&plan)));
    }
    let asked = !confirm.yes;
    if asked {
        ask(&output::pick(Format::Table).plan(&plan), &plan)?;
    }
    let policy = if confirm.quarantine {
        let store = journal
            .lock()
            .map_err(|_| CliError::new("the journal is unavailable"))?;
        Some(QuarantinePolicy::load(&store, dir).map_err(CliError::from_error)?)
    } else {
        None
    };
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
    .map_err(CliError::from_error)?;
    if live {
        eprint!("\r\x1b[2K");
    }
    let error = outcome.stopped.as_ref().map(|why| {
        CliError::new(format!("the cleanup stopped before its end: {why}")).fix(
            "what was removed is listed above and in `drydock journal`; once the engine is back, run the command again",
        )
    });
    let failed = !outcome.skipped.is_empty();
    let report = RunReport { plan, outcome };
    Ok(Outcome {
        stdout: out.run(&report, asked),
        error,
        failed,
    })
}

/// Asks on the terminal; with none, refuses (a script must say --yes).
fn ask(plan_text: &str, plan: &PlanReport) -> Result<(), CliError> {
    confirm(
        &format!(
            "{plan_text}Remove these {} objects, freeing {}?",
            plan.items.len(),
            human_bytes(i64::try_from(plan.predicted_reclaim).unwrap_or(i64::MAX))
        ),
        "remove anything",
        "nothing was removed",
    )
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

pub fn quarantine_list(args: &RestoreArgs) -> Result<Outcome, CliError> {
    let (store, dir) = open_store()?;
    let report = QuarantineReport::read(&Mutex::new(store), &dir, unix_now())
        .map_err(CliError::from_error)?;
    Ok(Outcome::ok(
        output::pick(args.format.format).quarantine(&report),
    ))
}

pub async fn restore(
    engine: &Engine,
    image: &str,
    args: &RestoreArgs,
) -> Result<Outcome, CliError> {
    let (store, _) = open_store()?;
    let journal = Mutex::new(store);
    let restored = drydock_cleanup::restore(engine, &journal, image)
        .await
        .map_err(CliError::from_error)?;
    Ok(Outcome::ok(
        output::pick(args.format.format).restored(&restored),
    ))
}

/// Removals listed per run in the journal: enough for any one run's.
const JOURNAL_ENTRIES: usize = 10_000;

pub fn journal(args: &JournalArgs) -> Result<Outcome, CliError> {
    let (store, _) = open_store()?;
    let report =
        JournalReport::read(&store, args.limit, JOURNAL_ENTRIES).map_err(CliError::from_error)?;
    let unsettled: Vec<Entry> = store
        .journal_pending()
        .map_err(CliError::from_error)?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    Ok(Outcome::ok(
        output::pick(args.format.format).journal(&report, &unsettled),
    ))
}

pub fn keep(args: &KeepArgs) -> Result<Outcome, CliError> {
    let (store, _) = open_store()?;
    let mut list = saved_keep(&store).map_err(CliError::from_error)?;
    if !args.add.is_empty() || !args.remove.is_empty() {
        list.extend(args.add.iter().cloned());
        list.retain(|k| !args.remove.contains(k));
        set_saved_keep(&store, &list).map_err(CliError::from_error)?;
        list = saved_keep(&store).map_err(CliError::from_error)?;
    }
    Ok(Outcome::ok(output::pick(args.format.format).keep(&list)))
}
