//! Images: which of the selected ones can really go, in what order, and what each frees.
//!
//! An image frees a layer only when no remaining image holds it (layers are keyed by chain id, so
//! sharing is exact). An image another remaining image is built on frees nothing and stays: the
//! engine would only untag it. "Built on" means its layers are a strict prefix of the other's, or it
//! is the other's `ParentId` (the classic builder), followed transitively.

use crate::glob::KeepRule;
use crate::plan::{Item, Kind};
use crate::request::{ImageScope, ImageSelect};
use crate::state::EngineState;
use drydock_inventory::df::MissingLayers;
use drydock_inventory::{RawContainer, RawImage};
use std::collections::{BTreeSet, HashMap, HashSet};

pub(crate) struct ImagePlan {
    pub items: Vec<Item>,
    pub kept: Vec<(String, String)>,
}

/// What image planning needs besides the state and the selection.
pub(crate) struct ImageContext<'a> {
    pub keep: &'a [KeepRule],
    pub removed_containers: &'a HashSet<&'a str>,
    /// Only these image ids may be planned.
    pub only: Option<&'a HashSet<&'a str>>,
    /// Build-cache records shared with images stay after the plan: layers BuildKit wrote stay
    /// on disk with them, so removing their images frees none of those bytes.
    pub cache_stays: bool,
}

pub(crate) fn plan_images(
    state: &EngineState,
    select: &ImageSelect,
    ctx: &ImageContext<'_>,
    now: i64,
) -> Result<ImagePlan, MissingLayers> {
    let (keep, removed_containers, only) = (ctx.keep, ctx.removed_containers, ctx.only);
    let images = &state.df.images;
    let chains = layer_lists(state)?;
    let ancestors = ancestors(images, &chains);
    let mut descendants: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); images.len()];
    for (child, ancs) in ancestors.iter().enumerate() {
        for &a in ancs {
            descendants[a].insert(child);
        }
    }
    let mut users: HashMap<&str, Vec<&RawContainer>> = HashMap::new();
    for c in &state.df.containers {
        users.entry(c.image_id.as_str()).or_default().push(c);
    }

    let mut planned = vec![false; images.len()];
    let mut kept = Vec::new();
    for (i, img) in images.iter().enumerate() {
        let in_scope = match select.scope {
            ImageScope::Dangling => is_dangling(img),
            ImageScope::Unused => true,
        };
        if !in_scope
            || only.is_some_and(|only| !only.contains(img.id.as_str()))
            || !select
                .filters
                .selects(Some(img.created), Some(&img.labels), now)
        {
            continue;
        }
        let listed = users.get(img.id.as_str()).map_or(&[][..], Vec::as_slice);
        if let Some(c) = listed
            .iter()
            .find(|c| !removed_containers.contains(c.id.as_str()))
        {
            kept.push((
                img.id.clone(),
                format!("used by container {}", container_name(c)),
            ));
        } else if img.containers > listed.len() as i64 {
            // The engine counts a container the listing did not show: trust the larger figure.
            kept.push((
                img.id.clone(),
                format!("the engine counts {} containers using it", img.containers),
            ));
        } else if let Some((rule, reference)) = keep_match(img, keep) {
            kept.push((
                img.id.clone(),
                format!("keep rule `{}` matches {reference}", rule.0),
            ));
        } else {
            planned[i] = true;
        }
    }
    // Dropping one image can make its own base a base of something that stays: repeat until stable.
    loop {
        let mut changed = false;
        for i in 0..images.len() {
            if !planned[i] {
                continue;
            }
            if let Some(&child) = descendants[i].iter().find(|&&d| !planned[d]) {
                planned[i] = false;
                changed = true;
                kept.push((
                    images[i].id.clone(),
                    format!(
                        "{} is built on it and stays: removing it would free nothing",
                        image_name(&images[child])
                    ),
                ));
            }
        }
        if !changed {
            break;
        }
    }

    let order = children_first(images, &planned, &ancestors);
    let held: HashSet<&str> = if ctx.cache_stays {
        state
            .layers
            .iter()
            .flat_map(|l| &l.layers)
            .filter(|l| l.buildkit)
            .map(|l| l.chain_id.as_str())
            .collect()
    } else {
        HashSet::new()
    };
    let bytes = freed_bytes(&chains, &planned, &order, &held);
    let items = order
        .iter()
        .zip(bytes)
        .map(|(&i, bytes)| {
            let img = &images[i];
            let mut reason = match select.scope {
                ImageScope::Dangling => "dangling image".to_owned(),
                ImageScope::Unused => "image no container uses".to_owned(),
            };
            if let Some(list) = users.get(img.id.as_str()) {
                let names: Vec<String> = list.iter().map(|c| container_name(c)).collect();
                reason = format!(
                    "{reason} once its containers are removed ({})",
                    names.join(", ")
                );
            }
            Item {
                kind: Kind::Image,
                id: img.id.clone(),
                name: image_name(img),
                bytes,
                reason,
                refs: references(img).map(str::to_owned).collect(),
            }
        })
        .collect();
    Ok(ImagePlan { items, kept })
}

