//! The plan: what flattening would save and cost, exact, before anything is done.

use crate::error::FlattenError;
use crate::{FlattenPlan, FlattenProgress};
use drydock_engine::{Engine, EngineError};
use drydock_inventory::image_rows;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What flattening image `name` into `new_tag` (default: its first tag with `-flat` added to
/// the tag, or `drydock-flat/<12 hex of the id>:latest`) would save and cost. A plan with a
/// `refusal` is still returned, so the user sees why.
pub async fn plan(
    engine: &Engine,
    name: &str,
    new_tag: Option<&str>,
    mut progress: impl FnMut(FlattenProgress),
) -> Result<FlattenPlan, FlattenError> {
    let facts = engine.image_facts(name).await?;
    let report = engine
        .layer_report_with(&facts.id, |p| {
            progress(FlattenProgress::Reading {
                read: p.read,
                total: p.total,
            })
        })
        .await?;
    let history = engine.history(&facts.id).await?;
    let history_lost: Vec<String> = history.iter().rev().map(|h| h.created_by.clone()).collect();
    let (shared_bytes, sharing_images) = sharing(engine, &facts.id).await?;
    let new_tag = match new_tag {
        Some(tag) => normalise_tag(tag),
        None => default_tag(&facts.tags, &facts.id),
    };
    let refusal = if facts.os.eq_ignore_ascii_case("windows") {
        Some("it is a Windows image: Windows layers cannot be exported as one tar faithfully (the engine's container export does not carry their hives and reparse points)\n  fix: none; keep the image as it is".to_owned())
    } else if facts.layers.is_empty() {
        Some("it has no layers\n  fix: none; there is nothing to flatten".to_owned())
    } else if let Some(problem) = tag_problem(&new_tag) {
        Some(format!(
            "{problem}\n  fix: name a valid tag with --tag (repository:tag, lowercase repository)"
        ))
    } else {
        tag_holder(engine, &new_tag).await?.map(|holder| {
            format!("the tag {new_tag} already names image {holder}\n  fix: choose another tag with --tag, or remove that tag first")
        })
    };
    Ok(FlattenPlan {
        image: name.to_owned(),
        id: facts.id,
        tags: facts.tags,
        new_tag,
        layers: facts.layers.len(),
        stored_bytes: report.stored_bytes,
        predicted_bytes: report.stored_bytes.saturating_sub(report.hidden_bytes),
        predicted_saving: report.hidden_bytes,
        shared_bytes,
        sharing_images,
        history_lost,
        refusal,
    })
}

/// The image that `tag` names now, if any.
pub(crate) async fn tag_holder(engine: &Engine, tag: &str) -> Result<Option<String>, FlattenError> {
    match engine.image_facts(tag).await {
        Ok(facts) => Ok(Some(facts.id)),
        Err(EngineError::ObjectNotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Bytes of image `id`'s layers that other local images use too, and those images (by first
/// tag, else short id), from the engine's df and layer lists.
async fn sharing(engine: &Engine, id: &str) -> Result<(u64, Vec<String>), FlattenError> {
    let usage = engine.disk_usage().await?;
    let (usage, layers) = engine.with_layers(usage).await?;
    let Some(own) = layers.iter().find(|l| l.image_id == id) else {
        return Ok((0, Vec::new())); // it shares nothing: the engine lists no shared size
    };
    let names: HashMap<String, String> = image_rows(&usage.images)
        .into_iter()
        .map(|row| {
            let name = row.tags.first().cloned().unwrap_or_else(|| short(&row.id));
            (row.id, name)
        })
        .collect();
    let mut users: HashMap<&str, Vec<&str>> = HashMap::new();
    for other in layers.iter().filter(|l| l.image_id != id) {
        for layer in &other.layers {
            users
                .entry(&layer.chain_id)
                .or_default()
                .push(&other.image_id);
        }
    }
    let mut seen = HashSet::new();
    let mut bytes = 0u64;
    let mut images = BTreeSet::new();
    for layer in &own.layers {
        if !seen.insert(&layer.chain_id) {
            continue;
        }
        if let Some(others) = users.get(layer.chain_id.as_str()) {
            bytes += layer.size.max(0) as u64;
            for other in others {
                images.insert(names.get(*other).cloned().unwrap_or_else(|| short(other)));
            }
        }
    }
    Ok((bytes, images.into_iter().collect()))
}

fn short(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

/// `app:1` → `app:1-flat`; no tag → `drydock-flat/<12 hex>:latest`.
pub(crate) fn default_tag(tags: &[String], id: &str) -> String {
    match tags.first() {
        Some(tag) => {
            let (repo, tag) = split(tag);
            format!("{repo}:{tag}-flat")
        }
        None => format!("drydock-flat/{}:latest", short(id)),
    }
}

/// A tag without `:tag` means `:latest`, as the engine reads it.
fn normalise_tag(tag: &str) -> String {
    let (repo, tag) = split(tag);
    format!("{repo}:{tag}")
}

fn split(reference: &str) -> (&str, &str) {
    let slash = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[slash..].rfind(':') {
        Some(i) => (&reference[..slash + i], &reference[slash + i + 1..]),
        None => (reference, "latest"),
    }
}

/// Why the engine would not take `reference` as a tag, if it would not.
fn tag_problem(reference: &str) -> Option<String> {
    let (repo, tag) = split(reference);
    let tag_ok = !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    // A first component with a dot or a colon, followed by more, is a registry host.
    let host = repo
        .split_once('/')
        .is_some_and(|(first, _)| first.contains(['.', ':']) || first == "localhost");
    let repo_ok = !repo.is_empty()
        && !repo.contains('@')
        && repo.split('/').enumerate().all(|(i, part)| {
            !part.is_empty()
                && part.chars().all(|c| {
                    c.is_ascii_lowercase()
                            || c.is_ascii_digit()
                            || "._-".contains(c)
                            // a registry host may have a port and capitals
                            || (i == 0 && host && (c == ':' || c.is_ascii_uppercase()))
                })
        });
    if tag_ok && repo_ok {
        None
    } else {
        Some(format!("{reference:?} is not a valid image tag"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_tag_adds_flat_to_the_first_tag() {
        assert_eq!(default_tag(&["app:1".into()], "sha256:ab"), "app:1-flat");
        assert_eq!(
            default_tag(&["reg:5000/team/app:2".into()], "sha256:ab"),
            "reg:5000/team/app:2-flat"
        );
        assert_eq!(
            default_tag(&[], "sha256:0123456789abcdef"),
            "drydock-flat/0123456789ab:latest"
        );
        assert_eq!(normalise_tag("app"), "app:latest");
    }

    #[test]
    fn tags_the_engine_refuses_are_found_before() {
        assert_eq!(tag_problem("app:1-flat"), None);
        assert_eq!(tag_problem("reg:5000/team/app:x"), None);
        assert!(tag_problem("App:1").is_some());
        assert!(tag_problem(&format!("app:{}", "x".repeat(129))).is_some());
        assert!(tag_problem("app:a b").is_some());
    }
}
