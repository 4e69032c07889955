//! Damaged and hostile archives: a clear error naming the layer and entry, never a panic, and
//! nothing held in memory because a header asked for it.

use super::build::{self, compress, header, legacy, oci, seal, Compression, Tar};
use super::{fails, image, run, survives_random_damage};
use crate::{analyse, LayersError, Limits, Options};

fn two_layers() -> Vec<u8> {
    image(&[
        Tar::new().file("a", 3000).file("b", 10).finish(),
        Tar::new().whiteout("a").finish(),
    ])
}

#[test]
fn a_truncated_archive_is_an_error_wherever_it_is_cut() {
    let whole = two_layers();
    let manifest_at = whole
        .windows(13)
        .position(|w| w == b"manifest.json")
        .expect("manifest header");
    for cut in (0..whole.len()).step_by(37) {
        let result = analyse(&whole[..cut], &Options::default());
        if cut <= manifest_at + 512 {
            assert!(result.is_err(), "cut at {cut} of {}", whole.len());
        }
    }
    let layer_at = whole
        .windows(9)
        .position(|w| w == b"layer.tar")
        .expect("layer header");
    let err = fails(&whole[..layer_at + 2000]);
    assert!(matches!(err, LayersError::Truncated { .. }), "{err}");
    assert!(
        err.to_string().contains("/layer.tar") && err.to_string().contains("truncated"),
        "{err}"
    );
}

#[test]
fn a_damaged_header_inside_a_layer_names_the_layer_and_the_entry_before_it() {
    let mut layer = Tar::new().file("a", 10).file("b", 10).finish();
    layer[512 + 512 + 3] ^= 0x55; // inside b's name: the checksum no longer matches
    let err = fails(&image(&[layer]));
    let text = err.to_string();
    assert!(matches!(err, LayersError::Corrupt { .. }), "{text}");
    assert!(
        text.contains("layer.tar")
            && text.contains("after entry \"a\"")
            && text.contains("checksum"),
        "{text}"
    );
}

#[test]
fn a_layer_missing_from_the_archive_is_named() {
    let archive = Tar::new()
        .data("aaaa/layer.tar", &Tar::new().file("f", 1).finish())
        .data(
            "manifest.json",
            br#"[{"Config":"c.json","Layers":["aaaa/layer.tar","gone/layer.tar"]}]"#,
        )
        .finish();
    let err = fails(&archive);
    assert_eq!(
        err.to_string(),
        "layer 1 (\"gone/layer.tar\") is named in manifest.json but is not in the archive"
    );
}

#[test]
fn a_layer_missing_from_the_manifest_is_named() {
    let archive = Tar::new()
        .data("aaaa/layer.tar", &Tar::new().file("f", 1).finish())
        .data(
            "c.json",
            br#"{"rootfs":{"diff_ids":["sha256:01","sha256:02"]},"history":[]}"#,
        )
        .data(
            "manifest.json",
            br#"[{"Config":"c.json","Layers":["aaaa/layer.tar"]}]"#,
        )
        .finish();
    let err = fails(&archive);
    assert_eq!(
        err.to_string(),
        "manifest.json: it names 1 layers but the image config \"c.json\" lists 2 (rootfs.diff_ids): a layer is missing"
    );
}

#[test]
fn a_manifest_entry_that_is_not_a_layer_is_named() {
    let archive = Tar::new()
        .data("aaaa/VERSION", b"1.0")
        .data(
            "manifest.json",
            br#"[{"Config":"c.json","Layers":["aaaa/VERSION"]}]"#,
        )
        .finish();
    let err = fails(&archive);
    assert!(
        err.to_string()
            .contains("layer 0 (\"aaaa/VERSION\"): it is not a layer"),
        "{err}"
    );
    let xz = Tar::new()
        .data("x/layer.tar", &[0xfd, b'7', b'z', b'X', b'Z', 0, 1, 2])
        .data(
            "manifest.json",
            br#"[{"Config":"c.json","Layers":["x/layer.tar"]}]"#,
        )
        .finish();
    assert!(fails(&xz).to_string().contains("compressed with xz"));
}

#[test]
fn absurd_sizes_are_refused_before_anything_is_read() {
    // GNU base-256: far beyond any file.
    let mut huge = header(b"big", b'0', b"", 0);
    huge[124..136].copy_from_slice(&[0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]); // 2^48
    seal(&mut huge);
    let layer = Tar::new().file("a", 1).raw(huge, &[]).finish();
    let err = fails(&image(&[layer]));
    assert!(
        err.to_string().contains("claims 281474976710656 bytes")
            && err.to_string().contains("after entry \"a\""),
        "{err}"
    );

    // Large but plausible: the data is simply not there.
    let layer = Tar::new()
        .raw(header(b"big", b'0', b"", 0o77777777777), &[])
        .finish();
    let err = fails(&image(&[layer]));
    assert!(matches!(err, LayersError::Truncated { .. }), "{err}");

    // A PAX record claiming 100 MiB is refused, not read into memory.
    let pax = Tar::new()
        .raw(header(b"PaxHeaders/x", b'x', b"", 100 << 20), &[])
        .finish();
    let err = fails(&image(&[pax]));
    assert!(
        err.to_string().contains("PAX header of 104857600 bytes"),
        "{err}"
    );

    // Negative base-256.
    let mut negative = header(b"neg", b'0', b"", 0);
    negative[124] = 0xff;
    seal(&mut negative);
    let err = fails(&image(&[Tar::new().raw(negative, &[]).finish()]));
    assert!(err.to_string().contains("negative size"), "{err}");
}

