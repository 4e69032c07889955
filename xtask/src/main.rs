//! `cargo xtask run | test | bench | bundle`: the commands a new user runs. Each installs what is missing
//! (on Debian/Ubuntu, as root or with sudo), then does its job.

mod setup;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <run | test | bench | bundle [--debug]>
  run     install what is missing, build the UI and the app, and start Drydock
  test    install what is missing and run every check: formatting, lints, unit, UI and real-engine tests
  bench   fill a throwaway engine with 300 images and compare `drydock images|df` with the bare API calls,
          and `drydock layers` of a 300 MB image with `docker save`; time `drydock lint` against
          hadolint on the Dockerfile corpus, and its time per KB on hostile files up to 8 MB
  bundle  build this platform's installable packages from a release build (Linux: .deb; macOS:
          .app and .dmg; Windows: .msi and NSIS .exe); --debug packages a debug build, faster";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(),
        Some("test") => test(),
        Some("bench") => bench(),
        Some("bundle") => match &args[1..] {
            [] => bundle(false),
            [flag] if flag == "--debug" => bundle(true),
            other => {
                eprintln!(
                    "error: `bundle` takes only --debug, not {}\n",
                    other.join(" ")
                );
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the repository")
        .to_path_buf()
}

/// Runs a command in the repository, echoing it, failing with its name.
pub fn step(what: &str, cmd: &mut Command) -> Result {
    eprintln!("\n==> {what}");
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // Builds share one cache outside the clone, so a fresh checkout of the same machine reuses it
    // (target_dir() keeps a CARGO_TARGET_DIR the user set).
    cmd.env("CARGO_TARGET_DIR", target_dir());
    cmd
}

fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    cache.join("drydock").join("target")
}

fn npm() -> Command {
    // On Windows npm is a `.cmd` script, which Command finds only by its full name.
    let mut cmd = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    cmd.args(["--prefix", "ui"]);
    cmd
}

/// The Tauri CLI from the UI's packages (npm writes it as a `.cmd` shim on Windows).
fn tauri_cli() -> Command {
    let name = if cfg!(windows) { "tauri.cmd" } else { "tauri" };
    Command::new(root().join("ui/node_modules/.bin").join(name))
}

fn ui_deps() -> Result {
    // `npm install` rather than `npm ci`: npm records only this platform's optional Tauri CLI
    // binary in the lock file, and `npm ci` then refuses the lock everywhere.
    step(
        "installing the UI's packages (npm install)",
        npm().args(["install", "--no-audit", "--no-fund"]),
    )
}

fn run() -> Result {
    setup::ensure(setup::Purpose::Run)?;
    ui_deps()?;
    // A standalone debug build embeds the UI; a plain `cargo build` would wait for a Vite server.
    step(
        "building Drydock (first build takes several minutes)",
        tauri_cli()
            .args(["build", "--debug", "--no-bundle"])
            .env("CARGO_TARGET_DIR", target_dir()),
    )?;
    let app = target_dir().join("debug").join(if cfg!(windows) {
        "drydock-app.exe"
    } else {
        "drydock-app"
    });
    step("starting Drydock", &mut Command::new(app))
}

fn test() -> Result {
    setup::ensure(setup::Purpose::Test)?;
    setup::require_root_for_engine_tests()?;
    setup::ensure_tauri_driver()?;
    setup::ensure_cargo_auditable()?;
    ui_deps()?;
    step("UI unit tests (vitest)", npm().args(["test"]))?;
    step("UI type check (svelte-check)", npm().args(["run", "check"]))?;
    step("UI build", npm().args(["run", "build"]))?;
    step(
        "formatting (cargo fmt --check)",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    // The standalone app (UI embedded) is what the end-to-end test drives.
    let app = ["--features", "drydock-app/custom-protocol"];
    step(
        "lints (cargo clippy)",
        cargo()
            .args(["clippy", "--workspace", "--all-targets"])
            .args(app)
            .args(["--", "-D", "warnings"]),
    )?;
    step(
        "unit, real-engine and end-to-end tests (cargo test)",
        cargo()
            .args(["test", "--workspace", "--no-fail-fast"])
            .args(app),
    )
}

fn bench() -> Result {
    setup::ensure(setup::Purpose::Bench)?;
    setup::ensure_hadolint()?;
    setup::require_root_for_engine_tests()?;
    setup::ensure_tauri_driver()?;
    ui_deps()?;
    step("UI build", npm().args(["run", "build"]))?;
    step(
        "inventory benchmark (300 images on a throwaway engine)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "inventory"]),
    )?;
    step(
        "lint benchmark (drydock lint and hadolint on the Dockerfile corpus)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "lint"]),
    )?;
    step(
        "lint scaling benchmark (hostile Dockerfiles from 10 KB to 8 MB: time per KB stays flat)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "lint_scaling"]),
    )?;
    step(
        "layers benchmark (a 300 MB image of 20,000 files: `drydock layers` against `docker save`)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "layers"]),
    )?;
    step(
        "scan benchmark (`drydock scan` of the 300 MB image against `docker save`, rescan, import and matching of the shared OSV zips)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "scan"]),
    )?;
    step(
        "tips benchmark (`drydock tips` of the 300 MB image, uncached, against `docker save`)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "tips"]),
    )?;
    step(
        "diff benchmark (`drydock diff` of two 300 MB builds against two `docker save`s)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "diff"]),
    )?;
    step(
        "review benchmark (`drydock review` of a 1 GB context of 100,000 files against `tar` of it)",
        cargo().args(["bench", "-p", "drydock-cli", "--bench", "review"]),
    )?;
    step(
        "app benchmark (release build: start-up, memory, size)",
        cargo().args([
            "bench",
            "-p",
            "drydock-app",
            "--bench",
            "app",
            "--features",
            "custom-protocol",
        ]),
    )
}

/// The packages each platform's builder makes. AppImage is left out on Linux: the Tauri CLI
/// downloads its tooling (linuxdeploy and plugins) during the build, so it fails offline; a
/// builder with network can still run `npx tauri build --bundles appimage` (it stays configured
/// in tauri.conf.json, as do dmg, msi and nsis for the other platforms).
fn bundle_formats() -> &'static str {
    if cfg!(target_os = "macos") {
        "app,dmg"
    } else if cfg!(windows) {
        "msi,nsis"
    } else {
        "deb"
    }
}

fn bundle(debug: bool) -> Result {
    setup::ensure(setup::Purpose::Run)?;
    ui_deps()?;
    let formats = bundle_formats();
    if cfg!(target_os = "linux") {
        eprintln!(
            "note: building the .deb only: AppImage's tooling is downloaded during the build, \
             so it is skipped here (`npx tauri build --bundles appimage` on a builder with network)"
        );
    }
    let mut build = tauri_cli();
    build.arg("build");
    if debug {
        build.arg("--debug");
    }
    step(
        &format!(
            "building the {} app and its packages ({formats}){}",
            if debug { "debug" } else { "release" },
            if debug {
                ""
            } else {
                ": a cold release build takes several minutes"
            }
        ),
        build
            .args(["--bundles", formats])
            .env("CARGO_TARGET_DIR", target_dir()),
    )?;
    let out = target_dir()
        .join(if debug { "debug" } else { "release" })
        .join("bundle");
    eprintln!("\nThe packages are in {}", out.display());
    Ok(())
}