/// The bytes all images hold together, each shared layer counted once.
pub(crate) fn image_bytes(state: &EngineState) -> Result<u64, MissingLayers> {
    let mut seen = HashSet::new();
    Ok(layer_lists(state)?
        .iter()
        .flatten()
        .filter(|(chain, _)| seen.insert(chain.clone()))
        .map(|(_, size)| size)
        .sum())
}

/// Each image's layers as (chain id, bytes), lowest first.
fn layer_lists(state: &EngineState) -> Result<Vec<Vec<(String, u64)>>, MissingLayers> {
    let by_id: HashMap<&str, _> = state
        .layers
        .iter()
        .map(|l| (l.image_id.as_str(), l))
        .collect();
    state
        .df
        .images
        .iter()
        .map(|img| match by_id.get(img.id.as_str()) {
            Some(list) => Ok(list
                .layers
                .iter()
                .map(|l| (l.chain_id.clone(), bytes(l.size)))
                .collect()),
            // Sharing nothing, the image's size is its own: one private pseudo-layer is exact.
            None if img.shared_size == 0 => {
                Ok(vec![(format!("image:{}", img.id), bytes(img.size))])
            }
            None => Err(MissingLayers(img.id.clone())),
        })
        .collect()
}

fn bytes(size: i64) -> u64 {
    u64::try_from(size).unwrap_or(0)
}

/// For each image of `state.df.images` (same order), every image it is built on (transitively).
pub(crate) fn bases(state: &EngineState) -> Result<Vec<BTreeSet<usize>>, MissingLayers> {
    Ok(ancestors(&state.df.images, &layer_lists(state)?))
}

/// For each image, every image it is built on (transitively).
fn ancestors(images: &[RawImage], chains: &[Vec<(String, u64)>]) -> Vec<BTreeSet<usize>> {
    let index: HashMap<&str, usize> = images
        .iter()
        .enumerate()
        .map(|(i, img)| (img.id.as_str(), i))
        .collect();
    let mut by_top: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, chain) in chains.iter().enumerate() {
        if let Some((top, _)) = chain.last() {
            by_top.entry(top.as_str()).or_default().push(i);
        }
    }
    let direct: Vec<BTreeSet<usize>> = (0..images.len())
        .map(|b| {
            let mut set = BTreeSet::new();
            let strict_prefixes = chains[b].len().saturating_sub(1);
            for (pos, (chain, _)) in chains[b].iter().take(strict_prefixes).enumerate() {
                for &a in by_top.get(chain.as_str()).map_or(&[][..], Vec::as_slice) {
                    if a != b && chains[a].len() == pos + 1 {
                        set.insert(a);
                    }
                }
            }
            if let Some(&p) = index.get(images[b].parent_id.as_str()) {
                if p != b {
                    set.insert(p);
                }
            }
            set
        })
        .collect();
    (0..images.len())
        .map(|b| {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<usize> = direct[b].iter().copied().collect();
            while let Some(a) = stack.pop() {
                if a != b && seen.insert(a) {
                    stack.extend(direct[a].iter().copied());
                }
            }
            seen
        })
        .collect()
}

