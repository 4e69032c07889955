//! The engine's event stream, followed live: what tells a watching client that something changed
//! (an image built or removed elsewhere). [`crate::events`] reads a finished window instead.

use crate::engine::Engine;
use crate::error::EngineError;
use bollard::errors::Error as BollardError;
use bollard::models::EventMessage;
use bollard::query_parameters::EventsOptions;
use bollard::Docker;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use std::time::Duration;
use tokio::time::Instant;

/// A stream over a link that died without closing (a VM or forwarded socket) never ends by
/// itself: the follow subscribes again this often, from the time of the last event it read (by
/// the engine's clock, which may differ from this machine's), so what happened meanwhile is read
/// too.
pub const RESUBSCRIBE: Duration = Duration::from_secs(120);

/// One event the follow had not reported yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The event's type and action as the engine names them ("image", "tag"); empty for an
    /// event Drydock could not read, which is news all the same.
    pub kind: String,
    pub action: String,
}

impl Change {
    /// Whether the event may have changed what the engine holds. Reading an image or a
    /// container's filesystem out (a scan's export, the layer explorer's) changes nothing: a
    /// follower that refreshed on it would answer Drydock's own reads with a refresh.
    pub fn changes_state(&self) -> bool {
        !matches!(
            (self.kind.as_str(), self.action.as_str()),
            ("image", "save") | ("container", "export")
        )
    }
}

/// The engine's events from the moment [`Engine::changes`] was called, each reported once.
///
/// [`Changes::next`] is cancel-safe: a caller may race it against a timer or another wake-up
/// and call it again later without losing or repeating an event.
pub struct Changes {
    docker: Docker,
    endpoint: String,
    every: Duration,
    /// The engine's time (nanoseconds) of the last event read; none yet: follow from now.
    last: Option<i64>,
    /// The current subscription and when to replace it; none before the first read.
    events: Option<(
        BoxStream<'static, Result<EventMessage, BollardError>>,
        Instant,
    )>,
    ended: bool,
}

impl Engine {
    /// Follows the engine's events from now, subscribing again every [`RESUBSCRIBE`]. The
    /// subscription begins on the first [`Changes::next`], and must begin answering within the
    /// user's timeout.
    pub fn changes(&self) -> Changes {
        Changes {
            docker: self.docker().clone(),
            endpoint: self.endpoint().to_string(),
            every: RESUBSCRIBE,
            last: None,
            events: None,
            ended: false,
        }
    }
}

impl Changes {
    /// Subscribes again this often instead of every [`RESUBSCRIBE`].
    pub fn resubscribe_every(mut self, every: Duration) -> Changes {
        self.every = every;
        self
    }

    /// The next change; `None` once the engine closed the stream, after an error (the link is
    /// gone), or after an event bollard could not read: follow again to go on.
    pub async fn next(&mut self) -> Option<Result<Change, EngineError>> {
        while !self.ended {
            let (events, renew_at) = match &mut self.events {
                Some((events, renew_at)) if Instant::now() < *renew_at => (events, *renew_at),
                slot => {
                    let opts = EventsOptions {
                        since: self.last.map(since),
                        ..Default::default()
                    };
                    let events = self.docker.events(Some(opts)).boxed();
                    let (events, renew_at) = slot.insert((events, Instant::now() + self.every));
                    (events, *renew_at)
                }
            };
            let next = tokio::select! {
                _ = tokio::time::sleep_until(renew_at) => None,
                next = events.next() => Some(next),
            };
            let Some(next) = next else {
                self.events = None;
                continue;
            };
            match next {
                None => self.ended = true,
                // The one event a new subscription reads again: not news.
                Some(Ok(event)) if !is_news(event.time_nano, &mut self.last) => {}
                Some(Ok(event)) => {
                    return Some(Ok(Change {
                        kind: event.typ.map(|t| t.to_string()).unwrap_or_default(),
                        action: event.action.unwrap_or_default(),
                    }))
                }
                // An event the typed model cannot read (a type newer than bollard's) is news. It
                // is also the end of this subscription: bollard's decoder reads nothing after it.
                Some(Err(BollardError::JsonDataError { .. })) => {
                    return Some(Ok(Change::default()))
                }
                Some(Err(e)) => {
                    self.ended = true;
                    return Some(Err(EngineError::from_bollard(
                        e,
                        &self.endpoint,
                        "following the engine's events",
                    )));
                }
            }
        }
        None
    }
}

/// The engine's `since` for an event time in nanoseconds: seconds with a nine-digit fraction.
fn since(ns: i64) -> String {
    format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
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
    use super::{is_news, since, Change};

    #[test]
    fn reading_an_image_or_a_container_out_changes_nothing() {
        let change = |kind: &str, action: &str| Change {
            kind: kind.into(),
            action: action.into(),
        };
        assert!(!change("image", "save").changes_state());
        assert!(!change("container", "export").changes_state());
        assert!(change("image", "tag").changes_state());
        assert!(change("container", "destroy").changes_state());
        assert!(
            Change::default().changes_state(),
            "an unreadable event is news"
        );
    }

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

    #[test]
    fn since_keeps_the_nanoseconds_of_the_last_event() {
        assert_eq!(since(1_700_000_000_000_000_042), "1700000000.000000042");
        assert_eq!(since(5), "0.000000005");
    }
}
