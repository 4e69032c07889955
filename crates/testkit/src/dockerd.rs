use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A private engine for one test. Dropping it stops the engine and deletes its data.
pub struct Dockerd {
    dir: tempfile::TempDir,
    watchdog: Child,
    cli: PathBuf,
}

const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

impl Dockerd {
    /// Starts a throwaway engine and waits until it answers. Panics with the fix when the machine
    /// cannot run one (not root, dockerd missing).
    pub fn start() -> Dockerd {
        require_tools();
        // Short base path: unix socket paths are limited to ~108 bytes.
        let dir = tempfile::Builder::new()
            .prefix("dd-")
            .tempdir_in(short_tmp())
            .expect("temp dir for dockerd");
        let root = dir.path();
        for sub in ["data", "exec", "config"] {
            std::fs::create_dir_all(root.join(sub)).expect("dockerd dirs");
        }
        let engine = Dockerd {
            watchdog: spawn_watchdog(root),
            dir,
            cli: docker_cli(),
        };
        engine.wait_until_ready();
        engine
    }

    /// The engine's address, for `--host` / `Selection::host`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("docker.sock")
    }

    pub fn data_root(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A scratch directory beside the engine, removed with it.
    pub fn scratch(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join("scratch").join(name);
        std::fs::create_dir_all(&path).expect("scratch dir");
        path
    }

    fn wait_until_ready(&self) {
        let started = Instant::now();
        loop {
            if self.socket().exists()
                && self
                    .try_docker(&["version", "--format", "{{.Server.APIVersion}}"])
                    .status
                    .success()
            {
                return;
            }
            if started.elapsed() > START_TIMEOUT {
                let log = std::fs::read_to_string(self.dir.path().join("dockerd.log"))
                    .unwrap_or_default();
                panic!("the throwaway dockerd did not answer within {START_TIMEOUT:?}; its log:\n{log}");
            }
            sleep(Duration::from_millis(100));
        }
    }

    /// Runs the docker CLI against this engine only.
    pub fn try_docker(&self, args: &[&str]) -> Output {
        self.docker_command(args).output().expect("run docker CLI")
    }

    /// A docker CLI command bound to this engine, to add input or environment to.
    pub fn docker_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.cli);
        cmd.arg("--host")
            .arg(self.host())
            .args(args)
            .env_remove("DOCKER_HOST")
            .env_remove("DOCKER_CONTEXT")
            .env("DOCKER_CONFIG", self.dir.path().join("config"))
            .env("DOCKER_BUILDKIT", "0")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the docker CLI and returns its trimmed stdout; panics with stderr when it fails.
    pub fn docker(&self, args: &[&str]) -> String {
        checked(self.try_docker(args), &format!("docker {}", args.join(" ")))
    }

    /// Stops the engine, keeping its data, as a crash or `systemctl stop docker` would leave it.
    pub fn stop_engine(&mut self) {
        self.stop();
    }

    /// What kills the engine at once (SIGKILL), as a crash or an OOM kill would, for a fault
    /// injected from another thread. [`Dockerd::start_again`] brings it back on the same data.
    pub fn killer(&self) -> crate::proxy::Hook {
        let pid_file = self.dir.path().join("dockerd.pid");
        Box::new(move || {
            if let Ok(pid) = std::fs::read_to_string(&pid_file) {
                let _ = Command::new("kill").arg("-KILL").arg(pid.trim()).status();
            }
        })
    }

    /// Starts the engine again on the same data, socket and addresses, and waits until it answers.
    pub fn start_again(&mut self) {
        self.stop();
        // After a kill, the engine's containerd dies with it but may stay a zombie (nothing here
        // reaps orphans), which a stale pid file would make the engine wait on: it is gone.
        let _ = std::fs::remove_file(self.dir.path().join("exec/containerd/containerd.pid"));
        self.watchdog = spawn_watchdog(self.dir.path());
        self.wait_until_ready();
    }

    fn stop(&mut self) {
        let pid_file = self.dir.path().join("dockerd.pid");
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(pid.trim())
                .stderr(Stdio::null())
                .status();
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.watchdog.try_wait() {
                return;
            }
            sleep(Duration::from_millis(50));
        }
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(pid.trim())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        self.stop();
        // dockerd unmounts its layers on a clean stop; anything left mounted would make the
        // removal fail, so unmount leftovers first (best effort, the temp dir is ours alone).
        let _ = Command::new("sh")
            .arg("-c")
            .arg(r#"grep -o " $D/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null"#)
            .env("D", self.dir.path())
            .status();
    }
}

/// The watchdog shell starts dockerd, and stops it when this test process goes away, even if the
/// test is killed before `Drop` runs.
fn spawn_watchdog(root: &Path) -> Child {
    let script = r#"
        "$DOCKERD" --data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/dockerd.pid" \
            -H "unix://$D/docker.sock" --bridge=none --iptables=false --ip6tables=false \
            --ip-masq=false --userland-proxy=false >>"$D/dockerd.log" 2>&1 &
        engine=$!
        while kill -0 "$OWNER" 2>/dev/null && kill -0 "$engine" 2>/dev/null; do sleep 1; done
        kill -TERM "$engine" 2>/dev/null
        wait "$engine"
    "#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("D", root)
        .env("DOCKERD", which("dockerd").expect("checked above"))
        .env("OWNER", std::process::id().to_string())
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn dockerd watchdog")
}

/// Returns trimmed stdout of a finished command, or panics with everything needed to see why.
pub(crate) fn checked(out: Output, what: &str) -> String {
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn short_tmp() -> PathBuf {
    let tmp = PathBuf::from("/tmp");
    if tmp.is_dir() {
        tmp
    } else {
        std::env::temp_dir()
    }
}

fn require_tools() {
    let euid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if euid.ok().as_deref() != Some("0") {
        panic!("the real-engine tests start their own dockerd and need root: run them as root (CI does), e.g. `sudo -E cargo xtask test`");
    }
    if which("dockerd").is_none() {
        panic!("dockerd is not installed: `apt-get install docker.io busybox-static` (or run `cargo xtask test`, which installs it)");
    }
}

/// Debian's client matches the engine the tests run; any docker CLI negotiates down to it.
fn docker_cli() -> PathBuf {
    let debian = Path::new("/usr/bin/docker");
    if debian.exists() {
        return debian.to_path_buf();
    }
    which("docker").unwrap_or_else(|| panic!("no docker CLI: `apt-get install docker.io`"))
}

/// A program on PATH, or where Debian puts daemons (`/usr/sbin`) and cargo puts tools
/// (`~/.cargo/bin`), which a test's PATH may lack.
pub(crate) fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let home_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin"));
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .chain(home_bin)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
