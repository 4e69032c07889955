//! Desktop notifications and where a click on one (or a tray item) leads.
//!
//! A notification carries its destination; a click brings the window forward and tells the UI
//! which view to open (the `open-view` event). What reports the click differs by platform:
//! Linux and the BSDs report it through the notification server when it supports actions (GNOME,
//! KDE and most others do); Windows reports it while the toast is on screen, not from the Action
//! Centre; macOS reports it for a notification shown while Drydock runs. Where nothing reports
//! it, the notification only informs, and the in-app notices (the scheduled run's, the scan
//! alert's) still lead to the view.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

/// Where the window goes when the user follows a notification or a tray item.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Destination {
    Overview,
    /// The overview with the one-click cleanup's confirm dialog (nothing is removed without it).
    Cleanup,
    /// The Security view, scanning every image.
    ScanAll,
    Security,
    /// The Cleanup view's journal.
    Journal,
    Settings,
}

impl Destination {
    fn as_str(self) -> &'static str {
        match self {
            Destination::Overview => "overview",
            Destination::Cleanup => "cleanup",
            Destination::ScanAll => "scan-all",
            Destination::Security => "security",
            Destination::Journal => "journal",
            Destination::Settings => "settings",
        }
    }

    fn parse(text: &str) -> Option<Destination> {
        [
            Destination::Overview,
            Destination::Cleanup,
            Destination::ScanAll,
            Destination::Security,
            Destination::Journal,
            Destination::Settings,
        ]
        .into_iter()
        .find(|d| d.as_str() == text)
    }
}

/// The key of a notification's extra payload that names its destination.
const GOES_TO: &str = "drydock-view";

/// Shows a desktop notification that leads to `to` when clicked. A failure is told on stderr:
/// the in-app notices carry the same news.
pub fn show(app: &AppHandle, title: &str, body: &str, to: Destination) {
    let shown = app
        .notification()
        .builder()
        .title(title)
        .body(body)
        .extra(GOES_TO, to.as_str())
        .show();
    if let Err(e) = shown {
        eprintln!("warning: the desktop notification was not shown: {e}");
    }
}

/// Brings the window forward and, with a destination, tells the UI which view to open.
pub fn open(app: &AppHandle, to: Option<Destination>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
    if let Some(to) = to {
        let _ = app.emit("open-view", to);
    }
}

/// Clicks on Drydock's notifications open their view. Registered before the first notification:
/// one shown earlier reports nothing.
pub fn route_clicks(app: &AppHandle) {
    let handle = app.clone();
    let routed = app.notification().on_action(move |performed| {
        let to = performed
            .notification()
            .and_then(|n| n.extra().get(GOES_TO))
            .and_then(|v| v.as_str())
            .and_then(Destination::parse);
        // The handler runs on the notification's thread; windows are handled on the main one.
        let app = handle.clone();
        let _ = handle.run_on_main_thread(move || open(&app, to));
    });
    if let Err(e) = routed {
        eprintln!("warning: clicks on notifications will not open Drydock: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_destination_reads_back_as_it_is_written() {
        for d in [
            Destination::Overview,
            Destination::Cleanup,
            Destination::ScanAll,
            Destination::Security,
            Destination::Journal,
            Destination::Settings,
        ] {
            assert_eq!(Destination::parse(d.as_str()), Some(d));
            assert_eq!(
                serde_json::to_value(d).expect("json"),
                serde_json::json!(d.as_str())
            );
        }
        assert_eq!(Destination::parse("elsewhere"), None);
    }
}
