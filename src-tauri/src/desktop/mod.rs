//! Drydock as a desktop citizen: the tray icon, closing to the tray, start at login, desktop
//! notifications (a scheduled clean-up's result, scan alerts, a host disk filling up) and a
//! clean quit. The decisions are pure ([`alerts`]); this module holds the settings and the glue.

pub mod alerts;
pub mod notify;
mod tray;

use crate::cleanup::CleanupState;
use crate::commands::IpcError;
use alerts::DiskWatch;
use drydock_engine::ErrorCode;
use drydock_inventory::DfReport;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager};
use ts_rs::TS;

pub use notify::Destination;

/// The store setting that holds the desktop settings.
const SETTINGS_KEY: &str = "desktop";
/// The store setting that holds what the disk alert remembers.
const WATCH_KEY: &str = "disk-alert-watch";
/// The argument the login item starts Drydock with: it then opens in the tray, not on screen.
pub const AUTOSTART_ARG: &str = "--autostart";
/// How long quitting waits for a running clean-up to finish its current removal.
const QUIT_WAIT: Duration = Duration::from_secs(120);

/// The desktop settings as the Settings view shows and sets them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, TS)]
pub struct DesktopSettings {
    /// Closing the window keeps Drydock running in the tray while a schedule or alerts are on.
    pub keep_in_tray: bool,
    /// Drydock starts, in the tray, when the user logs in. The OS's login items are the truth.
    pub start_at_login: bool,
    /// A desktop notification when the disk Docker uses crosses `disk_alert_percent`.
    pub disk_alert: bool,
    /// 50 to 99.
    pub disk_alert_percent: u8,
    /// Whether the tray icon is shown (read only): without it closing the window quits.
    pub tray: bool,
}

/// What the store keeps (start at login lives with the OS).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
struct Saved {
    keep_in_tray: bool,
    disk_alert: bool,
    disk_alert_percent: u8,
    /// The first close to the tray was told.
    told_about_tray: bool,
}

impl Default for Saved {
    fn default() -> Saved {
        Saved {
            keep_in_tray: true,
            disk_alert: true,
            disk_alert_percent: 90,
            told_about_tray: false,
        }
    }
}

/// The OS's login items, behind a seam so the settings are tested without touching them.
pub trait LoginItem {
    fn enabled(&self) -> Result<bool, String>;
    fn set(&self, on: bool) -> Result<(), String>;
}

impl LoginItem for tauri_plugin_autostart::AutoLaunchManager {
    fn enabled(&self) -> Result<bool, String> {
        self.is_enabled().map_err(|e| e.to_string())
    }

    fn set(&self, on: bool) -> Result<(), String> {
        if on { self.enable() } else { self.disable() }.map_err(|e| e.to_string())
    }
}

/// The shell's desktop state: whether the tray is up, what the alerts remember, quitting.
#[derive(Default)]
pub struct DesktopState {
    tray: Mutex<Option<tray::Tray>>,
    /// The last scheduled run could not run (its retries are not told again).
    schedule_failing: AtomicBool,
    /// Quitting has begun: the window's close and the tray's Quit do not start it twice.
    quitting: AtomicBool,
    /// A running clean-up has stopped (or none ran): the app may exit now.
    may_exit: AtomicBool,
}

impl DesktopState {
    pub fn tray_shown(&self) -> bool {
        self.tray.lock().is_ok_and(|t| t.is_some())
    }
}

fn saved(cleanup: &CleanupState) -> Result<Saved, IpcError> {
    Ok(cleanup
        .with_store(|s| Ok(s.setting::<Saved>(SETTINGS_KEY)?))?
        .unwrap_or_default())
}

fn save(cleanup: &CleanupState, saved: &Saved) -> Result<(), IpcError> {
    cleanup.with_store(|s| Ok(s.set_setting(SETTINGS_KEY, saved)?))
}

