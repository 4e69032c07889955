//! The property behind "nothing lost": on random engine states, a fault at a random point of a
//! `drydock prune --quarantine` (the engine's answer lost, the engine killed before or after it
//! acts, drydock itself killed before its request leaves or after the engine acted), every object of the starting
//! state is afterwards either still on the engine, or journaled; and every image comes back, with
//! every tag it had, from quarantine. Seeds are printed, so a failure replays.

mod common;

use drydock_testkit::proxy::{Fault, FaultProxy, Hook};
use drydock_testkit::Dockerd;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift): the cases must replay from their seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[derive(Debug, Clone, Copy)]
enum FaultKind {
    LoseAnswer,
    EngineDiesBefore,
    EngineDiesAfter,
    DrydockDiesBefore,
    DrydockDiesAfter,
}

const KINDS: [FaultKind; 5] = [
    FaultKind::LoseAnswer,
    FaultKind::EngineDiesBefore,
    FaultKind::EngineDiesAfter,
    FaultKind::DrydockDiesBefore,
    FaultKind::DrydockDiesAfter,
];

/// The starting state: image ids with their tags, and container ids.
#[derive(Debug)]
struct State {
    images: BTreeMap<String, BTreeSet<String>>,
    containers: BTreeSet<String>,
}

fn make_state(engine: &Dockerd, rng: &mut Rng, seed: u64) -> State {
    engine.base();
    let mut images = BTreeMap::new();
    for i in 0..2 + rng.below(3) {
        let first = format!("case{seed}/img{i}:1");
        let id = engine.import_rootfs(&first, &[("/opt/n.bin", &[i as u8; 10_000])]);
        let mut tags = BTreeSet::from([first.clone()]);
        for t in 0..rng.below(3) {
            let more = format!("case{seed}/img{i}:extra{t}");
            engine.docker(&["tag", &first, &more]);
            tags.insert(more);
        }
        images.insert(id, tags);
    }
    let mut containers = BTreeSet::new();
    for (n, (_, tags)) in images.iter().enumerate() {
        if rng.below(3) == 0 {
            let image = tags.iter().next().expect("a tag").clone();
            containers.insert(engine.run_exited(&format!("case{seed}-c{n}"), &image, "true"));
        }
    }
    State { images, containers }
}

