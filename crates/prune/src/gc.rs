//! Least-recently-used clean-up (`drydock gc --max-size`): remove the images used longest ago until
//! the engine's image bytes fit, with every protection of a normal plan (in use, keep rules, base
//! images of what stays).

use crate::glob::KeepRule;
use crate::images::{bases, image_bytes, plan_images, ImageContext};
use crate::plan::Plan;
use crate::request::{Filters, ImageScope, ImageSelect};
use crate::state::EngineState;
use drydock_inventory::df::MissingLayers;
use drydock_inventory::DiskUsage;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GcPlan {
    pub plan: Plan,
    /// The images' bytes now, each shared layer counted once.
    pub image_bytes: u64,
    pub max_bytes: u64,
    /// Whether the images fit under `max_bytes` once the plan has run. They may not: what stays
    /// (in use, kept, bases of those) can be larger than the limit on its own.
    pub fits: bool,
}

/// When each image was last used: the newest of what Drydock recorded from events, the creation
/// of any container from it, and the image's own creation (a new image counts as just used).
pub fn last_uses(df: &DiskUsage, recorded: &BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    let mut uses: BTreeMap<String, i64> = df
        .images
        .iter()
        .map(|img| {
            let seen = recorded.get(&img.id).copied().unwrap_or(i64::MIN);
            (img.id.clone(), img.created.max(seen))
        })
        .collect();
    for c in &df.containers {
        if let Some(t) = uses.get_mut(&c.image_id) {
            *t = (*t).max(c.created);
        }
    }
    uses
}

/// The smallest least-recently-used-first plan that brings image bytes to `max_bytes` or under.
pub fn plan_to_fit(
    state: &EngineState,
    last_used: &BTreeMap<String, i64>,
    max_bytes: u64,
    keep: &[String],
    now: i64,
) -> Result<GcPlan, MissingLayers> {
    let total = image_bytes(state)?;
    let images = &state.df.images;
    let bases = bases(state)?;
    // A base is used whenever an image built on it is: its layers are in that use. So an image
    // counts as used as recently as anything built on it, and on a tie the image built on the
    // other goes first (its base could not go before it anyway).
    let mut used: Vec<i64> = images
        .iter()
        .map(|img| last_used.get(&img.id).copied().unwrap_or(img.created))
        .collect();
    for (child, below) in bases.iter().enumerate() {
        for &base in below {
            used[base] = used[base].max(used[child]);
        }
    }
    let last_used: BTreeMap<&str, i64> = images
        .iter()
        .zip(&used)
        .map(|(img, &t)| (img.id.as_str(), t))
        .collect();
    let mut order: Vec<(i64, Reverse<usize>, i64, &str)> = images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            (
                used[i],
                Reverse(bases[i].len()),
                img.created,
                img.id.as_str(),
            )
        })
        .collect();
    order.sort_unstable();
    let keep: Vec<KeepRule> = keep.iter().cloned().map(KeepRule).collect();
    let select = ImageSelect {
        scope: ImageScope::Unused,
        filters: Filters::default(),
    };
    let plan_first = |k: usize| -> Result<Plan, MissingLayers> {
        let only: HashSet<&str> = order.iter().take(k).map(|(.., id)| *id).collect();
        let context = ImageContext {
            keep: &keep,
            removed_containers: &HashSet::new(),
            only: Some(&only),
            cache_stays: state.df.build_cache.iter().any(|r| r.shared),
        };
        let images = plan_images(state, &select, &context, now)?;
        let mut items = images.items;
        for item in &mut items {
            let used = last_used.get(item.id.as_str()).copied().unwrap_or_default();
            let when = chrono::DateTime::from_timestamp(used, 0).map_or_else(
                || used.to_string(),
                |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
            );
            item.reason = format!("least recently used (last used {when})");
        }
        Ok(Plan {
            predicted_reclaim: items.iter().map(|i| i.bytes).sum(),
            items,
            kept: images.kept,
        })
    };
    let over = total.saturating_sub(max_bytes);
    if over == 0 {
        return Ok(GcPlan {
            plan: Plan::default(),
            image_bytes: total,
            max_bytes,
            fits: true,
        });
    }
    // Taking more candidates never frees less (the planned set only grows), so the smallest
    // prefix that frees enough is found by bisection.
    let (mut lo, mut hi) = (1, order.len());
    let all = plan_first(hi)?;
    if all.predicted_reclaim < over {
        return Ok(GcPlan {
            plan: all,
            image_bytes: total,
            max_bytes,
            fits: false,
        });
    }
    let mut best = all;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let plan = plan_first(mid)?;
        if plan.predicted_reclaim >= over {
            hi = mid;
            best = plan;
        } else {
            lo = mid + 1;
        }
    }
    Ok(GcPlan {
        plan: best,
        image_bytes: total,
        max_bytes,
        fits: true,
    })
}
