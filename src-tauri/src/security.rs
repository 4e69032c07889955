//! The Security view's commands: scan an image against the offline advisory database (one scan
//! at a time, with the export's progress, cancellable), the last report of an image (kept in the
//! store, so it outlives the app), the database's sources and ages, and the alert threshold. New images the engine reports are
//! scanned in the background; findings at or above the threshold raise an alert.

use crate::cleanup::CleanupState;
use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use drydock_advisories::{Store as Advisories, STALE_AFTER_SECS};
use drydock_engine::{ErrorCode, ExportProgress};
use drydock_scan::{db_sources, DbSource, ImageRef, ScanError, ScanReport, Severity};
use drydock_store::Store;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::ipc::Channel;
use tokio::sync::Notify;
use ts_rs::TS;

/// The store setting that holds the alert threshold.
const THRESHOLD_KEY: &str = "scan-alert-threshold";

/// The advisory database as the Security view shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct DbStatus {
    /// False until something was imported (`drydock db update` or `drydock db import`).
    pub present: bool,
    /// The database's directory.
    pub path: String,
    pub sources: Vec<DbSource>,
    /// Whether any source is older than a week.
    pub stale: bool,
}

/// Told to the window when a background scan reaches the threshold: of a new image, or of an
/// image scanned before, with findings the updated database brought.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct ScanAlert {
    pub image: ImageRef,
    /// True for a new image; false for a rescan after the advisory database changed.
    pub new_image: bool,
    pub threshold: Severity,
    /// How many findings are at or above the threshold.
    pub findings: usize,
    /// The worst of them.
    pub worst: Severity,
}

/// Scans' shared state: where the database is, one scan at a time.
pub struct SecurityState {
    data_dir: PathBuf,
    /// Package lists and last reports are kept in the journal's store; this one serves (for
    /// this session only) when that is unavailable.
    fallback: Option<Mutex<Store>>,
    running: tokio::sync::Mutex<()>,
    cancel: Notify,
    /// Image ids seen on the last look, so only new ones are scanned in the background.
    seen: Mutex<Option<HashSet<String>>>,
    /// The advisory database's sources as last seen, to rescan when they change.
    db_seen: Mutex<Option<Vec<(String, i64)>>>,
}

impl SecurityState {
    pub fn new(data_dir: PathBuf) -> SecurityState {
        SecurityState {
            data_dir,
            fallback: Store::in_memory().ok().map(Mutex::new),
            running: tokio::sync::Mutex::new(()),
            cancel: Notify::new(),
            seen: Mutex::new(None),
            db_seen: Mutex::new(None),
        }
    }

    /// Whether background scans can raise alerts: an advisory database is there to match.
    pub fn alerts_on(&self) -> bool {
        matches!(Advisories::open(&self.data_dir), Ok(Some(_)))
    }

    fn store<'a>(&'a self, cleanup: &'a CleanupState) -> Result<&'a Mutex<Store>, IpcError> {
        cleanup
            .journal()
            .or_else(|e| self.fallback.as_ref().ok_or(e))
    }

    fn with_store<T>(
        &self,
        cleanup: &CleanupState,
        f: impl FnOnce(&Store) -> Result<T, drydock_store::StoreError>,
    ) -> Result<T, IpcError> {
        let store = self
            .store(cleanup)?
            .lock()
            .map_err(|_| IpcError::new(ErrorCode::Internal, "the store is unavailable"))?;
        f(&store).map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))
    }
}

impl From<ScanError> for IpcError {
    fn from(err: ScanError) -> Self {
        match err {
            ScanError::Engine(e) => e.into(),
            other => IpcError::new(ErrorCode::Internal, other.to_string()),
        }
    }
}

fn no_database(dir: &Path) -> IpcError {
    IpcError::new(
        ErrorCode::InvalidInput,
        format!(
            "there is no advisory database yet in {}, so nothing can be matched\n  fix: run `drydock db update` to download one, or `drydock db import FILE` to load one you have; Drydock does not download it on its own",
            dir.display()
        ),
    )
}

/// The UI asked for it, so it knows; no code of its own is needed to branch on.
fn was_cancelled() -> IpcError {
    IpcError::new(ErrorCode::Internal, "the scan was cancelled")
}

/// The advisory database's own failures (a damaged file, another schema) are not the user's.
fn internal(e: drydock_advisories::Error) -> IpcError {
    IpcError::new(ErrorCode::Internal, e.to_string())
}

