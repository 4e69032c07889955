//! The engine state a plan is made from: the df answer plus what df does not carry.

use drydock_inventory::{DiskUsage, ImageLayers};
use std::collections::BTreeMap;

/// A network as the planner needs it (`GET /networks` plus attachments read from containers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Network {
    pub id: String,
    pub name: String,
    pub driver: String,
    /// Seconds since the Unix epoch.
    pub created: i64,
    pub labels: BTreeMap<String, String>,
    /// Ids of the containers, running or stopped, attached to it. A stopped container keeps its
    /// network: starting it again needs it.
    pub containers: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineState {
    pub df: DiskUsage,
    /// Every image's layers by chain id, lowest first. An image may be left out only when the
    /// engine says it shares nothing (`SharedSize` 0): its `Size` is then exactly its own bytes.
    pub layers: Vec<ImageLayers>,
    pub networks: Vec<Network>,
    /// Container id to its labels (df does not carry them). A container left out has unknown
    /// labels, so a label filter never selects it.
    pub container_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Container id to the names of the volumes it mounts, so that a named volume whose only
    /// users are removed by the same plan can go too. Without it such a volume stays.
    pub mounts: BTreeMap<String, Vec<String>>,
}
