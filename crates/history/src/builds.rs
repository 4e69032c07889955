//! Build history per repository: every image Drydock has seen under a name (`myapp`), removed
//! ones too, in build order with the change from the build before; and the BuildKit build
//! records the engine keeps in its build cache.
//!
//! The engine forgets a removed image entirely, so Drydock records what it sees (each
//! `drydock builds`, and the app when it lists images) into its store. An image stays under every
//! repository it was ever tagged with there: rebuilding `myapp:latest` leaves the previous build
//! dangling, and it is still a build of `myapp`.
//!
//! The store stays bounded: at most [`MAX_REMOVED_PER_REPOSITORY`] removed builds per repository
//! are kept, the oldest (in build order) forgotten first. Images on the engine are always kept.

use crate::error::HistoryError;
use crate::{Build, BuildRecord, RepositoryHistory, SeenImage};
use drydock_engine::{Engine, EngineError};
use drydock_inventory::{DiskUsage, HistoryRow, RawBuildCache, RawImage};
use drydock_store::{SeenRow, Store};
use futures_util::{stream, StreamExt, TryStreamExt};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

/// Removed builds kept per repository; older ones are forgotten. An image under several
/// repositories is forgotten only when it is past this bound in every one of them.
pub const MAX_REMOVED_PER_REPOSITORY: usize = 200;

/// Image histories read at once when pairing build records with images.
const HISTORY_READS_IN_FLIGHT: usize = 8;
/// How BuildKit describes the snapshot of a `RUN` step.
const RUN_SNAPSHOT: &str = "mount / from exec ";
/// The history comment BuildKit's Dockerfile frontend writes on each step.
const BUILDKIT_COMMENT: &str = "buildkit.dockerfile.v0";

/// Records the images on the engine at `now` (Unix seconds): each is upserted as present (its
/// tags, size and layers as given, `last_seen = now`, its first sighting kept), and every kept
/// image not in `images` is marked removed, keeping the tags it had when last seen. Images never
/// seen with a tag are not kept (they belong to no repository). Then the removed builds past
/// [`MAX_REMOVED_PER_REPOSITORY`] are forgotten. `first_seen`, `last_seen` and `present` of the
/// given images are ignored.
pub fn record_seen(
    store: &Mutex<Store>,
    images: &[SeenImage],
    now: i64,
) -> Result<(), HistoryError> {
    let rows: Vec<SeenRow> = images
        .iter()
        .map(|img| {
            let tags = real_tags(&img.tags);
            let mut repositories: Vec<String> = tags
                .iter()
                .filter_map(|t| repository_of(t))
                .map(str::to_owned)
                .collect();
            repositories.sort();
            repositories.dedup();
            SeenRow {
                id: img.id.clone(),
                tags,
                repositories,
                created: img.created,
                created_nanos: img.created_nanos,
                size: img.size,
                layers: img.layers.clone(),
                first_seen: now,
                last_seen: now,
                present: true,
            }
        })
        .collect();
    let store = lock(store)?;
    store.record_seen_images(&rows, now)?;
    let forget = past_bound(&store.seen_images()?, MAX_REMOVED_PER_REPOSITORY);
    if !forget.is_empty() {
        store.forget_seen_images(&forget)?;
    }
    Ok(())
}

/// The images on the engine now, with their tags, size and layers (diff ids, lowest first);
/// `first_seen`, `last_seen` and `present` are left for [`record_seen`] to fill. One df call
/// (shared with any caller asking at the same time) and one inspect and history pair per image.
pub async fn seen_now(engine: &Engine) -> Result<Vec<SeenImage>, HistoryError> {
    let usage = engine.disk_usage().await?;
    seen_in(engine, &usage, &HashMap::new(), false).await
}

