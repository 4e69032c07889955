//! The engine state a plan is made from, read fresh: df, every image's layers where sharing makes
//! them matter, and what df does not carry (container labels, mounts, networks).

use crate::error::CleanupError;
use drydock_engine::Engine;
use drydock_prune::{EngineState, Network};
use std::collections::BTreeMap;

pub async fn engine_state(engine: &Engine) -> Result<EngineState, CleanupError> {
    let usage = engine.disk_usage().await?;
    let (containers, networks) = tokio::try_join!(engine.containers_all(), engine.networks())?;
    // Images removed since the df call are not in it: nothing to plan for them.
    let (usage, layers) = engine.with_layers(usage).await?;
    let df = (*usage).clone();

    let mut container_labels = BTreeMap::new();
    let mut mounts = BTreeMap::new();
    let mut attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in containers {
        for network in c.networks {
            attached.entry(network).or_default().push(c.id.clone());
        }
        mounts.insert(c.id.clone(), c.volumes);
        container_labels.insert(c.id, c.labels);
    }
    let networks = networks
        .into_iter()
        .map(|n| Network {
            containers: attached.remove(&n.id).unwrap_or_default(),
            // An unreadable creation time never counts as old enough.
            created: n.created.unwrap_or(i64::MAX),
            labels: n.labels,
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
