//! The Debian package as a user installs it: the `.deb` of the app this test run built, unpacked
//! into a scratch root (`dpkg -x`), its control file, desktop entry and icons checked, and the
//! installed binary started under Xvfb far enough to show the overview
//! (`artifacts/e2e/package-overview.png`).
//!
//! The package comes from `tauri bundle --debug --bundles deb`, which packages the debug binary
//! cargo built for the tests (a few seconds: nothing is compiled again). `cargo xtask bundle`
//! makes the release one the same way.
#![cfg(target_os = "linux")]

mod webview;

use drydock_testkit::desktop::{session, TauriDriver, Xvfb};
use drydock_testkit::Dockerd;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use webview::{save, wait_for};

const BINARY: &str = "drydock-app";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Packages the debug binary cargo built for this run and returns the `.deb`.
fn build_deb() -> PathBuf {
    let app = Path::new(env!("CARGO_BIN_EXE_drydock-app"));
    let profile_dir = app.parent().expect("the binary's directory");
    let target_dir = profile_dir.parent().expect("the target directory");
    let tauri = repo().join("ui/node_modules/.bin/tauri");
    assert!(
        tauri.is_file(),
        "{} is missing: run `npm install` in ui/ (`cargo xtask test` does)",
        tauri.display()
    );
    // Binary patching would rewrite the binary cargo built (and the tests run) in place.
    let out = Command::new(&tauri)
        .args([
            "bundle",
            "--debug",
            "--bundles",
            "deb",
            "--no-binary-patching",
            "--ci",
        ])
        .current_dir(repo())
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("start the Tauri CLI");
    assert!(
        out.status.success(),
        "tauri bundle failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = profile_dir.join("bundle/deb");
    let prefix = format!("Drydock_{}_", env!("CARGO_PKG_VERSION"));
    std::fs::read_dir(&dir)
        .expect("the bundle directory")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(&prefix) && name.ends_with(".deb")
        })
        .unwrap_or_else(|| panic!("no {prefix}*.deb in {}", dir.display()))
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("start dpkg");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// `Key: value` lines (a control file) or `Key=value` lines (a desktop entry's group).
fn fields(text: &str, separator: char) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '#', '[']))
        .filter_map(|l| l.split_once(separator))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// A PNG's width and height, from its IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let mut head = [0u8; 24];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&head[1..4], b"PNG", "{} is a PNG", path.display());
    let word = |at: usize| u32::from_be_bytes(head[at..at + 4].try_into().expect("4 bytes"));
    (word(16), word(20))
}

/// Where the freedesktop icon theme looks for an icon of that size (`@2` for a HiDPI one).
fn icon_dir(size: (u32, u32), hidpi: bool) -> String {
    let scale = if hidpi { "@2" } else { "" };
    format!("usr/share/icons/hicolor/{}x{}{scale}/apps", size.0, size.1)
}

fn same_file(a: &Path, b: &Path) -> bool {
    let open = |p: &Path| std::io::BufReader::new(std::fs::File::open(p).expect("open"));
    let (mut a, mut b) = (open(a), open(b));
    let (mut x, mut y) = ([0u8; 65536], [0u8; 65536]);
    loop {
        let n = a.read(&mut x).expect("read");
        if n == 0 {
            return b.read(&mut y).expect("read") == 0;
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}

fn check_control(deb: &Path) {
    let control = fields(&run(Command::new("dpkg-deb").arg("-f").arg(deb)), ':');
    assert_eq!(control["Package"], "drydock", "{control:?}");
    assert_eq!(control["Version"], env!("CARGO_PKG_VERSION"));
    let depends: Vec<&str> = control["Depends"].split(',').map(str::trim).collect();
    // WebKitGTK and GTK (added by Tauri), D-Bus (the notifications link it), and the
    // appindicator library the tray loads at run time.
    let mut want = vec!["libwebkit2gtk-4.1-0", "libgtk-3-0", "libdbus-1-3"];
    if include_str!("../Cargo.toml").contains("\"tray-icon\"") {
        want.push("libayatana-appindicator3-1");
    }
    for package in want {
        assert!(
            depends.contains(&package),
            "Depends lacks {package}: {depends:?}"
        );
    }
    assert!(!control["Description"].is_empty());
}

fn check_desktop_entry(root: &Path) {
    let path = root.join("usr/share/applications/Drydock.desktop");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no desktop entry at {}: {e}", path.display()));
    assert!(text.starts_with("[Desktop Entry]"), "{text}");
    let entry = fields(&text, '=');
    assert_eq!(entry["Name"], "Drydock");
    assert_eq!(entry["Type"], "Application");
    assert_eq!(entry["Exec"].split(' ').next(), Some(BINARY), "{text}");
    assert_eq!(entry["Icon"], BINARY);
    assert!(
        entry["Categories"].split(';').any(|c| c == "Development"),
        "{text}"
    );
    // Our template (packaging/linux/drydock.desktop): found by what people search for.
    assert!(
        entry["Keywords"].split(';').any(|k| k == "docker"),
        "{text}"
    );
    assert!(
        !text.contains("{{"),
        "a template variable left unfilled: {text}"
    );
}

/// Every PNG the config bundles is installed, unchanged, where the icon theme looks for its size;
/// and the theme's usual sizes are all there.
fn check_icons(root: &Path) {
    let config: serde_json::Value =
        serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json");
    let icons = config["bundle"]["icon"].as_array().expect("bundle.icon");
    let mut sizes = Vec::new();
    for icon in icons.iter().filter_map(|i| i.as_str()) {
        if !icon.ends_with(".png") {
            continue;
        }
        let source = repo().join(icon);
        let size = png_size(&source);
        let hidpi = icon.contains("@2x");
        let installed = root
            .join(icon_dir(size, hidpi))
            .join(format!("{BINARY}.png"));
        assert!(
            installed.is_file() && same_file(&source, &installed),
            "{icon} is not installed as {}",
            installed.display()
        );
        if !hidpi {
            sizes.push(size.0);
        }
    }
    for size in [16, 24, 32, 48, 64, 128, 256, 512] {
        assert!(sizes.contains(&size), "no {size}x{size} icon: {sizes:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(feature = "custom-protocol"),
    ignore = "needs the standalone app: run `cargo xtask test`"
)]
async fn the_deb_installs_a_drydock_that_starts() {
    let deb = build_deb();
    let root = tempfile::tempdir().expect("scratch root");
    run(Command::new("dpkg").arg("-x").arg(&deb).arg(root.path()));

    check_control(&deb);
    check_desktop_entry(root.path());
    check_icons(root.path());

    let installed = root.path().join("usr/bin").join(BINARY);
    assert!(
        same_file(&installed, Path::new(env!("CARGO_BIN_EXE_drydock-app"))),
        "the package holds another build than this run's"
    );

    // One image, so the overview has figures and charts to show.
    let engine = Dockerd::start();
    engine.base();
    let xvfb = Xvfb::start();
    let driver = TauriDriver::start(&xvfb.display, &engine.host());
    let client = session(&driver, installed.to_str().expect("utf-8 path")).await;
    wait_for(&client, "[data-testid=overview-cards]").await;
    assert_eq!(client.title().await.expect("title"), "Drydock");
    save(&client, "package-overview").await;
    client.close().await.expect("end the session");
}

#[test]
fn icon_directories_follow_the_theme_layout() {
    assert_eq!(
        icon_dir((48, 48), false),
        "usr/share/icons/hicolor/48x48/apps"
    );
    assert_eq!(
        icon_dir((256, 256), true),
        "usr/share/icons/hicolor/256x256@2/apps"
    );
}
