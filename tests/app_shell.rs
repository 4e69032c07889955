//! The desktop shell's commands against a throwaway engine (no window needed).

use drydock_app::{commands_for_tests as commands, AppState};
use drydock_engine::{ErrorCode, HostEnv, Selection};
use drydock_testkit::fixtures::{Builder, InventoryHost, BASE};
use drydock_testkit::{runtime, Dockerd};

fn state_for(host: String) -> AppState {
    AppState::new(
        Selection {
            host: Some(host),
            context: None,
        },
        HostEnv::default(),
    )
}

#[test]
fn engine_status_names_the_engine_and_errors_carry_a_code() {
    let engine = Dockerd::start();
    let state = state_for(engine.host());
    let status = runtime()
        .block_on(commands::engine_status_for(&state))
        .expect("status");
    assert_eq!(status.api_version, "1.41");
    assert_eq!(status.endpoint, engine.host());

    let nowhere = state_for("unix:///nonexistent/d.sock".into());
    let err = runtime()
        .block_on(commands::engine_status_for(&nowhere))
        .expect_err("no engine");
    assert_eq!(err.code, ErrorCode::EngineUnavailable);
    assert!(
        err.message.contains("/nonexistent/d.sock") && err.message.contains("fix:"),
        "{}",
        err.message
    );
}

#[test]
fn every_view_reads_the_engine() {
    let engine = Dockerd::start();
    let host = InventoryHost::create(&engine);
    let state = state_for(engine.host());
    let rt = runtime();

    let overview = rt
        .block_on(commands::overview_for(&state))
        .expect("overview");
    assert_eq!(overview.image_count, 8);
    assert_eq!(overview.report.containers.reclaimable, 70_000);
    assert!(
        overview.reclaimable_chart.starts_with("<svg")
            && overview.reclaimable_chart.contains("Build cache")
    );
    assert!(overview
        .top_images_chart
        .contains("drydock-fixture/leaf-unused:1"));
    let r = &overview.report;
    assert_eq!(
        overview.docker_bytes,
        r.images.size + r.containers.size + r.volumes.size + r.build_cache.size
    );

    let images = rt.block_on(commands::images_for(&state)).expect("images");
    assert_eq!(images.len(), 8);
    let detail = rt
        .block_on(commands::image_detail_for(&state, host.leaf_used.clone()))
        .expect("detail");
    assert_eq!(
        detail.containers.len(),
        1,
        "the exited container uses leaf-used"
    );
    assert_eq!(detail.containers[0].name, "fixture-exited");
    assert!(
        detail.history.iter().any(|h| h.empty_layer),
        "ENV STAGE=mid is metadata only"
    );
    assert_eq!(
        detail.layers.iter().map(|l| l.size).sum::<i64>(),
        images
            .iter()
            .find(|i| i.id == host.leaf_used)
            .expect("row")
            .size
    );

    let containers = rt
        .block_on(commands::containers_for(&state))
        .expect("containers");
    assert_eq!(containers.iter().filter(|c| c.active).count(), 1);
    let volumes = rt.block_on(commands::volumes_for(&state)).expect("volumes");
    assert_eq!(
        volumes
            .iter()
            .map(|v| (v.name.as_str(), v.in_use))
            .collect::<Vec<_>>(),
        [("fixture-unused-data", false), ("fixture-used-data", true)]
    );
    let cache = rt
        .block_on(commands::build_cache_for(&state))
        .expect("build cache");
    assert!(!cache.is_empty(), "the BuildKit fixture left cache records");
}

