//! The engine's own JSON shapes, as plain serde types.
//!
//! `GET /system/df` changed shape in API 1.52 (per-kind `ImageUsage`/`ContainerUsage`/... objects
//! with `Items`) after years of top-level `LayersSize`/`Images`/`Containers`/`Volumes`/`BuildCache`
//! lists. [`DiskUsage::from_json`] accepts both so Drydock reads old (1.41) and current engines alike.
//! Every field defaults: engines omit fields, send `null` for empty lists, and vary across versions.

use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One image as listed by `GET /images/json` or the df call.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct RawImage {
    pub id: String,
    pub parent_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub repo_tags: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub repo_digests: Vec<String>,
    /// Seconds since the Unix epoch.
    pub created: i64,
    pub size: i64,
    /// -1 when the engine did not compute it (every list call; only df computes it).
    pub shared_size: i64,
    /// -1 when the engine did not compute it.
    pub containers: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
}

/// One container as listed by the df call or `GET /containers/json?all=1&size=1`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct RawContainer {
    pub id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub names: Vec<String>,
    pub image: String,
    #[serde(rename = "ImageID")]
    pub image_id: String,
    pub created: i64,
    pub state: String,
    pub status: String,
    /// Bytes in the container's writable layer.
    pub size_rw: Option<i64>,
}

/// Usage figures the df call attaches to a volume (-1: not computed, e.g. non-local drivers).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct VolumeUsageData {
    pub size: i64,
    pub ref_count: i64,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct RawVolume {
    pub name: String,
    pub driver: String,
    pub mountpoint: String,
    pub usage_data: Option<VolumeUsageData>,
    #[serde(deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct RawBuildCache {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub description: String,
    pub in_use: bool,
    pub shared: bool,
    pub size: i64,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub usage_count: i64,
}

/// One entry of `GET /images/{name}/history`, newest first as the engine sends them.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct RawHistory {
    pub id: String,
    pub created: i64,
    pub created_by: String,
    #[serde(deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    pub size: i64,
    pub comment: String,
}

/// What one df call returned, in one shape whatever the engine's API version.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiskUsage {
    /// Bytes of every image layer on the engine, each shared layer counted once.
    pub layers_size: i64,
    pub images: Vec<RawImage>,
    pub containers: Vec<RawContainer>,
    pub volumes: Vec<RawVolume>,
    pub build_cache: Vec<RawBuildCache>,
}

/// Both df shapes in one pass: the legacy top-level fields and the per-kind objects.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct AnyDf {
    layers_size: i64,
    #[serde(deserialize_with = "null_as_default")]
    images: Vec<RawImage>,
    #[serde(deserialize_with = "null_as_default")]
    containers: Vec<RawContainer>,
    #[serde(deserialize_with = "null_as_default")]
    volumes: Vec<RawVolume>,
    #[serde(deserialize_with = "null_as_default")]
    build_cache: Vec<RawBuildCache>,
    image_usage: Option<KindItems<RawImage>>,
    container_usage: Option<KindItems<RawContainer>>,
    volume_usage: Option<KindItems<RawVolume>>,
    build_cache_usage: Option<KindItems<RawBuildCache>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KindItems<T> {
    #[serde(default)]
    total_size: i64,
    #[serde(default)]
    items: Option<Vec<T>>,
}

fn items<T>(kind: Option<KindItems<T>>, legacy: Vec<T>) -> Vec<T> {
    match kind.and_then(|k| k.items) {
        Some(items) => items,
        None => legacy,
    }
}

impl DiskUsage {
    /// Reads a df answer in either shape (API 1.52+ per-kind objects, or the older top-level lists).
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let df: AnyDf = serde_json::from_slice(bytes)?;
        let layers_size = match &df.image_usage {
            Some(kind) if df.layers_size == 0 => kind.total_size,
            _ => df.layers_size,
        };
        Ok(DiskUsage {
            layers_size,
            images: items(df.image_usage, df.images),
            containers: items(df.container_usage, df.containers),
            volumes: items(df.volume_usage, df.volumes),
            build_cache: items(df.build_cache_usage, df.build_cache),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_legacy_shape_with_nulls() {
        let json = br#"{"LayersSize": 1234, "Images": [{"Id": "sha256:a", "RepoTags": null,
            "Size": 10, "SharedSize": 0, "Containers": 1, "Labels": null}],
            "Containers": null, "Volumes": [{"Name": "v", "UsageData": {"Size": 5, "RefCount": 0}}],
            "BuildCache": null}"#;
        let du = DiskUsage::from_json(json).expect("legacy df parses");
        assert_eq!(du.layers_size, 1234);
        assert_eq!(du.images[0].repo_tags, Vec::<String>::new());
        assert_eq!(du.images[0].containers, 1);
        assert!(du.containers.is_empty());
        assert_eq!(du.volumes[0].usage_data.as_ref().map(|u| u.size), Some(5));
    }

    #[test]
    fn reads_the_current_shape() {
        let json = br#"{"ImageUsage": {"ActiveCount": 0, "TotalCount": 1, "TotalSize": 99,
            "Reclaimable": 99, "Items": [{"Id": "sha256:b", "Size": 99, "SharedSize": 0,
            "Containers": 0}]}, "ContainerUsage": {"Items": null}, "VolumeUsage": null}"#;
        let du = DiskUsage::from_json(json).expect("current df parses");
        assert_eq!(du.layers_size, 99);
        assert_eq!(du.images.len(), 1);
        assert!(du.containers.is_empty() && du.volumes.is_empty() && du.build_cache.is_empty());
    }

    #[test]
    fn rejects_what_is_not_json() {
        assert!(DiskUsage::from_json(b"<html>").is_err());
    }
}