#[test]
fn paths_leaving_the_root_are_refused_with_the_entry_named() {
    // As the engine refuses them: a relative name whose `..` climbs above the root. (A rooted
    // name cannot climb: `/../x` is `/x`, see the crane tests.)
    for name in ["../etc/passwd", "a/../../x", ".."] {
        let err = fails(&image(&[Tar::new().file("ok", 1).file(name, 1).finish()]));
        let text = err.to_string();
        assert!(
            text.contains(&format!("entry {name:?}")) && text.contains("`..`"),
            "{name}: {text}"
        );
    }
    let err = fails(&image(&[Tar::new()
        .hardlink("x", "../../etc/shadow")
        .finish()]));
    assert!(
        err.to_string()
            .contains("hard link to \"../../etc/shadow\""),
        "{err}"
    );
    let err = fails(&image(&[Tar::new().file("d/.wh.", 0).finish()]));
    assert!(
        err.to_string().contains("a whiteout that names no file"),
        "{err}"
    );
}

#[test]
fn a_manifest_listing_one_layer_twenty_thousand_times_is_refused_before_the_merge() {
    // The issue's archive: 1.3 MB, 3.45 GB to merge the same layer twenty thousand times. Each
    // listing is applied (as the engine would), so each counts against the entry limit.
    let layer = (0..60).fold(Tar::new(), |t, i| t.file(&format!("f{i}"), 1));
    let listed = vec!["l/layer.tar"; 20_000];
    let archive = Tar::new()
        .data("l/layer.tar", &layer.finish())
        .data(
            "manifest.json",
            serde_json::json!([{"Config": "c.json", "Layers": listed}])
                .to_string()
                .as_bytes(),
        )
        .finish();
    let err = fails(&archive);
    assert!(matches!(err, LayersError::Limit { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "manifest.json, which lists 20000 layers holding 1200000 entries in all (a layer listed \
         again counts again), is over Drydock's limit of 1000000 entries"
    );
}

#[test]
fn an_oci_index_repeating_a_manifest_reads_it_once() {
    // Each listing used to be read and kept as one more image, its layers and all.
    let layers: Vec<Vec<u8>> = (0..50)
        .map(|i| Tar::new().file(&format!("f{i}"), 1).finish())
        .collect();
    let single = oci("x:1", &layers, Compression::None, &[], true);
    let archive = repeat_manifest(&single, 2000);
    let contents = crate::archive::read(&archive[..], &Limits::default()).expect("read");
    let plan = crate::layout::plan(&contents, None).expect("one image");
    assert_eq!((plan.name.as_deref(), plan.layers.len()), (Some("x:1"), 50));
    assert_eq!(
        contents.json_reads(),
        3,
        "index.json, the manifest and the config, each once"
    );
    assert_eq!(run(&archive).layers.len(), 50);
}

/// The OCI layout `single` with its index listing its one manifest `times` times, under as many
/// names.
fn repeat_manifest(single: &[u8], times: usize) -> Vec<u8> {
    let index_at = single
        .windows(10)
        .position(|w| w == b"index.json")
        .expect("index.json");
    let size_field = &single[index_at + 124..index_at + 135];
    let size =
        usize::from_str_radix(std::str::from_utf8(size_field).expect("octal"), 8).expect("size");
    let index: serde_json::Value =
        serde_json::from_slice(&single[index_at + 512..index_at + 512 + size]).expect("index");
    let descriptor = &index["manifests"][0];
    let mut listed = Vec::new();
    for i in 0..times {
        let mut d = descriptor.clone();
        d["annotations"]["org.opencontainers.image.ref.name"] = format!("{}", i % 2).into();
        listed.push(d);
    }
    let index = serde_json::json!({"schemaVersion": 2, "manifests": listed}).to_string();
    let mut out = single[..index_at].to_vec();
    out.extend(Tar::new().data("index.json", index.as_bytes()).unfinished());
    out.extend_from_slice(&single[index_at + 512 + size.div_ceil(512) * 512..]);
    out
}

#[test]
fn a_path_over_path_max_is_refused_naming_the_entry_and_the_limit() {
    // The issue's archive held a thousand of these, a mebibyte each (2.9 GB): the first stops it.
    let name = "n".repeat(5000);
    let err = fails(&image(&[Tar::new().file("ok", 1).file(&name, 1).finish()]));
    assert!(matches!(err, LayersError::Limit { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "layer \"{:064x}/layer.tar\", entry \"{}…\": a path of 5000 bytes, 0 directories \
             deep, is over Drydock's limit of 4096 bytes for one path (Linux's PATH_MAX: no engine \
             can create a longer one)",
            0xa000,
            "n".repeat(120)
        )
    );
    let err = fails(&image(&[Tar::new()
        .file("ok", 1)
        .hardlink("x", &name)
        .finish()]));
    assert!(
        err.to_string().contains("hard link to \"nnnn")
            && err.to_string().contains("a path of 5000 bytes"),
        "{err}"
    );
    // Archive entries too: the engine unpacks the archive before it reads it.
    let archive = Tar::new().data(&name, b"{}").finish();
    assert!(fails(&archive).to_string().contains("4096 bytes"));
}

#[test]
fn paths_four_hundred_thousand_directories_deep_are_refused_at_the_first() {
    // The issue's archive: 40 entries along one chain of 400,000 directories took 8 minutes (an
    // ancestor walk per entry). Scaled down to 4,000, still twice what 4096 bytes can hold.
    let layer = (0..40).fold(Tar::new(), |t, i| {
        t.file(&format!("{}f", "a/".repeat(4000 - i)), 0)
    });
    let err = fails(&image(&[layer.finish()]));
    assert!(matches!(err, LayersError::Limit { .. }), "{err}");
    assert!(
        err.to_string().contains(
            "a path of 8001 bytes, 4000 directories deep, is over Drydock's limit of 4096 bytes"
        ),
        "{err}"
    );
}

#[test]
fn a_hard_link_to_nothing_is_an_error() {
    let err = fails(&image(&[Tar::new().hardlink("x", "nowhere").finish()]));
    assert!(
        err.to_string().contains("entry \"x\"") && err.to_string().contains("/nowhere"),
        "{err}"
    );
}

#[test]
fn what_is_not_an_image_archive_says_so() {
    let err = fails(b"");
    assert!(matches!(err, LayersError::NotAnImage(_)), "{err}");
    let err = fails(&[0x42; 4096]);
    assert!(err.to_string().contains("checksum"), "{err}");
    let err = fails(&Tar::new().data("hello.txt", b"hi").finish());
    assert!(err.to_string().contains("neither manifest.json"), "{err}");
    let err = fails(&Tar::new().data("manifest.json", b"{not json").finish());
    assert!(
        err.to_string().contains("archive entry \"manifest.json\""),
        "{err}"
    );
}

#[test]
fn a_damaged_compressed_layer_names_the_layer() {
    let layers = [Tar::new().file("a", 100_000).finish()];
    for how in [Compression::Gzip, Compression::Zstd] {
        let good = oci("x:1", &layers, how, &[("RUN a", false)], true);
        let blob = compress(&layers[0], how);
        let at = good
            .windows(blob.len())
            .position(|w| w == blob.as_slice())
            .expect("blob inside");
        let mut bad = good.clone();
        for b in &mut bad[at + 20..at + 60] {
            *b ^= 0xa5;
        }
        let err = fails(&bad);
        assert!(
            err.to_string()
                .contains(&format!("layer \"blobs/sha256/{:064x}\"", 0x100)),
            "{how:?}: {err}"
        );
    }
}

#[test]
fn memory_limits_hold() {
    let archive = two_layers();
    let small = |limits: Limits| {
        analyse(
            &archive[..],
            &Options {
                limits,
                ..Options::default()
            },
        )
    };
    let err = small(Limits {
        max_entries: 2,
        ..Limits::default()
    })
    .expect_err("three entries");
    assert!(err.to_string().contains("limit of 2 entries"), "{err}");
    let err = small(Limits {
        max_json_bytes: 64,
        ..Limits::default()
    })
    .expect_err("the manifest is larger");
    assert!(err.to_string().contains("manifest.json"), "{err}");
    let err = small(Limits {
        max_entry_bytes: 100,
        ..Limits::default()
    })
    .expect_err("entries of more than 100 bytes");
    assert!(err.to_string().contains("(limit 100)"), "{err}");
}

#[test]
fn no_damage_makes_it_panic() {
    // Deterministic mutations of a small archive in both layouts: any result but a panic.
    let archives = [
        two_layers(),
        oci(
            "x:1",
            &[Tar::new().file("a", 700).hardlink("b", "a").finish()],
            Compression::Gzip,
            &[("RUN a", false)],
            false,
        ),
    ];
    survives_random_damage(&archives, 0x9e37_79b9_7f4a_7c15, |bytes| {
        let _ = analyse(bytes, &Options::default());
    });
}

#[test]
fn the_legacy_builder_makes_what_docker_save_makes() {
    // Sanity of the test builder itself: the config and manifest come after the layers.
    let archive = legacy("a:1", &[Tar::new().finish()], &[("RUN x", false)]);
    let layer_at = archive.windows(9).position(|w| w == b"layer.tar");
    let manifest_at = archive.windows(13).position(|w| w == b"manifest.json");
    assert!(layer_at < manifest_at);
    assert_eq!(run(&archive).layers[0].digest, build::digest(1));
}
