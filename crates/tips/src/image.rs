//! The tips of an image: of the engine's (its facts read once per image id and kept in the
//! store), or of a saved archive. What the image's own files say is read once; the base-image
//! tip (the other local images come and go) and the config's tips are made again each time
//! from the kept facts, which is cheap.

use crate::kept::Kept;
use crate::{
    could_save, detect, scrub_secrets, wanted, ConfigFacts, FileFact, FileKind, ImageFacts,
    LayerFact, LocalImage, TipsReport, HASH_MIN_BYTES,
};
use drydock_engine::{Engine, EngineError, ErrorCode, ExportProgress};
use drydock_layers::{
    inspect_image, CollectLimits, EntryKind, InspectOptions, Inspection, LayersError,
};
use drydock_store::{Store, StoreError};
use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path;
use std::sync::Mutex;

/// Big reads of an archive: the reader takes a tar header block at a time.
const READ_BUFFER: usize = 256 << 10;

#[derive(Debug, thiserror::Error)]
pub enum TipsError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{0}\n  fix: check that Drydock's data directory is writable (set DRYDOCK_DATA_DIR to use another)")]
    Store(#[from] StoreError),
    #[error("cannot open {file}: {source}\n  fix: give the path of a tar written by `docker save IMAGE -o FILE.tar`")]
    Open {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the image in {file}: {source}\n  fix: {fix}")]
    Archive {
        file: String,
        #[source]
        source: LayersError,
        fix: String,
    },
    #[error("the store is unavailable: another task failed while holding it")]
    Poisoned,
}

impl TipsError {
    pub fn code(&self) -> ErrorCode {
        match self {
            TipsError::Engine(e) => e.code(),
            TipsError::Open { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorCode::NotFound
            }
            TipsError::Open { .. } => ErrorCode::InvalidInput,
            TipsError::Archive {
                source: LayersError::SeveralImages { .. } | LayersError::NoSuchImage { .. },
                ..
            } => ErrorCode::InvalidInput,
            TipsError::Archive { .. } | TipsError::Store(_) | TipsError::Poisoned => {
                ErrorCode::Internal
            }
        }
    }
}

/// How an image's facts were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// From the store: the image was read before (its id names its content).
    Kept,
    /// Read from the engine's export now.
    Exported,
}

/// The tips of image `name` of `engine`: its facts kept from an earlier read of this image id,
/// else read from its export (reporting progress) and kept; the report is kept too, for
/// [`cached_tips`]. The other local images (for the base-image tip) are listed now; when they
/// cannot be, the report says so and has no base-image tip. `now`: Unix seconds.
pub async fn image_tips(
    engine: &Engine,
    store: &Mutex<Store>,
    name: &str,
    now: i64,
    progress: impl FnMut(ExportProgress),
) -> Result<(TipsReport, Read), TipsError> {
    let (locals, note) = match local_images(engine).await {
        Ok(locals) => (locals, None),
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            let note = format!(
                "the other local images could not be listed, so there is no base-image tip: {first}"
            );
            (Vec::new(), Some(note))
        }
    };
    let (mut report, read) = image_tips_among(engine, store, name, &locals, now, progress).await?;
    if let Some(note) = note {
        report.notes.push(note);
        lock(store)?.keep_tips_report(&report.id, &report, now)?;
    }
    Ok((report, read))
}

/// [`image_tips`] with the other local images the caller already holds ([`local_images`]):
/// for a caller going through many images, which lists them once.
pub async fn image_tips_among(
    engine: &Engine,
    store: &Mutex<Store>,
    name: &str,
    locals: &[LocalImage],
    now: i64,
    progress: impl FnMut(ExportProgress),
) -> Result<(TipsReport, Read), TipsError> {
    let refs = engine.image_refs(name).await?;
    let id = refs.id.clone();
    let tags = refs.repo_tags.clone().unwrap_or_default();
    let kept: Option<Kept> = lock(store)?.tip_facts(&id)?;
    let (facts, read) = match kept.and_then(Kept::facts) {
        Some(facts) => (facts, Read::Kept),
        None => {
            let inspection = engine
                .inspect_image(
                    &id,
                    wanted,
                    &CollectLimits::default(),
                    HASH_MIN_BYTES,
                    progress,
                )
                .await?;
            let mut facts = facts_of(inspection);
            // Kept without the image's keys and tokens; the detectors judge the stand-ins alike,
            // so this report and the next (from the kept facts) are the same.
            scrub_secrets(&mut facts);
            lock(store)?.keep_tip_facts(&id, &Kept::of(&facts), now)?;
            (facts, Read::Exported)
        }
    };
    let me = locals
        .iter()
        .find(|l| l.id == id)
        .cloned()
        .unwrap_or_else(|| me_from(&facts, &id, &tags));
    let image = if name.is_empty() {
        id.clone()
    } else {
        name.to_owned()
    };
    let report = report(image, id.clone(), tags, &facts, &me, locals, Vec::new());
    lock(store)?.keep_tips_report(&id, &report, now)?;
    Ok((report, read))
}

