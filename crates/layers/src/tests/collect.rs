//! Collecting the final filesystem's files for the catalogers, on archives the tests write.

use super::build::{self, legacy, oci, Compression, Tar};
use super::{image, run, survives_random_damage};
use crate::{
    collect_files, collect_rootfs, CollectLimits, Collected, Keep, LayerMeta, LayersError,
};

const ELF_HEAD: &[u8] = b"\x7fELF\x02\x01\x01\0binary";
const JAR_HEAD: &[u8] = b"PK\x03\x04jar";

/// Keeps every file whole, except under `/bin`, kept only as executables or archives.
fn catalogers(path: &str) -> Keep {
    if path.starts_with("/bin/") {
        Keep::IfMagic
    } else {
        Keep::Whole
    }
}

fn collect(archive: &[u8]) -> Collected {
    collect_files(archive, &catalogers, &CollectLimits::default()).expect("the archive is read")
}

fn collect_fails(archive: &[u8], limits: &CollectLimits) -> LayersError {
    match collect_files(archive, &catalogers, limits) {
        Ok(collected) => panic!("expected an error, got {collected:?}"),
        Err(e) => e,
    }
}

/// (path, layer, content) of each file.
fn files(collected: &Collected) -> Vec<(&str, usize, &[u8])> {
    collected
        .files
        .iter()
        .map(|(path, (layer, data))| (path.as_str(), *layer, &data[..]))
        .collect()
}

#[test]
fn a_file_rewritten_later_comes_with_the_later_content_and_layer() {
    let collected = collect(&image(&[
        Tar::new()
            .dir("etc/")
            .data("etc/os-release", b"ID=debian\n")
            .data("etc/hostname", b"base\n")
            .finish(),
        Tar::new()
            .dir("etc/")
            .data("./etc/os-release", b"ID=ubuntu\n")
            .finish(),
    ]));
    assert_eq!(
        files(&collected),
        vec![
            ("/etc/hostname", 0, &b"base\n"[..]),
            ("/etc/os-release", 1, &b"ID=ubuntu\n"[..]),
        ]
    );
    assert_eq!(
        collected.layers,
        vec![
            LayerMeta {
                digest: build::digest(1),
                created_by: "RUN step 0".into()
            },
            LayerMeta {
                digest: build::digest(2),
                created_by: "RUN step 1".into()
            },
        ]
    );
    assert!(collected.skipped.is_empty(), "{:?}", collected.skipped);
}

#[test]
fn a_file_a_later_layer_removes_is_not_returned() {
    let collected = collect(&image(&[
        Tar::new()
            .data("a", b"gone")
            .data("b", b"stays")
            .dir("d/")
            .data("d/x", b"gone too")
            .finish(),
        Tar::new().whiteout("a").whiteout("d").finish(),
    ]));
    assert_eq!(files(&collected), vec![("/b", 0, &b"stays"[..])]);
}

#[test]
fn an_opaque_directory_hides_the_lower_files_but_not_its_own() {
    let collected = collect(&image(&[
        Tar::new()
            .dir("var/lib/dpkg/")
            .data("var/lib/dpkg/status", b"old")
            .data("var/lib/dpkg/extra", b"old extra")
            .data("var/other", b"beside")
            .finish(),
        // BuildKit writes the marker after the directory's new content, Docker before it.
        Tar::new()
            .dir("var/lib/dpkg/")
            .data("var/lib/dpkg/status", b"new")
            .opaque("var/lib/dpkg")
            .finish(),
    ]));
    assert_eq!(
        files(&collected),
        vec![
            ("/var/lib/dpkg/status", 1, &b"new"[..]),
            ("/var/other", 0, &b"beside"[..]),
        ]
    );
}

