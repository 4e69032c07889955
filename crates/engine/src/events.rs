//! The engine's recent events, read as a finished window (`since`..`until`) rather than followed:
//! what Drydock records image use from when it was not running to watch.

use crate::engine::Engine;
use crate::error::EngineError;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RawEvent {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "Action")]
    pub action: String,
    #[serde(rename = "Actor")]
    pub actor: RawActor,
    /// Unix seconds.
    pub time: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RawActor {
    #[serde(rename = "ID")]
    pub id: String,
    pub attributes: BTreeMap<String, String>,
}

impl RawEvent {
    /// The image this event shows in use, as the event names it (a reference or an id): a
    /// container created or started from it, or the image built, pulled, loaded or tagged.
    pub fn image_use(&self) -> Option<&str> {
        let named = match (self.kind.as_str(), self.action.as_str()) {
            ("container", "create" | "start") => self.actor.attributes.get("image")?.as_str(),
            ("image", "pull" | "tag" | "load" | "import" | "build") => self.actor.id.as_str(),
            _ => return None,
        };
        (!named.is_empty()).then_some(named)
    }
}

/// Bound on one window's answer; the engine keeps only its most recent events.
const MAX_EVENTS_BYTES: usize = 64 * 1024 * 1024;

impl Engine {
    /// Container and image events from `since` to `until` (Unix seconds), oldest first. Lines the
    /// engine wrote in a shape Drydock cannot read are skipped: an event is a hint, not data.
    pub async fn events_between(
        &self,
        since: i64,
        until: i64,
    ) -> Result<Vec<RawEvent>, EngineError> {
        // {"type":["container","image"]}, percent-encoded.
        let filters = "%7B%22type%22%3A%5B%22container%22%2C%22image%22%5D%7D";
        let (major, minor) = self.server().api;
        let path =
            format!("/v{major}.{minor}/events?since={since}&until={until}&filters={filters}");
        // The engine streams the window as it reads its log: a long request, which waits while
        // events flow or the engine answers pings.
        let body = self
            .get_long(&path, "the engine's event log", MAX_EVENTS_BYTES)
            .await?;
        Ok(body
            .split(|b| *b == b'\n')
            .filter_map(|line| serde_json::from_slice(line).ok())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> RawEvent {
        serde_json::from_str(json).expect("event")
    }

    #[test]
    fn container_starts_and_image_tags_are_uses_other_events_are_not() {
        let start = event(
            r#"{"Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"image":"app:1"}},"time":5}"#,
        );
        assert_eq!(start.image_use(), Some("app:1"));
        let tag = event(r#"{"Type":"image","Action":"tag","Actor":{"ID":"sha256:a"},"time":6}"#);
        assert_eq!(tag.image_use(), Some("sha256:a"));
        let die = event(
            r#"{"Type":"container","Action":"die","Actor":{"ID":"c1","Attributes":{"image":"app:1"}},"time":7}"#,
        );
        assert_eq!(die.image_use(), None);
        let delete = event(r#"{"Type":"image","Action":"delete","Actor":{"ID":"sha256:a"}}"#);
        assert_eq!(delete.image_use(), None);
    }
}
