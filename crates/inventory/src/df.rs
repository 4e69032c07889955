//! Disk use per kind, with reclaimable bytes that are really freed.
//!
//! The engine's own "reclaimable" for images adds up each unused image's size, so a layer that an
//! unused image shares with an image in use is counted although removing the unused one frees
//! nothing of it. Here a layer is reclaimable only when every image holding it is unused.

use crate::layers::ImageLayers;
use crate::raw::DiskUsage;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KindUsage {
    pub count: u64,
    /// Objects in use: images with containers, running containers, volumes mounted by a container,
    /// build-cache records in use.
    pub active: u64,
    pub size: i64,
    /// Bytes that removing every unused object of this kind would free.
    pub reclaimable: i64,
}

/// The filesystem that holds the engine's data root, when the engine runs on this machine.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HostDisk {
    pub data_root: String,
    pub mount_point: String,
    pub total: u64,
    pub free: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DfReport {
    pub images: KindUsage,
    pub containers: KindUsage,
    pub volumes: KindUsage,
    pub build_cache: KindUsage,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<HostDisk>,
}

/// Images whose layer lists [`df_report`] needs: only those that share a layer with another
/// image can make the engine's per-image figures insufficient.
pub fn images_needing_layers(du: &DiskUsage) -> Vec<String> {
    du.images
        .iter()
        .filter(|img| img.shared_size > 0)
        .map(|img| img.id.clone())
        .collect()
}

/// A layer list [`images_needing_layers`] asked for was not supplied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingLayers(pub String);

impl std::fmt::Display for MissingLayers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the layer list of image {} is missing", self.0)
    }
}

impl std::error::Error for MissingLayers {}

pub fn df_report(
    du: &DiskUsage,
    layers: &[ImageLayers],
    host: Option<HostDisk>,
) -> Result<DfReport, MissingLayers> {
    Ok(DfReport {
        images: KindUsage {
            count: du.images.len() as u64,
            active: du.images.iter().filter(|i| i.containers > 0).count() as u64,
            size: du.layers_size,
            reclaimable: reclaimable_image_bytes(du, layers)?,
        },
        containers: container_usage(du),
        volumes: volume_usage(du),
        build_cache: build_cache_usage(du),
        host,
    })
}

/// Everything Docker holds on disk, in the terms df reports by kind: image layers (each once),
/// containers' writable layers, volumes, and build cache not shared with images.
pub fn docker_bytes(du: &DiskUsage) -> i64 {
    du.layers_size.max(0)
        + container_usage(du).size
        + volume_usage(du).size
        + build_cache_usage(du).size
}

/// Bytes freed by removing every image no container uses.
fn reclaimable_image_bytes(du: &DiskUsage, layers: &[ImageLayers]) -> Result<i64, MissingLayers> {
    let by_id: HashMap<&str, &ImageLayers> =
        layers.iter().map(|l| (l.image_id.as_str(), l)).collect();
    let mut total = 0;
    // Layers of images sharing nothing are theirs alone: the image's size is exact.
    // Shared layers are freed only when no image in use holds them.
    let mut held_by_used: HashSet<&str> = HashSet::new();
    let mut shared_unused: HashMap<&str, i64> = HashMap::new();
    for img in &du.images {
        let in_use = img.containers > 0;
        if img.shared_size <= 0 {
            if !in_use {
                total += img.size.max(0);
            }
            continue;
        }
        let Some(list) = by_id.get(img.id.as_str()) else {
            return Err(MissingLayers(img.id.clone()));
        };
        for layer in &list.layers {
            if in_use {
                held_by_used.insert(&layer.chain_id);
            } else {
                shared_unused.insert(&layer.chain_id, layer.size);
            }
        }
    }
    total += shared_unused
        .iter()
        .filter(|(chain, _)| !held_by_used.contains(*chain))
        .map(|(_, size)| *size)
        .sum::<i64>();
    Ok(total)
}

fn container_usage(du: &DiskUsage) -> KindUsage {
    let mut usage = KindUsage {
        count: du.containers.len() as u64,
        ..KindUsage::default()
    };
    for c in &du.containers {
        let size = c.size_rw.unwrap_or(0).max(0);
        usage.size += size;
        // `docker container prune` removes only stopped containers; paused ones stay.
        if matches!(c.state.as_str(), "running" | "paused" | "restarting") {
            usage.active += 1;
        } else {
            usage.reclaimable += size;
        }
    }
    usage
}

