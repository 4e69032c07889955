//! One read for the tips: the analysis, the wanted files, digests of big files and the config.

use super::build::{digest, Tar};
use super::{image, survives_random_damage};
use crate::{
    analyse_with_tree, collect_files, inspect_image, CollectLimits, Collected, EntryKind,
    InspectOptions, Inspection, Keep, Options, Step,
};

fn status_only(path: &str) -> Keep {
    if path == "/var/lib/dpkg/status" {
        Keep::Whole
    } else {
        Keep::No
    }
}

fn options() -> InspectOptions {
    InspectOptions {
        hash_min: 4096,
        ..InspectOptions::default()
    }
}

fn inspect(archive: &[u8]) -> Inspection {
    inspect_image(archive, &options(), &status_only).expect("the archive is read")
}

/// (path, hidden, digest) of each file entry.
fn digests(i: &Inspection) -> Vec<(&str, bool, Option<[u8; 16]>)> {
    i.analysis
        .tree
        .entries
        .iter()
        .zip(&i.digests)
        .filter(|(e, _)| e.kind == EntryKind::File)
        .map(|(e, d)| (e.path.as_str(), e.hidden.is_some(), *d))
        .collect()
}

#[test]
fn one_read_gives_the_analysis_the_wanted_files_and_digests_of_big_files() {
    let big = vec![b'a'; 5000];
    let other = vec![b'b'; 5000];
    let archive = image(&[
        Tar::new()
            .data("var/lib/dpkg/status", b"Package: gcc\n")
            .data("opt/big", &big)
            .data("opt/small", b"tiny")
            .data("opt/gone", &other)
            .finish(),
        Tar::new()
            .data("srv/copy", &big)
            .hardlink("srv/link", "srv/copy")
            .whiteout("opt/gone")
            .finish(),
    ]);
    let inspection = inspect(&archive);
    assert_eq!(
        inspection.analysis,
        analyse_with_tree(&archive[..], &Options::default()).expect("read"),
        "the analysis is the explorer's"
    );
    let collected: Collected =
        collect_files(&archive[..], &status_only, &CollectLimits::default()).expect("read");
    assert_eq!(
        inspection.collected, collected,
        "the files are the collector's"
    );
    assert_eq!(
        inspection.digests.len(),
        inspection.analysis.tree.entries.len()
    );

    let all = digests(&inspection);
    let of = |path: &str| {
        all.iter()
            .find(|(p, _, _)| *p == path)
            .map(|(_, hidden, d)| (*hidden, *d))
            .expect("listed")
    };
    let (_, big_digest) = of("/opt/big");
    assert!(big_digest.is_some());
    assert_eq!(
        of("/srv/copy"),
        (false, big_digest),
        "same content, same digest"
    );
    assert_eq!(
        of("/srv/link"),
        (false, big_digest),
        "a hard link has its target's"
    );
    assert_eq!(of("/opt/small"), (false, None), "under hash_min: no digest");
    assert_eq!(of("/var/lib/dpkg/status"), (false, None));
    let (hidden, gone) = of("/opt/gone");
    assert!(hidden, "removed by the whiteout");
    assert!(
        gone.is_some() && gone != big_digest,
        "hidden files are digested too"
    );
}

#[test]
fn a_kept_big_file_is_digested_as_one_that_is_not_kept() {
    let content = vec![7u8; 10_000];
    let archive = image(&[Tar::new()
        .data("var/lib/dpkg/status", &content)
        .data("copy", &content)
        .finish()]);
    let inspection = inspect(&archive);
    let d = digests(&inspection);
    assert_eq!(d.len(), 2);
    assert!(d[0].2.is_some());
    assert_eq!(d[0].2, d[1].2);
    assert_eq!(
        inspection.collected.files["/var/lib/dpkg/status"].1.len(),
        10_000
    );
}

#[test]
fn the_config_gives_os_user_env_and_every_step() {
    let config = serde_json::json!({
        "os": "linux",
        "config": {"User": "1000", "Env": ["PATH=/bin", "API_TOKEN=s3cret"]},
        "rootfs": {"type": "layers", "diff_ids": [digest(1)]},
        "history": [
            {"created_by": "ADD rootfs /"},
            {"created_by": "ENV API_TOKEN=s3cret", "empty_layer": true},
        ],
    });
    let layer = Tar::new().file("a", 1).finish();
    let archive = with_config(&layer, &config.to_string());
    let inspection = inspect(&archive);
    assert_eq!(inspection.config.id, format!("sha256:{:064x}", 0xc0f));
    assert_eq!(inspection.config.os, "linux");
    assert_eq!(inspection.config.user, "1000");
    assert_eq!(inspection.config.env, ["PATH=/bin", "API_TOKEN=s3cret"]);
    assert_eq!(
        inspection.config.history,
        [
            Step {
                created_by: "ADD rootfs /".into(),
                empty_layer: false
            },
            Step {
                created_by: "ENV API_TOKEN=s3cret".into(),
                empty_layer: true
            },
        ]
    );
    assert_eq!(
        inspection.analysis.report.layers[0].created_by,
        "ADD rootfs /"
    );

    // A config of an unexpected shape reads as empty, and the analysis still holds.
    let odd = serde_json::json!({
        "os": 7,
        "config": {"User": ["x"], "Env": "A=b"},
        "rootfs": {"type": "layers", "diff_ids": [digest(1)]},
    });
    let inspection = inspect(&with_config(&layer, &odd.to_string()));
    assert_eq!(inspection.config.os, "");
    assert_eq!(inspection.config.user, "");
    assert!(inspection.config.env.is_empty());
    assert_eq!(inspection.analysis.report.stored_bytes, 1);
}

#[test]
fn damaged_archives_give_errors_never_panics() {
    let big = vec![b'z'; 6000];
    let archive = image(&[
        Tar::new()
            .data("var/lib/dpkg/status", b"Package: x\n")
            .data("big", &big)
            .finish(),
        Tar::new().whiteout("big").data("again", &big).finish(),
    ]);
    survives_random_damage(std::slice::from_ref(&archive), 0x7195, |bytes| {
        let _ = inspect_image(bytes, &options(), &status_only);
    });
    let cut = &archive[..archive.len() / 2];
    let err = inspect_image(cut, &options(), &status_only).expect_err("truncated");
    assert!(
        err.to_string().contains("truncated") || err.to_string().contains("layer"),
        "{err}"
    );
}

/// A one-layer `docker save` archive with the config JSON given.
fn with_config(layer: &[u8], config: &str) -> Vec<u8> {
    let id = format!("{:064x}", 0xa000);
    let config_name = format!("{:064x}.json", 0xc0f);
    let manifest = serde_json::json!([{
        "Config": config_name,
        "RepoTags": ["app:1"],
        "Layers": [format!("{id}/layer.tar")],
    }]);
    Tar::new()
        .dir(&format!("{id}/"))
        .data(&format!("{id}/layer.tar"), layer)
        .data(&config_name, config.as_bytes())
        .data("manifest.json", manifest.to_string().as_bytes())
        .finish()
}
