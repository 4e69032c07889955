//! The analysis on archives the tests write themselves: each layout and compression, every way
//! bytes get hidden, and damaged or hostile input.

mod build;
mod collect;
mod crane;
mod hostile;
mod inspect;

use crate::{analyse, How, LayerReport, LayersError, Options, Step, Wasted};
use build::{compress, legacy, oci, Compression, Tar};

/// Runs `read` on 1,500 copies of each archive with one to four random bytes changed (seeded, so
/// a failure repeats): whatever the damage, reading returns, never panics.
fn survives_random_damage(archives: &[Vec<u8>], mut seed: u64, read: impl Fn(&[u8])) {
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for archive in archives {
        for _ in 0..1500 {
            let mut bytes = archive.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = next() as u8;
            }
            read(&bytes);
        }
    }
}

fn run(archive: &[u8]) -> LayerReport {
    analyse(archive, &Options::default()).expect("the archive is read")
}

fn fails(archive: &[u8]) -> LayersError {
    match analyse(archive, &Options::default()) {
        Ok(report) => panic!("expected an error, got {report:?}"),
        Err(e) => e,
    }
}

fn wasted(path: &str, bytes: u64, written_in: usize, hidden_in: usize, how: How) -> Wasted {
    Wasted {
        path: path.into(),
        bytes,
        written_in,
        hidden_in,
        how,
    }
}

/// (size, added, modified, removed, hidden) of each layer.
fn figures(report: &LayerReport) -> Vec<(u64, u64, u64, u64, u64)> {
    report
        .layers
        .iter()
        .map(|l| {
            (
                l.size,
                l.files_added,
                l.files_modified,
                l.files_removed,
                l.hidden_bytes,
            )
        })
        .collect()
}

fn steps(n: usize) -> Vec<(String, bool)> {
    (0..n).map(|i| (format!("RUN step {i}"), false)).collect()
}

fn image(layers: &[Vec<u8>]) -> Vec<u8> {
    let history = steps(layers.len());
    let history: Vec<build::Step> = history.iter().map(|(t, e)| (t.as_str(), *e)).collect();
    legacy("app:1", layers, &history)
}

#[test]
fn a_file_deleted_later_is_hidden_by_the_layer_that_removed_it() {
    let report = run(&image(&[
        Tar::new()
            .dir("./")
            .file("./a", 100)
            .file("./b", 50)
            .finish(),
        Tar::new().whiteout("a").finish(),
    ]));
    assert_eq!(report.image, "app:1");
    assert_eq!(report.stored_bytes, 150);
    assert_eq!(report.hidden_bytes, 100);
    assert!((report.efficiency - 50.0 / 150.0).abs() < 1e-12);
    assert_eq!(
        figures(&report),
        vec![(100 + 50, 2, 0, 0, 100), (0, 0, 0, 1, 0)]
    );
    assert_eq!(report.wasted, vec![wasted("/a", 100, 0, 1, How::Removed)]);
    assert_eq!(report.layers[1].digest, build::digest(2));
    assert_eq!(report.layers[0].created_by, "RUN step 0");
}

#[test]
fn an_overwritten_file_is_hidden_and_path_forms_are_one_path() {
    let report = run(&image(&[
        Tar::new().dir("./etc/").file("./etc/x", 100).finish(),
        Tar::new().dir("etc/").file("etc/x", 30).finish(),
    ]));
    assert_eq!((report.stored_bytes, report.hidden_bytes), (130, 100));
    assert_eq!(
        figures(&report),
        vec![(100, 1, 0, 0, 100), (30, 0, 1, 0, 0)]
    );
    assert_eq!(
        report.wasted,
        vec![wasted("/etc/x", 100, 0, 1, How::Overwritten)]
    );
}

#[test]
fn a_chmod_copy_up_hides_the_original_bytes() {
    // chmod rewrites the whole file into the new layer: same bytes, stored twice.
    let report = run(&image(&[
        Tar::new().file("bin/tool", 4000).finish(),
        Tar::new().dir("bin/").file("bin/tool", 4000).finish(),
    ]));
    assert_eq!((report.stored_bytes, report.hidden_bytes), (8000, 4000));
    assert_eq!(
        report.wasted,
        vec![wasted("/bin/tool", 4000, 0, 1, How::Overwritten)]
    );
}

