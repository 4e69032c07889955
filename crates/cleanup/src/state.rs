//! The engine state a plan is made from, read fresh: df, every image's layers where sharing makes
//! them matter, and what df does not carry (container labels, mounts, networks).

use crate::error::CleanupError;
use chrono::DateTime;
use drydock_engine::Engine;
use drydock_prune::{EngineState, Network};
use serde::Deserialize;
use std::collections::BTreeMap;

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
    created: String,
    labels: Option<BTreeMap<String, String>>,
}

pub async fn engine_state(engine: &Engine) -> Result<EngineState, CleanupError> {
    let usage = engine.disk_usage().await?;
    let (containers, networks) = tokio::try_join!(
        engine.read_json::<Vec<RawContainer>>("/containers/json?all=1", "the container list"),
        engine.read_json::<Vec<RawNetwork>>("/networks", "the network list"),
    )?;
    // Images removed since the df call are not in it: nothing to plan for them.
    let (usage, layers) = engine.with_layers(usage).await?;
    let df = (*usage).clone();

    let mut container_labels = BTreeMap::new();
    let mut mounts = BTreeMap::new();
    let mut attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in containers {
        let volumes: Vec<String> = c
            .mounts
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.kind == "volume")
            .filter_map(|m| m.name)
            .collect();
        mounts.insert(c.id.clone(), volumes);
        for endpoint in c
            .network_settings
            .and_then(|n| n.networks)
            .unwrap_or_default()
            .into_values()
        {
            attached
                .entry(endpoint.network_id)
                .or_default()
                .push(c.id.clone());
        }
        container_labels.insert(c.id, c.labels.unwrap_or_default());
    }
    let networks = networks
        .into_iter()
        .map(|n| Network {
            containers: attached.remove(&n.id).unwrap_or_default(),
            // An unreadable creation time never counts as old enough.
            created: DateTime::parse_from_rfc3339(&n.created).map_or(i64::MAX, |t| t.timestamp()),
            labels: n.labels.unwrap_or_default(),
            id: n.id,
            name: n.name,
            driver: n.driver,
        })
        .collect();
    Ok(EngineState {
        df,
        layers,
        networks,
        container_labels,
        mounts,
    })
}
