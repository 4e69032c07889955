//! The tray icon: the engine's state, Docker's disk use and what is reclaimable (two read-only
//! lines at the top of its menu, and the tooltip where the platform shows one: Linux's
//! indicators have none), then Open Drydock, Clean up…, Scan images now and Quit.

use super::notify::{open, Destination};
use drydock_inventory::{human_bytes, DfReport};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Wry};

/// The tray icon and the menu lines that change.
pub(super) struct Tray {
    icon: TrayIcon<Wry>,
    engine: MenuItem<Wry>,
    usage: MenuItem<Wry>,
}

/// The tray's two status lines for a sample of disk use.
pub(super) fn usage_lines(report: &DfReport, docker_bytes: u64) -> (String, String) {
    let reclaimable: u64 = [
        &report.images,
        &report.containers,
        &report.volumes,
        &report.build_cache,
    ]
    .iter()
    .map(|k| u64::try_from(k.reclaimable).unwrap_or(0))
    .sum();
    let bytes = |n: u64| human_bytes(i64::try_from(n).unwrap_or(i64::MAX));
    (
        "Docker engine: running".to_owned(),
        format!(
            "Docker uses {} · {} reclaimable",
            bytes(docker_bytes),
            bytes(reclaimable)
        ),
    )
}

impl Tray {
    pub(super) fn show_usage(&self, report: &DfReport, docker_bytes: u64) {
        let (engine, usage) = usage_lines(report, docker_bytes);
        self.show(&engine, &usage);
    }

    pub(super) fn show_away(&self) {
        self.show(
            "Docker engine: not reachable",
            "Disk use unknown until it is",
        );
    }

    fn show(&self, engine: &str, usage: &str) {
        let _ = self.engine.set_text(engine);
        let _ = self.usage.set_text(usage);
        let _ = self
            .icon
            .set_tooltip(Some(format!("Drydock\n{engine}\n{usage}")));
    }
}

/// Builds the tray icon. On Linux it needs libayatana-appindicator3 (or libappindicator3); a
/// panic of the indicator's loader is turned into an error, so a desktop without one still
/// starts.
pub(super) fn build(app: &AppHandle) -> Result<Tray, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| try_build(app)))
        .map_err(|_| {
            "the tray library could not be loaded (on Linux: libayatana-appindicator3)".to_owned()
        })?
        .map_err(|e| e.to_string())
}

fn try_build(app: &AppHandle) -> tauri::Result<Tray> {
    let engine = MenuItem::with_id(
        app,
        "engine",
        "Docker engine: connecting…",
        false,
        None::<&str>,
    )?;
    let usage = MenuItem::with_id(
        app,
        "usage",
        "Reading Docker's disk use…",
        false,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[
            &engine,
            &usage,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "open", "Open Drydock", true, None::<&str>)?,
            &MenuItem::with_id(app, "cleanup", "Clean up…", true, None::<&str>)?,
            &MenuItem::with_id(app, "scan", "Scan images now", true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, "quit", "Quit Drydock", true, None::<&str>)?,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id("drydock")
        .tooltip("Drydock")
        .menu(&menu)
        // A left click opens the window (Windows, macOS); the menu is on the right button.
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => open(app, None),
            "cleanup" => open(app, Some(Destination::Cleanup)),
            "scan" => open(app, Some(Destination::ScanAll)),
            "quit" => super::quit(app),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                open(tray.app_handle(), None);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    Ok(Tray {
        icon,
        engine,
        usage,
    })
}