#[test]
fn a_whiteout_of_a_directory_hides_its_whole_tree_and_nothing_beside_it() {
    let report = run(&image(&[
        Tar::new()
            .dir("d/")
            .file("d/a", 10)
            .dir("d/e/")
            .file("d/e/b", 20)
            .file("d!", 1)
            .file("dx", 2)
            .file("d0", 4)
            .finish(),
        Tar::new().whiteout("d").finish(),
    ]));
    assert_eq!((report.stored_bytes, report.hidden_bytes), (37, 30));
    assert_eq!(figures(&report)[1], (0, 0, 0, 2, 0));
    assert_eq!(
        report.wasted,
        vec![
            wasted("/d/e/b", 20, 0, 1, How::Removed),
            wasted("/d/a", 10, 0, 1, How::Removed),
        ]
    );
}

#[test]
fn an_opaque_directory_hides_only_what_lower_layers_put_in_it() {
    for opaque_last in [false, true] {
        let upper = Tar::new().dir("d/");
        let upper = if opaque_last {
            upper.file("d/c", 5).opaque("d")
        } else {
            upper.opaque("d").file("d/c", 5)
        };
        let report = run(&image(&[
            Tar::new()
                .dir("d/")
                .file("d/a", 10)
                .file("d/sub/b", 20)
                .file("keep", 3)
                .finish(),
            upper.finish(),
            Tar::new().file("d/c2", 7).finish(),
        ]));
        assert_eq!((report.stored_bytes, report.hidden_bytes), (45, 30));
        assert_eq!(
            figures(&report)[1],
            (5, 1, 0, 2, 0),
            "opaque last: {opaque_last}"
        );
        assert_eq!(
            report.wasted,
            vec![
                wasted("/d/sub/b", 20, 0, 1, How::Opaque),
                wasted("/d/a", 10, 0, 1, How::Opaque),
            ]
        );
    }
}

#[test]
fn a_directory_emptied_and_recreated_in_a_later_layer_hides_its_old_files() {
    // rm -rf d then mkdir d in one step: the engine writes d opaque; in two steps, a whiteout
    // and then a new d.
    let report = run(&image(&[
        Tar::new().file("d/old", 10).finish(),
        Tar::new().whiteout("d").finish(),
        Tar::new().dir("d/").file("d/new", 1).finish(),
    ]));
    assert_eq!(report.hidden_bytes, 10);
    assert_eq!(
        report.wasted,
        vec![wasted("/d/old", 10, 0, 1, How::Removed)]
    );
}

#[test]
fn hard_linked_content_stays_visible_while_any_link_does() {
    let report = run(&image(&[
        Tar::new()
            .file("a", 100)
            .hardlink("b", "a")
            .hardlink("./c", "./a")
            .finish(),
        Tar::new().whiteout("a").finish(),
        Tar::new().whiteout("b").finish(),
        Tar::new().whiteout("c").finish(),
    ]));
    assert_eq!(report.stored_bytes, 100, "hard links carry no bytes");
    assert_eq!(report.hidden_bytes, 100);
    assert_eq!(figures(&report)[0], (100, 3, 0, 0, 100));
    assert_eq!(report.wasted, vec![wasted("/a", 100, 0, 3, How::Removed)]);

    let kept = run(&image(&[
        Tar::new().file("a", 100).hardlink("b", "a").finish(),
        Tar::new().whiteout("a").finish(),
    ]));
    assert_eq!(kept.hidden_bytes, 0, "b still shows the content");
    assert!(kept.wasted.is_empty());
}

#[test]
fn symbolic_links_hold_no_bytes_and_do_not_keep_their_target() {
    let report = run(&image(&[
        Tar::new()
            .file("real", 64)
            .symlink("alias", "real")
            .finish(),
        Tar::new().whiteout("real").finish(),
    ]));
    assert_eq!((report.stored_bytes, report.hidden_bytes), (64, 64));
    assert_eq!(figures(&report)[0], (64, 2, 0, 0, 64));
}

#[test]
fn files_replaced_by_directories_and_back_are_hidden() {
    let report = run(&image(&[
        Tar::new().file("x", 8).dir("y/").file("y/z", 9).finish(),
        Tar::new().dir("x/").file("x/in", 1).file("y", 2).finish(),
    ]));
    assert_eq!(report.hidden_bytes, 17);
    assert_eq!(
        report.wasted,
        vec![
            wasted("/y/z", 9, 0, 1, How::Overwritten),
            wasted("/x", 8, 0, 1, How::Overwritten),
        ]
    );
}

