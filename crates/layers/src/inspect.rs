//! Everything the tips need from one streamed read of an image export: the layer analysis and
//! its merged file tree, the small files a caller wants whole, a content digest of every regular
//! file big enough to matter (visible or hidden), and the parts of the image config that are
//! judged (os, user, environment, every build step).
//!
//! It is [`crate::analyse_with_tree`] and [`crate::collect_image`] in one pass: each layer is
//! read once, summarised, its wanted files kept and its big files digested as they stream by.
//! Memory is what each of them holds (a path per entry, the kept bytes, 16 bytes per digested
//! file), within the same [`CollectLimits`].

use crate::collect::{gather, CollectLimits, Collected, Keep, Merged};
use crate::report::{assemble, Step};
use crate::{filetree, Analysis, LayersError};
use std::io::Read;

/// What one read of an image gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    /// The report and the merged file tree, as [`crate::analyse_with_tree`] gives them.
    pub analysis: Analysis,
    /// Beside each entry of `analysis.tree.entries` (same order): the digest of its content
    /// (XXH3-128), for regular files of at least the `hash_min` asked; a hard link has its
    /// target's.
    pub digests: Vec<Option<[u8; 16]>>,
    /// The wanted files of the final filesystem, as [`crate::collect_image`] gives them.
    pub collected: Collected,
    pub config: ImageConfig,
}

/// The parts of the image config that tips judge. Empty where the config does not say (or says
/// it in a shape Drydock does not read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    /// The image id (`sha256:...`), from the config's name in the archive; empty when the
    /// archive names it otherwise.
    pub id: String,
    /// `linux`, `windows`, ...
    pub os: String,
    /// As the config says it (`""` is root).
    pub user: String,
    /// `NAME=value`, as the config holds them.
    pub env: Vec<String>,
    /// Every build step, oldest first, those that wrote no layer included: the config's
    /// history, else the caller's.
    pub history: Vec<Step>,
}

/// What to read and how much of it.
#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    /// Which image of the archive, by name or id; needed only when it holds several.
    pub select: Option<String>,
    /// The image's build steps, oldest first, as [`crate::Options::history`].
    pub history: Option<Vec<Step>>,
    pub limits: CollectLimits,
    /// Regular files of at least this many bytes get a content digest.
    pub hash_min: u64,
}

/// Reads the image export `export` once; `keep` says which files of the final filesystem to
/// return whole (or as executables), as for [`crate::collect_image`].
pub fn inspect_image(
    export: impl Read,
    options: &InspectOptions,
    keep: &dyn Fn(&str) -> Keep,
) -> Result<Inspection, LayersError> {
    let history = options.history.as_deref();
    let (collected, (analysis, digests, config)) = gather(
        export,
        options.select.as_deref(),
        history,
        keep,
        &options.limits,
        Some(options.hash_min),
        |merged: Merged| {
            let hidden = merged.tree.hidden();
            let (tree, origins) =
                filetree::build_traced(merged.tree, merged.summaries, &options.limits.read);
            let digests = origins
                .into_iter()
                .map(|origin| {
                    let (layer, change) = origin?;
                    let listed = merged.digests.get(layer)?;
                    let at = listed.binary_search_by_key(&change, |(c, _)| *c).ok()?;
                    Some(listed[at].1)
                })
                .collect();
            let image = options
                .select
                .clone()
                .or_else(|| merged.plan.name.clone())
                .unwrap_or_default();
            let report = assemble(
                image,
                merged.plan,
                merged.tree.figures().to_vec(),
                hidden,
                history,
            );
            let config = match &merged.plan.config {
                Some(c) => ImageConfig {
                    id: merged.plan.id.clone(),
                    os: c.os.clone(),
                    user: c.config.user.clone(),
                    env: c.config.env.clone(),
                    history: if c.history.is_empty() {
                        history.map(<[Step]>::to_vec).unwrap_or_default()
                    } else {
                        c.history
                            .iter()
                            .map(|s| Step {
                                created_by: s.created_by.clone(),
                                empty_layer: s.empty_layer,
                            })
                            .collect()
                    },
                },
                None => ImageConfig {
                    id: merged.plan.id.clone(),
                    history: history.map(<[Step]>::to_vec).unwrap_or_default(),
                    ..ImageConfig::default()
                },
            };
            (Analysis { report, tree }, digests, config)
        },
    )?;
    Ok(Inspection {
        analysis,
        digests,
        collected,
        config,
    })
}