/// The reports kept for `ids` (made when each image's tips were last asked for), in the order
/// of `ids`; images never read are left out. Reads the store only: for lists of many images.
pub fn cached_tips(store: &Mutex<Store>, ids: &[String]) -> Result<Vec<TipsReport>, TipsError> {
    let store = lock(store)?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(report) = store.tips_report::<TipsReport>(id)? {
            out.push(report);
        }
    }
    Ok(out)
}

/// The tips of the image in the saved archive `file` (a `docker save` tar or an OCI image
/// layout tar; `-` reads stdin); `select` names one image of an archive holding several. No
/// engine: there is no other local image, so no smaller base is proposed.
pub fn archive_tips(file: &Path, select: Option<&str>) -> Result<TipsReport, TipsError> {
    let shown = if file.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        file.display().to_string().escape_debug().to_string()
    };
    let input: Box<dyn std::io::Read> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(file).map_err(|source| TipsError::Open {
            file: shown.clone(),
            source,
        })?)
    };
    let options = InspectOptions {
        select: select.map(str::to_owned),
        hash_min: HASH_MIN_BYTES,
        ..InspectOptions::default()
    };
    let inspection = inspect_image(BufReader::with_capacity(READ_BUFFER, input), &options, &wanted)
        .map_err(|source| {
            let fix = match source {
                LayersError::SeveralImages { .. } | LayersError::NoSuchImage { .. } => {
                    format!("name one of them: `drydock tips NAME --archive {shown}`")
                }
                LayersError::Limit { .. } => {
                    "the image is beyond what Drydock reads; report it if it is a real image"
                        .to_owned()
                }
                _ => "check that it is a complete image archive: save it again with `docker save IMAGE -o FILE.tar` (or an OCI image layout, as a tar)".to_owned(),
            };
            TipsError::Archive {
                file: shown.clone(),
                source,
                fix,
            }
        })?;
    let name = inspection.analysis.report.image.clone();
    let id = inspection.config.id.clone();
    let tags: Vec<String> = if name.is_empty() || select.is_some() {
        Vec::new()
    } else {
        vec![name.clone()]
    };
    let image = match (select, name.is_empty()) {
        (Some(select), _) => select.to_owned(),
        (None, false) => name,
        (None, true) => shown,
    };
    let facts = facts_of(inspection);
    let me = me_from(&facts, &id, &tags);
    Ok(report(image, id, tags, &facts, &me, &[], Vec::new()))
}

fn report(
    image: String,
    id: String,
    tags: Vec<String>,
    facts: &ImageFacts,
    me: &LocalImage,
    locals: &[LocalImage],
    mut notes: Vec<String>,
) -> TipsReport {
    let tips = detect(facts, me, locals);
    let saving = could_save(facts, &tips);
    notes.splice(0..0, facts.notes.iter().cloned());
    TipsReport {
        image,
        id,
        tags,
        size: facts.stored_bytes,
        could_save: saving,
        tips,
        notes,
    }
}

/// The image as the engine would list it, from its own facts.
fn me_from(facts: &ImageFacts, id: &str, tags: &[String]) -> LocalImage {
    LocalImage {
        id: id.to_owned(),
        tags: tags.to_vec(),
        size: facts.stored_bytes,
        layers: facts.layers.iter().map(|l| l.digest.clone()).collect(),
    }
}