/// The advisory database and its sources as of `now`; `None` when nothing was imported.
fn open_db(dir: &Path, now: i64) -> Result<Option<(Advisories, Vec<DbSource>)>, IpcError> {
    let Some(db) = Advisories::open(dir).map_err(internal)? else {
        return Ok(None);
    };
    let sources = db_sources(&db.status().map_err(internal)?, now);
    Ok(Some((db, sources)))
}

pub fn advisory_status_for(data_dir: &Path, now: i64) -> Result<DbStatus, IpcError> {
    let path = data_dir.display().to_string();
    Ok(match open_db(data_dir, now)? {
        None => DbStatus {
            present: false,
            path,
            sources: Vec::new(),
            stale: false,
        },
        Some((_, sources)) => DbStatus {
            present: true,
            path,
            stale: sources.iter().any(|s| s.age > STALE_AFTER_SECS),
            sources,
        },
    })
}

/// Scans image `id`: its packages (read once per image id, then kept), matched against the
/// advisory database as it is now. `scan_cancel` stops it while the image is being read.
pub async fn scan_image_for(
    state: &AppState,
    cleanup: &CleanupState,
    security: &SecurityState,
    id: String,
    progress: impl FnMut(ExportProgress) + Send,
) -> Result<ScanReport, IpcError> {
    let dir = security.data_dir.as_path();
    // No database, no scan: the image is not read for nothing.
    if Advisories::open(dir).map_err(internal)?.is_none() {
        return Err(no_database(dir));
    }
    // Listening from here on: a cancel while this scan waits its turn stops it too.
    let cancelled = security.cancel.notified();
    tokio::pin!(cancelled);
    cancelled.as_mut().enable();
    let _one_at_a_time = tokio::select! {
        held = security.running.lock() => held,
        () = &mut cancelled => return Err(was_cancelled()),
    };
    let store = security.store(cleanup)?;
    let now = drydock_cleanup::unix_now();
    let read = on_engine(state, |engine| async move {
        drydock_scan::image_inventory(&engine, store, &id, now, progress).await
    });
    // Dropping the read stops the export stream; nothing half-read is kept.
    let (image, inventory, _) = tokio::select! {
        read = read => read?,
        () = &mut cancelled => return Err(was_cancelled()),
    };
    // Matching is synchronous and the database is not Sync: it opens here, after every await.
    let (db, sources) = open_db(dir, now)?.ok_or_else(|| no_database(dir))?;
    let report = drydock_scan::report(image, &inventory, &db, sources);
    // The report stands even when it cannot be kept: the user sees it now, and not after a
    // restart.
    if let Err(e) = security.with_store(cleanup, |s| {
        s.keep_scan_report(&report.image.id, &report, now)
    }) {
        eprintln!(
            "warning: the report of {} was not kept: {}",
            report.image.id, e.message
        );
    }
    Ok(report)
}

/// The last report kept for image `id` (of this session or an earlier one), `None` when it was
/// never scanned.
pub fn scan_last_for(
    cleanup: &CleanupState,
    security: &SecurityState,
    id: &str,
) -> Result<Option<ScanReport>, IpcError> {
    security.with_store(cleanup, |s| s.scan_report(id))
}

pub fn alert_threshold_for(cleanup: &CleanupState) -> Result<Severity, IpcError> {
    Ok(cleanup
        .with_store(|s| Ok(s.setting::<Severity>(THRESHOLD_KEY)?))?
        .unwrap_or(Severity::Critical))
}

pub fn set_alert_threshold_for(
    cleanup: &CleanupState,
    threshold: Severity,
) -> Result<Severity, IpcError> {
    cleanup.with_store(|s| Ok(s.set_setting(THRESHOLD_KEY, &threshold)?))?;
    alert_threshold_for(cleanup)
}

/// The alert for `report` at `threshold`, when a finding reaches it.
pub fn alert_for(report: &ScanReport, threshold: Severity) -> Option<ScanAlert> {
    alert_for_new(None, report, threshold)
}

/// The alert for the findings of `report` at or above `threshold` that `before` (the image's
/// earlier report, `None` for a new image) did not have.
pub fn alert_for_new(
    before: Option<&ScanReport>,
    report: &ScanReport,
    threshold: Severity,
) -> Option<ScanAlert> {
    let known: HashSet<(&str, &str, &str)> = before
        .iter()
        .flat_map(|b| b.findings.iter())
        .map(|f| (f.id.as_str(), f.package.as_str(), f.path.as_str()))
        .collect();
    let over: Vec<Severity> = report
        .findings
        .iter()
        .filter(|f| !known.contains(&(f.id.as_str(), f.package.as_str(), f.path.as_str())))
        .map(|f| f.severity)
        .filter(|s| *s >= threshold)
        .collect();
    Some(ScanAlert {
        image: report.image.clone(),
        new_image: before.is_none(),
        threshold,
        findings: over.len(),
        worst: over.into_iter().max()?,
    })
}