#[test]
fn a_file_over_a_directory_no_layer_listed_hides_what_was_under_it() {
    // `a` exists only as the directory of `a/b`; the engine removes it, tree and all, to write
    // the file (the merge used to keep `/a/b` visible under a file).
    let report = run(&image(&[
        Tar::new().file("a/b", 10).file("c/d", 1).finish(),
        Tar::new().file("a", 5).dir("c/").finish(),
    ]));
    assert_eq!((report.stored_bytes, report.hidden_bytes), (16, 10));
    assert_eq!(figures(&report)[1], (5, 1, 0, 1, 0));
    assert_eq!(
        report.wasted,
        vec![wasted("/a/b", 10, 0, 1, How::Overwritten)]
    );
}

#[test]
fn a_layer_listed_twice_is_applied_twice_as_the_engine_applies_it() {
    // Two identical `COPY` steps give one diff id twice; the second hides the first's bytes.
    // docker save links the second layer.tar to the first; crane lists one file twice.
    let layer = Tar::new().dir("app/").file("app/x", 100).finish();
    let archive = Tar::new()
        .data("l/layer.tar", &layer)
        .data("e/layer.tar", &Tar::new().finish())
        .data(
            "manifest.json",
            br#"[{"Config":"c.json","Layers":["l/layer.tar","e/layer.tar","l/layer.tar","e/layer.tar"]}]"#,
        )
        .finish();
    let report = run(&archive);
    assert_eq!((report.stored_bytes, report.hidden_bytes), (200, 100));
    assert_eq!(
        figures(&report),
        vec![
            (100, 1, 0, 0, 100),
            (0, 0, 0, 0, 0),
            (100, 0, 1, 0, 0),
            (0, 0, 0, 0, 0)
        ]
    );
    assert_eq!(
        report.wasted,
        vec![wasted("/app/x", 100, 0, 2, How::Overwritten)]
    );
}

#[test]
fn a_whiteout_acts_only_on_lower_layers() {
    // A layer that adds a path and whites it out keeps its own file.
    let report = run(&image(&[
        Tar::new().file("f", 10).finish(),
        Tar::new().file("f", 3).whiteout("f").finish(),
    ]));
    assert_eq!(report.hidden_bytes, 10);
    assert_eq!(report.wasted, vec![wasted("/f", 10, 0, 1, How::Removed)]);
}

#[test]
fn a_path_written_twice_in_one_layer_counts_its_first_bytes_as_hidden() {
    let report = run(&image(&[Tar::new().file("f", 10).file("./f", 4).finish()]));
    assert_eq!((report.stored_bytes, report.hidden_bytes), (14, 10));
    assert_eq!(
        report.wasted,
        vec![wasted("/f", 10, 0, 0, How::Overwritten)]
    );
}

#[test]
fn per_layer_hidden_bytes_sum_to_the_total() {
    let report = run(&image(&[
        Tar::new().file("a", 1).file("b", 2).file("c/d", 4).finish(),
        Tar::new().file("a", 8).whiteout("c").finish(),
        Tar::new().file("e", 16).whiteout("a").finish(),
        Tar::new().opaque("").file("z", 32).finish(),
    ]));
    let sum: u64 = report.layers.iter().map(|l| l.hidden_bytes).sum();
    assert_eq!(sum, report.hidden_bytes);
    assert_eq!(report.stored_bytes, 1 + 2 + 4 + 8 + 16 + 32);
    // The root made opaque in the last layer hides all but its own file.
    assert_eq!(report.hidden_bytes, 1 + 2 + 4 + 8 + 16);
    let wasted_sum: u64 = report.wasted.iter().map(|w| w.bytes).sum();
    assert_eq!(wasted_sum, report.hidden_bytes);
}

#[test]
fn an_image_without_bytes_is_fully_efficient() {
    let report = run(&legacy("empty:1", &[], &[("CMD [\"sh\"]", true)]));
    assert_eq!(report.stored_bytes, 0);
    assert_eq!(report.efficiency, 1.0);
    assert!(report.layers.is_empty());
    let report = run(&image(&[Tar::new().dir("etc/").finish()]));
    assert_eq!(report.efficiency, 1.0);
}