pub fn desktop_settings_for(
    cleanup: &CleanupState,
    login: &dyn LoginItem,
    tray: bool,
) -> Result<DesktopSettings, IpcError> {
    let saved = saved(cleanup)?;
    Ok(DesktopSettings {
        keep_in_tray: saved.keep_in_tray,
        // A desktop without login items (or one that refuses to say) reads as off.
        start_at_login: login.enabled().unwrap_or(false),
        disk_alert: saved.disk_alert,
        disk_alert_percent: saved.disk_alert_percent,
        tray,
    })
}

pub fn set_desktop_settings_for(
    cleanup: &CleanupState,
    login: &dyn LoginItem,
    tray: bool,
    settings: DesktopSettings,
) -> Result<DesktopSettings, IpcError> {
    if !(50..=99).contains(&settings.disk_alert_percent) {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!(
                "a disk alert at {}% full cannot be set\n  fix: choose a threshold from 50% to 99%",
                settings.disk_alert_percent
            ),
        ));
    }
    let before = saved(cleanup)?;
    save(
        cleanup,
        &Saved {
            keep_in_tray: settings.keep_in_tray,
            disk_alert: settings.disk_alert,
            disk_alert_percent: settings.disk_alert_percent,
            ..before
        },
    )?;
    if login.enabled().unwrap_or(false) != settings.start_at_login {
        login.set(settings.start_at_login).map_err(|e| {
            let what = if settings.start_at_login { "on" } else { "off" };
            IpcError::new(
                ErrorCode::Internal,
                format!(
                    "start at login could not be turned {what}: {e}\n  fix: check that your desktop's autostart folder (or login items) can be written, then try again"
                ),
            )
        })?;
    }
    desktop_settings_for(cleanup, login, tray)
}

/// Whether closing the window now keeps Drydock in the tray.
fn stays_in_tray(app: &AppHandle) -> bool {
    let cleanup = app.state::<CleanupState>();
    let Ok(saved) = saved(&cleanup) else {
        return false;
    };
    let schedule_on = cleanup
        .with_store(drydock_cleanup::Schedule::load)
        .is_ok_and(|s| s.enabled);
    let scan_alerts = app.state::<crate::security::SecurityState>().alerts_on();
    alerts::stays_in_tray(
        saved.keep_in_tray,
        app.state::<DesktopState>().tray_shown(),
        schedule_on,
        saved.disk_alert || scan_alerts,
    )
}

/// The window's close button: hides the window when Drydock stays in the tray (the first time,
/// a notification says where it went); otherwise the window closes and Drydock quits.
pub fn on_close_requested(window: &tauri::Window, api: &tauri::CloseRequestApi) {
    let app = window.app_handle();
    if app.state::<DesktopState>().quitting.load(Ordering::SeqCst) || !stays_in_tray(app) {
        return;
    }
    api.prevent_close();
    if let Err(e) = window.hide() {
        eprintln!("warning: the window could not be hidden: {e}");
    }
    let cleanup = app.state::<CleanupState>();
    if let Ok(mut s) = saved(&cleanup) {
        if !s.told_about_tray {
            notify::show(
                app,
                "Drydock is still running",
                "It keeps your schedule and alerts going from the tray icon. Quit from the tray's menu, or turn this off in Drydock's Settings.",
                Destination::Settings,
            );
            s.told_about_tray = true;
            if let Err(e) = save(&cleanup, &s) {
                eprintln!("warning: {}", e.message);
            }
        }
    }
}

/// Quits cleanly: no clean-up starts from now on, a running one stops before its next removal
/// (the one under way finishes and is journaled), then the app exits.
pub fn quit(app: &AppHandle) {
    let desktop = app.state::<DesktopState>();
    if desktop.quitting.swap(true, Ordering::SeqCst) {
        return;
    }
    let cleanup = app.state::<CleanupState>();
    cleanup.stop();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let started = Instant::now();
        let cleanup = app.state::<CleanupState>();
        while !cleanup.idle() {
            if started.elapsed() > QUIT_WAIT {
                eprintln!(
                    "warning: the running clean-up did not stop within {} s; Drydock quits anyway and settles it next time",
                    QUIT_WAIT.as_secs()
                );
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.state::<DesktopState>()
            .may_exit
            .store(true, Ordering::SeqCst);
        app.exit(0);
    });
}

