//! Image tarballs as kaniko and crane (go-containerregistry) write them: a `/` entry at the top
//! of each layer, absolute names, the config named `sha256:<hex>`, gzip layers named
//! `<hex>.tar.gz`, and a layer listed twice stored once. The engine loads them, cleaning each
//! name onto the image root; so does the analysis.

use super::build::{self, compress, Compression, Tar};
use super::{fails, figures, run, wasted};
use crate::{analyse, How, Options};

fn crane(layers: &[Vec<u8>], listed: &[usize]) -> Vec<u8> {
    let config_name = format!("sha256:{:064x}", 0xc0f);
    let files: Vec<String> = (0..layers.len())
        .map(|i| format!("{:064x}.tar.gz", 0x100 + i))
        .collect();
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {
            "type": "layers",
            "diff_ids": listed.iter().map(|i| build::digest(i + 1)).collect::<Vec<_>>(),
        },
        "history": listed.iter().map(|i| serde_json::json!({"created_by": format!("step {i}")})).collect::<Vec<_>>(),
    });
    let manifest = serde_json::json!([{
        "Config": config_name,
        "RepoTags": ["crane/app:1"],
        "Layers": listed.iter().map(|i| files[*i].clone()).collect::<Vec<_>>(),
    }]);
    let mut tar = Tar::new().data(&config_name, config.to_string().as_bytes());
    for (file, layer) in files.iter().zip(layers) {
        tar = tar.data(file, &compress(layer, Compression::Gzip));
    }
    tar.data("manifest.json", manifest.to_string().as_bytes())
        .finish()
}

#[test]
fn a_crane_tarball_reads_as_the_engine_loads_it() {
    let base = Tar::new()
        .dir("/")
        .dir("/etc/")
        .file("/etc/x", 100)
        .dir("/bin/")
        .file("/bin/tool", 50)
        .hardlink("/bin/same", "/bin/tool")
        .finish();
    let change = Tar::new()
        .dir("/")
        .file("./etc/x", 30)
        .whiteout("/bin/tool")
        .whiteout("/bin/same")
        .finish();
    let empty = Tar::new().dir("/").finish();
    let archive = crane(&[base, change, empty], &[0, 1, 2, 2]);
    let report = run(&archive);
    assert_eq!(report.image, "crane/app:1");
    assert_eq!((report.stored_bytes, report.hidden_bytes), (180, 150));
    assert_eq!(
        figures(&report),
        vec![
            (150, 3, 0, 0, 150),
            (30, 0, 1, 2, 0),
            (0, 0, 0, 0, 0),
            (0, 0, 0, 0, 0)
        ]
    );
    assert_eq!(
        report.wasted,
        vec![
            wasted("/etc/x", 100, 0, 1, How::Overwritten),
            wasted("/bin/tool", 50, 0, 1, How::Removed),
        ]
    );
    // The config named `sha256:<hex>` was read: its diff ids and steps pair with the layers.
    assert_eq!(report.layers[3].digest, build::digest(3));
    assert_eq!(report.layers[3].created_by, "step 2");

    // Its id names it, as `docker images` shows it.
    let by_id = analyse(
        &archive[..],
        &Options {
            select: Some(format!("sha256:{:012x}", 0)),
            ..Options::default()
        },
    )
    .expect("found by id");
    assert_eq!(by_id.stored_bytes, 180);
}

#[test]
fn a_rooted_name_cannot_climb_out_of_the_root() {
    // `/../etc/passwd` is `/etc/passwd` for the engine: inside the image, never above it.
    let report = run(&crane(
        &[
            Tar::new().file("/etc/passwd", 10).finish(),
            Tar::new().file("/../etc/passwd", 4).finish(),
        ],
        &[0, 1],
    ));
    assert_eq!(
        report.wasted,
        vec![wasted("/etc/passwd", 10, 0, 1, How::Overwritten)]
    );
    // A relative one that climbs is still refused, as the engine refuses it.
    let err = fails(&crane(&[Tar::new().file("x/../../y", 1).finish()], &[0]));
    assert!(err.to_string().contains("`..`"), "{err}");
}