#[test]
fn if_magic_keeps_executables_and_archives_and_drops_the_rest_quietly() {
    let collected = collect(&image(&[Tar::new()
        .dir("bin/")
        .data("bin/app", ELF_HEAD)
        .data("bin/lib.jar", JAR_HEAD)
        .data("bin/script", b"#!/bin/sh\necho hi\n")
        .data("bin/tiny", b"\x7fE")
        .data("bin/empty", b"")
        .finish()]));
    assert_eq!(
        files(&collected),
        vec![("/bin/app", 0, ELF_HEAD), ("/bin/lib.jar", 0, JAR_HEAD)]
    );
    assert!(collected.skipped.is_empty(), "{:?}", collected.skipped);
}

#[test]
fn what_the_caller_does_not_want_is_neither_kept_nor_noted() {
    let only_status = |path: &str| {
        if path == "/var/lib/dpkg/status" {
            Keep::Whole
        } else {
            Keep::No
        }
    };
    let archive = image(&[Tar::new()
        .data("var/lib/dpkg/status", b"Package: a\n")
        .data("etc/passwd", b"root")
        .finish()]);
    let collected =
        collect_files(&archive[..], &only_status, &CollectLimits::default()).expect("read");
    assert_eq!(
        files(&collected),
        vec![("/var/lib/dpkg/status", 0, &b"Package: a\n"[..])]
    );
    assert!(collected.skipped.is_empty());
}

#[test]
fn files_over_their_limits_are_skipped_with_a_note() {
    let mut big_elf = ELF_HEAD.to_vec();
    big_elf.resize(3000, 0);
    let archive = image(&[Tar::new()
        .file("big.txt", 2000)
        .data("small.txt", b"fine")
        .data("bin/big", &big_elf)
        .finish()]);
    let limits = CollectLimits {
        max_whole_bytes: 1000,
        max_magic_bytes: 2500,
        ..CollectLimits::default()
    };
    let collected = collect_files(&archive[..], &catalogers, &limits).expect("read");
    assert_eq!(files(&collected), vec![("/small.txt", 0, &b"fine"[..])]);
    assert_eq!(
        collected.skipped,
        vec![
            "/big.txt: 2000 bytes, over Drydock's limit of 1000 bytes for one file",
            "/bin/big: 3000 bytes, over Drydock's limit of 2500 bytes for one file",
        ]
    );
}

#[test]
fn beyond_the_total_limit_nothing_more_is_kept_and_each_file_missed_is_noted() {
    let archive = image(&[Tar::new()
        .file("a", 600)
        .file("b", 600)
        .file("c", 300)
        .file("d", 300)
        .finish()]);
    let limits = CollectLimits {
        max_kept_bytes: 1000,
        ..CollectLimits::default()
    };
    let collected = collect_files(&archive[..], &catalogers, &limits).expect("read");
    let kept: Vec<&str> = collected.files.keys().map(String::as_str).collect();
    // In the archive's order: a fits, b does not, c still fits, d does not.
    assert_eq!(kept, vec!["/a", "/c"]);
    let note = "not kept: the files kept before it reach Drydock's limit of 1000 bytes in all";
    assert_eq!(
        collected.skipped,
        vec![format!("/b: {note}"), format!("/d: {note}")]
    );
}

#[test]
fn bytes_a_later_layer_hides_count_against_the_total_but_are_not_noted() {
    let archive = image(&[
        Tar::new().file("old", 800).finish(),
        Tar::new().whiteout("old").file("new", 800).finish(),
    ]);
    let limits = CollectLimits {
        max_kept_bytes: 1000,
        ..CollectLimits::default()
    };
    let collected = collect_files(&archive[..], &catalogers, &limits).expect("read");
    assert!(collected.files.is_empty());
    assert_eq!(collected.skipped.len(), 1, "{:?}", collected.skipped);
    assert!(collected.skipped[0].starts_with("/new: not kept"));
}

#[test]
fn a_hard_link_has_its_targets_content_and_layer() {
    let collected = collect(&image(&[
        Tar::new()
            .dir("bin/")
            .data("bin/python3.12", ELF_HEAD)
            .finish(),
        Tar::new()
            .dir("bin/")
            .hardlink("bin/python3", "bin/python3.12")
            .finish(),
    ]));
    assert_eq!(
        files(&collected),
        vec![
            ("/bin/python3", 0, ELF_HEAD),
            ("/bin/python3.12", 0, ELF_HEAD)
        ]
    );
}