/// As [`seen_now`], for callers that record often (the app on each image list, `drydock
/// images`): the df answer they already hold (`None`: one is asked for), and the inspect and
/// history reads only of images the store does not know yet. An image id names its content, so
/// a kept image's layers (and created time) are its own still. Images that have no tag and are
/// not kept are left out: [`record_seen`] would not keep them, and reading their layers would be
/// wasted.
pub async fn seen_now_known(
    engine: &Engine,
    store: &Mutex<Store>,
    usage: Option<Arc<DiskUsage>>,
) -> Result<Vec<SeenImage>, HistoryError> {
    let known: HashMap<String, Kept> = lock(store)?
        .seen_images()?
        .into_iter()
        .map(|row| {
            let kept = Kept {
                layers: row.layers,
                created_nanos: row.created_nanos,
            };
            (row.id, kept)
        })
        .collect();
    let usage = match usage {
        Some(usage) => usage,
        None => engine.disk_usage().await?,
    };
    seen_in(engine, &usage, &known, true).await
}

/// What the store keeps of an image that is not read from the engine again.
struct Kept {
    layers: Vec<String>,
    created_nanos: u32,
}

async fn seen_in(
    engine: &Engine,
    usage: &DiskUsage,
    known: &HashMap<String, Kept>,
    skip_untagged: bool,
) -> Result<Vec<SeenImage>, HistoryError> {
    let wanted = |img: &&RawImage| {
        known.contains_key(&img.id) || !skip_untagged || !real_tags(&img.repo_tags).is_empty()
    };
    let to_read: Vec<String> = usage
        .images
        .iter()
        .filter(wanted)
        .filter(|img| !known.contains_key(&img.id))
        .map(|img| img.id.clone())
        .collect();
    let (reads, _gone) = engine.image_reads(&to_read).await?;
    let mut read: HashMap<String, Kept> = reads
        .into_iter()
        .map(|r| {
            let layers = r.layers.layers.into_iter().map(|l| l.diff_id).collect();
            let kept = Kept {
                layers,
                created_nanos: r.created_nanos,
            };
            (r.layers.image_id, kept)
        })
        .collect();
    Ok(usage
        .images
        .iter()
        .filter(wanted)
        // An image removed between the df call and its layer list is gone: not seen now.
        .filter_map(|img| {
            let (layers, created_nanos) = match known.get(&img.id) {
                Some(kept) => (kept.layers.clone(), kept.created_nanos),
                None => {
                    let read = read.remove(&img.id)?;
                    (read.layers, read.created_nanos)
                }
            };
            Some(SeenImage {
                id: img.id.clone(),
                tags: real_tags(&img.repo_tags),
                created: img.created,
                created_nanos,
                size: u64::try_from(img.size).unwrap_or(0),
                layers,
                first_seen: 0,
                last_seen: 0,
                present: true,
            })
        })
        .collect())
}

/// Every repository Drydock has seen, by name, each with its builds in build order.
pub fn repositories(store: &Mutex<Store>) -> Result<Vec<RepositoryHistory>, HistoryError> {
    let rows = lock(store)?.seen_images()?;
    let mut by_repository: BTreeMap<String, Vec<SeenRow>> = BTreeMap::new();
    for row in rows {
        for repository in &row.repositories {
            by_repository
                .entry(repository.clone())
                .or_default()
                .push(row.clone());
        }
    }
    Ok(by_repository
        .into_iter()
        .map(|(repository, rows)| history_of(repository, rows))
        .collect())
}

/// One repository's builds in build order (`repository` as [`repository_of`] names it, e.g.
/// `myapp` or `localhost:5000/app`); no builds when Drydock has seen none under that name.
pub fn repository_history(
    store: &Mutex<Store>,
    repository: &str,
) -> Result<RepositoryHistory, HistoryError> {
    let rows: Vec<SeenRow> = lock(store)?
        .seen_images()?
        .into_iter()
        .filter(|r| r.repositories.iter().any(|name| name == repository))
        .collect();
    Ok(history_of(repository.to_owned(), rows))
}

