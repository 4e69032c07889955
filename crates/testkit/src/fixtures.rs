//! Fixture images and engine states, made from a busybox rootfs with no registry.
//!
//! Every test that needs images builds them here, so later suites (layers, prune, scan) add their
//! fixtures beside these and reuse the same base.

use crate::dockerd::{checked, Dockerd};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// The imported busybox base every fixture builds `FROM`.
pub const BASE: &str = "drydock-fixture/base:1";

/// Which builder makes a fixture: they store history and cache differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    Classic,
    BuildKit,
}

/// Writes a rootfs tarball holding the static busybox and the applets fixtures use, plus `extra`
/// files (path, bytes) so tests can make distinct bases.
pub fn busybox_rootfs(dir: &Path, extra: &[(&str, &[u8])]) -> PathBuf {
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("busybox is not installed: `apt-get install busybox-static`"));
    let root = dir.join("rootfs");
    std::fs::create_dir_all(root.join("bin")).expect("rootfs/bin");
    std::fs::create_dir_all(root.join("tmp")).expect("rootfs/tmp");
    std::fs::copy(busybox, root.join("bin/busybox")).expect("copy busybox");
    for applet in [
        "sh", "ls", "rm", "mkdir", "dd", "cp", "chmod", "chown", "echo", "cat", "touch", "ln",
        "true", "mv", "sleep", "head", "seq", "xargs", "find", "rmdir",
    ] {
        let link = root.join("bin").join(applet);
        if !link.exists() {
            std::os::unix::fs::symlink("busybox", &link).expect("applet link");
        }
    }
    for (path, bytes) in extra {
        let file = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(file.parent().expect("parent")).expect("extra dir");
        std::fs::write(file, bytes).expect("extra file");
    }
    let tar = dir.join("rootfs.tar");
    let out = std::process::Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("--numeric-owner")
        .arg("--owner=0")
        .arg("--group=0")
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .output()
        .expect("run tar");
    checked(out, "tar of the busybox rootfs");
    tar
}

impl Dockerd {
    /// Imports a busybox rootfs as `tag` (with `extra` files) and returns the image id.
    pub fn import_rootfs(&self, tag: &str, extra: &[(&str, &[u8])]) -> String {
        let dir = self.scratch(&format!("rootfs-{}", sanitize(tag)));
        let tar = busybox_rootfs(&dir, extra);
        let tar = tar.to_string_lossy().into_owned();
        self.docker(&["import", "--change", "CMD [\"sh\"]", &tar, tag])
    }

    /// The shared base image, imported once per engine.
    pub fn base(&self) -> String {
        let existing = self.try_docker(&["image", "inspect", "--format", "{{.Id}}", BASE]);
        if existing.status.success() {
            return String::from_utf8_lossy(&existing.stdout).trim().to_owned();
        }
        self.import_rootfs(BASE, &[])
    }

    /// A classic image on the base holding `bytes` of its own (one `/payload` layer), created at
    /// least a second after anything built before it: the engine records creation in whole
    /// seconds, and tests of least-recently-used order need the order clear. Distinct sizes give
    /// distinct images (the same step twice is the same image).
    pub fn build_in_turn(&self, tag: &str, bytes: usize) -> String {
        std::thread::sleep(std::time::Duration::from_millis(1100));
        self.base();
        self.build(
            tag,
            &format!("FROM {BASE}\nRUN head -c {bytes} /dev/zero > /payload\n"),
            Builder::Classic,
        )
    }

    /// Builds `dockerfile` (no context files) as `tag` with no network, returning the image id.
    pub fn build(&self, tag: &str, dockerfile: &str, builder: Builder) -> String {
        self.build_in(tag, dockerfile, &[], builder)
    }

    /// Builds with context files (path, bytes) beside the Dockerfile.
    pub fn build_in(
        &self,
        tag: &str,
        dockerfile: &str,
        files: &[(&str, &[u8])],
        builder: Builder,
    ) -> String {
        let ctx = self.scratch(&format!("ctx-{}-{}", sanitize(tag), unique()));
        std::fs::write(ctx.join("Dockerfile"), dockerfile).expect("Dockerfile");
        for (path, bytes) in files {
            let file = ctx.join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("context dir");
            std::fs::write(file, bytes).expect("context file");
        }
        let ctx_text = ctx.to_string_lossy().into_owned();
        let mut cmd =
            self.docker_command(&["build", "--network", "none", "-q", "-t", tag, &ctx_text]);
        cmd.env(
            "DOCKER_BUILDKIT",
            if builder == Builder::BuildKit {
                "1"
            } else {
                "0"
            },
        );
        checked(
            cmd.output().expect("run docker build"),
            &format!("docker build of {tag}"),
        );
        self.docker(&["image", "inspect", "--format", "{{.Id}}", tag])
    }