/// Every local image of `engine` with its layers' diff ids, for the base-image tip.
pub async fn local_images(engine: &Engine) -> Result<Vec<LocalImage>, EngineError> {
    let rows = engine.images().await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let (layers, _gone) = engine.image_layers(&ids).await?;
    let mut diff_ids: HashMap<String, Vec<String>> = layers
        .into_iter()
        .map(|l| {
            let ids = l.layers.into_iter().map(|layer| layer.diff_id).collect();
            (l.image_id, ids)
        })
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let layers = diff_ids.remove(&r.id)?;
            Some(LocalImage {
                size: u64::try_from(r.size).unwrap_or(0),
                tags: r.tags,
                id: r.id,
                layers,
            })
        })
        .collect())
}

/// The facts the detectors judge, from one read of the image.
pub(crate) fn facts_of(inspection: Inspection) -> ImageFacts {
    let Inspection {
        analysis,
        digests,
        collected,
        config,
    } = inspection;
    let report = analysis.report;
    let files = analysis
        .tree
        .entries
        .into_iter()
        .zip(digests.into_iter().chain(std::iter::repeat(None)))
        .map(|(entry, digest)| FileFact {
            path: entry.path,
            kind: match entry.kind {
                EntryKind::Dir => FileKind::Dir,
                EntryKind::File => FileKind::File,
                EntryKind::Other => FileKind::Other,
            },
            size: entry.size,
            layer: entry.layer,
            hidden_in: entry.hidden.map(|h| h.layer),
            digest,
        })
        .collect();
    let mut notes: Vec<String> = collected
        .skipped
        .iter()
        .map(|why| format!("not read: {why}"))
        .collect();
    if analysis.tree.truncated {
        notes.push(
            "the image has more files than Drydock lists; tips from its files are lower bounds"
                .to_owned(),
        );
    }
    ImageFacts {
        layers: report
            .layers
            .into_iter()
            .map(|l| LayerFact {
                digest: l.digest,
                created_by: l.created_by,
                size: l.size,
                hidden_bytes: l.hidden_bytes,
            })
            .collect(),
        files,
        contents: collected.files,
        config: ConfigFacts {
            os: config.os,
            user: config.user,
            env: config.env,
            history: config.history.into_iter().map(|s| s.created_by).collect(),
        },
        stored_bytes: report.stored_bytes,
        hidden_bytes: report.hidden_bytes,
        truncated: analysis.tree.truncated,
        notes,
    }
}

fn lock(store: &Mutex<Store>) -> Result<std::sync::MutexGuard<'_, Store>, TipsError> {
    store.lock().map_err(|_| TipsError::Poisoned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: &str) -> TipsReport {
        TipsReport {
            image: format!("app:{id}"),
            id: id.to_owned(),
            tags: Vec::new(),
            size: 10,
            could_save: 0,
            tips: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn cached_tips_are_the_kept_reports_of_the_ids_asked_in_their_order() {
        let store = Mutex::new(Store::in_memory().expect("store"));
        {
            let s = store.lock().expect("store");
            s.keep_tips_report("sha256:a", &report("sha256:a"), 1)
                .expect("keep");
            s.keep_tips_report("sha256:b", &report("sha256:b"), 2)
                .expect("keep");
        }
        let ids = ["sha256:b", "sha256:never", "sha256:a"].map(str::to_owned);
        let cached = cached_tips(&store, &ids).expect("read");
        assert_eq!(cached, vec![report("sha256:b"), report("sha256:a")]);
    }

    #[test]
    fn errors_carry_the_code_the_app_branches_on() {
        let missing = TipsError::Open {
            file: "x.tar".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(missing.code(), ErrorCode::NotFound);
        assert!(missing.to_string().contains("\n  fix: "));
        let several = TipsError::Archive {
            file: "x.tar".into(),
            source: LayersError::SeveralImages {
                names: vec!["a".into(), "b".into()],
            },
            fix: "name one".into(),
        };
        assert_eq!(several.code(), ErrorCode::InvalidInput);
    }

    #[test]
    fn a_damaged_archive_is_an_error_naming_the_file_and_the_fix() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("bad.tar");
        std::fs::write(&file, b"not a tar at all").expect("write");
        let err = archive_tips(&file, None).expect_err("not an image");
        assert_eq!(err.code(), ErrorCode::Internal);
        let text = err.to_string();
        assert!(
            text.contains("bad.tar") && text.contains("\n  fix: "),
            "{text}"
        );
    }
}
