//! What df does not carry about containers and networks: a container's labels, the volumes it
//! mounts and the networks it is attached to, and every network with its creation time. Cleanup
//! plans from these (a mounted volume or an attached network stays).

use crate::engine::Engine;
use crate::error::EngineError;
use chrono::DateTime;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A container, running or stopped, as `GET /containers/json?all=1` lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedContainer {
    pub id: String,
    pub labels: BTreeMap<String, String>,
    /// Names of the volumes it mounts (bind and tmpfs mounts hold no volume).
    pub volumes: Vec<String>,
    /// Ids of the networks it is attached to. A stopped container keeps its networks.
    pub networks: Vec<String>,
}

/// A network as `GET /networks` lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListedNetwork {
    pub id: String,
    pub name: String,
    pub driver: String,
    /// Seconds since the Unix epoch; `None` when the engine's timestamp does not parse.
    pub created: Option<i64>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawContainer {
    id: String,
    labels: Option<BTreeMap<String, String>>,
    mounts: Option<Vec<RawMount>>,
    network_settings: Option<RawNetworkSettings>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawMount {
    #[serde(rename = "Type")]
    kind: String,
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawNetworkSettings {
    networks: Option<BTreeMap<String, RawEndpoint>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEndpoint {
    #[serde(rename = "NetworkID")]
    network_id: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawNetwork {
    name: String,
    id: String,
    driver: String,
    /// RFC 3339, with nanoseconds.
    created: String,
    labels: Option<BTreeMap<String, String>>,
}

impl From<RawContainer> for ListedContainer {
    fn from(c: RawContainer) -> Self {
        let volumes = c
            .mounts
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.kind == "volume")
            .filter_map(|m| m.name)
            .collect();
        let networks = c
            .network_settings
            .and_then(|n| n.networks)
            .unwrap_or_default()
            .into_values()
            .map(|endpoint| endpoint.network_id)
            .collect();
        ListedContainer {
            id: c.id,
            labels: c.labels.unwrap_or_default(),
            volumes,
            networks,
        }
    }
}

impl From<RawNetwork> for ListedNetwork {
    fn from(n: RawNetwork) -> Self {
        ListedNetwork {
            created: DateTime::parse_from_rfc3339(&n.created)
                .ok()
                .map(|t| t.timestamp()),
            labels: n.labels.unwrap_or_default(),
            id: n.id,
            name: n.name,
            driver: n.driver,
        }
    }
}

impl Engine {
    /// Every container, running or stopped, with its labels, volumes and networks.
    pub async fn containers_all(&self) -> Result<Vec<ListedContainer>, EngineError> {
        let raw: Vec<RawContainer> = self
            .read_json("/containers/json?all=1", "the container list")
            .await?;
        Ok(raw.into_iter().map(ListedContainer::from).collect())
    }

    /// Every network, the engine's own (bridge, host, none) included.
    pub async fn networks(&self) -> Result<Vec<ListedNetwork>, EngineError> {
        let raw: Vec<RawNetwork> = self.read_json("/networks", "the network list").await?;
        Ok(raw.into_iter().map(ListedNetwork::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_lists_only_named_volume_mounts_and_its_network_ids() {
        let raw: RawContainer = serde_json::from_str(
            r#"{"Id":"c1","Labels":{"a":"b"},
                "Mounts":[{"Type":"volume","Name":"data"},{"Type":"bind","Source":"/x"},
                          {"Type":"volume","Name":null}],
                "NetworkSettings":{"Networks":{"net":{"NetworkID":"n1"}}}}"#,
        )
        .expect("container");
        let c = ListedContainer::from(raw);
        assert_eq!(c.volumes, ["data"]);
        assert_eq!(c.networks, ["n1"]);
        assert_eq!(c.labels.get("a").map(String::as_str), Some("b"));
    }

    #[test]
    fn nulls_read_as_empty_and_an_unreadable_creation_time_as_none() {
        let c: RawContainer = serde_json::from_str(
            r#"{"Id":"c1","Labels":null,"Mounts":null,"NetworkSettings":null}"#,
        )
        .expect("container");
        assert_eq!(
            ListedContainer::from(c),
            ListedContainer {
                id: "c1".into(),
                ..ListedContainer::default()
            }
        );
        let n: RawNetwork = serde_json::from_str(
            r#"{"Name":"x","Id":"n1","Driver":"bridge","Created":"yesterday","Labels":null}"#,
        )
        .expect("network");
        assert_eq!(ListedNetwork::from(n).created, None);
        let n: RawNetwork =
            serde_json::from_str(r#"{"Id":"n2","Created":"2024-05-01T10:00:00.123456789+02:00"}"#)
                .expect("network");
        assert_eq!(ListedNetwork::from(n).created, Some(1_714_550_400));
    }
}