/// The app is about to exit (its last window closed, or `exit` was called): it waits for a
/// running clean-up through [`quit`] first.
pub fn on_exit_requested(app: &AppHandle, api: &tauri::ExitRequestApi) {
    if app.state::<DesktopState>().may_exit.load(Ordering::SeqCst) {
        return;
    }
    // Refuse new clean-ups first: checking for a running one and then stopping would let one
    // start in between, and the exit would cut it mid-removal.
    let cleanup = app.state::<CleanupState>();
    cleanup.stop();
    if cleanup.idle() {
        return;
    }
    api.prevent_exit();
    quit(app);
}

/// Sets up the tray (a desktop without a tray host still starts: the window simply quits when
/// closed) and the notifications' clicks; hides the window when the login item started Drydock.
pub fn start(app: &AppHandle) {
    notify::route_clicks(app);
    let built = tray::build(app);
    match built {
        Ok(t) => {
            if let Ok(mut slot) = app.state::<DesktopState>().tray.lock() {
                *slot = Some(t);
            }
        }
        Err(e) => eprintln!("warning: no tray icon, so closing the window quits Drydock: {e}"),
    }
    let at_login = std::env::args().any(|a| a == AUTOSTART_ARG);
    if at_login && app.state::<DesktopState>().tray_shown() {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.hide();
        }
    }
}

/// After each sample of disk use (at start, after the engine's changes, every few minutes): the
/// tray's figures, and the disk alert when the disk crossed the user's threshold.
pub fn on_sample(app: &AppHandle, report: &DfReport, docker_bytes: u64) {
    if let Ok(slot) = app.state::<DesktopState>().tray.lock() {
        if let Some(t) = slot.as_ref() {
            t.show_usage(report, docker_bytes);
        }
    }
    let Some(host) = &report.host else {
        return;
    };
    let cleanup = app.state::<CleanupState>();
    let Ok(saved) = saved(&cleanup) else {
        return;
    };
    if !saved.disk_alert {
        return;
    }
    let watch = cleanup
        .with_store(|s| Ok(s.setting::<DiskWatch>(WATCH_KEY)?))
        .ok()
        .flatten()
        .unwrap_or_default();
    let used = host.total.saturating_sub(host.free);
    let (next, alert) = alerts::disk_alert(
        watch,
        used,
        host.total,
        saved.disk_alert_percent,
        drydock_cleanup::unix_now(),
    );
    if next != watch {
        if let Err(e) = cleanup.with_store(|s| Ok(s.set_setting(WATCH_KEY, &next)?)) {
            eprintln!(
                "warning: the disk alert's state was not kept: {}",
                e.message
            );
        }
    }
    if alert {
        let (title, body) = alerts::disk_words(used, host.total, alerts::freeable(report));
        notify::show(app, &title, &body, Destination::Overview);
    }
}

/// The engine could not be reached for a sample: the tray says so.
pub fn on_engine_away(app: &AppHandle) {
    if let Ok(slot) = app.state::<DesktopState>().tray.lock() {
        if let Some(t) = slot.as_ref() {
            t.show_away();
        }
    }
}

/// After a scheduled run the app made on its own: a notification when it did something, or the
/// first time it could not run.
pub fn on_scheduled_run(app: &AppHandle, run: &drydock_cleanup::ScheduledRun) {
    let desktop = app.state::<DesktopState>();
    let was_failing = desktop.schedule_failing.load(Ordering::SeqCst);
    desktop.schedule_failing.store(
        run.plan_id.is_none() && run.error.is_some(),
        Ordering::SeqCst,
    );
    if alerts::run_worth_telling(run, was_failing) {
        let (title, body) = alerts::run_words(run);
        notify::show(app, &title, &body, Destination::Journal);
    }
}

