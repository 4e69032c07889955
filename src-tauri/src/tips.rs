//! Tips in the app: an image's tips on request (the Tips tab), and a background worker that reads
//! every local image's tips, one image at a time, so the overview can show what all of them
//! could lose. Reports are kept in the store by image id, so each image is read once.
//!
//! The worker reads in the background's turn ([`Turns::background`]): a read the user asks for
//! goes first, and the worker's read in progress is dropped and made again later.

use crate::cleanup::CleanupState;
use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use crate::turns::Turns;
use drydock_engine::{ErrorCode, ExportProgress};
use drydock_store::Store;
use drydock_tips::{LocalImage, Tip, TipsError, TipsReport};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use tauri::ipc::Channel;
use tokio::sync::Notify;
use ts_rs::TS;

/// How many tips the overview's panel lists.
const TOP: usize = 8;
/// How long after the app starts the worker first looks at the images.
const START_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// One tip of one local image, for the overview's panel.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
pub struct ImageTip {
    /// The image's first tag, or its short id when it has none.
    pub image: String,
    pub id: String,
    pub tags: Vec<String>,
    pub tip: Tip,
}

/// What the local images could lose, as far as the background worker has read them.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
pub struct TipsOverview {
    /// The biggest savings across all images read so far, biggest first; tips that save no
    /// bytes (root, secrets) are on each image's Tips tab.
    pub tips: Vec<ImageTip>,
    /// Images whose tips are known (read now or kept from an earlier read).
    pub done: usize,
    /// Images that could not be read; each image's Tips tab says why.
    pub failed: usize,
    /// Images still to read.
    pub pending: usize,
    /// Whether the worker is reading an image now.
    pub computing: bool,
}

/// The worker's knowledge: the images of the last look and what is known of each.
#[derive(Default)]
struct Book {
    /// Image id → tags, as of the last look.
    images: Vec<(String, Vec<String>)>,
    reports: HashMap<String, TipsReport>,
    failed: HashMap<String, IpcError>,
    computing: bool,
}

impl Book {
    fn pending(&self) -> Vec<String> {
        self.images
            .iter()
            .map(|(id, _)| id)
            .filter(|id| !self.reports.contains_key(*id) && !self.failed.contains_key(*id))
            .cloned()
            .collect()
    }

    fn overview(&self) -> TipsOverview {
        let mut tips: Vec<ImageTip> = Vec::new();
        for (id, tags) in &self.images {
            let Some(report) = self.reports.get(id) else {
                continue;
            };
            let image = tags
                .first()
                .cloned()
                .unwrap_or_else(|| id.trim_start_matches("sha256:").chars().take(12).collect());
            tips.extend(
                report
                    .tips
                    .iter()
                    .filter(|t| t.bytes > 0)
                    .map(|tip| ImageTip {
                        image: image.clone(),
                        id: id.clone(),
                        tags: tags.clone(),
                        tip: tip.clone(),
                    }),
            );
        }
        // Biggest first; ties in a stable order so the panel does not reshuffle.
        tips.sort_by(|a, b| {
            b.tip
                .bytes
                .cmp(&a.tip.bytes)
                .then_with(|| a.image.cmp(&b.image))
                .then_with(|| a.tip.title.cmp(&b.tip.title))
        });
        tips.truncate(TOP);
        let present: HashSet<&String> = self.images.iter().map(|(id, _)| id).collect();
        let done = self
            .reports
            .keys()
            .filter(|id| present.contains(id))
            .count();
        let failed = self.failed.keys().filter(|id| present.contains(id)).count();
        TipsOverview {
            tips,
            done,
            failed,
            pending: self.images.len().saturating_sub(done + failed),
            computing: self.computing,
        }
    }
}

/// The tips' shared state: the store fallback and the worker's book.
pub struct TipsState {
    /// Reports are kept in the journal's store; this one serves (for this session only) when
    /// that is unavailable.
    fallback: Option<Mutex<Store>>,
    /// Told when the engine's images may have changed.
    wake: Notify,
    book: Mutex<Book>,
}

impl Default for TipsState {
    fn default() -> Self {
        TipsState {
            fallback: Store::in_memory().ok().map(Mutex::new),
            wake: Notify::new(),
            book: Mutex::new(Book::default()),
        }
    }
}

impl TipsState {
    fn store<'a>(&'a self, cleanup: &'a CleanupState) -> Result<&'a Mutex<Store>, IpcError> {
        cleanup
            .journal()
            .or_else(|e| self.fallback.as_ref().ok_or(e))
    }