#[test]
fn thousands_of_deleted_files_are_each_reported() {
    let n = 5000;
    let mut lower = Tar::new().dir("d/");
    let mut upper = Tar::new().dir("d/");
    for i in 0..n {
        lower = lower.file(&format!("d/f{i:05}"), 10 + i % 7);
        upper = upper.whiteout(&format!("d/f{i:05}"));
    }
    let report = run(&image(&[lower.file("d/keep", 1).finish(), upper.finish()]));
    let expected: u64 = (0..n as u64).map(|i| 10 + i % 7).sum();
    assert_eq!(report.hidden_bytes, expected);
    assert_eq!(report.wasted.len(), n);
    assert_eq!(report.layers[1].files_removed, n as u64);
    assert_eq!(report.wasted[0].bytes, 16, "biggest first");
}

#[test]
fn oci_layouts_with_every_compression_give_the_same_figures() {
    let layers = [
        Tar::new()
            .dir("./")
            .file("./a", 1000)
            .file("b", 10)
            .finish(),
        Tar::new().dir("./").whiteout("a").file("b", 20).finish(),
    ];
    let history = [
        ("ADD rootfs.tar /", false),
        ("ENV A=1", true),
        ("RUN rm /a && echo > /b", false),
    ];
    let expected = run(&legacy("app:1", &layers, &history));
    assert_eq!(expected.hidden_bytes, 1010);
    assert_eq!(expected.layers[1].created_by, "RUN rm /a && echo > /b");
    for how in [Compression::None, Compression::Gzip, Compression::Zstd] {
        for index_first in [false, true] {
            let archive = oci(
                "docker.io/library/app:1",
                &layers,
                how,
                &history,
                index_first,
            );
            let report = run(&archive);
            assert_eq!(report.image, "docker.io/library/app:1");
            assert_eq!(
                (report.stored_bytes, report.hidden_bytes, &report.wasted),
                (
                    expected.stored_bytes,
                    expected.hidden_bytes,
                    &expected.wasted
                ),
                "{how:?}"
            );
            assert_eq!(figures(&report), figures(&expected), "{how:?}");
            assert_eq!(report.layers[1].digest, build::digest(2), "the diff id");
            assert_eq!(report.layers[1].created_by, "RUN rm /a && echo > /b");
        }
    }
}

