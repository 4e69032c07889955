//! Cleanup against a throwaway dockerd: exact bytes, protection, rechecks, an engine that goes
//! away mid-run, quarantine round trips and least-recently-used clean-up.

use drydock_cleanup::{
    execute, last_scheduled, prepare, prepare_gc, restore, run_scheduled, set_saved_keep,
    ImageChoice, Options, Outcome, Prepared, QuarantinePolicy, Schedule, Spec, Step,
};
use drydock_engine::Engine;
use drydock_prune::Kind;
use drydock_store::Store;
use drydock_testkit::fixtures::{Builder, InventoryHost, BASE};
use drydock_testkit::{runtime, Dockerd};
use std::collections::BTreeSet;
use std::sync::Mutex;

fn now() -> i64 {
    drydock_cleanup::unix_now()
}

fn plan(rt: &tokio::runtime::Runtime, eng: &Engine, spec: &Spec) -> Prepared {
    let request = spec.request(&[]).expect("valid spec");
    rt.block_on(prepare(eng, request, "prune", now()))
        .expect("plans")
}

fn run(
    rt: &tokio::runtime::Runtime,
    eng: &Engine,
    journal: &Mutex<Store>,
    p: &Prepared,
) -> Outcome {
    rt.block_on(execute(eng, journal, p, &Options::default(), |_| {}))
        .expect("runs")
}

/// Whether the engine still has the object (by id, or by name for volumes).
fn present(engine: &Dockerd, kind: Kind, id: &str) -> bool {
    let args: &[&str] = match kind {
        Kind::Image => &["image", "inspect", id],
        Kind::Container => &["container", "inspect", id],
        Kind::Volume => &["volume", "inspect", id],
        Kind::Network => &["network", "inspect", id],
        Kind::BuildCache => {
            let listed = engine.docker(&["system", "df", "-v", "--format", "{{json .BuildCache}}"]);
            return listed.contains(&id.chars().take(12).collect::<String>());
        }
    };
    engine.try_docker(args).status.success()
}

fn ids(items: &[drydock_prune::Item], kind: Kind) -> BTreeSet<String> {
    items
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.id.clone())
        .collect()
}

/// A throwaway engine with the inventory fixture, connected, and an empty journal.
struct Host {
    engine: Dockerd,
    host: InventoryHost,
    rt: tokio::runtime::Runtime,
    eng: Engine,
    journal: Mutex<Store>,
}

impl Host {
    fn new() -> Host {
        let engine = Dockerd::start();
        let host = InventoryHost::create(&engine);
        let rt = runtime();
        let eng = rt
            .block_on(Engine::open_host(&engine.host()))
            .expect("connects");
        let journal = Mutex::new(Store::in_memory().expect("store"));
        Host {
            engine,
            host,
            rt,
            eng,
            journal,
        }
    }
}

fn everything() -> Spec {
    Spec {
        images: Some(ImageChoice::Unused),
        containers: true,
        volumes: vec!["fixture-unused-data".into(), "fixture-used-data".into()],
        networks: true,
        build_cache: true,
        ..Spec::default()
    }
}