#[test]
fn switching_engines_moves_every_view() {
    let first = Dockerd::start();
    let second = Dockerd::start();
    second.base();
    second.build(
        "drydock-fixture/only-here:1",
        &format!("FROM {BASE}\nRUN head -c 1000 /dev/zero > /f\n"),
        Builder::Classic,
    );
    let state = state_for(first.host());
    let rt = runtime();
    assert!(rt
        .block_on(commands::images_for(&state))
        .expect("images")
        .is_empty());
    let choices = rt.block_on(commands::engines_for(&state)).expect("engines");
    assert!(choices[0].chosen && choices[0].endpoint == first.host());

    let status = rt
        .block_on(commands::switch_engine_for(&state, Some(second.host())))
        .expect("switch");
    assert_eq!(status.endpoint, second.host());
    let images = rt.block_on(commands::images_for(&state)).expect("images");
    assert_eq!(images.len(), 2);
    let err = rt
        .block_on(commands::switch_engine_for(
            &state,
            Some("unix:///nonexistent/x.sock".into()),
        ))
        .expect_err("bad");
    assert_eq!(err.code, ErrorCode::EngineUnavailable);
}

#[test]
fn the_layer_explorer_reads_an_image_once_and_then_from_the_store() {
    let engine = Dockerd::start();
    engine.base();
    let id = engine.build(
        "drydock-fixture/wasteful:1",
        &format!("FROM {BASE}\nRUN head -c 40000 /dev/zero > /blob\nRUN rm /blob\n"),
        Builder::Classic,
    );
    let state = state_for(engine.host());
    let dir = tempfile::tempdir().expect("data dir");
    let cache = commands::LayerCache::open_in(Some(dir.path()));
    let rt = runtime();

    let mut seen = Vec::new();
    let first = rt
        .block_on(commands::image_layers_for(
            &state,
            &cache,
            id.clone(),
            |p| seen.push(p),
        ))
        .expect("layers");
    assert!(!first.kept);
    let last = seen.last().expect("progress was reported");
    assert!(
        seen.len() >= 2 && last.read > 0 && last.total > 0,
        "{seen:?}"
    );
    assert!(seen.windows(2).all(|w| w[0].read <= w[1].read));
    let report = &first.report;
    assert_eq!(report.hidden_bytes, 40_000);
    assert_eq!(report.wasted[0].path, "/blob");
    assert_eq!(report.layers.len(), 3, "base, the write and the removal");
    assert!(report.layers[1].created_by.contains("head -c 40000"));
    let blob: Vec<_> = first
        .tree
        .entries
        .iter()
        .filter(|e| e.path == "/blob")
        .collect();
    assert_eq!(blob.len(), 1, "only the hidden copy: {blob:?}");
    assert_eq!(blob[0].hidden.map(|h| h.layer), Some(2));
    assert!(first
        .tree
        .entries
        .iter()
        .any(|e| e.path == "/bin" && e.hidden.is_none()));
    let kept = cache.kept(&id).expect("the analysis is kept");
    assert_eq!((&kept.report, &kept.tree), (&first.report, &first.tree));

    // Gone from the engine, the image's analysis still opens: it comes from the store.
    engine.docker(&["rmi", "drydock-fixture/wasteful:1"]);
    let mut progressed = false;
    let again = rt
        .block_on(commands::image_layers_for(
            &state,
            &cache,
            id.clone(),
            |_| progressed = true,
        ))
        .expect("from the store");
    assert!(again.kept && !progressed);
    assert_eq!((again.report, again.tree), (first.report, first.tree));

    let err = rt
        .block_on(commands::image_layers_for(
            &state,
            &cache,
            "sha256:0000".into(),
            |_| {},
        ))
        .expect_err("no such image");
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn cleanup_runs_only_a_plan_it_showed_and_journals_it() {
    use drydock_cleanup::{ImageChoice, Spec};
    let engine = Dockerd::start();
    let host = InventoryHost::create(&engine);
    let state = state_for(engine.host());
    let data = tempfile::tempdir().expect("data dir");
    let cleanup = commands::CleanupState::open_in(data.path().to_path_buf());
    let rt = runtime();

    let unknown = rt
        .block_on(commands::prune_run_for(
            &state,
            &cleanup,
            "never-shown".into(),
            false,
            |_| {},
        ))
        .expect_err("an unknown plan never runs");
    assert_eq!(unknown.code, ErrorCode::InvalidInput);
    let bad = rt
        .block_on(commands::cleanup_plan_for(
            &state,
            &cleanup,
            Spec::default(),
        ))
        .expect_err("an empty selection");
    assert_eq!(bad.code, ErrorCode::InvalidInput);

    let spec = Spec {
        images: Some(ImageChoice::Dangling),
        containers: true,
        ..Spec::default()
    };
    let plan = rt
        .block_on(commands::cleanup_plan_for(&state, &cleanup, spec))
        .expect("plan");
    let ids: Vec<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
    assert!(ids.contains(&host.dangling.as_str()) && ids.contains(&host.exited_container.as_str()));

    // Switched to another engine after planning: the plan does not run there.
    let elsewhere = drydock_testkit::proxy::FaultProxy::start(
        &engine.socket(),
        &engine.scratch("proxy").join("p.sock"),
    );
    rt.block_on(commands::switch_engine_for(&state, Some(elsewhere.host())))
        .expect("switch");
    let moved = rt
        .block_on(commands::prune_run_for(
            &state,
            &cleanup,
            plan.plan_id.clone(),
            false,
            |_| {},
        ))
        .expect_err("a plan runs only on its engine");
    assert_eq!(moved.code, ErrorCode::InvalidInput);
    assert!(moved.message.contains(&engine.host()), "{}", moved.message);
    assert!(
        !elsewhere.seen().iter().any(|s| s.method == "DELETE"),
        "nothing was asked to go"
    );
    rt.block_on(commands::switch_engine_for(&state, Some(engine.host())))
        .expect("switch back");
    let mut steps = 0;
    let outcome = rt
        .block_on(commands::prune_run_for(
            &state,
            &cleanup,
            plan.plan_id.clone(),
            false,
            |_| steps += 1,
        ))
        .expect("runs");
    assert!(steps > plan.items.len(), "progress for every item");
    assert_eq!(outcome.outcome.actual_reclaim, Some(plan.predicted_reclaim));
    let again = rt
        .block_on(commands::prune_run_for(
            &state,
            &cleanup,
            plan.plan_id.clone(),
            false,
            |_| {},
        ))
        .expect_err("a plan runs once");
    assert_eq!(again.code, ErrorCode::InvalidInput);

    let journal = rt
        .block_on(commands::cleanup_journal_for(&state, &cleanup))
        .expect("journal");
    assert_eq!(journal.runs.len(), 1);
    assert_eq!(journal.entries.len(), plan.items.len());
    assert_eq!(journal.total_freed, plan.predicted_reclaim);
    assert!(rt
        .block_on(commands::quarantine_list_for(&state, &cleanup))
        .expect("quarantine")
        .entries
        .is_empty());
}

#[test]
fn the_schedule_turns_on_only_from_a_preview_and_then_runs_when_due() {
    use drydock_cleanup::Schedule;
    let engine = Dockerd::start();
    let older = engine.build_in_turn("fixture/older:1", 100_000);
    let newer = engine.build_in_turn("fixture/newer:1", 100_001);
    let state = state_for(engine.host());
    let data = tempfile::tempdir().expect("data dir");
    let cleanup = commands::CleanupState::open_in(data.path().to_path_buf());
    let rt = runtime();
    let gone = |id: &str| {
        !engine
            .try_docker(&["image", "inspect", id])
            .status
            .success()
    };

    let off = commands::schedule_get_for(&cleanup).expect("view");
    assert!(!off.schedule.enabled && off.next_run.is_none() && off.last.is_none());
    let preview = rt
        .block_on(commands::schedule_preview_for(
            &state,
            &cleanup,
            Schedule::default(),
        ))
        .expect("preview");
    assert!(
        preview.gc.as_ref().is_some_and(|gc| gc.fits) && preview.items.is_empty(),
        "20 GB is plenty"
    );
    let terms = Schedule {
        enabled: true,
        max_bytes: preview.gc.as_ref().expect("gc sizes").image_bytes - 50_000,
        every_hours: 24,
        quarantine: false,
    };
    let refused = rt
        .block_on(commands::schedule_set_for(
            &state,
            &cleanup,
            terms.clone(),
            None,
        ))
        .expect_err("on without a preview");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    let preview = rt
        .block_on(commands::schedule_preview_for(
            &state,
            &cleanup,
            terms.clone(),
        ))
        .expect("preview");
    let planned: Vec<&str> = preview.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(planned, [older.as_str()], "least recently used first");
    let other_terms = Schedule {
        max_bytes: terms.max_bytes - 1,
        ..terms.clone()
    };
    let refused = rt
        .block_on(commands::schedule_set_for(
            &state,
            &cleanup,
            other_terms,
            Some(preview.plan_id.clone()),
        ))
        .expect_err("the preview was of other terms");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert!(!gone(&older), "nothing removed by a refusal");

    let on = rt
        .block_on(commands::schedule_set_for(
            &state,
            &cleanup,
            terms.clone(),
            Some(preview.plan_id.clone()),
        ))
        .expect("turned on");
    let first = on.last.clone().expect("ran at once");
    assert_eq!((first.removed, first.error.as_deref()), (1, None));
    assert_eq!(first.plan_id.as_deref(), Some(preview.plan_id.as_str()));
    assert!(on.schedule.enabled && !on.last_read);
    assert!(gone(&older) && !gone(&newer));
    let journal = rt
        .block_on(commands::cleanup_journal_for(&state, &cleanup))
        .expect("journal");
    assert_eq!(journal.runs[0].why, "scheduled");
    let reused = rt
        .block_on(commands::schedule_set_for(
            &state,
            &cleanup,
            terms.clone(),
            Some(preview.plan_id.clone()),
        ))
        .expect_err("a preview turns it on once");
    assert_eq!(reused.code, ErrorCode::InvalidInput);
    assert!(
        commands::schedule_read_for(&cleanup)
            .expect("read")
            .last_read
    );

    // Over the limit again; the run comes when due, not before.
    let newest = engine.build_in_turn("fixture/newest:1", 100_002);
    let now = drydock_cleanup::unix_now();
    let early = rt
        .block_on(commands::scheduled_tick_for(&state, &cleanup, now + 3600))
        .expect("tick");
    assert!(early.is_none() && !gone(&newer));
    let due = rt
        .block_on(commands::scheduled_tick_for(
            &state,
            &cleanup,
            now + 25 * 3600,
        ))
        .expect("tick")
        .expect("ran");
    assert_eq!(due.removed, 1, "{due:?}");
    assert!(gone(&newer) && !gone(&newest));
    assert!(
        !commands::schedule_get_for(&cleanup)
            .expect("view")
            .last_read
    );

    // Off needs no preview, and nothing runs after.
    let off = rt
        .block_on(commands::schedule_set_for(
            &state,
            &cleanup,
            Schedule {
                enabled: false,
                ..terms
            },
            None,
        ))
        .expect("off");
    assert!(off.next_run.is_none());
    let later = rt
        .block_on(commands::scheduled_tick_for(
            &state,
            &cleanup,
            now + 100 * 3600,
        ))
        .expect("tick");
    assert!(later.is_none());
}

#[test]
fn a_scan_needs_the_advisory_database_then_ties_each_finding_to_its_layer() {
    let engine = Dockerd::start();
    let id = engine.build_in(
        "drydock-fixture/alpine-like:1",
        "FROM scratch\nCOPY os-release /etc/os-release\nCOPY installed /lib/apk/db/installed\n",
        &[
            ("os-release", b"ID=alpine\nVERSION_ID=3.17.2\nPRETTY_NAME=\"Alpine Linux v3.17\"\n"),
            ("installed", b"P:openssl\nV:3.0.7-r0\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.3-r4\nA:x86_64\no:musl\n\n"),
        ],
        Builder::Classic,
    );
    let state = state_for(engine.host());
    let dir = tempfile::tempdir().expect("data dir");
    let cleanup = commands::CleanupState::open_in(dir.path().to_path_buf());
    let security = commands::SecurityState::new(dir.path().to_path_buf());
    let rt = runtime();

    // No database: an empty state, and a scan says how to get one instead of reading the image.
    let status = commands::advisory_status_for(dir.path(), 0).expect("status");
    assert!(!status.present && status.sources.is_empty());
    let err = rt
        .block_on(commands::scan_image_for(
            &state,
            &cleanup,
            &security,
            id.clone(),
            |_| {},
        ))
        .expect_err("no database");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("drydock db update"), "{}", err.message);

    let secdb = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/advisories/tests/data/alpine-v3.17-main.json");
    drydock_advisories::import(
        dir.path(),
        &[drydock_advisories::Input::path(&secdb)],
        1_000,
        &mut |_| {},
    )
    .expect("import");
    let status = commands::advisory_status_for(dir.path(), 1_000 + 8 * 86_400).expect("status");
    assert!(status.present && status.stale, "{status:?}");
    assert_eq!(status.sources.len(), 1);

    let mut progressed = false;
    let report = rt
        .block_on(commands::scan_image_for(
            &state,
            &cleanup,
            &security,
            id.clone(),
            |_| progressed = true,
        ))
        .expect("scan");
    assert!(progressed, "the export's progress was reported");
    assert_eq!(report.image.id, id);
    assert_eq!(report.packages, 2);
    let openssl: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.package == "openssl")
        .collect();
    assert!(
        openssl
            .iter()
            .any(|f| f.id == "CVE-2023-0286" && f.fixed.as_deref() == Some("3.0.8-r0")),
        "{openssl:?}"
    );
    assert!(
        openssl
            .iter()
            .all(|f| f.layer == 1 && f.step.contains("COPY")),
        "{openssl:?}"
    );
    // The report is kept as it crosses IPC: without the package list (that is in the store).
    let kept = drydock_scan::ScanReport {
        inventory: Vec::new(),
        ..report.clone()
    };
    assert_eq!(
        commands::scan_last_for(&cleanup, &security, &id).expect("last"),
        Some(kept.clone())
    );

    // The package list was kept: a second scan reads nothing from the engine.
    let mut read_again = false;
    let again = rt
        .block_on(commands::scan_image_for(
            &state,
            &cleanup,
            &security,
            id.clone(),
            |_| read_again = true,
        ))
        .expect("rescan");
    assert!(!read_again);
    assert_eq!(again.findings, report.findings);

    // A restart: the report is still there, and after the database changed (while the app was
    // closed) the next session matches the image again from its kept package list.
    drop((state, cleanup, security));
    let state = state_for(engine.host());
    let cleanup = commands::CleanupState::open_in(dir.path().to_path_buf());
    let security = commands::SecurityState::new(dir.path().to_path_buf());
    assert_eq!(
        commands::scan_last_for(&cleanup, &security, &id).expect("last"),
        Some(kept)
    );
    assert_eq!(
        commands::scan_last_for(&cleanup, &security, "sha256:never").expect("last"),
        None
    );
    drydock_advisories::import(
        dir.path(),
        &[drydock_advisories::Input::path(&secdb)],
        2_000,
        &mut |_| {},
    )
    .expect("import again");
    let alerts = rt.block_on(commands::rescan_after_update_for(
        &state, &cleanup, &security,
    ));
    assert!(
        alerts.is_empty(),
        "the same advisories bring nothing new: {alerts:?}"
    );
    let rematched = commands::scan_last_for(&cleanup, &security, &id)
        .expect("last")
        .expect("kept");
    assert_eq!(
        rematched
            .db
            .iter()
            .map(|s| s.imported_at)
            .collect::<Vec<_>>(),
        [2_000],
        "matched against the newer import"
    );
    assert_eq!(rematched.findings, report.findings);

    // The alert threshold is a store setting, critical until the user changes it.
    assert_eq!(
        commands::alert_threshold_for(&cleanup).expect("threshold"),
        drydock_scan::Severity::Critical
    );
    commands::set_alert_threshold_for(&cleanup, drydock_scan::Severity::Low).expect("set");
    assert_eq!(
        commands::alert_threshold_for(&cleanup).expect("threshold"),
        drydock_scan::Severity::Low
    );
}

