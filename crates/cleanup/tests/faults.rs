//! Nothing lost under faults: answers lost on the way back, an engine killed mid-removal, tags
//! added after the plan was shown, a plan taken to another engine. Each test is named after what
//! broke; a fault-injecting proxy stands between Drydock and a throwaway engine.

use drydock_cleanup::{
    execute, prepare, restore, settle, ImageChoice, Options, Outcome, Prepared, QuarantinePolicy,
    Spec,
};
use drydock_engine::Engine;
use drydock_prune::Kind;
use drydock_store::{Entry, Status, Store};
use drydock_testkit::proxy::{Fault, FaultProxy};
use drydock_testkit::{runtime, Dockerd};
use std::sync::Mutex;

struct Rig {
    engine: Dockerd,
    proxy: FaultProxy,
    rt: tokio::runtime::Runtime,
    eng: Engine,
    journal: Mutex<Store>,
    data: tempfile::TempDir,
}

impl Rig {
    /// An engine with the busybox base, Drydock connected through the proxy, a store on disk.
    fn new() -> Rig {
        let engine = Dockerd::start();
        engine.base();
        let proxy = FaultProxy::start(&engine.socket(), &engine.scratch("proxy").join("p.sock"));
        let rt = runtime();
        let eng = rt
            .block_on(Engine::open_host(&proxy.host()))
            .expect("connects through the proxy");
        let data = tempfile::tempdir().expect("data dir");
        let journal = Mutex::new(Store::open_in(data.path()).expect("store"));
        Rig {
            engine,
            proxy,
            rt,
            eng,
            journal,
            data,
        }
    }

    fn image(&self, tags: &[&str], marker: u8) -> String {
        let id = self
            .engine
            .import_rootfs(tags[0], &[("/opt/marker.bin", &[marker; 20_000])]);
        for tag in &tags[1..] {
            self.engine.docker(&["tag", tags[0], tag]);
        }
        id
    }

    fn plan_unused_images(&self) -> Prepared {
        let spec = Spec {
            images: Some(ImageChoice::Unused),
            keep: vec!["drydock-fixture/base:*".into()],
            ..Spec::default()
        };
        let request = spec.request(&[]).expect("spec");
        self.rt
            .block_on(prepare(
                &self.eng,
                request,
                "prune",
                drydock_cleanup::unix_now(),
            ))
            .expect("plans")
    }

    fn policy(&self) -> QuarantinePolicy {
        let store = self.journal.lock().expect("store");
        QuarantinePolicy::load(&store, self.data.path()).expect("policy")
    }

    fn run(&self, prepared: &Prepared, quarantine: bool) -> Outcome {
        let policy = self.policy();
        let opts = Options {
            quarantine: quarantine.then_some(&policy),
            cancel: None,
        };
        self.rt
            .block_on(execute(&self.eng, &self.journal, prepared, &opts, |_| {}))
            .expect("runs")
    }

    fn journal(&self) -> Vec<Entry> {
        self.journal
            .lock()
            .expect("store")
            .journal(None, 100)
            .expect("journal")
    }

    fn present(&self, reference: &str) -> bool {
        self.engine
            .try_docker(&["image", "inspect", reference])
            .status
            .success()
    }

    fn tags(&self, id: &str) -> Vec<String> {
        let out = self
            .engine
            .docker(&["image", "inspect", "--format", "{{json .RepoTags}}", id]);
        let mut tags: Vec<String> = serde_json::from_str(&out).expect("tags");
        tags.sort();
        tags
    }
}

fn entry_for<'a>(journal: &'a [Entry], id: &str) -> &'a Entry {
    journal
        .iter()
        .find(|e| e.object_id == id)
        .unwrap_or_else(|| panic!("no journal entry for {id}: {journal:#?}"))
}

#[test]
fn a_lost_answer_is_settled_against_the_engine_and_keeps_the_quarantine_archive() {
    let rig = Rig::new();
    let lost = rig.image(&["lost:1"], 1);
    let prepared = rig.plan_unused_images();
    assert!(prepared.plan.items.iter().any(|i| i.id == lost));
    // The engine removes the image; its answer never reaches Drydock.
    rig.proxy
        .fault("DELETE", "/images/lost", 0, Fault::lose_answer());

    let outcome = rig.run(&prepared, true);
    assert!(
        rig.proxy.seen().iter().any(|s| s.faulted),
        "the fault fired"
    );
    assert!(!rig.present(&lost));
    assert!(
        outcome.removed.iter().any(|i| i.id == lost),
        "the engine says it is gone, so it was removed: {outcome:#?}"
    );
    let journal = rig.journal();
    assert_eq!(entry_for(&journal, &lost).status, Status::Removed);
    assert!(entry_for(&journal, &lost).quarantined);
    // The archive was kept, so the image comes back.
    let restored = rig
        .rt
        .block_on(restore(&rig.eng, &rig.journal, &lost))
        .expect("restores");
    assert_eq!(restored.tags, ["lost:1"]);
    assert!(rig.present("lost:1"));
}