#[test]
fn predicted_equals_freed_to_the_byte_and_the_journal_holds_every_removal() {
    let Host {
        engine,
        host,
        rt,
        eng,
        journal,
    } = Host::new();
    // Two tags: removing it must never need force.
    engine.docker(&[
        "tag",
        "drydock-fixture/leaf-unused:1",
        "drydock-fixture/leaf-unused:also",
    ]);
    engine.docker(&["network", "create", "--internal", "fixture-net"]);

    let prepared = plan(&rt, &eng, &everything());
    let p = &prepared.plan;
    assert!(p.predicted_reclaim > 0);
    let images = ids(&p.items, Kind::Image);
    for gone in [
        &host.leaf_unused,
        &host.alone,
        &host.dangling,
        &host.leaf_used,
        &host.mid,
    ] {
        assert!(images.contains(gone.as_str()), "{gone} planned: {p:#?}");
    }
    // The running container uses the base: it stays, and so does its volume.
    assert!(!images.contains(host.base.as_str()));
    assert!(ids(&p.items, Kind::Volume) == BTreeSet::from(["fixture-unused-data".to_owned()]));
    assert!(p
        .kept
        .iter()
        .any(|(id, why)| id == "fixture-used-data" && why.contains("mounted")));
    assert_eq!(
        ids(&p.items, Kind::Container),
        BTreeSet::from([host.exited_container.clone()])
    );
    assert_eq!(ids(&p.items, Kind::Network).len(), 1);
    assert!(!ids(&p.items, Kind::BuildCache).is_empty());

    let mut steps = Vec::new();
    let outcome = rt
        .block_on(execute(
            &eng,
            &journal,
            &prepared,
            &Options::default(),
            |s| steps.push(s.step),
        ))
        .expect("runs");
    assert_eq!(outcome.skipped, vec![], "nothing skipped");
    assert_eq!(outcome.stopped, None);
    // Removal order is the plan's, except that build-cache records others
    // build on go on a later pass: compare what went, not when.
    let by_id = |items: &[drydock_prune::Item]| {
        let mut items = items.to_vec();
        items.sort_by(|a, b| a.id.cmp(&b.id));
        items
    };
    assert_eq!(by_id(&outcome.removed), by_id(&p.items));
    assert_eq!(
        outcome.actual_reclaim,
        Some(p.predicted_reclaim),
        "predicted vs measured"
    );
    assert_eq!(steps.first(), Some(&Step::Checking));
    assert_eq!(steps.last(), Some(&Step::Measuring));
    for item in &p.items {
        assert!(
            !present(&engine, item.kind, &item.id),
            "{item:?} still there"
        );
    }
    assert!(present(&engine, Kind::Image, &host.base));
    assert!(present(&engine, Kind::Container, &host.running_container));
    assert!(present(&engine, Kind::Volume, "fixture-used-data"));

    let store = journal.lock().expect("journal");
    let entries = store
        .journal(Some(&prepared.plan_id), 1000)
        .expect("entries");
    assert_eq!(entries.len(), p.items.len());
    let tags = &entries
        .iter()
        .find(|e| e.object_id == host.leaf_unused)
        .expect("journaled")
        .tags;
    assert_eq!(
        tags.iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            &"drydock-fixture/leaf-unused:1".to_owned(),
            &"drydock-fixture/leaf-unused:also".to_owned()
        ])
    );
    let runs = store.runs(5).expect("runs");
    assert_eq!(runs[0].actual, Some(p.predicted_reclaim));
    assert_eq!(runs[0].removed, p.items.len() as u64);
}