#[test]
fn a_flatten_runs_only_the_plan_shown_with_the_tag_the_user_chose() {
    let engine = Dockerd::start();
    engine.base();
    engine.build(
        "drydock-fixture/hides:1",
        &format!("FROM {BASE}\nRUN head -c 1500000 /dev/urandom > /build.tmp\nRUN rm /build.tmp\n"),
        Builder::Classic,
    );
    let state = state_for(engine.host());
    let dir = tempfile::tempdir().expect("data dir");
    let turns = commands::Turns::default();
    let flatten = commands::FlattenState::new(dir.path().join("flatten"));
    let rt = runtime();

    let plan_for = |name: &str| {
        rt.block_on(commands::flatten_plan_for(
            &state,
            &turns,
            &flatten,
            name.into(),
            None,
            |_| {},
        ))
    };
    let run = |id: &str, tag: Option<&str>| {
        rt.block_on(commands::flatten_run_for(
            &state,
            &turns,
            &flatten,
            id.into(),
            tag.map(str::to_owned),
            |_| {},
        ))
    };
    // A run needs the plan the user saw.
    let err = run("drydock-fixture/hides:1", None).expect_err("no plan shown");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let plan = plan_for("drydock-fixture/hides:1").expect("plan");
    assert_eq!(plan.predicted_saving, 1_500_000);
    assert!(plan.refusal.is_none(), "{:?}", plan.refusal);
    let done = run(&plan.id, Some("drydock-fixture/hides:flat")).expect("flatten");
    assert_eq!(done.new_tag, "drydock-fixture/hides:flat");
    assert!(done.same_tree, "{done:?}");
    assert_eq!(done.measured_bytes, plan.predicted_bytes);
    assert!(
        engine
            .try_docker(&["image", "inspect", "drydock-fixture/hides:1"])
            .status
            .success(),
        "the original is untouched"
    );
    // The tag is taken now: the engine's answer reaches the user with its code.
    let taken = run(&plan.id, Some("drydock-fixture/hides:flat")).expect_err("tag taken");
    assert_eq!(taken.code, ErrorCode::InUse, "{}", taken.message);
}

