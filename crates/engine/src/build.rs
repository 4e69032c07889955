//! Building an image: the build context's tar streamed to `POST /build`, the builder's progress
//! streamed back.
//!
//! bollard's `build_image` cannot do this without its `buildkit` feature (tonic and rustls, minutes
//! of compile): without it the answer is read into a type whose `aux` is only an image id, so
//! BuildKit's trace messages (`aux` is a base64 string) fail to parse. A BuildKit build needs no
//! session when the context comes as the request's body, so the request goes out raw, over
//! bollard's transport: a one-off client clone rewrites one marked request into the POST, with the
//! context as its streamed body, and the answer is read as bytes (see `raw.rs` for the same trick
//! for GETs).
//!
//! Dropping the returned future closes the connection, and the engine then cancels the build.

mod proto;
mod stream;

use crate::engine::Engine;
use crate::error::EngineError;
use crate::raw::{query_escape, Pulse};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};
use stream::{Decoder, Outcome};

const MARK: &str = "drydock-build-request";

/// Which of the engine's builders builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum BuilderKind {
    /// `version=2`: the default builder of current engines.
    #[default]
    BuildKit,
    /// `version=1`: the legacy builder, for engines without BuildKit.
    Classic,
}

/// What to build from the context, as `docker build`'s flags say it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// The Dockerfile's path inside the context's tar.
    pub dockerfile: String,
    pub tags: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
    /// `--network` for `RUN` steps (`none` on an engine without a bridge); `None` is the
    /// engine's default, which a `RUN apt-get` normally needs.
    pub network: Option<String>,
    pub builder: BuilderKind,
}

/// Where a build step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Started,
    /// Taken from the build cache: nothing ran.
    Cached,
    Done,
    Failed,
}

/// One piece of a build's progress, as the builder reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BuildProgress {
    /// A step changed state. `index` of `of` when the builder numbers it (`[2/3] RUN …`); the
    /// builder's own steps (`[internal] load .dockerignore`) have none.
    Step {
        index: Option<usize>,
        of: Option<usize>,
        name: String,
        state: StepState,
        /// The builder's message when the step failed.
        error: Option<String>,
    },
    /// A line a step printed.
    Log { text: String },
}

impl Engine {
    /// Builds `context` (a tar of the build context, streamed as it is produced) and returns
    /// the built image's id, reporting progress as the builder sends it.
    pub async fn build<S>(
        &self,
        context: S,
        options: &BuildOptions,
        progress: &mut (dyn FnMut(BuildProgress) + Send),
    ) -> Result<String, EngineError>
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        let what = "the image build";
        let (major, minor) = self.server().api;
        let target = format!("/v{major}.{minor}/build?{}", query(options));
        // Uploading a large context is progress too: the engine answers only once it has it.
        let pulse = Pulse::default();
        let upload = pulse.clone();
        let body = context.inspect(move |_| upload.beat());
        let client = build_client(self, target, body);
        let endpoint = self.endpoint().to_string();
        let mut decoder = Decoder::default();
        self.patiently(what, &pulse, async {
            let mut answer = client.export_image(MARK);
            while let Some(chunk) = answer.next().await {
                let chunk = chunk.map_err(|e| build_error(e, &endpoint, what))?;
                pulse.beat();
                decoder.feed(&chunk, progress);
                if decoder.outcome.is_some() {
                    return Ok(());
                }
            }
            decoder.finish(progress);
            Ok(())
        })
        .await?;
        match (decoder.outcome, decoder.image) {
            (Some(Outcome::Failed { step, message }), _) => {
                Err(EngineError::BuildFailed { step, message })
            }
            (Some(Outcome::LineTooLong), _) => Err(EngineError::Data {
                what: what.into(),
                detail: format!(
                    "a line of the answer is longer than {} bytes",
                    stream::MAX_LINE_BYTES
                ),
            }),
            (None, Some(id)) => Ok(id),
            (None, None) => Err(EngineError::Data {
                what: what.into(),
                detail: "the build ended without naming the image it built".into(),
            }),
        }
    }
}

/// A client clone whose one marked request becomes `POST target` with `body`.
fn build_client<S>(engine: &Engine, target: String, body: S) -> bollard::Docker
where
    S: Stream<Item = io::Result<Bytes>> + Send + 'static,
{
    let body = Arc::new(Mutex::new(Some(bollard::body_try_stream(body))));
    engine
        .patient()
        .clone()
        .with_request_modifier(move |mut req: bollard::BollardRequest| {
            if !req.uri().path().contains(MARK) {
                return req;
            }
            let mut parts = req.uri().clone().into_parts();
            if let Ok(path_and_query) = target.parse() {
                parts.path_and_query = Some(path_and_query);
                if let Ok(uri) = http::Uri::from_parts(parts) {
                    *req.uri_mut() = uri;
                }
            }
            *req.method_mut() = http::Method::POST;
            req.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/x-tar"),
            );
            if let Some(body) = body.lock().ok().and_then(|mut slot| slot.take()) {
                *req.body_mut() = body;
            }
            req
        })
}

/// An error answer to the build request: the builder refusing what it was given (a Dockerfile
/// it cannot parse, a missing file, a failing step) is the user's to fix, not the engine failing.
fn build_error(err: bollard::errors::Error, endpoint: &str, what: &str) -> EngineError {
    use bollard::errors::Error as B;
    match err {
        B::DockerResponseServerError {
            status_code: 400 | 500,
            message,
        } => EngineError::BuildFailed {
            step: None,
            message: message.trim().to_owned(),
        },
        other => EngineError::from_bollard(other, endpoint, what),
    }
}

fn query(options: &BuildOptions) -> String {
    let mut pairs: Vec<(&str, String)> = vec![
        ("dockerfile", options.dockerfile.clone()),
        (
            "version",
            match options.builder {
                BuilderKind::BuildKit => "2",
                BuilderKind::Classic => "1",
            }
            .into(),
        ),
        // The classic builder's intermediate containers go, even when a step fails.
        ("rm", "1".into()),
        ("forcerm", "1".into()),
    ];
    pairs.extend(options.tags.iter().map(|t| ("t", t.clone())));
    if !options.labels.is_empty() {
        pairs.push(("labels", json_object(&options.labels)));
    }
    if !options.build_args.is_empty() {
        pairs.push(("buildargs", json_object(&options.build_args)));
    }
    if let Some(target) = &options.target {
        pairs.push(("target", target.clone()));
    }
    if let Some(network) = &options.network {
        pairs.push(("networkmode", network.clone()));
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn json_object(map: &BTreeMap<String, String>) -> String {
    serde_json::to_string(map).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_says_what_docker_build_would() {
        let options = BuildOptions {
            dockerfile: "sub dir/Dockerfile".into(),
            tags: vec!["drydock-trial/app:1".into(), "x:2".into()],
            labels: BTreeMap::from([("io.drydock.trial".into(), "a&b".into())]),
            target: Some("final".into()),
            build_args: BTreeMap::from([("V".into(), "1=2".into())]),
            network: Some("none".into()),
            builder: BuilderKind::Classic,
        };
        assert_eq!(
            query(&options),
            "dockerfile=sub%20dir%2FDockerfile&version=1&rm=1&forcerm=1\
             &t=drydock-trial%2Fapp%3A1&t=x%3A2\
             &labels=%7B%22io.drydock.trial%22%3A%22a%26b%22%7D\
             &buildargs=%7B%22V%22%3A%221%3D2%22%7D&target=final&networkmode=none"
        );
    }
}