#[test]
fn keep_rules_base_images_and_images_in_use_stay() {
    let Host {
        engine,
        host,
        rt,
        eng,
        journal,
    } = Host::new();
    let spec = Spec {
        images: Some(ImageChoice::Unused),
        keep: vec!["drydock-fixture/leaf-unused:*".into()],
        ..Spec::default()
    };
    let prepared = plan(&rt, &eng, &spec);
    let outcome = run(&rt, &eng, &journal, &prepared);
    assert_eq!(
        outcome.actual_reclaim,
        Some(prepared.plan.predicted_reclaim)
    );
    let removed = ids(&outcome.removed, Kind::Image);
    // Kept by rule; mid is leaf-unused's base; leaf-used has a container; base runs one.
    for stays in [&host.leaf_unused, &host.mid, &host.leaf_used, &host.base] {
        assert!(!removed.contains(stays.as_str()));
        assert!(present(&engine, Kind::Image, stays), "{stays} must stay");
    }
    assert!(removed.contains(host.alone.as_str()) && removed.contains(host.dangling.as_str()));
    assert!(
        engine
            .docker(&["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])
            .contains("drydock-fixture/mid:1"),
        "the base keeps its tag"
    );
}

#[test]
fn an_object_that_changed_since_planning_is_skipped_not_forced() {
    let Host {
        engine,
        host,
        rt,
        eng,
        journal,
    } = Host::new();
    let spec = Spec {
        images: Some(ImageChoice::Unused),
        volumes: vec!["fixture-unused-data".into()],
        ..Spec::default()
    };
    let prepared = plan(&rt, &eng, &spec);
    assert!(ids(&prepared.plan.items, Kind::Image).contains(host.alone.as_str()));
    // After the user saw the plan: a new container uses `alone`, and one mounts the volume.
    engine.docker(&[
        "create",
        "--network",
        "none",
        "--name",
        "late",
        "drydock-fixture/alone:1",
    ]);
    engine.docker(&[
        "create",
        "--network",
        "none",
        "--name",
        "late-mount",
        "-v",
        "fixture-unused-data:/d",
        BASE,
    ]);
    let outcome = run(&rt, &eng, &journal, &prepared);
    let skipped = |id: &str| {
        outcome
            .skipped
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.reason.clone())
    };
    let why = skipped(&host.alone).expect("alone skipped");
    assert!(
        why.contains("changed since planning") && why.contains("late"),
        "{why}"
    );
    let why = skipped("fixture-unused-data").expect("volume skipped");
    assert!(why.contains("mounted"), "{why}");
    assert!(present(&engine, Kind::Image, &host.alone));
    assert!(present(&engine, Kind::Volume, "fixture-unused-data"));
    assert!(!outcome.removed.is_empty(), "the rest still ran");
}

#[test]
fn an_engine_restarted_mid_prune_leaves_a_journal_that_matches_it() {
    let Host {
        mut engine,
        rt,
        eng,
        journal,
        ..
    } = Host::new();
    let prepared = plan(&rt, &eng, &everything());
    assert!(prepared.plan.items.len() > 3);

    let mut stopped_once = false;
    let outcome = rt
        .block_on(execute(
            &eng,
            &journal,
            &prepared,
            &Options::default(),
            |s| {
                if s.step == Step::Removed && s.done == 2 && !stopped_once {
                    stopped_once = true;
                    engine.stop_engine();
                }
            },
        ))
        .expect("a run that loses its engine still reports");
    assert!(stopped_once);
    let why = outcome.stopped.clone().expect("the run says it stopped");
    assert!(why.contains("engine"), "{why}");
    assert_eq!(outcome.removed.len(), 2);
    assert_eq!(outcome.actual_reclaim, None, "nothing to measure with");
    assert_eq!(
        outcome.removed.len() + outcome.skipped.len(),
        prepared.plan.items.len(),
        "every item is accounted for"
    );

    engine.start_again();
    let store = journal.lock().expect("journal");
    let journaled: BTreeSet<String> = store
        .journal(Some(&prepared.plan_id), 1000)
        .expect("entries")
        .into_iter()
        .map(|e| e.object_id)
        .collect();
    for item in &prepared.plan.items {
        assert_eq!(
            journaled.contains(&item.id),
            !present(&engine, item.kind, &item.id),
            "journal and engine disagree on {item:?}"
        );
    }
    let last = &store.runs(1).expect("runs")[0];
    assert_eq!(last.removed, 2);
    assert!(last.stopped.is_some());
    drop(store);

    // Planning again on the restarted engine finishes the job.
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let again = plan(&rt, &eng, &everything());
    let outcome = run(&rt, &eng, &journal, &again);
    assert_eq!(outcome.stopped, None);
    assert_eq!(outcome.actual_reclaim, Some(again.plan.predicted_reclaim));
}

#[test]
fn quarantine_round_trip_restores_the_same_id_and_tags() {
    let engine = Dockerd::start();
    engine.base();
    let id = engine.build(
        "fixture/keepsake:1",
        &format!("FROM {BASE}\nRUN head -c 80000 /dev/zero > /k.bin\n"),
        Builder::Classic,
    );
    engine.docker(&["tag", "fixture/keepsake:1", "fixture/keepsake:latest"]);
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let data = tempfile::tempdir().expect("data dir");
    let store = Store::open_in(data.path()).expect("store");
    let policy = QuarantinePolicy::load(&store, data.path()).expect("policy");
    let journal = Mutex::new(store);

    let spec = Spec {
        images: Some(ImageChoice::Unused),
        keep: vec![format!("{BASE}")],
        ..Spec::default()
    };
    let prepared = plan(&rt, &eng, &spec);
    assert_eq!(
        ids(&prepared.plan.items, Kind::Image),
        BTreeSet::from([id.clone()])
    );
    let opts = Options {
        quarantine: Some(&policy),
        cancel: None,
    };
    let outcome = rt
        .block_on(execute(&eng, &journal, &prepared, &opts, |_| {}))
        .expect("runs");
    assert_eq!(outcome.quarantined, vec![id.clone()]);
    assert!(!present(&engine, Kind::Image, &id));
    let listed = drydock_cleanup::QuarantineEntry::list(&journal, &policy, now()).expect("list");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].file_bytes > 80_000);

    let short: String = id.trim_start_matches("sha256:").chars().take(10).collect();
    let restored = rt
        .block_on(restore(&eng, &journal, &short))
        .expect("restores");
    assert_eq!(restored.image_id, id);
    assert_eq!(
        restored.tags.iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            &"fixture/keepsake:1".to_owned(),
            &"fixture/keepsake:latest".to_owned()
        ])
    );
    assert_eq!(
        engine.docker(&[
            "image",
            "inspect",
            "--format",
            "{{.Id}}",
            "fixture/keepsake:latest"
        ]),
        id
    );
    assert!(
        drydock_cleanup::QuarantineEntry::list(&journal, &policy, now())
            .expect("list")
            .is_empty()
    );
    assert!(
        std::fs::read_dir(&policy.dir)
            .expect("dir")
            .next()
            .is_none(),
        "archive deleted"
    );
    let err = rt
        .block_on(restore(&eng, &journal, &short))
        .expect_err("nothing left");
    assert_eq!(err.code(), drydock_engine::ErrorCode::NotFound);
}

