//! The run: the flat image written and loaded beside the original, then measured and its
//! filesystem proved the same. The original is never touched and nothing is forced.

use crate::archive::{flat_config, LoadArchive};
use crate::error::FlattenError;
use crate::filter::{filter_export, FilterError, Filtered};
use crate::plan::tag_holder;
use crate::scan::{scan_image, ImageScan, RawEntry, ScanError};
use crate::{FlattenPlan, FlattenProgress, Flattened, FLATTEN_LABEL};
use drydock_engine::{Engine, LabelledContainer};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// A temporary container older than this, never started, is a leftover of a flatten that died.
const LEFTOVER_AFTER_SECS: i64 = 600;
/// A flatten archive nobody wrote to for this long is a leftover.
const ARCHIVE_LEFTOVER_AFTER_SECS: u64 = 3600;

/// Flattens the image `plan` describes into a new image tagged `plan.new_tag`, writing its
/// archive in `work_dir` (removed afterwards, whatever happens). Refuses when the plan refused,
/// when the name now names another image, or when the new tag exists by now.
pub async fn flatten(
    engine: &Engine,
    plan: &FlattenPlan,
    work_dir: &Path,
    mut progress: impl FnMut(FlattenProgress),
) -> Result<Flattened, FlattenError> {
    if let Some(reason) = &plan.refusal {
        return Err(FlattenError::Refused {
            image: plan.image.clone(),
            reason: reason.clone(),
        });
    }
    remove_leftovers(engine, work_dir).await;
    let facts = engine.image_facts(&plan.image).await?;
    if facts.id != plan.id {
        return Err(FlattenError::Moved {
            image: plan.image.clone(),
            planned: plan.id.clone(),
            now: facts.id,
        });
    }
    tag_free(engine, &plan.new_tag).await?;

    // The original's config and its own entries at the init layer's paths, then its filesystem.
    let total = facts.size.saturating_mul(2);
    let scan = read_scan(engine, &plan.image, &facts.id, |read| {
        progress(FlattenProgress::Reading { read, total })
    })
    .await?;
    std::fs::create_dir_all(work_dir).map_err(|e| work_dir_error(work_dir, &e))?;
    let archive_path = work_dir.join(format!(
        ".drydock-flatten-{}-{}.tar",
        short(&facts.id),
        std::process::id()
    ));
    let layers = facts.layers.len();
    let read = (facts.size, total);
    let loaded = write_and_load(
        engine,
        plan,
        layers,
        scan,
        &archive_path,
        read,
        &mut progress,
    )
    .await;
    let _ = std::fs::remove_file(&archive_path);
    let (new_id, original) = loaded?;

    // Measured and proved from what the engine now holds.
    let after = engine.image_facts(&new_id).await?;
    let total = after.size.saturating_mul(3);
    let report = engine
        .layer_report_with(&new_id, |p| {
            progress(FlattenProgress::Verifying {
                read: p.read.min(after.size),
                total,
            })
        })
        .await?;
    let flat_scan = read_scan(engine, &plan.new_tag, &new_id, |read| {
        progress(FlattenProgress::Verifying {
            read: (after.size + read).min(total),
            total,
        })
    })
    .await?;
    let (flat, _) = through_container(
        engine,
        &plan.new_tag,
        &new_id,
        flat_scan.init,
        std::io::sink(),
        |read| {
            progress(FlattenProgress::Verifying {
                read: (after.size * 2 + read).min(total),
                total,
            })
        },
    )
    .await?;
    Ok(Flattened {
        plan: plan.clone(),
        new_id,
        new_tag: plan.new_tag.clone(),
        measured_bytes: report.stored_bytes,
        engine_size_before: facts.size,
        engine_size_after: after.size,
        same_tree: original.digest == flat.digest,
        original_digest: original.digest,
        flattened_digest: flat.digest,
    })
}

/// Writes the flat image's archive from a container of the original and loads it; the new id
/// and what the filter saw of the original.
async fn write_and_load(
    engine: &Engine,
    plan: &FlattenPlan,
    layers: usize,
    scan: ImageScan,
    archive_path: &Path,
    (base, total): (u64, u64),
    progress: &mut impl FnMut(FlattenProgress),
) -> Result<(String, Filtered), FlattenError> {
    let id = plan.id.as_str();
    let dir = archive_path.parent().unwrap_or(archive_path);
    let archive = LoadArchive::create(archive_path).map_err(|e| work_dir_error(dir, &e))?;
    let read = |read: u64| {
        progress(FlattenProgress::Reading {
            read: (base + read).min(total),
            total,
        })
    };
    let (original, archive) =
        through_container(engine, &plan.image, id, scan.init, archive, read).await?;
    let step = format!("drydock flatten of {id} ({layers} layers)");
    let config = flat_config(&scan.config, &original.diff_id, &step).ok_or_else(|| {
        FlattenError::Unreadable {
            image: plan.image.clone(),
            detail: "its config is not a JSON object".into(),
            fix: "the image's config is damaged; rebuild the image".into(),
        }
    })?;
    let expected = archive
        .finish(original.bytes, &original.diff_id, &config, &plan.new_tag)
        .map_err(|e| work_dir_error(dir, &e))?;
    // Loading moves a tag that exists: look again right before.
    tag_free(engine, &plan.new_tag).await?;
    progress(FlattenProgress::Loading);
    engine.load_image(archive_path).await?;
    let got = engine.image_facts(&plan.new_tag).await?.id;
    if got != expected {
        return Err(FlattenError::NotAsWritten {
            tag: plan.new_tag.clone(),
            expected,
            got,
        });
    }
    Ok((got, original))
}

