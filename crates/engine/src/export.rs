//! Layer analysis of an engine's image: its export streamed into the pure analyser.
//!
//! An export is as large as the image, so it is never held whole: the engine's chunks cross a
//! small bounded channel to the analyser on a blocking thread. The connection is read only as fast
//! as the analyser consumes it, and memory holds a few chunks, whatever the image's size.

use crate::engine::Engine;
use crate::error::EngineError;
use crate::raw::Pulse;
use bytes::{Buf, Bytes};
use drydock_layers::{
    analyse, analyse_with_tree, collect_files, inspect_image, Analysis, CollectLimits, Collected,
    InspectOptions, Inspection, Keep, LayerReport, LayersError, Options, Step,
};
use futures_util::{Stream, StreamExt};
use std::io::{self, Read};
use tokio::sync::mpsc;

/// Chunks between the connection and the analyser (the engine sends about 32 KiB at a time).
const CHUNKS_IN_FLIGHT: usize = 16;
/// Progress is reported at least every this many bytes of the export.
const PROGRESS_STEP: u64 = 1 << 20;

/// How far the export of an image has streamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportProgress {
    /// Bytes of the export read so far.
    pub read: u64,
    /// The image's size as its history gives it: the export is about as large (a little more,
    /// for tar headers and metadata).
    pub total: u64,
}

impl Engine {
    /// What each layer of image `name` stores and what later layers hide (`GET
    /// /images/{id}/get`, streamed), with each layer's build step from the image's history.
    pub async fn layer_report(&self, name: &str) -> Result<LayerReport, EngineError> {
        self.exported(name, |_| {}, analyse).await
    }

    /// [`Engine::layer_report`], reporting progress as the export streams.
    pub async fn layer_report_with(
        &self,
        name: &str,
        progress: impl FnMut(ExportProgress),
    ) -> Result<LayerReport, EngineError> {
        self.exported(name, progress, analyse).await
    }

    /// [`Engine::layer_report`] with the merged file tree, reporting progress as the export
    /// streams.
    pub async fn layer_analysis(
        &self,
        name: &str,
        progress: impl FnMut(ExportProgress),
    ) -> Result<Analysis, EngineError> {
        self.exported(name, progress, analyse_with_tree).await
    }

    /// The files of image `name`'s final filesystem that `keep` wants, each with the layer that
    /// wrote it, from one streamed export, reporting progress as it streams.
    pub async fn collect_files(
        &self,
        name: &str,
        keep: fn(&str) -> Keep,
        limits: &CollectLimits,
        progress: impl FnMut(ExportProgress),
    ) -> Result<Collected, EngineError> {
        let limits = limits.clone();
        self.exported(name, progress, move |export, _| {
            collect_files(export, &keep, &limits)
        })
        .await
    }

    /// Everything the tips read of image `name` in one streamed export: the layer analysis with
    /// its file tree, the files `keep` wants, digests of the files of at least `hash_min` bytes
    /// and the config's user, env and steps (see [`drydock_layers::inspect_image`]), reporting
    /// progress as it streams.
    pub async fn inspect_image(
        &self,
        name: &str,
        keep: fn(&str) -> Keep,
        limits: &CollectLimits,
        hash_min: u64,
        progress: impl FnMut(ExportProgress),
    ) -> Result<Inspection, EngineError> {
        let limits = limits.clone();
        self.exported(name, progress, move |export, options| {
            let options = InspectOptions {
                select: None,
                history: options.history.clone(),
                limits,
                hash_min,
            };
            inspect_image(export, &options, &keep)
        })
        .await
    }