    /// Runs a command in a new container with no network, leaving it exited; returns its id.
    pub fn run_exited(&self, name: &str, image: &str, script: &str) -> String {
        self.docker(&[
            "run",
            "--network",
            "none",
            "--name",
            name,
            image,
            "sh",
            "-c",
            script,
        ]);
        self.docker(&["inspect", "--format", "{{.Id}}", name])
    }

    /// Starts a long-running container with no network; returns its id.
    pub fn run_detached(&self, name: &str, image: &str, extra: &[&str]) -> String {
        let mut args = vec!["run", "-d", "--network", "none", "--name", name];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[image, "sleep", "86400"]);
        self.docker(&args)
    }

    /// Writes `bytes` zero bytes into a volume (created if missing) with a throwaway container.
    pub fn fill_volume(&self, volume: &str, bytes: usize) {
        let mount = format!("{volume}:/data");
        let script = format!("head -c {bytes} /dev/zero > /data/fill");
        self.docker(&[
            "run",
            "--rm",
            "--network",
            "none",
            "-v",
            &mount,
            BASE,
            "sh",
            "-c",
            &script,
        ]);
    }

    /// Feeds `input` to a docker CLI command (e.g. `load`).
    pub fn docker_with_input(&self, args: &[&str], input: &[u8]) -> String {
        let mut child = self
            .docker_command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn docker");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
        checked(
            child.wait_with_output().expect("docker output"),
            &format!("docker {}", args.join(" ")),
        )
    }
}

/// Fills an engine with `count` images for benchmarks: the base and `count - 1` BuildKit images
/// on it, each with a layer of its own (so every image shares the base), built four at a time.
pub fn many_images(engine: &Dockerd, count: usize) {
    engine.base();
    std::thread::scope(|scope| {
        for worker in 0..4 {
            scope.spawn(move || {
                for i in (1..count).filter(|i| i % 4 == worker) {
                    engine.build(
                        &format!("bench/app-{i}:1"),
                        &format!(
                            "FROM {BASE}\nRUN head -c {} /dev/zero > /payload\n",
                            1000 + i
                        ),
                        Builder::BuildKit,
                    );
                }
            });
        }
    });
}

/// A small engine state with every kind of object: layers shared between used and unused images,
/// a dangling image, a unique unused image, running and exited containers, used and unused
/// volumes, and BuildKit cache.
pub struct InventoryHost {
    pub base: String,
    pub mid: String,
    pub leaf_used: String,
    pub leaf_unused: String,
    pub alone: String,
    pub dangling: String,
    pub buildkit: String,
    pub exited_container: String,
    pub running_container: String,
}

impl InventoryHost {
    pub fn create(engine: &Dockerd) -> InventoryHost {
        let base = engine.base();
        let mid = engine.build(
            "drydock-fixture/mid:1",
            &format!("FROM {BASE}\nRUN head -c 300000 /dev/zero > /mid.bin\nENV STAGE=mid\n"),
            Builder::Classic,
        );
        let leaf_used = engine.build(
            "drydock-fixture/leaf-used:1",
            "FROM drydock-fixture/mid:1\nRUN head -c 100000 /dev/zero > /leaf.bin\nRUN true\n",
            Builder::Classic,
        );
        let leaf_unused = engine.build(
            "drydock-fixture/leaf-unused:1",
            "FROM drydock-fixture/mid:1\nRUN head -c 200000 /dev/zero > /leaf.bin\n",
            Builder::Classic,
        );
        let alone = engine.import_rootfs(
            "drydock-fixture/alone:1",
            &[("/opt/alone.bin", &[7u8; 50_000])],
        );
        let dangling = engine.build(
            "drydock-fixture/rebuilt:1",
            &format!("FROM {BASE}\nRUN head -c 150000 /dev/zero > /old.bin\n"),
            Builder::Classic,
        );
        engine.build(
            "drydock-fixture/rebuilt:1",
            &format!("FROM {BASE}\nRUN head -c 160000 /dev/zero > /new.bin\n"),
            Builder::Classic,
        );
        let buildkit = engine.build(
            "drydock-fixture/buildkit:1",
            &format!("FROM {BASE}\nRUN head -c 120000 /dev/zero > /bk.bin\n"),
            Builder::BuildKit,
        );
        let exited_container = engine.run_exited(
            "fixture-exited",
            "drydock-fixture/leaf-used:1",
            "head -c 70000 /dev/zero > /scratch.bin",
        );
        engine.fill_volume("fixture-unused-data", 40_000);
        engine.fill_volume("fixture-used-data", 30_000);
        let running_container =
            engine.run_detached("fixture-running", BASE, &["-v", "fixture-used-data:/data"]);
        InventoryHost {
            base,
            mid,
            leaf_used,
            leaf_unused,
            alone,
            dangling,
            buildkit,
            exited_container,
            running_container,
        }
    }
}

fn sanitize(tag: &str) -> String {
    tag.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