/// Planned images, each after every planned image built on it; ties by id for a stable plan.
fn children_first(
    images: &[RawImage],
    planned: &[bool],
    ancestors: &[BTreeSet<usize>],
) -> Vec<usize> {
    let mut waiting: Vec<usize> = vec![0; images.len()];
    for (child, ancs) in ancestors.iter().enumerate() {
        if planned[child] {
            for &a in ancs {
                waiting[a] += 1;
            }
        }
    }
    let mut ready: BTreeSet<(&str, usize)> = (0..images.len())
        .filter(|&i| planned[i] && waiting[i] == 0)
        .map(|i| (images[i].id.as_str(), i))
        .collect();
    let total = planned.iter().filter(|p| **p).count();
    let mut done = vec![false; images.len()];
    let mut order = Vec::with_capacity(total);
    while order.len() < total {
        let next = match ready.pop_first() {
            Some((_, i)) => i,
            // Only a ParentId cycle (corrupt metadata) gets here: go on in id order.
            None => match (0..images.len())
                .filter(|&i| planned[i] && !done[i])
                .min_by_key(|&i| images[i].id.as_str())
            {
                Some(i) => i,
                None => break,
            },
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        order.push(next);
        for &a in &ancestors[next] {
            if planned[a] && !done[a] {
                waiting[a] = waiting[a].saturating_sub(1);
                if waiting[a] == 0 {
                    ready.insert((images[a].id.as_str(), a));
                }
            }
        }
    }
    order
}

/// Bytes each planned image frees when removed in `order`: a layer is freed by the last planned
/// image holding it, and only if no remaining image (nor the build cache, `held`) holds it.
fn freed_bytes(
    chains: &[Vec<(String, u64)>],
    planned: &[bool],
    order: &[usize],
    held: &HashSet<&str>,
) -> Vec<u64> {
    let mut remaining: HashSet<&str> = HashSet::new();
    let mut holders: HashMap<&str, usize> = HashMap::new();
    for (i, chain) in chains.iter().enumerate() {
        let distinct: HashSet<&str> = chain.iter().map(|(c, _)| c.as_str()).collect();
        for c in distinct {
            if planned[i] {
                *holders.entry(c).or_default() += 1;
            } else {
                remaining.insert(c);
            }
        }
    }
    order
        .iter()
        .map(|&i| {
            let mut seen = HashSet::new();
            let mut freed = 0;
            for (c, size) in &chains[i] {
                if !seen.insert(c.as_str()) {
                    continue;
                }
                let left = holders.entry(c.as_str()).or_default();
                *left = left.saturating_sub(1);
                if *left == 0 && !remaining.contains(c.as_str()) && !held.contains(c.as_str()) {
                    freed += size;
                }
            }
            freed
        })
        .collect()
}

/// Untagged and not pulled by digest: what `docker image prune` takes without `--all`.
fn is_dangling(img: &RawImage) -> bool {
    references(img).next().is_none()
}

fn references(img: &RawImage) -> impl Iterator<Item = &str> {
    img.repo_tags
        .iter()
        .filter(|t| t.as_str() != "<none>:<none>")
        .chain(
            img.repo_digests
                .iter()
                .filter(|d| d.as_str() != "<none>@<none>"),
        )
        .map(String::as_str)
}

fn keep_match<'a, 'r>(img: &'a RawImage, keep: &'r [KeepRule]) -> Option<(&'r KeepRule, &'a str)> {
    references(img).find_map(|r| keep.iter().find(|k| k.matches(r)).map(|k| (k, r)))
}

pub(crate) fn image_name(img: &RawImage) -> String {
    references(img).next().unwrap_or("<none>").to_owned()
}

pub(crate) fn container_name(c: &RawContainer) -> String {
    c.names
        .first()
        .map(|n| n.trim_start_matches('/').to_owned())
        .unwrap_or_else(|| c.id.chars().take(12).collect())
}