#[test]
fn docker_25_archives_list_oci_blobs_in_manifest_json() {
    let layer = compress(&Tar::new().file("a", 5).finish(), Compression::Gzip);
    let archive = Tar::new()
        .data("blobs/sha256/aaaa", &layer)
        .data("blobs/sha256/cccc", br#"{"rootfs":{"diff_ids":["sha256:d1"]},"history":[{"created_by":"COPY a /"}]}"#)
        .data(
            "manifest.json",
            br#"[{"Config":"blobs/sha256/cccc","RepoTags":["x:1"],"Layers":["blobs/sha256/aaaa"]}]"#,
        )
        .data("index.json", br#"{"manifests":[]}"#)
        .finish();
    let report = run(&archive);
    assert_eq!(report.stored_bytes, 5);
    assert_eq!(report.layers[0].digest, "sha256:d1");
    assert_eq!(report.layers[0].created_by, "COPY a /");
}

#[test]
fn build_steps_pair_with_layers_skipping_empty_ones() {
    let layers = [
        Tar::new().file("a", 1).finish(),
        Tar::new().file("b", 1).finish(),
    ];
    let archive = legacy(
        "app:1",
        &layers,
        &[
            ("ADD x /", false),
            ("ENV A=1", true),
            ("RUN b", false),
            ("CMD sh", true),
        ],
    );
    let report = run(&archive);
    let by: Vec<&str> = report
        .layers
        .iter()
        .map(|l| l.created_by.as_str())
        .collect();
    assert_eq!(by, ["ADD x /", "RUN b"]);

    // The caller's history wins when it pairs; a history that does not pair is not used.
    let step = |t: &str, empty| Step {
        created_by: t.into(),
        empty_layer: empty,
    };
    let mut options = Options {
        history: Some(vec![
            step("engine 1", false),
            step("ENV", true),
            step("engine 2", false),
        ]),
        ..Options::default()
    };
    let report = analyse(&archive[..], &options).expect("read");
    assert_eq!(report.layers[1].created_by, "engine 2");
    options.history = Some(vec![step("only one", false)]);
    let report = analyse(&archive[..], &options).expect("read");
    assert_eq!(report.layers[1].created_by, "RUN b");
}

#[test]
fn docker_save_links_repeated_layers_to_their_first_copy() {
    // Two identical empty layers: the second layer.tar is a symlink to the first.
    let empty = Tar::new().finish();
    let archive = Tar::new()
        .data("aaaa/layer.tar", &Tar::new().file("f", 10).finish())
        .data("bbbb/layer.tar", &empty)
        .symlink("cccc/layer.tar", "../bbbb/layer.tar")
        .data(
            "manifest.json",
            br#"[{"Config":"c.json","RepoTags":null,"Layers":["aaaa/layer.tar","bbbb/layer.tar","cccc/layer.tar"]}]"#,
        )
        .finish();
    let report = run(&archive);
    assert_eq!(report.layers.len(), 3);
    assert_eq!(report.stored_bytes, 10);
    assert_eq!(report.image, "");
    assert_eq!(
        report.layers[2].digest, "cccc/layer.tar",
        "no config: the path"
    );
}

#[test]
fn an_archive_of_several_images_needs_a_name() {
    let layer = Tar::new().file("f", 10).finish();
    let archive = Tar::new()
        .data("l1/layer.tar", &layer)
        .data("l2/layer.tar", &Tar::new().file("g", 20).finish())
        .data(
            "manifest.json",
            br#"[{"Config":"a.json","RepoTags":["one:1"],"Layers":["l1/layer.tar"]},
                 {"Config":"b.json","RepoTags":["docker.io/library/two:latest"],"Layers":["l1/layer.tar","l2/layer.tar"]}]"#,
        )
        .finish();
    let err = fails(&archive);
    assert!(matches!(err, LayersError::SeveralImages { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("one:1, docker.io/library/two:latest"),
        "{err}"
    );
    let pick = |name: &str| {
        analyse(
            &archive[..],
            &Options {
                select: Some(name.into()),
                ..Options::default()
            },
        )
    };
    let two = pick("two").expect("two is there");
    assert_eq!((two.image.as_str(), two.stored_bytes), ("two", 30));
    let err = pick("three:1").expect_err("not there");
    assert!(
        err.to_string()
            .contains("\"three:1\" is not in the archive"),
        "{err}"
    );
}

#[test]
fn long_names_in_pax_and_gnu_headers_are_read() {
    let long = format!("dir/{}/file", "n".repeat(150));
    let mut gnu = Tar::new();
    let name = format!("{}/gnu", "g".repeat(120));
    let mut h = build::header(b"././@LongLink", b'L', b"", name.len() as u64 + 1);
    h[257..265].copy_from_slice(b"ustar  \0");
    build::seal(&mut h);
    let mut data = name.clone().into_bytes();
    data.push(0);
    gnu = gnu.raw(h, &data).file("short-name-replaced", 7);
    let lower = {
        let mut bytes = Tar::new().file(&long, 3).unfinished();
        bytes.extend(gnu.finish());
        bytes
    };
    let report = run(&image(&[
        lower,
        Tar::new().whiteout(&long).whiteout(&name).finish(),
    ]));
    assert_eq!(report.hidden_bytes, 10);
    assert!(report.wasted.iter().any(|w| w.path == format!("/{name}")));
    assert!(report.wasted.iter().any(|w| w.path == format!("/{long}")));
}

#[test]
fn the_report_serialises_to_the_documented_keys() {
    let report = run(&image(&[
        Tar::new().file("a", 100).finish(),
        Tar::new().whiteout("a").finish(),
    ]));
    let value = serde_json::to_value(&report).expect("json");
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&value),
        [
            "efficiency",
            "hidden_bytes",
            "image",
            "layers",
            "stored_bytes",
            "wasted"
        ]
    );
    assert_eq!(
        keys(&value["layers"][0]),
        [
            "created_by",
            "digest",
            "files_added",
            "files_modified",
            "files_removed",
            "hidden_bytes",
            "index",
            "size"
        ]
    );
    assert_eq!(
        keys(&value["wasted"][0]),
        ["bytes", "hidden_in", "how", "path", "written_in"]
    );
    assert_eq!(value["wasted"][0]["how"], "removed");
    assert_eq!(value["efficiency"], 0.0);
}

mod tree {
    use super::*;
    use crate::{analyse_with_tree, EntryKind, HiddenBy, TreeEntry};

    fn row(path: &str, kind: EntryKind, size: u64, layer: Option<usize>) -> TreeEntry {
        TreeEntry {
            path: path.into(),
            kind,
            size,
            layer,
            hidden: None,
        }
    }

    #[test]
    fn the_tree_lists_final_paths_with_their_last_writer_and_hidden_files_beside_them() {
        let archive = image(&[
            Tar::new()
                .dir("./")
                .file("./a", 100)
                .file("./etc/x", 5)
                .file("./etc-b", 7)
                .finish(),
            Tar::new().file("a", 30).whiteout("etc").finish(),
        ]);
        let analysis = analyse_with_tree(&archive[..], &Options::default()).expect("read");
        assert_eq!(analysis.report, run(&archive), "the report is the CLI's");
        assert!(!analysis.tree.truncated);
        let hidden = |path: &str, size, written, by, how| TreeEntry {
            hidden: Some(HiddenBy { layer: by, how }),
            ..row(path, EntryKind::File, size, Some(written))
        };
        assert_eq!(
            analysis.tree.entries,
            vec![
                row("/a", EntryKind::File, 30, Some(1)),
                hidden("/a", 100, 0, 1, How::Overwritten),
                // `/etc` was never listed as a directory; its file is gone with it.
                hidden("/etc/x", 5, 0, 1, How::Removed),
                row("/etc-b", EntryKind::File, 7, Some(0)),
            ]
        );
    }

    #[test]
    fn implied_directories_come_before_their_children_and_the_tree_is_capped() {
        let archive = image(&[Tar::new().file("./d/e/f", 1).file("./d0", 2).finish()]);
        let tree = analyse_with_tree(&archive[..], &Options::default())
            .expect("read")
            .tree;
        let paths: Vec<(&str, Option<usize>)> = tree
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.layer))
            .collect();
        assert_eq!(
            paths,
            [
                ("/d", None),
                ("/d/e", None),
                ("/d/e/f", Some(0)),
                ("/d0", Some(0))
            ]
        );
        let capped = Options {
            limits: crate::Limits {
                max_tree_entries: 2,
                ..crate::Limits::default()
            },
            ..Options::default()
        };
        let tree = analyse_with_tree(&archive[..], &capped).expect("read").tree;
        assert!(tree.truncated);
        assert_eq!(tree.entries.len(), 2);
    }

    #[test]
    fn the_tree_of_deep_paths_stops_at_its_byte_budget() {
        // Each entry carries its whole path: 20 chains 1,000 directories deep are 20,000
        // directories of 1 KB paths on average, 20 MB from a 100 KB layer.
        let layer = (0..20).fold(Tar::new(), |t, i| {
            t.file(&format!("{i:02}/{}f", "d/".repeat(1000)), 1)
        });
        let archive = image(&[layer.finish()]);
        let budget = Options {
            limits: crate::Limits {
                max_tree_bytes: 1 << 20,
                ..crate::Limits::default()
            },
            ..Options::default()
        };
        let analysis = analyse_with_tree(&archive[..], &budget).expect("read");
        let bytes: usize = analysis.tree.entries.iter().map(|e| e.path.len()).sum();
        assert!(analysis.tree.truncated);
        assert!(bytes <= 1 << 20 && bytes > 1 << 19, "{bytes}");
        assert_eq!(analysis.report, run(&archive), "the figures stay exact");
        // Parents still come before their children.
        let first: Vec<&str> = analysis.tree.entries[..3]
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(first, ["/00", "/00/d", "/00/d/d"]);
    }

    #[test]
    fn the_analysis_survives_a_round_trip_through_json() {
        let archive = image(&[
            Tar::new().file("a", 1).finish(),
            Tar::new().whiteout("a").finish(),
        ]);
        let analysis = analyse_with_tree(&archive[..], &Options::default()).expect("read");
        let json = serde_json::to_string(&analysis).expect("json");
        assert_eq!(
            serde_json::from_str::<crate::Analysis>(&json).expect("back"),
            analysis
        );
    }
}
