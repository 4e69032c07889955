//! Driving the real app: a virtual display and tauri-driver, both stopped when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A tool from PATH or `~/.cargo/bin`, or a panic that says how to get it.
pub fn tool(name: &str) -> PathBuf {
    crate::dockerd::which(name)
        .unwrap_or_else(|| panic!("{name} is missing: `cargo xtask test` installs it"))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A child process stopped with SIGTERM (tauri-driver must stop WebKitWebDriver itself; a hard
/// kill leaves it running), then killed if it lingers.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X display for the app's window.
pub struct Xvfb {
    pub display: String,
    _process: Stopped,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        // A display number no other X server holds (each keeps /tmp/.X<n>-lock).
        let n = (80..400)
            .find(|n| !std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .expect("a free X display number");
        let display = format!(":{n}");
        let process = Command::new(tool("Xvfb"))
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x860x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
            assert!(
                Instant::now() < deadline,
                "Xvfb did not open display {display}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Xvfb {
            display,
            _process: Stopped(process),
        }
    }
}

/// tauri-driver on a free port, launching the app on `display` with `DOCKER_HOST` set to `engine`.
pub struct TauriDriver {
    pub url: String,
    _process: Stopped,
    /// The app's data directory (journal, quarantine): the developer's is never touched.
    data: tempfile::TempDir,
}

impl TauriDriver {
    pub fn start(display: &str, engine: &str) -> TauriDriver {
        let port = free_port();
        let data = tempfile::tempdir().expect("app data dir");
        // The app's home too: start at login writes `~/.config/autostart` there, not in yours.
        let home = data.path().join("home");
        std::fs::create_dir_all(&home).expect("app home dir");
        let process = Command::new(tool("tauri-driver"))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &free_port().to_string(),
            ])
            .arg("--native-driver")
            .arg(tool("WebKitWebDriver"))
            .env("DISPLAY", display)
            .env("DOCKER_HOST", engine)
            .env("DRYDOCK_DATA_DIR", data.path())
            .env("HOME", &home)
            .env_remove("DOCKER_CONTEXT")
            .stdout(Stdio::null())
            .stderr(driver_log())
            .spawn()
            .expect("start tauri-driver");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        TauriDriver {
            url: format!("http://127.0.0.1:{port}"),
            _process: Stopped(process),
            data,
        }
    }

    /// The app's data directory (journal, quarantine, settings) for this driver's apps.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data.path()
    }

    /// The app's home directory (`HOME`), inside the data directory.
    pub fn home(&self) -> PathBuf {
        self.data.path().join("home")
    }
}

/// tauri-driver's and the app's stderr go to `DRYDOCK_DRIVER_LOG` when it names a file.
fn driver_log() -> Stdio {
    std::env::var_os("DRYDOCK_DRIVER_LOG")
        .and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        })
        .map_or_else(Stdio::null, Stdio::from)
}

/// A WebDriver session on `driver` that launches `app`. tauri-driver answers before the
/// WebKitWebDriver behind it is ready, so the first attempts may be refused: retry for 20 s.
pub async fn session(driver: &TauriDriver, app: &str) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match fantoccini::ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return client,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(e) => panic!("tauri-driver did not start {app}: {e}"),
        }
    }
}