#[test]
fn a_hard_link_outliving_its_target_keeps_the_content() {
    let collected = collect(&image(&[
        Tar::new()
            .data("etc/a", b"shared")
            .hardlink("etc/b", "etc/a")
            .finish(),
        Tar::new().whiteout("etc/a").finish(),
    ]));
    assert_eq!(files(&collected), vec![("/etc/b", 0, &b"shared"[..])]);
}

#[test]
fn a_hard_link_to_content_kept_nowhere_is_noted() {
    let wanted = |path: &str| {
        if path == "/usr/share/wanted" {
            Keep::Whole
        } else {
            Keep::No
        }
    };
    let archive = image(&[Tar::new()
        .data("usr/share/other", b"x")
        .hardlink("usr/share/wanted", "usr/share/other")
        .finish()]);
    let collected = collect_files(&archive[..], &wanted, &CollectLimits::default()).expect("read");
    assert!(collected.files.is_empty());
    assert_eq!(
        collected.skipped,
        vec![
            "/usr/share/wanted: a hard link to /usr/share/other, whose content was not kept (not wanted at that path)"
        ]
    );
}

#[test]
fn symbolic_links_are_recorded_as_written_and_never_followed() {
    let collected = collect(&image(&[
        Tar::new()
            .dir("usr/lib/")
            .data("usr/lib/os-release", b"ID=alpine\n")
            .dir("etc/")
            .symlink("etc/os-release", "../usr/lib/os-release")
            .symlink("etc/gone", "/nowhere")
            .symlink("etc/replaced", "/usr/lib/os-release")
            .symlink("etc/mtab", "/proc/mounts")
            .finish(),
        Tar::new()
            .whiteout("etc/gone")
            .data("etc/replaced", b"a file now")
            .symlink("etc/mtab", "/proc/self/mounts")
            .finish(),
    ]));
    let links: Vec<(&str, &str)> = collected
        .links
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        links,
        vec![
            ("/etc/mtab", "/proc/self/mounts"),
            ("/etc/os-release", "../usr/lib/os-release"),
        ]
    );
    assert!(!collected.files.contains_key("/etc/os-release"));
    assert_eq!(
        collected.files.get("/etc/replaced"),
        Some(&(1, b"a file now".to_vec()))
    );
}

/// A `docker save` archive whose layers stream in the opposite order to the one the manifest
/// gives them: only the manifest, at the end, says which is lower.
fn reversed_stream(layers: &[Vec<u8>; 2]) -> Vec<u8> {
    let ids = ["aa".repeat(32), "bb".repeat(32)];
    let config = serde_json::json!({
        "rootfs": {"type": "layers", "diff_ids": [build::digest(1), build::digest(2)]},
        "history": [{"created_by": "lower"}, {"created_by": "upper"}],
    });
    let manifest = serde_json::json!([{
        "Config": "c0f.json",
        "RepoTags": ["app:1"],
        "Layers": [format!("{}/layer.tar", ids[0]), format!("{}/layer.tar", ids[1])],
    }]);
    Tar::new()
        .data(&format!("{}/layer.tar", ids[1]), &layers[1])
        .data(&format!("{}/layer.tar", ids[0]), &layers[0])
        .data("c0f.json", config.to_string().as_bytes())
        .data("manifest.json", manifest.to_string().as_bytes())
        .finish()
}

#[test]
fn layers_merge_in_the_manifests_order_not_the_streams() {
    let collected = collect(&reversed_stream(&[
        Tar::new()
            .data("f", b"lower")
            .data("g", b"removed")
            .finish(),
        Tar::new().data("f", b"upper").whiteout("g").finish(),
    ]));
    assert_eq!(files(&collected), vec![("/f", 1, &b"upper"[..])]);
    assert_eq!(collected.layers[1].created_by, "upper");
}