#[test]
fn gc_removes_least_recently_used_images_until_images_fit() {
    let engine = Dockerd::start();
    let first = engine.build_in_turn("fixture/first:1", 100_000);
    let second = engine.build_in_turn("fixture/second:1", 100_001);
    let third = engine.build_in_turn("fixture/third:1", 100_002);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // `first` is oldest but was just used (the container is gone: only the event tells).
    engine.docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "fixture/first:1",
        "true",
    ]);
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let journal = Mutex::new(Store::in_memory().expect("store"));
    let total = rt.block_on(eng.disk_usage()).expect("df").layers_size as u64;
    // Room for all but about one image: exactly one must go, and it is `second`.
    let (prepared, gc) = rt
        .block_on(prepare_gc(
            &eng,
            &journal,
            total - 50_000,
            vec![BASE.to_owned()],
            now(),
        ))
        .expect("plans");
    assert!(gc.fits);
    assert_eq!(
        ids(&prepared.plan.items, Kind::Image),
        BTreeSet::from([second.clone()])
    );
    let outcome = run(&rt, &eng, &journal, &prepared);
    assert_eq!(
        outcome.actual_reclaim,
        Some(prepared.plan.predicted_reclaim)
    );
    assert!(present(&engine, Kind::Image, &first) && present(&engine, Kind::Image, &third));
    assert!(!present(&engine, Kind::Image, &second));
}

#[test]
fn a_scheduled_run_brings_images_under_the_limit_and_says_when_the_engine_was_away() {
    let mut engine = Dockerd::start();
    let old = engine.build_in_turn("fixture/old:1", 100_000);
    let mid = engine.build_in_turn("fixture/mid:1", 100_001);
    let new = engine.build_in_turn("fixture/new:1", 100_002);
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let journal = Mutex::new(Store::in_memory().expect("store"));
    // The saved keep list protects the oldest: the least-recently-used one that may go is `mid`.
    set_saved_keep(
        &journal.lock().expect("store"),
        &["fixture/old:*".to_owned()],
    )
    .expect("keep");
    let total = rt.block_on(eng.disk_usage()).expect("df").layers_size as u64;
    let schedule = Schedule {
        enabled: true,
        max_bytes: total - 50_000,
        every_hours: 24,
        quarantine: false,
    };
    let at = now();
    let first = rt
        .block_on(run_scheduled(
            &eng,
            &journal,
            &schedule,
            &Options::default(),
            None,
            at,
        ))
        .expect("runs");
    assert_eq!((first.removed, first.skipped, &first.error), (1, 0, &None));
    assert!(first.fits && first.image_bytes == total);
    assert!(first.freed.is_some_and(|b| b >= 100_001), "{first:?}");
    assert!(!present(&engine, Kind::Image, &mid));
    assert!(present(&engine, Kind::Image, &old) && present(&engine, Kind::Image, &new));
    {
        let store = journal.lock().expect("store");
        assert_eq!(last_scheduled(&store).expect("read"), Some(first.clone()));
        let runs = store.runs(10).expect("runs");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].why, "scheduled");
        assert_eq!(Some(&runs[0].plan_id), first.plan_id.as_ref());
    }
    assert!(!schedule.due(Some(&first), at + 3600));
    assert!(schedule.due(Some(&first), at + 24 * 3600));

    // A day later the images fit: nothing is planned, nothing journaled.
    let second = rt
        .block_on(run_scheduled(
            &eng,
            &journal,
            &schedule,
            &Options::default(),
            None,
            at + 24 * 3600,
        ))
        .expect("runs");
    assert_eq!(
        (second.removed, second.plan_id.as_deref(), second.fits),
        (0, None, true)
    );
    assert_eq!(
        journal.lock().expect("store").runs(10).expect("runs").len(),
        1
    );

    // No engine: the run is recorded as not done, and retried well before the next interval.
    engine.stop_engine();
    let away = rt
        .block_on(run_scheduled(
            &eng,
            &journal,
            &schedule,
            &Options::default(),
            None,
            at + 48 * 3600,
        ))
        .expect("recorded");
    assert!(away.error.is_some() && away.plan_id.is_none(), "{away:?}");
    assert!(schedule.next_run(Some(&away)) < Some(at + 49 * 3600));
}