/// The ids among `now` that were not there on the last look. The first look finds none new:
/// images present when the app started are not news.
pub fn new_images(security: &SecurityState, now: &[String]) -> Vec<String> {
    let Ok(mut seen) = security.seen.lock() else {
        return Vec::new();
    };
    let current: HashSet<String> = now.iter().cloned().collect();
    let new = match seen.as_ref() {
        None => Vec::new(),
        Some(before) => now
            .iter()
            .filter(|id| !before.contains(*id))
            .cloned()
            .collect(),
    };
    *seen = Some(current);
    new
}

/// After the engine changed: scans the images that appeared since the last look and returns
/// an alert for each that reaches the threshold. Without a database there is nothing to match.
pub async fn scan_new_images_for(
    state: &AppState,
    cleanup: &CleanupState,
    security: &SecurityState,
) -> Vec<ScanAlert> {
    let Ok(images) = crate::commands::images_for(state).await else {
        return Vec::new();
    };
    let ids: Vec<String> = images.into_iter().map(|i| i.id).collect();
    let new = new_images(security, &ids);
    if new.is_empty() || !matches!(open_db(&security.data_dir, 0), Ok(Some(_))) {
        return Vec::new();
    }
    let threshold = alert_threshold_for(cleanup).unwrap_or(Severity::Critical);
    let mut alerts = Vec::new();
    for id in new {
        match scan_image_for(state, cleanup, security, id.clone(), |_| {}).await {
            Ok(report) => alerts.extend(alert_for(&report, threshold)),
            Err(e) => eprintln!("warning: the new image {id} was not scanned: {}", e.message),
        }
    }
    alerts
}

#[tauri::command]
pub async fn scan_image(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    security: tauri::State<'_, SecurityState>,
    turns: tauri::State<'_, crate::turns::Turns>,
    id: String,
    channel: Channel<ExportProgress>,
) -> Result<ScanReport, IpcError> {
    // The user's read goes before the background's (which stops its own).
    let _turn = turns.user().await;
    scan_image_for(&state, &cleanup, &security, id, |p| {
        let _ = channel.send(p);
    })
    .await
}

#[tauri::command]
pub fn scan_cancel(security: tauri::State<'_, SecurityState>) {
    security.cancel.notify_waiters();
}

#[tauri::command]
pub fn scan_last(
    cleanup: tauri::State<'_, CleanupState>,
    security: tauri::State<'_, SecurityState>,
    id: String,
) -> Result<Option<ScanReport>, IpcError> {
    scan_last_for(&cleanup, &security, &id)
}

#[tauri::command]
pub fn advisory_status(security: tauri::State<'_, SecurityState>) -> Result<DbStatus, IpcError> {
    advisory_status_for(&security.data_dir, drydock_cleanup::unix_now())
}

#[tauri::command]
pub fn alert_threshold(cleanup: tauri::State<'_, CleanupState>) -> Result<Severity, IpcError> {
    alert_threshold_for(&cleanup)
}

#[tauri::command]
pub fn set_alert_threshold(
    cleanup: tauri::State<'_, CleanupState>,
    threshold: Severity,
) -> Result<Severity, IpcError> {
    set_alert_threshold_for(&cleanup, threshold)
}

/// Whether the advisory database changed since the last look (an update or an import). The
/// first look is no change.
pub fn database_changed(security: &SecurityState, now: &DbStatus) -> bool {
    database_looked_at(security, now).is_some_and(|changed| changed)
}

/// Whether the database changed since the last look; `None` on the first look.
fn database_looked_at(security: &SecurityState, now: &DbStatus) -> Option<bool> {
    let sources: Vec<(String, i64)> = now
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.imported_at))
        .collect();
    let Ok(mut seen) = security.db_seen.lock() else {
        return Some(false);
    };
    let changed = seen.as_ref().map(|before| *before != sources);
    *seen = Some(sources);
    changed
}

/// Whether `report` was matched against an older database than `now`'s (a source imported
/// since, or one it did not have): what the Security view marks as "older database".
pub fn older_database(report: &ScanReport, now: &DbStatus) -> bool {
    let used: HashMap<&str, i64> = report
        .db
        .iter()
        .map(|s| (s.name.as_str(), s.imported_at))
        .collect();
    now.present
        && now.sources.iter().any(|s| {
            used.get(s.name.as_str())
                .is_none_or(|at| *at < s.imported_at)
        })
}