/// The engine's build cache records (one df call), newest use first (records never used after
/// their creation by their creation time), each with the image it went into where that can be
/// told (see [`attribute_records`]; that reads each image's history, only when some record could
/// be told at all).
pub async fn build_records(engine: &Engine) -> Result<Vec<BuildRecord>, HistoryError> {
    let usage = engine.disk_usage().await?;
    let mut records = records_of(&usage.build_cache);
    if records.iter().any(|r| run_command(r).is_some()) {
        let ids: Vec<String> = usage.images.iter().map(|i| i.id.clone()).collect();
        let histories: Vec<(String, Vec<HistoryRow>)> = stream::iter(ids)
            .map(|id| async move {
                match engine.history(&id).await {
                    Ok(rows) => Ok(Some((id, rows))),
                    // Removed since the df call: it holds no layer now.
                    Err(EngineError::ObjectNotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(HISTORY_READS_IN_FLIGHT)
            .try_filter_map(|found| async move { Ok(found) })
            .try_collect()
            .await?;
        attribute_records(&mut records, &histories);
    }
    Ok(records)
}

/// Sets each record's `image` where the build cache and the images' histories tell it without
/// doubt, and leaves it `None` otherwise. The build cache does not name images (its records are
/// BuildKit snapshots, keyed by BuildKit's own ids), so Drydock pairs a record with an image only
/// when all of these hold: the record's bytes are also an image layer (`shared`); it is the
/// snapshot of a `RUN` step (BuildKit describes it as `mount / from exec COMMAND`); and exactly
/// one local image has a BuildKit history step `RUN COMMAND` that wrote a layer of exactly the
/// record's size. Two images with that step (one built `FROM` the other, or the same step on
/// two bases) leave it unknown: Drydock does not guess.
pub fn attribute_records(records: &mut [BuildRecord], histories: &[(String, Vec<HistoryRow>)]) {
    let mut by_step: HashMap<(&str, u64), BTreeSet<&str>> = HashMap::new();
    for (id, rows) in histories {
        for row in rows {
            if row.empty_layer || row.comment != BUILDKIT_COMMENT {
                continue;
            }
            let command = row
                .created_by
                .strip_prefix("RUN ")
                .map(|c| c.strip_suffix(" # buildkit").unwrap_or(c));
            if let (Some(command), Ok(size)) = (command, u64::try_from(row.size)) {
                by_step.entry((command, size)).or_default().insert(id);
            }
        }
    }
    for record in records.iter_mut() {
        let image = run_command(record)
            .and_then(|command| by_step.get(&(command, record.size)))
            .filter(|images| images.len() == 1)
            .and_then(|images| images.iter().next())
            .map(|id| (*id).to_owned());
        record.image = image;
    }
}

/// The command of a record that is a `RUN` step's snapshot still shared with an image layer.
fn run_command(record: &BuildRecord) -> Option<&str> {
    if !record.shared {
        return None;
    }
    record.description.strip_prefix(RUN_SNAPSHOT)
}

/// The records of a df answer's build cache, newest use first.
pub fn records_of(cache: &[RawBuildCache]) -> Vec<BuildRecord> {
    let mut records: Vec<BuildRecord> = cache
        .iter()
        .map(|r| BuildRecord {
            id: r.id.clone(),
            description: r.description.clone(),
            kind: r.kind.clone(),
            size: u64::try_from(r.size).unwrap_or(0),
            in_use: r.in_use,
            shared: r.shared,
            created: unix(&r.created_at),
            last_used: r.last_used_at.as_deref().and_then(unix),
            usage_count: u64::try_from(r.usage_count).unwrap_or(0),
            image: None,
        })
        .collect();
    records.sort_by(|a, b| {
        let used = |r: &BuildRecord| r.last_used.or(r.created);
        used(b).cmp(&used(a)).then_with(|| a.id.cmp(&b.id))
    });
    records
}

/// The repository of a tag: the name without its `:tag` or `@digest` (a registry's port is part
/// of the name: `localhost:5000/app:1` is `localhost:5000/app`). `None` for Docker's
/// `<none>:<none>` placeholder and for an empty name.
pub fn repository_of(tag: &str) -> Option<&str> {
    let name = tag.split_once('@').map_or(tag, |(name, _)| name);
    let after_slash = name.rfind('/').map_or(0, |i| i + 1);
    let name = match name[after_slash..].rfind(':') {
        Some(colon) => &name[..after_slash + colon],
        None => name,
    };
    if name.is_empty() || name == "<none>" {
        None
    } else {
        Some(name)
    }
}

/// Builds in build order, each with its change from the one before.
fn history_of(repository: String, mut rows: Vec<SeenRow>) -> RepositoryHistory {
    rows.sort_by(build_order);
    let mut builds: Vec<Build> = Vec::with_capacity(rows.len());
    for row in rows {
        let image = seen_image(row);
        let (size_delta, shared_layers) = match builds.last() {
            Some(previous) => (
                Some(signed(image.size).saturating_sub(signed(previous.image.size))),
                Some(common_prefix(&previous.image.layers, &image.layers)),
            ),
            None => (None, None),
        };
        builds.push(Build {
            image,
            size_delta,
            shared_layers,
        });
    }
    RepositoryHistory { repository, builds }
}

/// Oldest first: by the image's created time (to the nanosecond; an image whose sub-second part
/// is not known counts as made at the start of its second), then when Drydock first saw it, then
/// id (so the order is the same on every read).
fn build_order(a: &SeenRow, b: &SeenRow) -> Ordering {
    (a.created, a.created_nanos)
        .cmp(&(b.created, b.created_nanos))
        .then_with(|| a.first_seen.cmp(&b.first_seen))
        .then_with(|| a.id.cmp(&b.id))
}

/// Removed images past `bound` (newest removed builds first) in every repository they are under.
fn past_bound(rows: &[SeenRow], bound: usize) -> Vec<String> {
    let mut removed_by_repository: HashMap<&str, Vec<&SeenRow>> = HashMap::new();
    for row in rows.iter().filter(|r| !r.present) {
        for repository in &row.repositories {
            removed_by_repository
                .entry(repository.as_str())
                .or_default()
                .push(row);
        }
    }
    // Per image: in how many repositories it is past the bound.
    let mut past: HashMap<&str, usize> = HashMap::new();
    for removed in removed_by_repository.values_mut() {
        if removed.len() <= bound {
            continue;
        }
        removed.sort_by(|a, b| build_order(b, a));
        for row in &removed[bound..] {
            *past.entry(row.id.as_str()).or_default() += 1;
        }
    }
    let mut forget: Vec<String> = rows
        .iter()
        .filter(|r| !r.present)
        .filter(|r| past.get(r.id.as_str()) == Some(&r.repositories.len()))
        .map(|r| r.id.clone())
        .collect();
    forget.sort();
    forget
}

fn seen_image(row: SeenRow) -> SeenImage {
    SeenImage {
        id: row.id,
        tags: row.tags,
        created: row.created,
        created_nanos: row.created_nanos,
        size: row.size,
        layers: row.layers,
        first_seen: row.first_seen,
        last_seen: row.last_seen,
        present: row.present,
    }
}

/// Tags without Docker's `<none>:<none>` placeholders (old engines list them for dangling images).
fn real_tags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter(|t| repository_of(t).is_some())
        .cloned()
        .collect()
}

fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn signed(size: u64) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

/// RFC 3339 as Unix seconds; `None` for the empty or zero time engines send when they do not know.
fn unix(text: &str) -> Option<i64> {
    let at = chrono::DateTime::parse_from_rfc3339(text).ok()?.timestamp();
    (at > 0).then_some(at)
}

fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, HistoryError> {
    store.lock().map_err(|_| HistoryError::Poisoned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(id: &str, tags: &[&str], created: i64, size: u64, layers: &[&str]) -> SeenImage {
        SeenImage {
            id: id.into(),
            tags: tags.iter().map(|t| (*t).into()).collect(),
            created,
            created_nanos: 0,
            size,
            layers: layers.iter().map(|l| (*l).into()).collect(),
            first_seen: 0,
            last_seen: 0,
            present: true,
        }
    }

    #[test]
    fn repositories_keep_registry_ports_and_drop_tags_and_digests() {
        assert_eq!(
            repository_of("localhost:5000/app:1"),
            Some("localhost:5000/app")
        );
        assert_eq!(
            repository_of("localhost:5000/app"),
            Some("localhost:5000/app")
        );
        assert_eq!(repository_of("myapp:latest"), Some("myapp"));
        assert_eq!(repository_of("myapp"), Some("myapp"));
        assert_eq!(repository_of("a/b@sha256:00"), Some("a/b"));
        assert_eq!(repository_of("<none>:<none>"), None);
        assert_eq!(repository_of(""), None);
        assert_eq!(repository_of(":x"), None);
    }

    #[test]
    fn builds_come_in_order_with_deltas_shared_layers_and_removed_ones_kept() {
        let store = Mutex::new(Store::in_memory().expect("store"));
        let one = seen("sha256:1", &["app:1"], 10, 100, &["a"]);
        let two = seen("sha256:2", &["app:2", "other:x"], 20, 150, &["a", "b"]);
        let three = seen("sha256:3", &["app:latest"], 30, 120, &["a", "c"]);
        record_seen(&store, &[one, two.clone(), three.clone()], 1000).expect("first");
        // app:1 removed; app:latest moves on, leaving 3 dangling.
        let dangling = seen("sha256:3", &[], 30, 120, &["a", "c"]);
        record_seen(&store, &[two, dangling], 2000).expect("second");

        let app = repository_history(&store, "app").expect("app");
        let ids: Vec<&str> = app.builds.iter().map(|b| b.image.id.as_str()).collect();
        assert_eq!(ids, ["sha256:1", "sha256:2", "sha256:3"]);
        let deltas: Vec<Option<i64>> = app.builds.iter().map(|b| b.size_delta).collect();
        assert_eq!(deltas, [None, Some(50), Some(-30)]);
        let shared: Vec<Option<usize>> = app.builds.iter().map(|b| b.shared_layers).collect();
        assert_eq!(shared, [None, Some(1), Some(1)]);
        assert!(!app.builds[0].image.present);
        assert_eq!(app.builds[0].image.tags, ["app:1"]);
        assert_eq!(app.builds[0].image.last_seen, 1000);
        assert!(app.builds[2].image.present);
        assert!(app.builds[2].image.tags.is_empty());

        let all = repositories(&store).expect("all");
        let names: Vec<&str> = all.iter().map(|r| r.repository.as_str()).collect();
        assert_eq!(names, ["app", "other"]);
        assert_eq!(all[1].builds.len(), 1);
        assert!(repository_history(&store, "none")
            .expect("none")
            .builds
            .is_empty());
    }

    #[test]
    fn builds_made_within_one_second_come_in_created_order_not_id_order() {
        let store = Mutex::new(Store::in_memory().expect("store"));
        let mut first = seen("sha256:b", &["app:1"], 10, 1, &["a"]);
        first.created_nanos = 100;
        let mut second = seen("sha256:a", &["app:2"], 10, 1, &["a"]);
        second.created_nanos = 900_000_000;
        // Kept with no sub-second part: the start of its second.
        let unknown = seen("sha256:c", &["app:0"], 10, 1, &["a"]);
        record_seen(&store, &[second, first, unknown], 1000).expect("one sample");
        let app = repository_history(&store, "app").expect("app");
        let ids: Vec<&str> = app.builds.iter().map(|b| b.image.id.as_str()).collect();
        assert_eq!(ids, ["sha256:c", "sha256:b", "sha256:a"]);
        assert_eq!(app.builds[2].image.created_nanos, 900_000_000);
    }

    #[test]
    fn removed_builds_are_bounded_per_repository_oldest_forgotten() {
        let store = Mutex::new(Store::in_memory().expect("store"));
        let extra = 5;
        let total = MAX_REMOVED_PER_REPOSITORY + extra;
        for n in 0..total {
            let id = format!("sha256:{n:04}");
            let image = seen(&id, &["app:x"], n as i64, 1, &["a"]);
            // Each build replaces the one before: it is seen once, then removed.
            record_seen(&store, &[image], 100 + n as i64).expect("record");
        }
        record_seen(&store, &[], 10_000).expect("all removed");
        let app = repository_history(&store, "app").expect("app");
        assert_eq!(app.builds.len(), MAX_REMOVED_PER_REPOSITORY);
        assert_eq!(app.builds[0].image.id, format!("sha256:{extra:04}"));
        assert!(app.builds.iter().all(|b| !b.image.present));
    }

    fn step(created_by: &str, size: i64, buildkit: bool) -> HistoryRow {
        HistoryRow {
            id: "<missing>".into(),
            created: String::new(),
            created_by: created_by.into(),
            size,
            comment: if buildkit {
                BUILDKIT_COMMENT.into()
            } else {
                String::new()
            },
            empty_layer: false,
            tags: vec![],
        }
    }

    fn record(id: &str, description: &str, size: u64, shared: bool) -> BuildRecord {
        BuildRecord {
            id: id.into(),
            description: description.into(),
            kind: "regular".into(),
            size,
            in_use: false,
            shared,
            created: None,
            last_used: None,
            usage_count: 1,
            image: None,
        }
    }

    #[test]
    fn records_are_paired_with_an_image_only_without_doubt() {
        let histories = vec![
            (
                "sha256:a".to_owned(),
                vec![
                    step("RUN /bin/sh -c make # buildkit", 100, true),
                    step("RUN /bin/sh -c both # buildkit", 7, true),
                ],
            ),
            (
                "sha256:b".to_owned(),
                vec![
                    step("RUN /bin/sh -c both # buildkit", 7, true),
                    step("/bin/sh -c classic", 5, false),
                ],
            ),
        ];
        let mut records = vec![
            record("made", "mount / from exec /bin/sh -c make", 100, true),
            record("other size", "mount / from exec /bin/sh -c make", 99, true),
            record(
                "not shared",
                "mount / from exec /bin/sh -c make",
                100,
                false,
            ),
            record("two images", "mount / from exec /bin/sh -c both", 7, true),
            record("classic", "mount / from exec /bin/sh -c classic", 5, true),
            record("context", "local source for context", 100, true),
        ];
        attribute_records(&mut records, &histories);
        let images: Vec<(&str, Option<&str>)> = records
            .iter()
            .map(|r| (r.id.as_str(), r.image.as_deref()))
            .collect();
        assert_eq!(
            images,
            [
                ("made", Some("sha256:a")),
                ("other size", None),
                ("not shared", None),
                ("two images", None),
                ("classic", None),
                ("context", None),
            ]
        );
    }

    #[test]
    fn records_sort_newest_use_first_and_read_times() {
        let raw = |id: &str, created: &str, used: Option<&str>| RawBuildCache {
            id: id.into(),
            created_at: created.into(),
            last_used_at: used.map(str::to_owned),
            size: -1,
            ..RawBuildCache::default()
        };
        let records = records_of(&[
            raw("old", "2026-01-01T00:00:00Z", None),
            raw(
                "used",
                "2025-01-01T00:00:00Z",
                Some("2026-06-01T00:00:00.5+00:00"),
            ),
            raw("bad", "", Some("0001-01-01T00:00:00Z")),
        ]);
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["used", "old", "bad"]);
        assert_eq!(records[0].last_used, Some(1_780_272_000));
        assert_eq!(records[2].created, None);
        assert_eq!(records[2].size, 0);
        assert!(records.iter().all(|r| r.image.is_none()));
    }
}