#[test]
fn every_layout_and_compression_gives_the_same_files() {
    let layers = [
        Tar::new()
            .dir("./")
            .data("./a", b"first")
            .data("b", b"bee")
            .finish(),
        Tar::new()
            .dir("./")
            .whiteout("b")
            .data("a", b"second")
            .finish(),
    ];
    let history = [("ADD x /", false), ("ENV A=1", true), ("RUN y", false)];
    let expected = collect(&legacy("app:1", &layers, &history));
    assert_eq!(files(&expected), vec![("/a", 1, &b"second"[..])]);
    assert_eq!(expected.layers[1].created_by, "RUN y");
    for how in [Compression::None, Compression::Gzip, Compression::Zstd] {
        for index_first in [false, true] {
            let got = collect(&oci("app:1", &layers, how, &history, index_first));
            assert_eq!(got, expected, "{how:?}, index first: {index_first}");
        }
    }
}

#[test]
fn a_layer_listed_twice_gives_its_content_to_every_path_that_shows_it() {
    // One layer entry, listed below and above another: applied twice, as the engine applies it.
    let base = Tar::new()
        .data("etc/a", b"one")
        .hardlink("etc/a2", "etc/a")
        .finish();
    let middle = Tar::new().whiteout("etc/a").data("etc/b", b"two").finish();
    let config = serde_json::json!({
        "rootfs": {"diff_ids": [build::digest(1), build::digest(2), build::digest(1)]},
        "history": [{"created_by": "a"}, {"created_by": "b"}, {"created_by": "c"}],
    });
    let manifest = serde_json::json!([{
        "Config": "c0f.json",
        "Layers": ["base/layer.tar", "middle/layer.tar", "base/layer.tar"],
    }]);
    let archive = Tar::new()
        .data("base/layer.tar", &base)
        .data("middle/layer.tar", &middle)
        .data("c0f.json", config.to_string().as_bytes())
        .data("manifest.json", manifest.to_string().as_bytes())
        .finish();
    let collected = collect(&archive);
    assert_eq!(
        files(&collected),
        vec![
            ("/etc/a", 2, &b"one"[..]),
            ("/etc/a2", 2, &b"one"[..]),
            ("/etc/b", 1, &b"two"[..]),
        ]
    );
    // Its content was kept once and copied for the second path.
    let limits = CollectLimits {
        max_kept_bytes: 3 + 3 + 3,
        ..CollectLimits::default()
    };
    let tight = collect_files(&archive[..], &catalogers, &limits).expect("read");
    assert_eq!(tight.files.len(), 3);
    let limits = CollectLimits {
        max_kept_bytes: 3 + 3,
        ..CollectLimits::default()
    };
    let tighter = collect_files(&archive[..], &catalogers, &limits).expect("read");
    assert_eq!(tighter.files.len(), 2, "{tighter:?}");
    assert_eq!(tighter.skipped.len(), 1, "{:?}", tighter.skipped);
}