/// Creates a container of image `id` (never started), filters its export into `out`, and
/// removes it, also when the export fails.
async fn through_container<W: Write + Send + 'static>(
    engine: &Engine,
    name: &str,
    id: &str,
    init: BTreeMap<Vec<u8>, RawEntry>,
    out: W,
    read: impl FnMut(u64),
) -> Result<(Filtered, W), FlattenError> {
    let container = engine
        .create_idle_container(id, &[(FLATTEN_LABEL, "1")])
        .await?;
    let exported = engine
        .read_container_export(&container, read, move |input| {
            let mut out = out;
            let filtered = filter_export(input, &init, &mut out);
            (filtered, out)
        })
        .await;
    let removed = engine.remove_idle_container(&container).await;
    let (filtered, out) = exported?;
    removed?;
    let filtered = filtered.map_err(|e| match e {
        FilterError::Write(e) => FlattenError::WorkDir {
            dir: "the working directory".into(),
            detail: e.to_string(),
        },
        FilterError::Export(e) => FlattenError::Unreadable {
            image: name.to_owned(),
            detail: format!("its container's export: {e}"),
            fix: "try again; if it persists, the engine's export of containers is broken (read its log)".into(),
        },
        FilterError::Unsupported(reason) => FlattenError::Refused {
            image: name.to_owned(),
            reason: format!("{reason}\n  fix: none; keep the image as it is"),
        },
    })?;
    Ok((filtered, out))
}

async fn read_scan(
    engine: &Engine,
    name: &str,
    id: &str,
    read: impl FnMut(u64),
) -> Result<ImageScan, FlattenError> {
    engine
        .read_image_export(id, read, |input| scan_image(input))
        .await?
        .map_err(|e| match e {
            ScanError::Unsupported(reason) => FlattenError::Refused {
                image: name.to_owned(),
                reason: format!("{reason}\n  fix: none; keep the image as it is"),
            },
            other => FlattenError::Unreadable {
                image: name.to_owned(),
                detail: format!("its export: {other}"),
                fix: "try again; if it persists, the engine's export of this image is broken (read its log)".into(),
            },
        })
}

async fn tag_free(engine: &Engine, tag: &str) -> Result<(), FlattenError> {
    match tag_holder(engine, tag).await? {
        Some(holder) => Err(FlattenError::TagTaken {
            tag: tag.to_owned(),
            holder,
        }),
        None => Ok(()),
    }
}

/// Removes temporary containers a flatten that died left behind: labelled, never started, and
/// older than a flatten's own could still be in use. Not forced; failures are left for next time.
async fn remove_leftovers(engine: &Engine, work_dir: &Path) {
    let now = SystemTime::now();
    if let Ok(containers) = engine.labelled_containers(FLATTEN_LABEL).await {
        let seconds = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        for id in leftovers(&containers, seconds) {
            let _ = engine.remove_idle_container(id).await;
        }
    }
    // An archive nobody has written to for an hour belongs to a flatten that died (a live one
    // writes as it reads; its load, which only reads the file, takes far less).
    let Ok(files) = std::fs::read_dir(work_dir) else {
        return;
    };
    for file in files.flatten() {
        let name = file.file_name();
        let ours = name.to_string_lossy().starts_with(".drydock-flatten-");
        let idle = file
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|d| d.as_secs() > ARCHIVE_LEFTOVER_AFTER_SECS);
        if ours && idle {
            let _ = std::fs::remove_file(file.path());
        }
    }
}

/// The temporary containers of flattens that died: never started, older than
/// [`LEFTOVER_AFTER_SECS`] at `now` (seconds since the epoch).
fn leftovers(containers: &[LabelledContainer], now: i64) -> Vec<&str> {
    containers
        .iter()
        .filter(|c| c.state == "created" && now.saturating_sub(c.created) > LEFTOVER_AFTER_SECS)
        .map(|c| c.id.as_str())
        .collect()
}

fn work_dir_error(dir: &Path, e: &std::io::Error) -> FlattenError {
    FlattenError::WorkDir {
        dir: dir.display().to_string(),
        detail: e.to_string(),
    }
}

fn short(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_never_started_containers_are_leftovers() {
        let c = |id: &str, state: &str, created: i64| LabelledContainer {
            id: id.into(),
            state: state.into(),
            created,
        };
        let now = 10_000;
        let listed = [
            c("old", "created", now - 601),
            c("young", "created", now - 60),
            c("ran", "exited", now - 9_000),
            c("running", "running", now - 9_000),
        ];
        assert_eq!(leftovers(&listed, now), ["old"]);
    }
}