fn volume_usage(du: &DiskUsage) -> KindUsage {
    let mut usage = KindUsage {
        count: du.volumes.len() as u64,
        ..KindUsage::default()
    };
    for v in &du.volumes {
        let (size, refs) = v
            .usage_data
            .as_ref()
            .map_or((0, 0), |u| (u.size.max(0), u.ref_count));
        usage.size += size;
        if refs > 0 {
            usage.active += 1;
        } else {
            usage.reclaimable += size;
        }
    }
    usage
}

fn build_cache_usage(du: &DiskUsage) -> KindUsage {
    let mut usage = KindUsage {
        count: du.build_cache.len() as u64,
        ..KindUsage::default()
    };
    for r in &du.build_cache {
        // A shared record's bytes belong to an image layer too: counting them here would count
        // them twice, and pruning the cache does not free them.
        let size = if r.shared { 0 } else { r.size.max(0) };
        usage.size += size;
        if r.in_use {
            usage.active += 1;
        } else {
            usage.reclaimable += size;
        }
    }
    usage
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::Layer;
    use crate::raw::{RawContainer, RawImage, RawVolume, VolumeUsageData};

    fn img(id: &str, size: i64, shared: i64, containers: i64) -> RawImage {
        RawImage {
            id: id.into(),
            size,
            shared_size: shared,
            containers,
            ..RawImage::default()
        }
    }

    fn layers(id: &str, chain: &[(&str, i64)]) -> ImageLayers {
        ImageLayers {
            image_id: id.into(),
            layers: chain
                .iter()
                .map(|(c, s)| Layer {
                    chain_id: (*c).into(),
                    diff_id: (*c).into(),
                    size: *s,
                    buildkit: false,
                })
                .collect(),
        }
    }

    /// base (100) is shared by `used` (base + 10) and `unused` (base + 20); `alone` shares nothing.
    fn host() -> (DiskUsage, Vec<ImageLayers>) {
        let du = DiskUsage {
            layers_size: 100 + 10 + 20 + 50,
            images: vec![
                img("used", 110, 100, 1),
                img("unused", 120, 100, 0),
                img("alone", 50, 0, 0),
            ],
            ..DiskUsage::default()
        };
        let lists = vec![
            layers("used", &[("base", 100), ("u1", 10)]),
            layers("unused", &[("base", 100), ("u2", 20)]),
        ];
        (du, lists)
    }

    #[test]
    fn a_layer_shared_with_an_image_in_use_is_not_reclaimable() {
        let (du, lists) = host();
        let report = df_report(&du, &lists, None).expect("complete");
        // the engine would say 120 + 50 = 170
        assert_eq!(report.images.reclaimable, 20 + 50);
        assert_eq!(
            (
                report.images.count,
                report.images.active,
                report.images.size
            ),
            (3, 1, 180)
        );
    }

    #[test]
    fn a_layer_shared_only_by_unused_images_counts_once() {
        let (mut du, lists) = host();
        du.images[0].containers = 0;
        let report = df_report(&du, &lists, None).expect("complete");
        assert_eq!(report.images.reclaimable, 180);
    }

    #[test]
    fn only_sharing_images_need_layer_lists_and_missing_ones_are_an_error() {
        let (du, lists) = host();
        assert_eq!(
            images_needing_layers(&du),
            vec!["used".to_string(), "unused".to_string()]
        );
        let err = df_report(&du, &lists[..1], None).expect_err("unused is missing");
        assert_eq!(err, MissingLayers("unused".into()));
    }

    #[test]
    fn stopped_containers_and_unmounted_volumes_are_reclaimable() {
        let container = |state: &str, size| RawContainer {
            state: state.into(),
            size_rw: Some(size),
            ..RawContainer::default()
        };
        let volume = |size, refs| RawVolume {
            usage_data: Some(VolumeUsageData {
                size,
                ref_count: refs,
            }),
            ..RawVolume::default()
        };
        let du = DiskUsage {
            containers: vec![
                container("running", 5),
                container("exited", 7),
                container("created", 1),
            ],
            volumes: vec![volume(100, 1), volume(30, 0), volume(-1, 0)],
            ..DiskUsage::default()
        };
        let report = df_report(&du, &[], None).expect("no images");
        assert_eq!(
            report.containers,
            KindUsage {
                count: 3,
                active: 1,
                size: 13,
                reclaimable: 8
            }
        );
        assert_eq!(
            report.volumes,
            KindUsage {
                count: 3,
                active: 1,
                size: 130,
                reclaimable: 30
            }
        );
        // Docker's total is the kinds' sizes together (no images here).
        assert_eq!(docker_bytes(&du), 13 + 130);
    }
}