/// After the advisory database changed, and at the first look (it may have changed while the
/// app was closed): matches again every image still on the engine whose last report, of this
/// session or an earlier one, predates the database (their package lists are kept, so this reads
/// nothing from the engine) and returns an alert for each with new findings at or above the
/// threshold.
pub async fn rescan_after_update_for(
    state: &AppState,
    cleanup: &CleanupState,
    security: &SecurityState,
) -> Vec<ScanAlert> {
    let Ok(status) = advisory_status_for(&security.data_dir, drydock_cleanup::unix_now()) else {
        return Vec::new();
    };
    let look = database_looked_at(security, &status);
    if look == Some(false) || !status.present {
        return Vec::new();
    }
    let Ok(kept) = security.with_store(cleanup, |s| s.scan_reports::<ScanReport>()) else {
        return Vec::new();
    };
    let Ok(images) = crate::commands::images_for(state).await else {
        return Vec::new();
    };
    let present: HashSet<String> = images.into_iter().map(|i| i.id).collect();
    let before: Vec<ScanReport> = kept
        .into_iter()
        .filter(|r| present.contains(&r.image.id) && older_database(r, &status))
        .collect();
    let threshold = alert_threshold_for(cleanup).unwrap_or(Severity::Critical);
    let mut alerts = Vec::new();
    for old in before {
        let id = old.image.id.clone();
        match scan_image_for(state, cleanup, security, id.clone(), |_| {}).await {
            Ok(report) => alerts.extend(alert_for_new(Some(&old), &report, threshold)),
            Err(e) => eprintln!("warning: {id} was not scanned again: {}", e.message),
        }
    }
    alerts
}

/// How often the app looks whether the advisory database changed (`drydock db update` runs
/// outside the app): reading its sources costs nothing.
const DB_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Notes the images there now, then rescans after each change of the advisory database, for as
/// long as the app runs.
pub fn start(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        {
            // The images there at start are the baseline: an image built before the first
            // engine event is then new too.
            use tauri::Manager;
            let state = app.state::<AppState>();
            if let Ok(images) = crate::commands::images_for(&state).await {
                let ids: Vec<String> = images.into_iter().map(|i| i.id).collect();
                new_images(&app.state::<SecurityState>(), &ids);
            }
        }
        loop {
            let alerts = {
                use tauri::Manager;
                rescan_after_update_for(
                    &app.state::<AppState>(),
                    &app.state::<CleanupState>(),
                    &app.state::<SecurityState>(),
                )
                .await
            };
            tell(&app, alerts);
            tokio::time::sleep(DB_CHECK_EVERY).await;
        }
    });
}

/// Scans the images that appeared since the last look and tells about those that reach the
/// threshold.
pub async fn alert_new_images(app: tauri::AppHandle) {
    use tauri::Manager;
    let alerts = scan_new_images_for(
        &app.state::<AppState>(),
        &app.state::<CleanupState>(),
        &app.state::<SecurityState>(),
    )
    .await;
    tell(&app, alerts);
}

/// In the window (`scan-alert`) and on the desktop, with the OS's own notifications; a click
/// on one opens the Security view.
fn tell(app: &tauri::AppHandle, alerts: Vec<ScanAlert>) {
    use tauri::Emitter;
    for alert in alerts {
        let _ = app.emit("scan-alert", &alert);
        let (title, body) = alert_words(&alert);
        crate::desktop::notify::show(app, &title, &body, crate::desktop::Destination::Security);
    }
}

