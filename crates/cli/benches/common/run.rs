//! One `drydock` command against a benchmark's throwaway engine: timed, read as JSON, or measured
//! for its peak memory. Shared by the benchmarks that set a command beside `docker save`.

use drydock_testkit::Dockerd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `drydock -H ENGINE ARGS...`, the user's `DOCKER_HOST` and `DOCKER_CONTEXT` ignored, with its
/// own data directory when one is given.
pub struct Drydock {
    bin: PathBuf,
    host: String,
    data: Option<PathBuf>,
    args: Vec<String>,
}

impl Drydock {
    pub fn new(bin: &Path, engine: &Dockerd, data: Option<&Path>, args: &[&str]) -> Self {
        Drydock {
            bin: bin.to_path_buf(),
            host: engine.host(),
            data: data.map(Path::to_path_buf),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// The command, run as `program PREFIX... drydock ARGS...` (GNU time wraps it that way).
    fn command(&self, wrapper: Option<(&Path, &[&str])>) -> Command {
        let mut cmd = match wrapper {
            Some((program, prefix)) => {
                let mut cmd = Command::new(program);
                cmd.args(prefix).arg(&self.bin);
                cmd
            }
            None => Command::new(&self.bin),
        };
        cmd.arg("-H")
            .arg(&self.host)
            .args(&self.args)
            .env_remove("DOCKER_HOST")
            .env_remove("DOCKER_CONTEXT");
        if let Some(data) = &self.data {
            cmd.env("DRYDOCK_DATA_DIR", data);
        }
        cmd
    }

    /// One run, its output thrown away; it must succeed.
    pub fn time(&self) -> Duration {
        let t = Instant::now();
        let status = self
            .command(None)
            .stdout(Stdio::null())
            .status()
            .expect("run drydock");
        let elapsed = t.elapsed();
        assert!(status.success(), "drydock {}", self.args.join(" "));
        elapsed
    }

    /// One run's standard output read as JSON; it must succeed.
    pub fn json(&self) -> serde_json::Value {
        let out = self.command(None).output().expect("run drydock");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    }

    /// The peak resident memory of one run in KiB, from GNU time (`None` without it).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let time = Path::new("/usr/bin/time");
        if !time.exists() {
            return None;
        }
        let out = self
            .command(Some((time, &["-f", "%M"])))
            .stdout(Stdio::null())
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()?
            .trim()
            .parse()
            .ok()
    }
}

/// A duration as the tables print it.
pub fn shown(d: Duration) -> String {
    format!("{:.1}ms", crate::common::ms(d))
}
