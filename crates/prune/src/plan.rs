//! The plan: every object to remove, in execution order, with the bytes it frees and why.

use crate::glob::KeepRule;
use crate::images::{container_name, plan_images, ImageContext};
use crate::request::{Filters, Request, VolumeSelect};
use crate::state::EngineState;
use chrono::DateTime;
use drydock_inventory::df::MissingLayers;
use drydock_inventory::RawContainer;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PruneKind"))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Image,
    Container,
    Volume,
    Network,
    BuildCache,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Image,
        Kind::Container,
        Kind::Volume,
        Kind::Network,
        Kind::BuildCache,
    ];

    /// The name JSON and the journal use (`buildcache`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Container => "container",
            Kind::Volume => "volume",
            Kind::Network => "network",
            Kind::BuildCache => "buildcache",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PlanItem"))]
pub struct Item {
    pub kind: Kind,
    /// What the engine removes it by: image, container, network and build-cache ids, volume names.
    pub id: String,
    /// What people know it by: a tag, a container or volume name.
    pub name: String,
    /// Bytes freed when removed at its place in the plan.
    pub bytes: u64,
    pub reason: String,
    /// An image's tags and digests as the plan saw them: the only references a run removes (a
    /// reference added since means the image changed, and it stays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// In execution order: containers, images (each before the images it is built on), volumes,
    /// networks, build cache.
    pub items: Vec<Item>,
    /// The sum of the items' bytes: what the engine's disk use drops by if the plan runs as is.
    pub predicted_reclaim: u64,
    /// Objects the request selected that stay, with why (in use, keep rule, base image, ...).
    pub kept: Vec<(String, String)>,
}

/// Plans a prune of `state` at `now` (Unix seconds). Errs only when an image that shares layers
/// has no layer list: its freed bytes cannot be known, and a guess is not a plan.
pub fn plan(state: &EngineState, request: &Request, now: i64) -> Result<Plan, MissingLayers> {
    let mut items = Vec::new();
    let mut kept = Vec::new();

    let removed = match &request.containers {
        Some(filters) => containers(state, filters, now, &mut items, &mut kept),
        None => HashSet::new(),
    };
    // Build cache first (it runs last): whether shared records stay decides what images free.
    let mut cache_items = Vec::new();
    if let Some(filters) = &request.build_cache {
        build_cache(state, filters, now, &mut cache_items, &mut kept);
    }
    let cache_stays = state
        .df
        .build_cache
        .iter()
        .any(|r| r.shared && !cache_items.iter().any(|i| i.id == r.id));
    if let Some(select) = &request.images {
        let keep: Vec<KeepRule> = request.keep.iter().cloned().map(KeepRule).collect();
        let only: Option<HashSet<&str>> = request
            .image_ids
            .as_ref()
            .map(|ids| ids.iter().map(String::as_str).collect());
        let context = ImageContext {
            keep: &keep,
            removed_containers: &removed,
            only: only.as_ref(),
            cache_stays,
        };
        let images = plan_images(state, select, &context, now)?;
        items.extend(images.items);
        kept.extend(images.kept);
    }
    if let Some(select) = &request.volumes {
        volumes(state, select, &removed, &mut items, &mut kept);
    }
    if let Some(filters) = &request.networks {
        networks(state, filters, &removed, now, &mut items, &mut kept);
    }
    items.extend(cache_items);
    let predicted_reclaim = items.iter().map(|i| i.bytes).sum();
    Ok(Plan {
        items,
        predicted_reclaim,
        kept,
    })
}

fn is_active(c: &RawContainer) -> bool {
    matches!(c.state.as_str(), "running" | "paused" | "restarting")
}

fn containers<'a>(
    state: &'a EngineState,
    filters: &Filters,
    now: i64,
    items: &mut Vec<Item>,
    kept: &mut Vec<(String, String)>,
) -> HashSet<&'a str> {
    let mut chosen: Vec<&RawContainer> = Vec::new();
    for c in &state.df.containers {
        if !filters.selects(Some(c.created), state.container_labels.get(&c.id), now) {
            continue;
        }
        if is_active(c) {
            kept.push((c.id.clone(), format!("{} (not stopped)", c.state)));
        } else {
            chosen.push(c);
        }
    }
    chosen.sort_by(|a, b| a.id.cmp(&b.id));
    items.extend(chosen.iter().map(|c| Item {
        kind: Kind::Container,
        refs: Vec::new(),
        id: c.id.clone(),
        name: container_name(c),
        bytes: c.size_rw.map_or(0, |s| u64::try_from(s).unwrap_or(0)),
        reason: format!("stopped container ({})", c.state),
    }));
    chosen.iter().map(|c| c.id.as_str()).collect()
}