#[test]
fn an_engine_killed_after_removing_leaves_the_removal_unsettled_until_it_is_back() {
    let mut rig = Rig::new();
    let doomed = rig.image(&["doomed:1"], 2);
    let prepared = rig.plan_unused_images();
    rig.proxy.fault(
        "DELETE",
        "/images/doomed",
        0,
        Fault {
            before: None,
            forward: true,
            after: Some(rig.engine.killer()),
        },
    );

    let outcome = rig.run(&prepared, true);
    assert!(outcome.stopped.is_some(), "{outcome:#?}");
    assert_eq!(
        outcome.unsettled.iter().map(|i| &i.id).collect::<Vec<_>>(),
        [&doomed],
        "the outcome is not known: {outcome:#?}"
    );
    assert!(!outcome.removed.iter().any(|i| i.id == doomed));
    assert_eq!(entry_for(&rig.journal(), &doomed).status, Status::Unsettled);

    rig.engine.start_again();
    let settled = rig
        .rt
        .block_on(settle(&rig.eng, &rig.journal))
        .expect("settles");
    assert_eq!(settled.removed, 1, "{settled:?}");
    assert_eq!(settled.unsettled, 0);
    assert_eq!(entry_for(&rig.journal(), &doomed).status, Status::Removed);
    let run = rig.journal.lock().expect("store").runs(1).expect("runs")[0].clone();
    assert_eq!(run.removed, 1, "the run's count follows its journal");
    rig.rt
        .block_on(restore(&rig.eng, &rig.journal, &doomed))
        .expect("the archive was kept");
    assert!(rig.present("doomed:1"));
}

#[test]
fn tags_removed_before_the_engine_died_are_journaled_one_by_one() {
    let mut rig = Rig::new();
    let id = rig.image(&["multi:1", "multi:2"], 3);
    let prepared = rig.plan_unused_images();
    // The first reference goes; the engine dies before the second request reaches it.
    rig.proxy.fault(
        "DELETE",
        "/images/multi",
        1,
        Fault {
            before: Some(rig.engine.killer()),
            forward: false,
            after: None,
        },
    );
    let outcome = rig.run(&prepared, true);
    assert_eq!(outcome.unsettled.len(), 1, "{outcome:#?}");

    rig.engine.start_again();
    let settled = rig
        .rt
        .block_on(settle(&rig.eng, &rig.journal))
        .expect("settles");
    assert_eq!(settled.untagged, 1, "{settled:?}");
    let remaining = rig.tags(&id);
    assert_eq!(
        remaining.len(),
        1,
        "one tag went, one stayed: {remaining:?}"
    );
    let journal = rig.journal();
    let entry = entry_for(&journal, &id);
    assert_eq!(entry.status, Status::Untagged);
    assert_eq!(entry.bytes, 0);
    assert!(
        entry.tags.len() == 1 && !remaining.contains(&entry.tags[0]),
        "the journal names the tag that went: {entry:?}"
    );
    // The archive is kept for that tag, and a restore puts it back.
    let restored = rig
        .rt
        .block_on(restore(&rig.eng, &rig.journal, &id))
        .expect("restores");
    assert_eq!(restored.tags, entry.tags);
    assert_eq!(rig.tags(&id), ["multi:1", "multi:2"]);
}

#[test]
fn a_tag_added_after_the_plan_was_shown_keeps_the_image_and_says_why() {
    let rig = Rig::new();
    let id = rig.image(&["seen:1"], 4);
    let prepared = rig.plan_unused_images();
    rig.engine.docker(&["tag", "seen:1", "added:later"]);

    let outcome = rig.run(&prepared, false);
    assert_eq!(rig.tags(&id), ["added:later", "seen:1"]);
    let skipped = outcome
        .skipped
        .iter()
        .find(|s| s.id == id)
        .expect("skipped");
    assert!(
        skipped.reason.contains("added:later"),
        "the reason names the new tag: {}",
        skipped.reason
    );
    assert!(!rig.journal().iter().any(|e| e.object_id == id));
}

#[test]
fn a_plan_runs_only_on_the_engine_it_was_made_on() {
    let rig = Rig::new();
    let id = rig.image(&["elsewhere:1"], 5);
    let mut prepared = rig.plan_unused_images();
    prepared.engine = "unix:///var/run/another-engine.sock".into();
    let err = rig
        .rt
        .block_on(execute(
            &rig.eng,
            &rig.journal,
            &prepared,
            &Options::default(),
            |_| {},
        ))
        .expect_err("refused");
    assert_eq!(err.code(), drydock_engine::ErrorCode::InvalidInput);
    assert!(err.to_string().contains("another-engine.sock"), "{err}");
    assert!(rig.present(&id));
    assert!(rig.journal().is_empty());
}

#[test]
fn settling_leaves_the_intents_of_a_live_run_alone() {
    let rig = Rig::new();
    let id = rig.image(&["inflight:1"], 6);
    rig.engine.docker(&["image", "rm", "inflight:1"]);
    let other = Store::open_in(rig.data.path()).expect("a second Drydock's store");
    let lease = other.lease_run("live").expect("lease");
    let intent = Entry {
        plan_id: "live".into(),
        at: 1,
        kind: Kind::Image.name().into(),
        object_id: id.clone(),
        name: "inflight:1".into(),
        tags: vec!["inflight:1".into()],
        bytes: 1,
        reason: "unused image".into(),
        quarantined: false,
        status: Status::Unsettled,
    };
    other.journal_intent(&intent).expect("intent");

    let settled = rig
        .rt
        .block_on(settle(&rig.eng, &rig.journal))
        .expect("settles");
    assert_eq!(
        settled,
        Default::default(),
        "a live run's intent is its own"
    );
    assert_eq!(entry_for(&rig.journal(), &id).status, Status::Unsettled);

    drop(lease);
    let settled = rig
        .rt
        .block_on(settle(&rig.eng, &rig.journal))
        .expect("settles");
    assert_eq!(settled.removed, 1);
    assert_eq!(entry_for(&rig.journal(), &id).status, Status::Removed);
}