    /// Tells the worker to look at the engine's images again.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    pub fn overview(&self) -> TipsOverview {
        self.book
            .lock()
            .map(|b| b.overview())
            .unwrap_or_else(|_| Book::default().overview())
    }

    fn known(&self, id: &str) -> Option<TipsReport> {
        self.book.lock().ok()?.reports.get(id).cloned()
    }

    fn learn(&self, report: TipsReport) {
        if let Ok(mut book) = self.book.lock() {
            book.failed.remove(&report.id);
            book.reports.insert(report.id.clone(), report);
        }
    }

    fn edit_book(&self, f: impl FnOnce(&mut Book)) {
        if let Ok(mut book) = self.book.lock() {
            f(&mut book);
        }
    }
}

impl From<TipsError> for IpcError {
    fn from(err: TipsError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

/// The tips of image `name` (an id or a tag): kept ones at once, else read from the engine
/// ahead of the background worker.
pub async fn image_tips_for(
    state: &AppState,
    cleanup: &CleanupState,
    tips: &TipsState,
    turns: &Turns,
    name: String,
    progress: impl FnMut(ExportProgress) + Send,
) -> Result<TipsReport, IpcError> {
    if let Some(report) = tips.known(&name) {
        return Ok(report);
    }
    let _turn = turns.user().await;
    let report = read_tips(state, cleanup, tips, name, progress).await?;
    tips.learn(report.clone());
    Ok(report)
}

async fn read_tips(
    state: &AppState,
    cleanup: &CleanupState,
    tips: &TipsState,
    name: String,
    progress: impl FnMut(ExportProgress) + Send,
) -> Result<TipsReport, IpcError> {
    read_tips_among(state, cleanup, tips, name, None, progress).await
}

/// [`read_tips`] with the local images already listed (`locals`), for the worker going
/// through many: each read then does not list and inspect every image again.
async fn read_tips_among(
    state: &AppState,
    cleanup: &CleanupState,
    tips: &TipsState,
    name: String,
    locals: Option<&[LocalImage]>,
    progress: impl FnMut(ExportProgress) + Send,
) -> Result<TipsReport, IpcError> {
    let store = tips.store(cleanup)?;
    let now = drydock_cleanup::unix_now();
    on_engine(state, |engine| async move {
        match locals {
            Some(locals) => {
                drydock_tips::image_tips_among(&engine, store, &name, locals, now, progress).await
            }
            None => drydock_tips::image_tips(&engine, store, &name, now, progress).await,
        }
        .map(|(report, _)| report)
    })
    .await
}

/// Looks at the engine's images, takes what the store kept for them, and reads the rest one at
/// a time, each in the background's turn. Returns after the last, or when the engine cannot be
/// listed.
async fn catch_up(app: &tauri::AppHandle) {
    use tauri::Manager;
    let state = app.state::<AppState>();
    let cleanup = app.state::<CleanupState>();
    let tips = app.state::<TipsState>();
    let Ok(images) = crate::commands::images_for(&state).await else {
        return;
    };
    // Reports kept from earlier reads (of this session or another) cost no read.
    let unknown: Vec<String> = images
        .iter()
        .filter(|i| tips.known(&i.id).is_none())
        .map(|i| i.id.clone())
        .collect();
    let kept = tips
        .store(&cleanup)
        .ok()
        .and_then(|store| drydock_tips::cached_tips(store, &unknown).ok())
        .unwrap_or_default();
    tips.edit_book(|book| {
        book.images = images
            .iter()
            .map(|i| (i.id.clone(), i.tags.clone()))
            .collect();
        let present: HashSet<&String> = images.iter().map(|i| &i.id).collect();
        book.reports.retain(|id, _| present.contains(id));
        book.failed.retain(|id, _| present.contains(id));
        book.reports
            .extend(kept.into_iter().map(|r| (r.id.clone(), r)));
    });
    tell(app, &tips);
    let turns = app.state::<Turns>();
    // Listed once for all the reads below (the base-image tip compares with them); without
    // them each read lists them itself.
    let pending = tips
        .book
        .lock()
        .map(|b| !b.pending().is_empty())
        .unwrap_or(false);
    let locals = match state.engine().await {
        Ok(engine) if pending => drydock_tips::local_images(&engine).await.ok(),
        _ => None,
    };
    loop {
        let Some(id) = tips
            .book
            .lock()
            .ok()
            .and_then(|b| b.pending().first().cloned())
        else {
            return;
        };
        let read = async {
            tips.edit_book(|b| b.computing = true);
            tell(app, &tips);
            read_tips_among(
                &state,
                &cleanup,
                &tips,
                id.clone(),
                locals.as_deref(),
                |_| {},
            )
            .await
        };
        // `None`: the user asked for a read meanwhile; this image is read on the next turn.
        let outcome = turns.background(read).await;
        let mut engine_down = false;
        tips.edit_book(|book| {
            book.computing = false;
            match outcome {
                Some(Ok(report)) => {
                    book.reports.insert(id.clone(), report);
                }
                // Not the image's fault: the next look (after the engine's next event) reads it.
                Some(Err(e)) if e.code == ErrorCode::EngineUnavailable => engine_down = true,
                Some(Err(e)) => {
                    eprintln!("warning: the tips of {id} were not read: {}", e.message);
                    book.failed.insert(id.clone(), e);
                }
                None => {}
            }
        });
        tell(app, &tips);
        if engine_down {
            return;
        }
    }
}

/// In the window: `tips-overview`, with the overview as it is now.
fn tell(app: &tauri::AppHandle, tips: &TipsState) {
    use tauri::Emitter;
    let _ = app.emit("tips-overview", tips.overview());
}

/// Reads every local image's tips in the background, and again for new images each time the
/// engine's events say images changed (watch.rs pokes it), for as long as the app runs.
pub fn start(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        // The window's first views read the engine before the worker's first export does.
        tokio::time::sleep(START_AFTER).await;
        loop {
            catch_up(&app).await;
            use tauri::Manager;
            app.state::<TipsState>().wake.notified().await;
        }
    });
}