fn drydock_bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("drydock")
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn case(seed: u64) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut engine = Dockerd::start();
    let state = make_state(&engine, &mut rng, seed);
    let data = tempfile::tempdir().expect("data dir");
    let proxy = FaultProxy::start(&engine.socket(), &engine.scratch("proxy").join("p.sock"));
    // Every kind of fault comes up in turn; the state and the point it strikes are random.
    let kind = KINDS[(seed as usize) % KINDS.len()];
    let removals = state.containers.len() + state.images.values().map(BTreeSet::len).sum::<usize>();
    let at = rng.below(removals.max(1));
    eprintln!("seed {seed}: {kind:?} at DELETE #{at} of ~{removals}; {state:?}");

    let child_pid: Arc<Mutex<Option<u32>>> = Arc::default();
    let kill_drydock: Hook = {
        let pid = Arc::clone(&child_pid);
        Box::new(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Some(pid) = *pid.lock().expect("pid") {
                    let _ = Command::new("kill")
                        .arg("-KILL")
                        .arg(pid.to_string())
                        .status();
                    // Dead before the request goes on: what it never saw stays unconfirmed.
                    std::thread::sleep(Duration::from_millis(200));
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let fault = match kind {
        FaultKind::LoseAnswer => Fault::lose_answer(),
        FaultKind::EngineDiesBefore => Fault {
            before: Some(engine.killer()),
            forward: false,
            after: None,
        },
        FaultKind::EngineDiesAfter => Fault {
            before: None,
            forward: true,
            after: Some(engine.killer()),
        },
        FaultKind::DrydockDiesBefore => Fault {
            before: Some(kill_drydock),
            forward: false,
            after: None,
        },
        // Killed once the engine has acted, before its answer arrives: the request is not
        // left in flight behind the dead process (the next Drydock settles what the engine did).
        FaultKind::DrydockDiesAfter => Fault {
            before: None,
            forward: true,
            after: Some(kill_drydock),
        },
    };
    proxy.fault("DELETE", "/", at, fault);

    let mut prune = Command::new(drydock_bin())
        .args(["--host", &proxy.host(), "prune", "--images", "unused"])
        .args(["--containers", "--quarantine", "--yes", "--format", "json"])
        .env("DRYDOCK_DATA_DIR", data.path())
        .env_remove("DOCKER_HOST")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("drydock runs");
    *child_pid.lock().expect("pid") = Some(prune.id());
    let deadline = Instant::now() + Duration::from_secs(120);
    while prune.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "seed {seed}: drydock prune hung");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = prune.wait_with_output().expect("output");
    eprintln!(
        "seed {seed}: prune exited {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    if matches!(
        kind,
        FaultKind::EngineDiesBefore | FaultKind::EngineDiesAfter
    ) && proxy.seen().iter().any(|s| s.faulted)
    {
        engine.start_again();
    }

    // Any command that reaches the engine settles; the journal then holds no unknown outcome.
    let drydock = |args: &[&str]| {
        common::drydock()
            .args(["--host", &engine.host()])
            .args(args)
            .env("DRYDOCK_DATA_DIR", data.path())
            .output()
            .expect("drydock runs")
    };
    drydock(&["df"]);
    let journal = json(&drydock(&["journal", "--format", "json"]));
    let entries: Vec<&Value> = journal["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .collect();
    assert!(
        entries.iter().all(|e| e["status"] != "unsettled"),
        "seed {seed}: settled once the engine answers: {entries:#?}"
    );
    let journaled = |id: &str, status: &str| {
        entries
            .iter()
            .any(|e| e["object_id"] == id && e["status"] == status)
    };

    // Every container is still there or journaled as removed.
    for id in &state.containers {
        let there = engine
            .try_docker(&["container", "inspect", id])
            .status
            .success();
        assert!(
            there || journaled(id, "removed"),
            "seed {seed}: container {id} vanished without a record"
        );
    }
    // Every image is there or journaled; every tag that went is journaled.
    for (id, tags) in &state.images {
        let there = engine
            .try_docker(&["image", "inspect", id])
            .status
            .success();
        assert!(
            there || journaled(id, "removed"),
            "seed {seed}: image {id} vanished without a record: {entries:#?}"
        );
        if there {
            let now: BTreeSet<String> = serde_json::from_str(&engine.docker(&[
                "image",
                "inspect",
                "--format",
                "{{json .RepoTags}}",
                id,
            ]))
            .expect("tags");
            let went: Vec<&String> = tags.difference(&now).collect();
            for tag in went {
                assert!(
                    entries.iter().any(|e| e["object_id"] == id.as_str()
                        && e["status"] == "untagged"
                        && e["tags"]
                            .as_array()
                            .is_some_and(|t| t.iter().any(|x| x == tag))),
                    "seed {seed}: tag {tag} of {id} went without a record: {entries:#?}"
                );
            }
        }
    }
    // Quarantine brings back every image, with every tag.
    let listed = json(&drydock(&["restore", "--format", "json"]));
    for q in listed["entries"].as_array().expect("quarantine") {
        let id = q["image_id"].as_str().expect("id");
        let out = drydock(&["restore", id]);
        assert!(
            out.status.success(),
            "seed {seed}: restoring {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (id, tags) in &state.images {
        let out = engine.try_docker(&["image", "inspect", "--format", "{{json .RepoTags}}", id]);
        assert!(
            out.status.success(),
            "seed {seed}: image {id} is neither on the engine nor restorable"
        );
        let now: BTreeSet<String> =
            serde_json::from_slice(&out.stdout).expect("tags of a restored image");
        assert_eq!(
            &now, tags,
            "seed {seed}: image {id} came back without its tags"
        );
    }
}

#[test]
fn a_fault_anywhere_in_a_quarantined_prune_loses_nothing_seeds_1_to_3() {
    for seed in 1..=3 {
        case(seed);
    }
}

#[test]
fn a_fault_anywhere_in_a_quarantined_prune_loses_nothing_seeds_4_to_6() {
    for seed in 4..=6 {
        case(seed);
    }
}

#[test]
fn a_fault_anywhere_in_a_quarantined_prune_loses_nothing_seeds_7_to_10() {
    for seed in 7..=10 {
        case(seed);
    }
}