#[test]
fn removals_a_stopped_drydock_never_confirmed_are_settled_against_the_engine() {
    let Host {
        engine,
        host,
        rt,
        eng,
        journal,
    } = Host::new();
    // What a Drydock killed between asking the engine and confirming leaves: intents, one for an
    // image the engine did remove and one for an image it never got to.
    let intent = |id: &str| drydock_store::Entry {
        plan_id: "killed".into(),
        at: 1,
        kind: Kind::Image.name().into(),
        object_id: id.into(),
        name: id.into(),
        tags: vec![],
        bytes: 10,
        reason: "unused image".into(),
        quarantined: false,
        status: drydock_store::Status::Unsettled,
    };
    {
        let store = journal.lock().expect("store");
        store.journal_intent(&intent(&host.dangling)).expect("one");
        store.journal_intent(&intent(&host.alone)).expect("two");
    }
    engine.docker(&["image", "rm", &host.dangling]);

    // The next run settles them before anything else.
    let containers = Spec {
        containers: true,
        ..Spec::default()
    };
    run(&rt, &eng, &journal, &plan(&rt, &eng, &containers));
    let store = journal.lock().expect("store");
    let settled: Vec<String> = store
        .journal(Some("killed"), 10)
        .expect("journal")
        .into_iter()
        .map(|e| e.object_id)
        .collect();
    assert_eq!(
        settled,
        std::slice::from_ref(&host.dangling),
        "only the removal that happened"
    );
    assert!(store.journal_pending().expect("pending").is_empty());
    assert!(present(&engine, Kind::Image, &host.alone));
}

#[test]
fn a_scheduled_run_stopped_by_quitting_removes_nothing_more_and_is_journaled() {
    let engine = Dockerd::start();
    let old = engine.build_in_turn("fixture/old:1", 100_000);
    engine.build_in_turn("fixture/new:1", 100_001);
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let journal = Mutex::new(Store::in_memory().expect("store"));
    let total = rt.block_on(eng.disk_usage()).expect("df").layers_size as u64;
    let schedule = Schedule {
        enabled: true,
        max_bytes: total - 50_000,
        every_hours: 24,
        quarantine: false,
    };
    // The app set the flag when the user quit: the run stops before its next removal.
    let quitting = std::sync::atomic::AtomicBool::new(true);
    let opts = Options {
        quarantine: None,
        cancel: Some(&quitting),
    };
    let run = rt
        .block_on(run_scheduled(&eng, &journal, &schedule, &opts, None, now()))
        .expect("runs");
    assert_eq!(run.removed, 0, "{run:?}");
    assert!(present(&engine, Kind::Image, &old), "nothing was removed");
    let runs = journal.lock().expect("store").runs(10).expect("runs");
    assert_eq!(runs.len(), 1, "the run is journaled");
    assert_eq!(runs[0].stopped.as_deref(), Some("cancelled"));
}