#[tauri::command]
pub fn desktop_settings(app: AppHandle) -> Result<DesktopSettings, IpcError> {
    use tauri_plugin_autostart::ManagerExt;
    desktop_settings_for(
        &app.state::<CleanupState>(),
        &*app.autolaunch(),
        app.state::<DesktopState>().tray_shown(),
    )
}

#[tauri::command]
pub fn set_desktop_settings(
    app: AppHandle,
    settings: DesktopSettings,
) -> Result<DesktopSettings, IpcError> {
    use tauri_plugin_autostart::ManagerExt;
    set_desktop_settings_for(
        &app.state::<CleanupState>(),
        &*app.autolaunch(),
        app.state::<DesktopState>().tray_shown(),
        settings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Login items in memory; `broken` refuses every change.
    #[derive(Default)]
    struct FakeLogin {
        on: Cell<bool>,
        broken: bool,
    }

    impl LoginItem for FakeLogin {
        fn enabled(&self) -> Result<bool, String> {
            Ok(self.on.get())
        }
        fn set(&self, on: bool) -> Result<(), String> {
            if self.broken {
                return Err("permission denied".into());
            }
            self.on.set(on);
            Ok(())
        }
    }

    #[test]
    fn the_defaults_keep_drydock_in_the_tray_and_alert_at_90_percent_and_start_at_login_is_off() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cleanup = CleanupState::open_in(dir.path().to_owned());
        let got = desktop_settings_for(&cleanup, &FakeLogin::default(), true).expect("read");
        assert_eq!(
            got,
            DesktopSettings {
                keep_in_tray: true,
                start_at_login: false,
                disk_alert: true,
                disk_alert_percent: 90,
                tray: true,
            }
        );
    }

    #[test]
    fn settings_are_kept_and_start_at_login_goes_to_the_os() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cleanup = CleanupState::open_in(dir.path().to_owned());
        let login = FakeLogin::default();
        let want = DesktopSettings {
            keep_in_tray: false,
            start_at_login: true,
            disk_alert: false,
            disk_alert_percent: 80,
            tray: true,
        };
        let got = set_desktop_settings_for(&cleanup, &login, true, want.clone()).expect("set");
        assert_eq!(got, want);
        assert!(login.on.get());
        let again = CleanupState::open_in(dir.path().to_owned());
        assert_eq!(
            desktop_settings_for(&again, &login, true).expect("read"),
            want
        );
    }

    #[test]
    fn quitting_refuses_new_clean_ups_and_waits_for_the_running_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cleanup = CleanupState::open_in(dir.path().to_owned());
        let running = cleanup.hold().expect("a run starts");
        assert!(!cleanup.idle());
        cleanup.stop();
        assert!(
            cleanup.cancel.load(Ordering::SeqCst),
            "the run stops before its next removal"
        );
        drop(running);
        assert!(cleanup.idle(), "the app may exit");
        let err = cleanup.hold().err().expect("refused");
        assert!(err.message.contains("quitting"), "{}", err.message);
        cleanup.arm_cancel();
        assert!(
            cleanup.cancel.load(Ordering::SeqCst),
            "a run that slips in still stops"
        );
    }

    #[test]
    fn a_threshold_out_of_range_or_a_refused_login_item_says_what_to_do() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cleanup = CleanupState::open_in(dir.path().to_owned());
        let mut s = desktop_settings_for(&cleanup, &FakeLogin::default(), true).expect("read");
        s.disk_alert_percent = 100;
        let err = set_desktop_settings_for(&cleanup, &FakeLogin::default(), true, s.clone())
            .expect_err("refused");
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("from 50% to 99%"), "{}", err.message);
        s.disk_alert_percent = 90;
        s.start_at_login = true;
        let broken = FakeLogin {
            broken: true,
            ..FakeLogin::default()
        };
        let err = set_desktop_settings_for(&cleanup, &broken, true, s).expect_err("refused");
        assert!(
            err.message
                .starts_with("start at login could not be turned on: permission denied"),
            "{}",
            err.message
        );
    }
}