/// A desktop notification's title and body for `alert`.
pub fn alert_words(alert: &ScanAlert) -> (String, String) {
    let name = alert.image.tags.first().cloned().unwrap_or_else(|| {
        let id = alert.image.id.trim_start_matches("sha256:");
        id.chars().take(12).collect()
    });
    let level = if alert.threshold == Severity::Critical {
        "critical".to_owned()
    } else {
        format!("{} or worse", alert.threshold.as_str())
    };
    let noun = if alert.findings == 1 {
        "vulnerability"
    } else {
        "vulnerabilities"
    };
    let title = if alert.new_image {
        format!("New image {name}: known vulnerabilities")
    } else {
        format!("{name}: newly known vulnerabilities")
    };
    (
        title,
        format!(
            "{} known {noun} at {level}. Open Drydock's Security view for the fixes.",
            alert.findings
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_scan::{Finding, Status};

    fn finding(severity: Severity) -> Finding {
        Finding {
            id: "CVE-2024-0001".into(),
            aliases: Vec::new(),
            package: "openssl".into(),
            source_package: None,
            ecosystem: "Debian:12".into(),
            installed: "1".into(),
            fixed: Some("2".into()),
            status: Status::Fixed,
            severity,
            cvss: None,
            purl: "pkg:deb/debian/openssl@1".into(),
            path: "var/lib/dpkg/status".into(),
            layer: 0,
            step: String::new(),
            base_image: false,
            summary: String::new(),
        }
    }

    fn report(findings: Vec<Finding>) -> ScanReport {
        ScanReport {
            image: ImageRef {
                id: "sha256:a".into(),
                tags: vec!["web:1".into()],
            },
            os: None,
            db: Vec::new(),
            packages: 1,
            findings,
            problems: Vec::new(),
            inventory: Vec::new(),
        }
    }

    #[test]
    fn no_database_is_an_empty_state_and_a_scan_says_how_to_get_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let status = advisory_status_for(dir.path(), 0).expect("status");
        assert!(!status.present);
        assert!(status.sources.is_empty());
        let err = no_database(dir.path());
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("drydock db update"));
        assert!(err.message.contains("drydock db import FILE"));
    }

    #[test]
    fn an_alert_counts_the_findings_at_or_above_the_threshold() {
        let r = report(vec![
            finding(Severity::Critical),
            finding(Severity::High),
            finding(Severity::Low),
        ]);
        let alert = alert_for(&r, Severity::High).expect("alert");
        assert_eq!((alert.findings, alert.worst), (2, Severity::Critical));
        assert_eq!(
            alert_for(&report(vec![finding(Severity::High)]), Severity::Critical),
            None
        );
        assert_eq!(alert_for(&report(Vec::new()), Severity::Low), None);
    }

    #[test]
    fn a_desktop_notification_names_the_image_and_the_count() {
        let alert =
            alert_for(&report(vec![finding(Severity::High)]), Severity::High).expect("alert");
        let (title, body) = alert_words(&alert);
        assert_eq!(title, "New image web:1: known vulnerabilities");
        assert!(
            body.starts_with("1 known vulnerability at high or worse."),
            "{body}"
        );
    }

    #[test]
    fn after_a_database_update_only_new_findings_alert() {
        let before = report(vec![finding(Severity::Critical)]);
        let mut newer = finding(Severity::Critical);
        newer.id = "CVE-2025-0002".into();
        let after = report(vec![
            finding(Severity::Critical),
            newer,
            finding(Severity::Low),
        ]);
        let alert = alert_for_new(Some(&before), &after, Severity::High).expect("alert");
        assert_eq!((alert.findings, alert.new_image), (1, false));
        assert_eq!(alert_for_new(Some(&after), &after, Severity::Low), None);
        assert!(alert_words(&alert).0.contains("newly known"));
    }

    #[test]
    fn the_database_changes_when_its_sources_do() {
        let security = SecurityState::new(std::env::temp_dir());
        let status = |at: i64| DbStatus {
            present: true,
            path: String::new(),
            sources: vec![DbSource {
                name: "alpine".into(),
                records: 1,
                imported_at: at,
                age: 0,
            }],
            stale: false,
        };
        assert!(!database_changed(&security, &status(1)), "the first look");
        assert!(!database_changed(&security, &status(1)));
        assert!(database_changed(&security, &status(2)));
    }

    #[test]
    fn a_report_is_older_than_a_database_with_a_source_imported_since_or_new() {
        let source = |name: &str, at: i64| DbSource {
            name: name.into(),
            records: 1,
            imported_at: at,
            age: 0,
        };
        let status = |sources: Vec<DbSource>| DbStatus {
            present: true,
            path: String::new(),
            sources,
            stale: false,
        };
        let mut r = report(Vec::new());
        r.db = vec![source("alpine", 5)];
        assert!(!older_database(&r, &status(vec![source("alpine", 5)])));
        assert!(older_database(&r, &status(vec![source("alpine", 6)])));
        assert!(older_database(
            &r,
            &status(vec![source("alpine", 5), source("debian", 1)])
        ));
        let gone = DbStatus {
            present: false,
            ..status(Vec::new())
        };
        assert!(!older_database(&r, &gone), "nothing to match against");
    }

    #[test]
    fn only_images_that_appeared_since_the_last_look_are_new() {
        let security = SecurityState::new(std::env::temp_dir());
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(new_images(&security, &ids(&["a", "b"])).is_empty());
        assert_eq!(new_images(&security, &ids(&["a", "b", "c"])), ids(&["c"]));
        assert!(new_images(&security, &ids(&["a", "c"])).is_empty());
        assert_eq!(new_images(&security, &ids(&["a", "b", "c"])), ids(&["b"]));
    }
}