    async fn exported<T: Named + Send + 'static>(
        &self,
        name: &str,
        progress: impl FnMut(ExportProgress),
        analyser: impl FnOnce(ChannelReader, &Options) -> Result<T, LayersError> + Send + 'static,
    ) -> Result<T, EngineError> {
        let history = self.history(name).await?;
        let total = history.iter().map(|row| row.size.max(0) as u64).sum();
        let steps: Vec<Step> = history
            .iter()
            .rev()
            .map(|row| Step {
                created_by: row.created_by.clone(),
                empty_layer: row.empty_layer,
            })
            .collect();
        // By id when the history gives it: the name may be re-tagged while the export streams.
        let target = history
            .first()
            .map(|row| row.id.as_str())
            .filter(|id| id.starts_with("sha256:"))
            .unwrap_or(name)
            .to_owned();
        let what = format!("the export of image {name}");

        let options = Options {
            history: Some(steps),
            ..Options::default()
        };
        let analysed = self
            .read_export(
                &what,
                self.patient().export_image(&target),
                total,
                progress,
                move |export| analyser(export, &options),
            )
            .await?;
        let mut result = analysed.map_err(|e| EngineError::Data {
            what,
            detail: e.to_string(),
        })?;
        result.set_image(name);
        Ok(result)
    }

    /// Streams `stream` (an export `what` names, `total` bytes if known, else 0) into `reader`
    /// on a blocking thread through a small bounded channel, reporting progress each MiB and
    /// each percent. The reader may stop early; a connection lost midway is the error, not what
    /// the reader made of the cut stream.
    pub(crate) async fn read_export<T: Send + 'static>(
        &self,
        what: &str,
        stream: impl Stream<Item = Result<Bytes, bollard::errors::Error>>,
        total: u64,
        mut progress: impl FnMut(ExportProgress),
        reader: impl FnOnce(ChannelReader) -> T + Send + 'static,
    ) -> Result<T, EngineError> {
        let (chunks, received) = mpsc::channel::<Bytes>(CHUNKS_IN_FLIGHT);
        let consumer = tokio::task::spawn_blocking(move || {
            reader(ChannelReader {
                chunks: received,
                current: Bytes::new(),
            })
        });
        // A long request: the engine writes every layer out before the first byte, and the
        // reader sets the pace after that. Both count as progress.
        let pulse = Pulse::default();
        let streamed = self
            .patiently(what, &pulse, async {
                let mut stream = std::pin::pin!(stream);
                let mut read = 0u64;
                progress(ExportProgress { read, total });
                while let Some(chunk) = stream.next().await {
                    pulse.beat();
                    let bytes = chunk.map_err(|err| {
                        EngineError::from_bollard(err, &self.endpoint().to_string(), what)
                    })?;
                    let before = read;
                    read += bytes.len() as u64;
                    if chunks.send(bytes).await.is_err() {
                        break; // the reader has what it needs, or has failed
                    }
                    pulse.beat();
                    // Each percent, and each MiB when the size is unknown or small.
                    if read / PROGRESS_STEP != before / PROGRESS_STEP
                        || (total > 0 && read * 100 / total != before * 100 / total)
                    {
                        progress(ExportProgress { read, total });
                    }
                }
                Ok(read)
            })
            .await;
        drop(chunks);
        let consumed = consumer.await.map_err(|e| EngineError::Data {
            what: what.to_owned(),
            detail: format!("reading it stopped: {e}"),
        })?;
        // A broken connection also shows as a truncated archive: the connection is the cause.
        let read = streamed?;
        progress(ExportProgress { read, total });
        Ok(consumed)
    }
}

/// The result's image name is the caller's, not the archive's.
trait Named {
    fn set_image(&mut self, name: &str);
}

impl Named for LayerReport {
    fn set_image(&mut self, name: &str) {
        self.image = name.to_owned();
    }
}

impl Named for Collected {
    fn set_image(&mut self, _: &str) {}
}

impl Named for Inspection {
    fn set_image(&mut self, name: &str) {
        self.analysis.report.image = name.to_owned();
    }
}

impl Named for Analysis {
    fn set_image(&mut self, name: &str) {
        self.report.image = name.to_owned();
    }
}

/// The export as a blocking reader: chunks in the order the engine sent them, then the end.
pub(crate) struct ChannelReader {
    chunks: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while !self.current.has_remaining() {
            match self.chunks.blocking_recv() {
                Some(next) => self.current = next,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.remaining());
        self.current.copy_to_slice(&mut buf[..n]);
        Ok(n)
    }
}