#[tauri::command]
pub async fn image_tips(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    tips: tauri::State<'_, TipsState>,
    turns: tauri::State<'_, Turns>,
    name: String,
    channel: Channel<ExportProgress>,
) -> Result<TipsReport, IpcError> {
    let report = image_tips_for(&state, &cleanup, &tips, &turns, name, |p| {
        let _ = channel.send(p);
    })
    .await?;
    // The overview counts this image as read from now on.
    tell(&app, &tips);
    Ok(report)
}

#[tauri::command]
pub fn tips_overview(tips: tauri::State<'_, TipsState>) -> TipsOverview {
    tips.overview()
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_tips::TipKind;

    fn tip(title: &str, bytes: u64) -> Tip {
        Tip {
            kind: TipKind::PackageCache,
            title: title.into(),
            bytes,
            exact: true,
            estimate: None,
            paths: Vec::new(),
            more_paths: 0,
            layer: Some(1),
            step: None,
            why: String::new(),
            fix: String::new(),
        }
    }

    fn report(id: &str, tips: Vec<Tip>) -> TipsReport {
        TipsReport {
            image: id.into(),
            id: id.into(),
            tags: Vec::new(),
            size: 0,
            could_save: tips.iter().map(|t| t.bytes).sum(),
            tips,
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_overview_lists_the_biggest_savings_across_images_and_counts_what_is_left() {
        let mut book = Book {
            images: vec![
                ("sha256:a".into(), vec!["web:1".into()]),
                ("sha256:b".into(), Vec::new()),
                ("sha256:c".into(), vec!["db:2".into()]),
                ("sha256:d".into(), vec!["odd:1".into()]),
            ],
            ..Book::default()
        };
        book.reports.insert(
            "sha256:a".into(),
            report("sha256:a", vec![tip("apt lists", 10), tip("root", 0)]),
        );
        book.reports
            .insert("sha256:b".into(), report("sha256:b", vec![tip("pip", 30)]));
        book.failed.insert(
            "sha256:d".into(),
            IpcError::new(ErrorCode::InvalidInput, "windows"),
        );
        // A report of an image gone since is not counted.
        book.reports.insert(
            "sha256:gone".into(),
            report("sha256:gone", vec![tip("x", 99)]),
        );
        let o = book.overview();
        let shown: Vec<(&str, u64)> = o
            .tips
            .iter()
            .map(|t| (t.image.as_str(), t.tip.bytes))
            .collect();
        assert_eq!(shown, [("b", 30), ("web:1", 10)]);
        assert_eq!((o.done, o.failed, o.pending), (2, 1, 1));
        assert_eq!(book.pending(), ["sha256:c"]);
    }

    #[test]
    fn the_panel_keeps_the_top_few() {
        let mut book = Book {
            images: vec![("sha256:a".into(), vec!["a:1".into()])],
            ..Book::default()
        };
        let many = (1..=20).map(|i| tip(&format!("t{i}"), i)).collect();
        book.reports
            .insert("sha256:a".into(), report("sha256:a", many));
        let o = book.overview();
        assert_eq!(o.tips.len(), TOP);
        assert_eq!(o.tips[0].tip.bytes, 20);
    }
}