#[test]
fn an_images_tips_are_read_once_and_then_known() {
    let engine = Dockerd::start();
    engine.base();
    let id = engine.build(
        "drydock-fixture/apt-left:1",
        &format!(
            "FROM {BASE}\n\
             RUN mkdir -p /var/lib/apt/lists && head -c 2000000 /dev/zero > /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages\n"
        ),
        Builder::Classic,
    );
    let state = state_for(engine.host());
    let dir = tempfile::tempdir().expect("data dir");
    let cleanup = commands::CleanupState::open_in(dir.path().to_path_buf());
    let tips = commands::TipsState::default();
    let turns = commands::Turns::default();
    let rt = runtime();

    let mut progressed = false;
    let report = rt
        .block_on(commands::image_tips_for(
            &state,
            &cleanup,
            &tips,
            &turns,
            id.clone(),
            |_| progressed = true,
        ))
        .expect("tips");
    assert!(progressed, "the export's progress was reported");
    assert_eq!(report.id, id);
    let apt = report
        .tips
        .iter()
        .find(|t| t.kind == drydock_tips::TipKind::PackageCache)
        .expect("the apt lists' tip");
    assert_eq!(
        (apt.bytes, apt.exact, apt.layer),
        (2_000_000, true, Some(1))
    );
    // Known now: asked again, nothing is read.
    let again = rt
        .block_on(commands::image_tips_for(
            &state,
            &cleanup,
            &tips,
            &turns,
            id.clone(),
            |_| panic!("read again"),
        ))
        .expect("tips again");
    assert_eq!(again, report);
    // A missing image says so with its code.
    let err = rt
        .block_on(commands::image_tips_for(
            &state,
            &cleanup,
            &tips,
            &turns,
            "drydock-fixture/none:1".into(),
            |_| {},
        ))
        .expect_err("no such image");
    assert_eq!(err.code, ErrorCode::NotFound, "{}", err.message);
}
