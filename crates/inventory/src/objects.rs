//! Rows for the containers, volumes and build-cache views, from the df answer.

use crate::images::rfc3339;
use crate::raw::DiskUsage;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContainerRow {
    pub id: String,
    /// The container's name without the engine's leading `/`.
    pub name: String,
    /// The image as the container was created from it (a tag or an id).
    pub image: String,
    pub image_id: String,
    pub state: String,
    pub status: String,
    pub created: String,
    /// Bytes in the container's writable layer.
    pub size: i64,
    /// Running, paused or restarting: `docker container prune` leaves it alone.
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VolumeRow {
    pub name: String,
    pub driver: String,
    pub mountpoint: String,
    /// Bytes of content, or -1 where the engine cannot tell (non-local drivers).
    pub size: i64,
    /// Containers, running or not, that mount it.
    pub containers: i64,
    pub in_use: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BuildCacheRow {
    pub id: String,
    pub kind: String,
    pub description: String,
    pub size: i64,
    pub in_use: bool,
    /// Its bytes are also an image layer: pruning the cache does not free them.
    pub shared: bool,
    pub created: String,
    pub last_used: Option<String>,
    pub usage_count: i64,
}

pub fn container_rows(du: &DiskUsage) -> Vec<ContainerRow> {
    let mut rows: Vec<ContainerRow> = du
        .containers
        .iter()
        .map(|c| ContainerRow {
            id: c.id.clone(),
            name: c
                .names
                .first()
                .map(|n| n.trim_start_matches('/').to_owned())
                .unwrap_or_default(),
            image: c.image.clone(),
            image_id: c.image_id.clone(),
            state: c.state.clone(),
            status: c.status.clone(),
            created: rfc3339(c.created),
            size: c.size_rw.unwrap_or(0).max(0),
            active: matches!(c.state.as_str(), "running" | "paused" | "restarting"),
        })
        .collect();
    rows.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    rows
}

pub fn volume_rows(du: &DiskUsage) -> Vec<VolumeRow> {
    let mut rows: Vec<VolumeRow> = du
        .volumes
        .iter()
        .map(|v| {
            let (size, refs) = v
                .usage_data
                .as_ref()
                .map_or((-1, 0), |u| (u.size, u.ref_count.max(0)));
            VolumeRow {
                name: v.name.clone(),
                driver: v.driver.clone(),
                mountpoint: v.mountpoint.clone(),
                size,
                containers: refs,
                in_use: refs > 0,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
    rows
}

pub fn build_cache_rows(du: &DiskUsage) -> Vec<BuildCacheRow> {
    let mut rows: Vec<BuildCacheRow> = du
        .build_cache
        .iter()
        .map(|r| BuildCacheRow {
            id: r.id.clone(),
            kind: r.kind.clone(),
            description: r.description.clone(),
            size: r.size.max(0),
            in_use: r.in_use,
            shared: r.shared,
            created: r.created_at.clone(),
            last_used: r.last_used_at.clone(),
            usage_count: r.usage_count,
        })
        .collect();
    rows.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.id.cmp(&b.id)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::{RawBuildCache, RawContainer, RawVolume, VolumeUsageData};

    #[test]
    fn rows_read_the_engine_objects_plainly() {
        let du = DiskUsage {
            containers: vec![RawContainer {
                id: "c1".into(),
                names: vec!["/web".into()],
                state: "exited".into(),
                size_rw: Some(70),
                ..RawContainer::default()
            }],
            volumes: vec![
                RawVolume {
                    name: "small".into(),
                    usage_data: Some(VolumeUsageData {
                        size: 5,
                        ref_count: 1,
                    }),
                    ..RawVolume::default()
                },
                RawVolume {
                    name: "remote".into(),
                    usage_data: None,
                    ..RawVolume::default()
                },
            ],
            build_cache: vec![RawBuildCache {
                id: "b".into(),
                size: 9,
                shared: true,
                ..RawBuildCache::default()
            }],
            ..DiskUsage::default()
        };
        let c = &container_rows(&du)[0];
        assert_eq!((c.name.as_str(), c.size, c.active), ("web", 70, false));
        let v = volume_rows(&du);
        assert_eq!((v[0].name.as_str(), v[0].in_use), ("small", true));
        assert_eq!(v[1].size, -1, "unknown size stays unknown, not zero");
        assert!(build_cache_rows(&du)[0].shared);
    }
}
