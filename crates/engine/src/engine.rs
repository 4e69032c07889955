//! A connected engine and the reads Drydock makes of it.

mod deadline;

use crate::connect::{connect, whole_seconds, ConnectOptions, ServerVersion};
use crate::discovery::{discover, Candidate, Endpoint, HostEnv, Selection, Source};
use crate::error::EngineError;
use crate::host::host_disk;
use crate::raw::{self, path_escape, Pulse, RawError};
use bollard::Docker;
use drydock_inventory::df::{df_report, images_needing_layers};
use drydock_inventory::layers::image_layers;
use drydock_inventory::{
    history_rows, image_rows, DfReport, DiskUsage, HistoryRow, ImageLayers, ImageRow, RawHistory,
};
use futures_util::{stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// Upper bound on one JSON answer; a df of a host with tens of thousands of objects fits easily.
const MAX_ANSWER_BYTES: usize = 512 * 1024 * 1024;
/// Layer lists fetched at once; the engine serves these reads concurrently.
const LAYER_FETCHES_IN_FLIGHT: usize = 8;
/// df answers in the per-kind shape from API 1.52 on; asking at 1.51 keeps the detailed lists.
const DF_API_CEILING: (u32, u32) = (1, 51);

pub struct Engine {
    /// Each answer must begin within the user's timeout.
    docker: Docker,
    /// For this crate's long requests, which [`Engine::patiently`] watches instead.
    patient: Docker,
    /// Raw GETs over the patient client; each read sets its own deadline.
    raw: Docker,
    opts: ConnectOptions,
    endpoint: Endpoint,
    source: Source,
    server: ServerVersion,
    df: DfGate,
}

/// Who the engine is, for the engine view and `drydock engines`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngineStatus {
    pub endpoint: String,
    pub source: String,
    pub name: String,
    pub version: String,
    pub api_version: String,
    pub os: String,
    pub data_root: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawInfo {
    name: String,
    docker_root_dir: String,
    operating_system: String,
    #[serde(rename = "OSType")]
    os_type: String,
    server_version: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawInspect {
    id: String,
    /// RFC 3339 with nanoseconds.
    created: String,
    #[serde(rename = "RootFS")]
    root_fs: RawRootFs,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawRootFs {
    layers: Option<Vec<String>>,
}

/// Pairs an image's diff ids with the sizes its history gives them.
fn pair_layers(
    name: &str,
    inspect: &RawInspect,
    history: &[RawHistory],
) -> Result<ImageLayers, EngineError> {
    let diff_ids = inspect.root_fs.layers.as_deref().unwrap_or_default();
    image_layers(&inspect.id, diff_ids, history).map_err(|e| EngineError::Data {
        what: format!("the history of image {name}"),
        detail: e.to_string(),
    })
}

/// An image's layers and the sub-second part of its created time, from one inspect and history
/// pair: the image list gives created times in whole seconds only, and two builds in one second
/// need the rest to stay in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRead {
    pub layers: ImageLayers,
    /// Nanoseconds past the second of the image's created time; 0 when the engine does not say.
    pub created_nanos: u32,
}

/// The nanoseconds past the second of an RFC 3339 time; 0 when it cannot be read.
fn subsec_nanos(rfc3339: &str) -> u32 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        // chrono counts a leap second as nanoseconds past 999_999_999.
        .map_or(0, |t| t.timestamp_subsec_nanos().min(999_999_999))
}

/// The df request in the detailed legacy shape, and in the engine's own version.
fn df_paths(api: (u32, u32)) -> (String, String) {
    let (major, minor) = api.min(DF_API_CEILING);
    let own = format!("/v{}.{}/system/df?verbose=1", api.0, api.1);
    (format!("/v{major}.{minor}/system/df"), own)
}

/// Lets concurrent callers share one df call: the engine's df is slow, and 20.10 refuses a second
/// df while one runs ("a disk usage operation is already running").
#[derive(Default)]
struct DfGate {
    completed: AtomicU64,
    last: Mutex<Option<(u64, Arc<DiskUsage>)>>,
}

impl Engine {
    /// Finds the engine the user means and connects to it.
    pub async fn open(
        selection: &Selection,
        env: &HostEnv,
        opts: &ConnectOptions,
    ) -> Result<Engine, EngineError> {
        let found = discover(selection, env)?;
        Engine::connect(found.require()?, opts).await
    }

    /// Connects to the engine at `host` (a `DOCKER_HOST`-style address: `unix:///…`, `tcp://…`,
    /// `npipe://…`) with the default options, as `docker -H host` would.
    pub async fn open_host(host: &str) -> Result<Engine, EngineError> {
        let selection = Selection {
            host: Some(host.to_owned()),
            context: None,
        };
        Engine::open(&selection, &HostEnv::default(), &ConnectOptions::default()).await
    }

    pub async fn connect(
        candidate: &Candidate,
        opts: &ConnectOptions,
    ) -> Result<Engine, EngineError> {
        let (patient, server) = connect(candidate, opts).await?;
        let docker = patient
            .clone()
            .with_timeout(Duration::from_secs(whole_seconds(opts.answer_within)));
        Ok(Engine {
            raw: raw::raw_client(&patient),
            docker,
            patient,
            opts: *opts,
            endpoint: candidate.endpoint.clone(),
            source: candidate.source.clone(),
            server,
            df: DfGate::default(),
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn server(&self) -> &ServerVersion {
        &self.server
    }

    /// The bollard client whose answers must begin within the user's timeout (`--timeout`), so
    /// a followed event stream starts or fails in time. Long work (removals, exports, loads)
    /// goes through the patient client instead, which waits as long as the engine shows it is
    /// working. Other crates go through this type's methods: the engine crate owns every read.
    pub(crate) fn docker(&self) -> &Docker {
        &self.docker
    }

    /// The client for long requests, with no deadline of its own: wrap each use in
    /// [`Engine::patiently`] or [`Engine::patient_call`].
    pub(crate) fn patient(&self) -> &Docker {
        &self.patient
    }

    /// Who the engine is: one `/info` request, made when something shows it.
    pub async fn status(&self) -> Result<EngineStatus, EngineError> {
        let info = self.info().await?;
        Ok(EngineStatus {
            endpoint: self.endpoint.to_string(),
            source: self.source.to_string(),
            name: info.name,
            version: info.server_version,
            api_version: self.server.api_version.clone(),
            os: if info.operating_system.is_empty() {
                info.os_type
            } else {
                info.operating_system
            },
            data_root: info.docker_root_dir,
        })
    }

    async fn info(&self) -> Result<RawInfo, EngineError> {
        self.read_json("/info", "the engine info request").await
    }

    /// One df answer, shared with any caller that asked while it was being fetched.
    pub async fn disk_usage(&self) -> Result<Arc<DiskUsage>, EngineError> {
        let asked_after = self.df.completed.load(Ordering::SeqCst);
        let mut last = self.df.last.lock().await;
        if let Some((generation, usage)) = last.as_ref() {
            if *generation > asked_after {
                return Ok(Arc::clone(usage));
            }
        }
        let bytes = self.fetch_df().await?;
        let usage = Arc::new(DiskUsage::from_json(&bytes).map_err(|e| EngineError::Data {
            what: "the disk usage request".into(),
            detail: e.to_string(),
        })?);
        let generation = self.df.completed.fetch_add(1, Ordering::SeqCst) + 1;
        *last = Some((generation, Arc::clone(&usage)));
        Ok(usage)
    }

    /// The last df answer if there is one, else a fresh one: for views that need the object lists
    /// but should not make the engine walk its disk again (image detail).
    pub async fn disk_usage_cached(&self) -> Result<Arc<DiskUsage>, EngineError> {
        if let Some((_, usage)) = self.df.last.lock().await.as_ref() {
            return Ok(Arc::clone(usage));
        }
        self.disk_usage().await
    }

    /// Asks in the detailed (pre-1.52) shape; an engine that no longer speaks 1.51 is asked in
    /// its own version, with `verbose` so the per-kind answer still lists every object. A long
    /// request: the engine walks every container and volume before the first byte, which on a
    /// big host takes minutes.
    async fn fetch_df(&self) -> Result<Vec<u8>, EngineError> {
        let (preferred, own) = df_paths(self.server.api);
        let what = "the disk usage request";
        match self.get_long(&preferred, what, MAX_ANSWER_BYTES).await {
            Err(EngineError::Api { status: 400, .. }) if preferred != own => {
                self.get_long(&own, what, MAX_ANSWER_BYTES).await
            }
            other => other,
        }
    }

    /// Top-level images with the engine's exact sizes, newest first.
    pub async fn images(&self) -> Result<Vec<ImageRow>, EngineError> {
        Ok(image_rows(&self.disk_usage().await?.images))
    }

    /// Disk use per kind with exact reclaimable bytes, and the host disk for a local engine.
    pub async fn df(&self) -> Result<DfReport, EngineError> {
        // info is independent of df: ask both at once.
        let (usage, info) = tokio::try_join!(self.disk_usage(), self.info())?;
        self.df_report_with(usage, info).await
    }

    /// The df report from a df answer the caller already holds (the app's overview shows images
    /// and disk use from one df call).
    pub async fn df_of(&self, usage: Arc<DiskUsage>) -> Result<DfReport, EngineError> {
        let info = self.info().await?;
        self.df_report_with(usage, info).await
    }

    async fn df_report_with(
        &self,
        usage: Arc<DiskUsage>,
        info: RawInfo,
    ) -> Result<DfReport, EngineError> {
        let (usage, layers) = self.with_layers(usage).await?;
        let host = host_disk(&info.docker_root_dir, &info.name);
        df_report(&usage, &layers, host).map_err(|e| EngineError::Data {
            what: "the image layer lists".into(),
            detail: e.to_string(),
        })
    }

    /// A df answer with the layer lists exact bytes need (those of images that share layers).
    /// Images removed since the df call are dropped from it: their bytes are already free.
    pub async fn with_layers(
        &self,
        usage: Arc<DiskUsage>,
    ) -> Result<(Arc<DiskUsage>, Vec<ImageLayers>), EngineError> {
        let (layers, gone) = self.image_layers(&images_needing_layers(&usage)).await?;
        if gone.is_empty() {
            return Ok((usage, layers));
        }
        let mut fresh = (*usage).clone();
        fresh.images.retain(|img| !gone.contains(&img.id));
        Ok((Arc::new(fresh), layers))
    }

    /// Layer lists (chain id and size per layer) of the given images; ids of images that no
    /// longer exist come back in the second list.
    pub async fn image_layers(
        &self,
        ids: &[String],
    ) -> Result<(Vec<ImageLayers>, Vec<String>), EngineError> {
        let (read, gone) = self.image_reads(ids).await?;
        Ok((read.into_iter().map(|r| r.layers).collect(), gone))
    }

    /// As [`Engine::image_layers`], each with the sub-second part of the image's created time.
    pub async fn image_reads(
        &self,
        ids: &[String],
    ) -> Result<(Vec<ImageRead>, Vec<String>), EngineError> {
        let results: Vec<(String, Option<ImageRead>)> = stream::iter(ids.iter().cloned())
            .map(|id| async move {
                match self.read_image(&id).await {
                    Ok(read) => Ok((id, Some(read))),
                    Err(EngineError::ObjectNotFound { .. }) => Ok((id, None)),
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(LAYER_FETCHES_IN_FLIGHT)
            .try_collect()
            .await?;
        let mut found = Vec::new();
        let mut gone = Vec::new();
        for (id, read) in results {
            match read {
                Some(r) => found.push(r),
                None => gone.push(id),
            }
        }
        Ok((found, gone))
    }

    async fn read_image(&self, id: &str) -> Result<ImageRead, EngineError> {
        let (inspect, history) = self.inspect_and_history(id).await?;
        Ok(ImageRead {
            layers: pair_layers(id, &inspect, &history)?,
            created_nanos: subsec_nanos(&inspect.created),
        })
    }

    /// An image's build steps, newest first.
    pub async fn history(&self, name: &str) -> Result<Vec<HistoryRow>, EngineError> {
        let (inspect, history) = self.inspect_and_history(name).await?;
        let layer_count = inspect.root_fs.layers.as_ref().map(Vec::len);
        Ok(history_rows(&history, layer_count))
    }

    /// An image's build steps (newest first) and its layers (lowest first, with chain ids and
    /// sizes), from the one inspect and history request pair both are read from.
    pub async fn history_and_layers(
        &self,
        name: &str,
    ) -> Result<(Vec<HistoryRow>, ImageLayers), EngineError> {
        let (inspect, history) = self.inspect_and_history(name).await?;
        let layer_count = inspect.root_fs.layers.as_ref().map(Vec::len);
        let layers = pair_layers(name, &inspect, &history)?;
        Ok((history_rows(&history, layer_count), layers))
    }

    async fn inspect_and_history(
        &self,
        name: &str,
    ) -> Result<(RawInspect, Vec<RawHistory>), EngineError> {
        let escaped = path_escape(name);
        let what = format!("image {name}");
        let inspect: RawInspect = self
            .read_json(&format!("/images/{escaped}/json"), &what)
            .await?;
        // By id from here on: the name may be re-tagged between the two requests.
        let history: Vec<RawHistory> = self
            .read_json(
                &format!("/images/{}/history", path_escape(&inspect.id)),
                &what,
            )
            .await?;
        Ok((inspect, history))
    }

    /// GETs `path` (e.g. `/containers/json?all=1`) in the engine's API version and reads its JSON
    /// as `T`: the engine's own words, in whatever shape it speaks. `what` names the request in
    /// errors. The engine has the user's timeout to answer.
    pub(crate) async fn read_json<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        what: &str,
    ) -> Result<T, EngineError> {
        let (major, minor) = self.server.api;
        let bytes = self
            .get_raw(&format!("/v{major}.{minor}{path}"), what, MAX_ANSWER_BYTES)
            .await?;
        serde_json::from_slice(&bytes).map_err(|e| EngineError::Data {
            what: what.to_owned(),
            detail: e.to_string(),
        })
    }

    /// GETs `path_and_query` as is, refusing answers over `limit` bytes: an ordinary request,
    /// with the user's timeout to finish.
    pub(crate) async fn get_raw(
        &self,
        path_and_query: &str,
        what: &str,
        limit: usize,
    ) -> Result<Vec<u8>, EngineError> {
        self.within(what, self.fetch(path_and_query, what, limit, None))
            .await
    }

    /// [`Engine::get_raw`] for a long request: it waits while the body flows or the engine
    /// answers pings.
    pub(crate) async fn get_long(
        &self,
        path_and_query: &str,
        what: &str,
        limit: usize,
    ) -> Result<Vec<u8>, EngineError> {
        let pulse = Pulse::default();
        self.patiently(
            what,
            &pulse,
            self.fetch(path_and_query, what, limit, Some(&pulse)),
        )
        .await
    }

    async fn fetch(
        &self,
        path_and_query: &str,
        what: &str,
        limit: usize,
        pulse: Option<&Pulse>,
    ) -> Result<Vec<u8>, EngineError> {
        raw::get(&self.raw, path_and_query, limit, pulse)
            .await
            .map_err(|e| match e {
                RawError::Engine(err) => {
                    EngineError::from_bollard(err, &self.endpoint.to_string(), what)
                }
                RawError::TooLarge { limit } => EngineError::Data {
                    what: what.to_owned(),
                    detail: format!("the answer is larger than {limit} bytes"),
                },
            })
    }
}

#[cfg(test)]
mod tests {
    use super::{df_paths, subsec_nanos};

    #[test]
    fn df_is_asked_in_the_detailed_shape_where_the_engine_allows() {
        assert_eq!(df_paths((1, 41)).0, "/v1.41/system/df");
        assert_eq!(df_paths((1, 53)).0, "/v1.51/system/df");
        assert_eq!(df_paths((1, 53)).1, "/v1.53/system/df?verbose=1");
    }

    #[test]
    fn the_sub_second_part_of_a_created_time_is_read_to_the_nanosecond() {
        assert_eq!(subsec_nanos("2026-12-04T11:18:25.123456789Z"), 123_456_789);
        assert_eq!(subsec_nanos("2026-12-04T12:18:25.5+01:00"), 500_000_000);
        assert_eq!(subsec_nanos("2026-12-04T11:18:25Z"), 0);
        assert_eq!(subsec_nanos(""), 0);
    }
}
