//! `drydock layers` against fixture images on a throwaway engine. Every expected figure comes from
//! what the Dockerfile writes (`head -c N` writes N bytes), never from running the tool.

mod common;

use common::drydock;
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use serde_json::{json, Value};
use std::path::Path;

/// The busybox binary is the only regular file of the fixture base.
fn base_bytes() -> u64 {
    ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists())
        .map(|p| std::fs::metadata(p).expect("busybox").len())
        .expect("busybox-static is installed")
}

fn layers_json(engine: &Dockerd, image: &str) -> Value {
    let out = drydock()
        .arg("-H")
        .arg(engine.host())
        .args(["layers", image, "--format", "json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "drydock layers {image}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// `drydock layers --archive FILE` as JSON, which must succeed.
fn archive_json(file: &Path) -> Value {
    let out = drydock()
        .args(["layers", "--archive"])
        .arg(file)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "drydock layers --archive {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The report's figures in one comparable value: totals, per layer
/// `[size, added, modified, removed, hidden]`, and the wasted list.
fn figures(report: &Value) -> Value {
    let layers: Vec<Value> = report["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| {
            json!([
                l["size"],
                l["files_added"],
                l["files_modified"],
                l["files_removed"],
                l["hidden_bytes"]
            ])
        })
        .collect();
    json!({
        "stored": report["stored_bytes"],
        "hidden": report["hidden_bytes"],
        "layers": layers,
        "wasted": report["wasted"],
    })
}

fn wasted(path: &str, bytes: u64, written_in: u64, hidden_in: u64, how: &str) -> Value {
    json!({"path": path, "bytes": bytes, "written_in": written_in, "hidden_in": hidden_in, "how": how})
}

/// Layer digests change with every build (layer tars hold mtimes): placeholders of the same width.
fn without_ids(text: &str) -> String {
    text.lines()
        .map(|line| {
            let words: Vec<&str> = line
                .split(' ')
                .map(|w| {
                    if w.len() == 12 && w.chars().all(|c| c.is_ascii_hexdigit()) {
                        "<digest>    "
                    } else {
                        w
                    }
                })
                .collect();
            format!("{}\n", words.join(" "))
        })
        .collect()
}

fn classic(engine: &Dockerd, tag: &str, steps: &str) -> String {
    engine.build(tag, &format!("FROM {BASE}\n{steps}"), Builder::Classic)
}

#[test]
fn fixture_images_have_the_figures_their_dockerfiles_imply() {
    let engine = Dockerd::start();
    engine.base();
    let base = base_bytes();
    // The base layer holds busybox and the applet symlinks (files, no directories).
    let base_files = engine
        .docker(&[
            "run",
            "--rm",
            "--network",
            "none",
            BASE,
            "find",
            "/bin",
            "-type",
            "l",
        ])
        .lines()
        .count() as u64
        + 1;
    let base_row = json!([base, base_files, 0, 0, 0]);

    classic(
        &engine,
        "fx/deleted:1",
        "RUN head -c 100000 /dev/zero > /a\nENV STAGE=mid\nRUN rm /a\n",
    );
    let report = layers_json(&engine, "fx/deleted:1");
    assert_eq!(
        figures(&report),
        json!({
            "stored": base + 100_000,
            "hidden": 100_000,
            "layers": [base_row, [100_000, 1, 0, 0, 100_000], [0, 0, 0, 1, 0]],
            "wasted": [wasted("/a", 100_000, 1, 2, "removed")],
        })
    );
    assert_eq!(report["image"], "fx/deleted:1");
    let efficiency = base as f64 / (base + 100_000) as f64;
    assert!((report["efficiency"].as_f64().expect("number") - efficiency).abs() < 1e-12);
    // Empty-layer steps (ENV) are skipped when pairing steps with layers.
    assert_eq!(
        report["layers"][2]["created_by"], "/bin/sh -c rm /a",
        "{report:#}"
    );
    let diff_ids: Value = serde_json::from_str(&engine.docker(&[
        "image",
        "inspect",
        "--format",
        "{{json .RootFS.Layers}}",
        "fx/deleted:1",
    ]))
    .expect("diff ids");
    let digests: Vec<Value> = report["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["digest"].clone())
        .collect();
    assert_eq!(Value::from(digests), diff_ids);

    classic(
        &engine,
        "fx/overwritten:1",
        "RUN head -c 100000 /dev/zero > /f\nRUN head -c 30000 /dev/zero > /f\n",
    );
    assert_eq!(
        figures(&layers_json(&engine, "fx/overwritten:1")),
        json!({
            "stored": base + 130_000,
            "hidden": 100_000,
            "layers": [base_row, [100_000, 1, 0, 0, 100_000], [30_000, 0, 1, 0, 0]],
            "wasted": [wasted("/f", 100_000, 1, 2, "overwritten")],
        })
    );

    classic(
        &engine,
        "fx/chmod:1",
        "RUN head -c 50000 /dev/zero > /c\nRUN chmod 600 /c\n",
    );
    assert_eq!(
        figures(&layers_json(&engine, "fx/chmod:1")),
        json!({
            "stored": base + 100_000,
            "hidden": 50_000,
            "layers": [base_row, [50_000, 1, 0, 0, 50_000], [50_000, 0, 1, 0, 0]],
            "wasted": [wasted("/c", 50_000, 1, 2, "overwritten")],
        })
    );

    classic(
        &engine,
        "fx/rm-rf:1",
        "RUN mkdir -p /d/sub && head -c 10000 /dev/zero > /d/x && head -c 20000 /dev/zero > /d/sub/y\nRUN rm -rf /d\n",
    );
    assert_eq!(
        figures(&layers_json(&engine, "fx/rm-rf:1")),
        json!({
            "stored": base + 30_000,
            "hidden": 30_000,
            "layers": [base_row, [30_000, 2, 0, 0, 30_000], [0, 0, 0, 2, 0]],
            "wasted": [wasted("/d/sub/y", 20_000, 1, 2, "removed"), wasted("/d/x", 10_000, 1, 2, "removed")],
        })
    );

    // Removed and made again in one step: overlayfs marks the new directory opaque.
    classic(
        &engine,
        "fx/opaque:1",
        "RUN mkdir /o && head -c 40000 /dev/zero > /o/old\nRUN rm -rf /o && mkdir /o && head -c 5000 /dev/zero > /o/new\n",
    );
    assert_eq!(
        figures(&layers_json(&engine, "fx/opaque:1")),
        json!({
            "stored": base + 45_000,
            "hidden": 40_000,
            "layers": [base_row, [40_000, 1, 0, 0, 40_000], [5_000, 1, 0, 1, 0]],
            "wasted": [wasted("/o/old", 40_000, 1, 2, "opaque")],
        })
    );

    // A hard link keeps the content visible until the last link goes; links carry no bytes.
    classic(
        &engine,
        "fx/links:1",
        "RUN head -c 60000 /dev/zero > /h && ln /h /h2 && ln -s /h /s\nRUN rm /h\nRUN rm /h2 /s\n",
    );
    assert_eq!(
        figures(&layers_json(&engine, "fx/links:1")),
        json!({
            "stored": base + 60_000,
            "hidden": 60_000,
            "layers": [base_row, [60_000, 3, 0, 0, 60_000], [0, 0, 0, 1, 0], [0, 0, 0, 2, 0]],
            "wasted": [wasted("/h", 60_000, 1, 3, "removed")],
        })
    );

    // Thousands of whiteouts, one per file: `echo $i` writes the digits and a newline.
    let n = 3000u64;
    classic(
        &engine,
        "fx/many:1",
        &format!(
            "RUN mkdir /many && cd /many && for i in $(seq 1 {n}); do echo $i > f$i; done && echo k > keep\nRUN rm /many/f*\n"
        ),
    );
    let bytes: u64 = (1..=n).map(|i| i.to_string().len() as u64 + 1).sum();
    let report = layers_json(&engine, "fx/many:1");
    let f = figures(&report);
    assert_eq!(f["stored"], base + bytes + 2);
    assert_eq!(f["hidden"], bytes);
    assert_eq!(f["layers"][1], json!([bytes + 2, n + 1, 0, 0, bytes]));
    assert_eq!(f["layers"][2], json!([0, 0, 0, n, 0]));
    let list = report["wasted"].as_array().expect("wasted");
    assert_eq!(list.len() as u64, n);
    assert_eq!(
        list[0],
        wasted("/many/f1000", 5, 1, 2, "removed"),
        "biggest, then by path"
    );

    // Layer sizes are the engine's own, except that the engine also counts the length of each
    // symbolic link's target (the base's applets link to "busybox", 7 bytes each).
    let sizes: Vec<u64> = engine
        .docker(&[
            "history",
            "--no-trunc",
            "--format",
            "{{.Size}}",
            "--human=false",
            "fx/overwritten:1",
        ])
        .lines()
        .filter_map(|s| s.trim().parse().ok())
        .filter(|s| *s > 0)
        .collect();
    assert_eq!(sizes, vec![30_000, 100_000, base + 7 * (base_files - 1)]);
}

#[test]
fn a_saved_archive_reads_the_same_as_the_engine() {
    let engine = Dockerd::start();
    engine.base();
    classic(
        &engine,
        "fx/saved:1",
        "RUN head -c 70000 /dev/zero > /s && head -c 10 /dev/zero > /t\nRUN rm /s\n",
    );
    let from_engine = layers_json(&engine, "fx/saved:1");
    let dir = engine.scratch("saved");
    let file = dir.join("saved.tar");
    engine.docker(&["save", "fx/saved:1", "-o", &file.display().to_string()]);

    let from_file = archive_json(&file);
    assert_eq!(from_file, from_engine, "same figures, steps and digests");

    // The OCI image layout with compressed layers, as newer engines and the containerd store
    // export it: skopeo writes it from the engine's image.
    let skopeo = ["/usr/bin/skopeo", "/usr/local/bin/skopeo"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("skopeo is missing: `apt-get install skopeo` (`cargo xtask test` installs it)");
    for compression in ["gzip", "zstd"] {
        let oci = dir.join(format!("oci-{compression}.tar"));
        let copied = std::process::Command::new(skopeo)
            .args(["copy", "--quiet", "--src-daemon-host"])
            .arg(engine.host())
            .arg("docker-daemon:fx/saved:1")
            .arg(format!("oci-archive:{}:fx/saved:1", oci.display()))
            .args(["--dest-compress", "--dest-compress-format", compression])
            .output()
            .expect("run skopeo");
        assert!(
            copied.status.success(),
            "skopeo: {}",
            String::from_utf8_lossy(&copied.stderr)
        );
        let from_oci = archive_json(&oci);
        assert_eq!(from_oci, from_engine, "{compression}");
    }

    // stdin, and a table for people.
    let out = drydock()
        .args(["layers", "--archive", "-"])
        .pipe_stdin(&file)
        .expect("stdin")
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        table.starts_with("fx/saved:1: ") && table.contains("efficiency"),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("70 kB") && l.ends_with(" 1           2   removed   /s")),
        "{table}"
    );
    assert!(table.contains("rm /s"), "the build step is shown: {table}");
    insta::assert_snapshot!("layers_table", without_ids(&table));

    // A truncated file: a clear error naming the layer, exit 2, nothing on stdout.
    let bytes = std::fs::read(&file).expect("read");
    let cut = dir.join("cut.tar");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let out = drydock()
        .args(["layers", "--archive"])
        .arg(&cut)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains("truncated")
            && stderr.contains("layer.tar")
            && stderr.contains("fix: "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = drydock()
        .args(["layers", "--archive", "/nonexistent/x.tar"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open /nonexistent/x.tar"));
}

#[test]
fn ci_thresholds_decide_the_exit_code() {
    let engine = Dockerd::start();
    engine.base();
    classic(
        &engine,
        "fx/ci:1",
        "RUN head -c 100000 /dev/zero > /a\nRUN rm /a\n",
    );
    let ci = |args: &[&str]| {
        drydock()
            .arg("-H")
            .arg(engine.host())
            .args(["layers", "fx/ci:1", "--ci"])
            .args(args)
            .output()
            .expect("run")
    };

    let out = ci(&["--max-hidden-bytes", "99999"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL: hidden bytes 100000 (100 kB) over --max-hidden-bytes 99999"),
        "{stdout}"
    );

    let out = ci(&["--max-hidden-bytes", "100000", "--min-efficiency", "0.5"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("pass: hidden bytes") && stdout.contains("pass: efficiency"));

    // JSON stays pure on stdout; the verdict goes to stderr.
    let out = ci(&["--min-efficiency", "0.99", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("pure JSON");
    assert_eq!(report["hidden_bytes"], 100_000);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("FAIL: efficiency") && stderr.contains("is below --min-efficiency 0.99"),
        "{stderr}"
    );

    // A clean image passes the strictest thresholds.
    let out = drydock()
        .arg("-H")
        .arg(engine.host())
        .args([
            "layers",
            BASE,
            "--ci",
            "--max-hidden-bytes",
            "0",
            "--min-efficiency",
            "1",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Usage errors exit 2: --ci without a threshold, a threshold without --ci, a bad fraction.
    for args in [
        vec!["layers", "fx/ci:1", "--ci"],
        vec!["layers", "fx/ci:1", "--min-efficiency", "0.5"],
        vec!["layers", "fx/ci:1", "--ci", "--min-efficiency", "90"],
        vec!["layers"],
    ] {
        let out = drydock()
            .arg("-H")
            .arg(engine.host())
            .args(&args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }

    let out = drydock()
        .arg("-H")
        .arg(engine.host())
        .args(["layers", "nope:404"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No such image: nope:404"), "{stderr}");
}

/// A tar written header by header, as kaniko and crane write layers: a `/` entry at the top and
/// absolute names. Entries are (name, type flag, data); names stay under 100 bytes.
fn ustar(entries: &[(&str, u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, flag, data) in entries {
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        let mode: &[u8] = if *flag == b'5' {
            b"0000755"
        } else {
            b"0000644"
        };
        h[100..107].copy_from_slice(mode);
        h[108..115].copy_from_slice(b"0000000");
        h[116..123].copy_from_slice(b"0000000");
        h[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
        h[136..147].copy_from_slice(b"14000000000");
        h[156] = *flag;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

/// `sha256sum` of `bytes`, as the hex digest.
fn sha256(dir: &Path, bytes: &[u8]) -> String {
    let file = dir.join("digest-input");
    std::fs::write(&file, bytes).expect("write");
    let out = std::process::Command::new("sha256sum")
        .arg(&file)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)[..64].to_owned()
}

fn gzip(dir: &Path, bytes: &[u8]) -> Vec<u8> {
    let file = dir.join("gzip-input");
    std::fs::write(&file, bytes).expect("write");
    let out = std::process::Command::new("gzip")
        .args(["-n", "-c"])
        .arg(&file)
        .output()
        .expect("gzip");
    assert!(out.status.success());
    out.stdout
}

#[test]
fn a_crane_tarball_reads_the_same_from_the_file_as_from_the_engine_that_loaded_it() {
    // kaniko and crane (go-containerregistry) write image tarballs this way: `/` at the top of
    // each layer, absolute names, gzip layers named `<hex>.tar.gz`, the config named
    // `sha256:<hex>`, and a layer listed twice stored once. The engine loads them.
    let engine = Dockerd::start();
    let dir = engine.scratch("crane");
    let layers = [
        ustar(&[
            ("/", b'5', b""),
            ("/etc/", b'5', b""),
            ("/etc/x", b'0', &[b'x'; 1000]),
            ("/bin/", b'5', b""),
            ("/bin/tool", b'0', &[7; 500]),
        ]),
        ustar(&[
            ("/", b'5', b""),
            ("./etc/x", b'0', &[b'y'; 300]),
            ("/bin/.wh.tool", b'0', b""),
        ]),
        ustar(&[("/", b'5', b"")]),
    ];
    let listed = [0, 1, 2, 2];
    let diff_ids: Vec<String> = layers
        .iter()
        .map(|l| format!("sha256:{}", sha256(&dir, l)))
        .collect();
    let blobs: Vec<Vec<u8>> = layers.iter().map(|l| gzip(&dir, l)).collect();
    let files: Vec<String> = blobs
        .iter()
        .map(|b| format!("{}.tar.gz", sha256(&dir, b)))
        .collect();
    let config = json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": listed.map(|i| diff_ids[i].clone())},
        "history": listed.map(|i| json!({"created_by": format!("crane step {i}")})),
    })
    .to_string();
    let config_name = format!("sha256:{}", sha256(&dir, config.as_bytes()));
    let manifest = json!([{
        "Config": config_name,
        "RepoTags": ["crane/app:1"],
        "Layers": listed.map(|i| files[i].clone()),
    }])
    .to_string();
    let mut outer: Vec<(&str, u8, &[u8])> = vec![(&config_name, b'0', config.as_bytes())];
    for (file, blob) in files.iter().zip(&blobs) {
        outer.push((file, b'0', blob));
    }
    outer.push(("manifest.json", b'0', manifest.as_bytes()));
    let tarball = dir.join("crane.tar");
    std::fs::write(&tarball, ustar(&outer)).expect("write");

    engine.docker(&["load", "-i", &tarball.display().to_string()]);
    let from_engine = layers_json(&engine, "crane/app:1");
    let from_file = archive_json(&tarball);
    assert_eq!(from_file, from_engine, "same figures, steps and digests");
    assert_eq!(
        figures(&from_file),
        json!({
            "stored": 1800,
            "hidden": 1500,
            "layers": [[1500, 2, 0, 0, 1500], [300, 0, 1, 1, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
            "wasted": [
                wasted("/etc/x", 1000, 0, 1, "overwritten"),
                wasted("/bin/tool", 500, 0, 1, "removed"),
            ],
        })
    );
    assert_eq!(from_file["layers"][3]["created_by"], "crane step 2");
}