#[test]
fn an_archive_of_several_images_needs_the_one_to_read_named() {
    let mut archive = Tar::new();
    let mut manifest = Vec::new();
    for (i, (tag, content)) in [("app:1", &b"one"[..]), ("app:2", b"two")]
        .into_iter()
        .enumerate()
    {
        let layer = format!("l{i}/layer.tar");
        let config = format!("{i:064x}.json");
        archive = archive
            .data(&layer, &Tar::new().data("etc/v", content).finish())
            .data(&config, br#"{"rootfs": {"diff_ids": []}}"#);
        manifest.push(serde_json::json!({"Config": config, "RepoTags": [tag], "Layers": [layer]}));
    }
    let archive = archive
        .data(
            "manifest.json",
            serde_json::Value::from(manifest).to_string().as_bytes(),
        )
        .finish();
    let err = collect_fails(&archive, &CollectLimits::default());
    assert!(matches!(err, LayersError::SeveralImages { .. }), "{err}");
    let second = crate::collect_image(
        &archive[..],
        Some("app:2"),
        &catalogers,
        &CollectLimits::default(),
    )
    .expect("named");
    assert_eq!(files(&second), vec![("/etc/v", 0, &b"two"[..])]);
}

#[test]
fn the_analysis_of_the_same_archive_is_unchanged() {
    let archive = image(&[
        Tar::new().file("a", 100).file("b", 50).finish(),
        Tar::new().whiteout("a").finish(),
    ]);
    let report = run(&archive);
    assert_eq!((report.stored_bytes, report.hidden_bytes), (150, 100));
    assert_eq!(files(&collect(&archive)), vec![("/b", 0, &[b'x'; 50][..])]);
}

#[test]
fn a_truncated_archive_is_an_error_wherever_it_is_cut() {
    let whole = image(&[
        Tar::new().file("a", 3000).file("b", 10).finish(),
        Tar::new().whiteout("a").finish(),
    ]);
    let manifest_at = whole
        .windows(13)
        .position(|w| w == b"manifest.json")
        .expect("manifest header");
    for cut in (0..whole.len()).step_by(37) {
        let result = collect_files(&whole[..cut], &catalogers, &CollectLimits::default());
        if cut <= manifest_at + 512 {
            assert!(result.is_err(), "cut at {cut} of {}", whole.len());
        }
    }
    // Cut inside the content of a kept file: the layer and the entry are named.
    let a_at = whole
        .windows(3000)
        .position(|w| w.iter().all(|b| *b == b'x'))
        .expect("a's content");
    let err = collect_fails(&whole[..a_at + 1000], &CollectLimits::default());
    let text = err.to_string();
    assert!(matches!(err, LayersError::Truncated { .. }), "{text}");
    assert!(
        text.contains("layer.tar") && text.contains("entry \"a\""),
        "{text}"
    );
}

#[test]
fn headers_claiming_huge_files_are_errors_and_nothing_is_allocated_for_them() {
    // GNU base-256: far beyond any file, refused at the header.
    let mut h = build::header(b"etc/huge", b'0', b"", 0);
    h[124..136].copy_from_slice(&[0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]); // 2^48
    build::seal(&mut h);
    let err = collect_fails(
        &image(&[Tar::new().raw(h, &[]).finish()]),
        &CollectLimits::default(),
    );
    assert!(matches!(err, LayersError::Corrupt { .. }), "{err}");
    assert!(
        err.to_string().contains("claims 281474976710656 bytes"),
        "{err}"
    );

    // 8 GiB claimed, wanted whole or as an executable: over the per-file limits, so never
    // allocated; the data is not there, so the archive is truncated.
    for (name, data) in [(&b"etc/big"[..], &b"text"[..]), (b"bin/big", ELF_HEAD)] {
        let mut layer = Tar::new()
            .raw(build::header(name, b'0', b"", 0o77777777777), data)
            .unfinished();
        layer.truncate(512 + data.len());
        let err = collect_fails(&image(&[layer]), &CollectLimits::default());
        assert!(matches!(err, LayersError::Truncated { .. }), "{err}");
    }

    // Within the limits but more than the archive holds: truncated, naming the entry.
    let mut layer = Tar::new()
        .raw(build::header(b"bin/x", b'0', b"", 0o177777), ELF_HEAD)
        .unfinished();
    layer.truncate(512 + ELF_HEAD.len());
    let err = collect_fails(&image(&[layer]), &CollectLimits::default());
    assert!(matches!(err, LayersError::Truncated { .. }), "{err}");
    assert!(err.to_string().contains("entry \"bin/x\""), "{err}");
}

#[test]
fn a_symbolic_link_target_over_path_max_is_refused_naming_the_entry() {
    let layer = Tar::new().symlink("etc/l", &"t/".repeat(3000)).finish();
    let err = collect_fails(&image(&[layer]), &CollectLimits::default());
    assert!(matches!(err, LayersError::Limit { .. }), "{err}");
    assert!(err.to_string().contains("entry \"etc/l\""), "{err}");
}

#[test]
fn no_damage_makes_it_panic() {
    let archives = [
        image(&[
            Tar::new()
                .data("bin/a", ELF_HEAD)
                .hardlink("bin/b", "bin/a")
                .symlink("c", "bin/a")
                .finish(),
            Tar::new().whiteout("bin/a").opaque("d").finish(),
        ]),
        oci(
            "x:1",
            &[Tar::new().data("a", b"content").hardlink("b", "a").finish()],
            Compression::Gzip,
            &[("RUN a", false)],
            false,
        ),
    ];
    survives_random_damage(&archives, 0x2545_f491_4f6c_dd1d, |bytes| {
        let _ = collect_files(bytes, &catalogers, &CollectLimits::default());
    });
}

mod rootfs {
    use super::*;
    use std::path::Path;

    fn write(root: &Path, path: &str, data: &[u8]) {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("dir");
        std::fs::write(file, data).expect("write");
    }

    #[test]
    fn a_directory_reads_as_one_layer_with_links_recorded_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("root");
        write(&root, "usr/lib/os-release", b"ID=alpine\n");
        write(&root, "bin/app", ELF_HEAD);
        write(&root, "bin/script", b"#!/bin/sh\n");
        write(&root, "big", &[b'x'; 2000]);
        std::fs::create_dir_all(root.join("etc")).expect("etc");
        std::os::unix::fs::symlink("../usr/lib/os-release", root.join("etc/os-release"))
            .expect("link");
        // A link out of the root, and one to a directory outside: neither is followed.
        write(dir.path(), "outside/secret", b"not in the image");
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("escape")).expect("link");
        std::os::unix::fs::symlink("/etc/shadow", root.join("etc/shadow")).expect("link");
        let limits = CollectLimits {
            max_whole_bytes: 1000,
            ..CollectLimits::default()
        };
        let collected = collect_rootfs(&root, &catalogers, &limits).expect("walked");
        assert_eq!(
            files(&collected),
            vec![
                ("/bin/app", 0, ELF_HEAD),
                ("/usr/lib/os-release", 0, &b"ID=alpine\n"[..]),
            ]
        );
        assert_eq!(
            collected.links.get("/etc/os-release").map(String::as_str),
            Some("../usr/lib/os-release")
        );
        assert_eq!(
            collected.links.get("/etc/shadow").map(String::as_str),
            Some("/etc/shadow")
        );
        assert!(collected.links.contains_key("/escape"));
        assert_eq!(collected.layers, vec![LayerMeta::default()]);
        assert_eq!(
            collected.skipped,
            vec!["/big: 2000 bytes, over Drydock's limit of 1000 bytes for one file"]
        );
    }

    #[test]
    fn what_is_not_a_directory_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").expect("write");
        let err =
            collect_rootfs(&file, &catalogers, &CollectLimits::default()).expect_err("not a dir");
        assert!(err.to_string().contains("is not a directory"), "{err}");
        let err = collect_rootfs(
            &dir.path().join("missing"),
            &catalogers,
            &CollectLimits::default(),
        )
        .expect_err("missing");
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn a_directory_over_the_entry_limit_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..5 {
            write(dir.path(), &format!("d/f{i}"), b"x");
        }
        let limits = CollectLimits {
            read: crate::Limits {
                max_entries: 5,
                ..crate::Limits::default()
            },
            ..CollectLimits::default()
        };
        let err = collect_rootfs(dir.path(), &catalogers, &limits).expect_err("6 entries");
        assert!(matches!(err, LayersError::Limit { .. }), "{err}");
        assert!(err.to_string().contains("5 entries"), "{err}");
        let limits = CollectLimits {
            read: crate::Limits {
                max_entries: 6,
                ..crate::Limits::default()
            },
            ..CollectLimits::default()
        };
        let collected = collect_rootfs(dir.path(), &catalogers, &limits).expect("6 entries");
        assert_eq!(collected.files.len(), 5);
    }

    #[test]
    fn a_fifo_is_skipped_not_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        // Opening a fifo to read would wait for a writer forever.
        let collected =
            collect_rootfs(dir.path(), &catalogers, &CollectLimits::default()).expect("walked");
        assert!(collected.files.is_empty() && collected.skipped.is_empty());
    }
}
