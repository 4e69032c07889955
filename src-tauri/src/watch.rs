//! Follows the engine's event stream and tells the UI when something changed, so an image built
//! or removed elsewhere shows up without a refresh. Bursts (a build emits dozens of events) are
//! folded into one notice, and the UI's refresh goes through the shared df call.

use crate::state::AppState;
use futures_util::StreamExt;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};

/// Quiet time after an event before the UI is told: one refresh per burst.
const SETTLE: Duration = Duration::from_millis(400);
/// Wait before following again after the engine went away.
const RETRY: Duration = Duration::from_secs(3);
/// A stream over a link that died without closing (a VM or forwarded socket) never ends by
/// itself: the app subscribes again this often, from the second of the last event it read (by
/// the engine's clock, which may differ from this machine's), so what happened meanwhile is
/// read too.
const RESUBSCRIBE: Duration = Duration::from_secs(120);

pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut was_down = false;
        loop {
            was_down = !follow(&app, was_down).await;
            let state = app.state::<AppState>();
            tokio::select! {
                _ = tokio::time::sleep(RETRY) => {}
                _ = state.switched.notified() => {}
            }
        }
    });
}

/// Follows one engine's events until the stream ends, fails, or the user switches engines.
/// Returns false when no engine could be reached. An engine reached after a time without one
/// is news too: the no-engine screen comes to life without the user doing anything.
async fn follow(app: &AppHandle, was_down: bool) -> bool {
    let state = app.state::<AppState>();
    let Ok(engine) = state.engine().await else {
        return false;
    };
    if was_down {
        let _ = app.emit("engine-changed", ());
    }
    // The engine's time (nanoseconds) of the last event read; none yet: follow from now.
    let mut last: Option<i64> = None;
    loop {
        let opts = bollard::query_parameters::EventsOptions {
            since: last.map(|ns| format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)),
            ..Default::default()
        };
        let mut events = engine.docker().events(Some(opts));
        let resubscribe = tokio::time::sleep(RESUBSCRIBE);
        tokio::pin!(resubscribe);
        loop {
            tokio::select! {
                _ = state.switched.notified() => return true,
                _ = &mut resubscribe => break,
                next = events.next() => match next {
                    None => return true,
                    // The one event a new subscription reads again: not news.
                    Some(Ok(event)) if !is_news(event.time_nano, &mut last) => continue,
                    // An event the typed model cannot read is still news.
                    Some(Ok(_)) | Some(Err(bollard::errors::Error::JsonDataError { .. })) => {}
                    // Transport errors end the stream.
                    Some(Err(_)) => return true,
                },
            }
            // Fold the rest of the burst in.
            while let Ok(Some(next)) = tokio::time::timeout(SETTLE, events.next()).await {
                if let Ok(event) = next {
                    is_news(event.time_nano, &mut last);
                }
            }
            let _ = app.emit("engine-changed", ());
            crate::cleanup::record_use_for(&state, &app.state::<crate::cleanup::CleanupState>())
                .await;
        }
    }
}

/// Whether an event at `time` (the engine's nanoseconds) comes after the last one read, which
/// it then becomes. An event without a time is news.
fn is_news(time: Option<i64>, last: &mut Option<i64>) -> bool {
    match (time, *last) {
        (Some(t), Some(l)) if t <= l => false,
        (Some(t), _) => {
            *last = Some(t);
            true
        }
        (None, _) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::is_news;

    #[test]
    fn a_new_subscription_does_not_report_the_last_event_again() {
        let mut last = None;
        assert!(is_news(Some(5), &mut last));
        assert!(
            !is_news(Some(5), &mut last),
            "read again after resubscribing"
        );
        assert!(!is_news(Some(4), &mut last));
        assert!(is_news(Some(6), &mut last));
        assert_eq!(last, Some(6));
        assert!(is_news(None, &mut last));
        assert_eq!(last, Some(6));
    }
}