fn volumes(
    state: &EngineState,
    select: &VolumeSelect,
    removed: &HashSet<&str>,
    items: &mut Vec<Item>,
    kept: &mut Vec<(String, String)>,
) {
    // How many of each volume's users this plan removes, so those uses do not hold it.
    let mut freed_uses: BTreeMap<&str, i64> = BTreeMap::new();
    for (container, names) in &state.mounts {
        if removed.contains(container.as_str()) {
            for name in names.iter().collect::<HashSet<_>>() {
                *freed_uses.entry(name.as_str()).or_default() += 1;
            }
        }
    }
    for name in &select.names {
        let Some(v) = state.df.volumes.iter().find(|v| &v.name == name) else {
            kept.push((name.clone(), "no such volume".to_owned()));
            continue;
        };
        if !select.labels.iter().all(|f| f.matches(&v.labels)) {
            kept.push((
                name.clone(),
                "named, but the label filters exclude it".to_owned(),
            ));
            continue;
        }
        let Some(usage) = v.usage_data.as_ref().filter(|u| u.ref_count >= 0) else {
            kept.push((
                name.clone(),
                "the engine does not say whether it is in use".to_owned(),
            ));
            continue;
        };
        let freed = freed_uses.get(name.as_str()).copied().unwrap_or(0);
        if usage.ref_count > freed {
            kept.push((
                name.clone(),
                format!(
                    "mounted by {} container(s) that stay",
                    usage.ref_count - freed
                ),
            ));
            continue;
        }
        items.push(Item {
            kind: Kind::Volume,
            refs: Vec::new(),
            id: name.clone(),
            name: name.clone(),
            bytes: u64::try_from(usage.size).unwrap_or(0),
            reason: if freed > 0 {
                "named; its only containers are removed first".to_owned()
            } else {
                "named; no container mounts it".to_owned()
            },
        });
    }
}

/// The engine's own networks, which it never removes.
const PREDEFINED: [&str; 3] = ["bridge", "host", "none"];

fn networks(
    state: &EngineState,
    filters: &Filters,
    removed: &HashSet<&str>,
    now: i64,
    items: &mut Vec<Item>,
    kept: &mut Vec<(String, String)>,
) {
    let mut chosen = Vec::new();
    for n in &state.networks {
        if PREDEFINED.contains(&n.name.as_str())
            || !filters.selects(Some(n.created), Some(&n.labels), now)
        {
            continue;
        }
        // A container id this plan does not remove stays, listed or not.
        if let Some(c) = n.containers.iter().find(|c| !removed.contains(c.as_str())) {
            let name = state
                .df
                .containers
                .iter()
                .find(|x| &x.id == c)
                .map_or_else(|| c.clone(), container_name);
            kept.push((n.id.clone(), format!("container {name} is attached")));
        } else {
            chosen.push(n);
        }
    }
    chosen.sort_by(|a, b| a.id.cmp(&b.id));
    items.extend(chosen.into_iter().map(|n| Item {
        kind: Kind::Network,
        refs: Vec::new(),
        id: n.id.clone(),
        name: n.name.clone(),
        bytes: 0,
        reason: if n.containers.is_empty() {
            "no container is attached".to_owned()
        } else {
            "its only containers are removed first".to_owned()
        },
    }));
}

fn build_cache(
    state: &EngineState,
    filters: &Filters,
    now: i64,
    items: &mut Vec<Item>,
    kept: &mut Vec<(String, String)>,
) {
    let mut chosen = Vec::new();
    for r in &state.df.build_cache {
        // BuildKit ages a record by its last use; a record never used by its creation. Records have
        // no labels, so a label filter never selects one.
        let last_used = r.last_used_at.as_deref().unwrap_or(&r.created_at);
        let when = DateTime::parse_from_rfc3339(last_used)
            .ok()
            .map(|t| t.timestamp());
        if !filters.selects(when, None, now) {
            continue;
        }
        if r.in_use {
            kept.push((r.id.clone(), "in use by a build".to_owned()));
        } else {
            chosen.push(r);
        }
    }
    chosen.sort_by(|a, b| a.id.cmp(&b.id));
    items.extend(chosen.into_iter().map(|r| Item {
        kind: Kind::BuildCache,
        refs: Vec::new(),
        id: r.id.clone(),
        name: if r.description.is_empty() {
            r.kind.clone()
        } else {
            r.description.clone()
        },
        // A shared record's bytes are an image layer too: removing the record frees none of them.
        bytes: if r.shared {
            0
        } else {
            u64::try_from(r.size).unwrap_or(0)
        },
        reason: if r.shared {
            "unused build cache (shared with an image: frees nothing by itself)".to_owned()
        } else {
            "unused build cache".to_owned()
        },
    }));
}
