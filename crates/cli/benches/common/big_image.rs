//! The 300 MB benchmark image the layers and scan benchmarks read: four layers of 5,000 files of
//! 15 kB, then a layer deleting 1,111 files and one copying up 1,111 by chmod: 300 MB written,
//! about 33 MB of it hidden. (Its own module, not `common`'s: benches that do not build it would
//! warn of dead code.)

use drydock_testkit::fixtures::BASE;
use drydock_testkit::Dockerd;
use std::process::Stdio;
use std::time::{Duration, Instant};

pub const TAG: &str = "bench/big:1";
const DIRS: usize = 4;
const FILES_PER_DIR: usize = 5000;
const FILE_BYTES: usize = 15_000;

pub fn dockerfile() -> String {
    let mut text = format!("FROM {BASE}\n");
    for d in 0..DIRS {
        text.push_str(&format!(
            "RUN mkdir /d{d} && cd /d{d} && for i in $(seq 0 {}); do head -c {FILE_BYTES} /dev/zero > f$i; done\n",
            FILES_PER_DIR - 1
        ));
    }
    // f1, f10-f19, f100-f199, f1000-f1999: 1,111 files each.
    text.push_str("RUN rm /d0/f1*\nRUN chmod 600 /d1/f1*\n");
    text
}

/// The baseline both benchmarks compare with: `docker save IMAGE > /dev/null`.
pub fn time_save(engine: &Dockerd, image: &str) -> Duration {
    let t = Instant::now();
    let status = engine
        .docker_command(&["save", image])
        .stdout(Stdio::null())
        .status()
        .expect("docker save");
    let elapsed = t.elapsed();
    assert!(status.success(), "docker save {image}");
    elapsed
}
