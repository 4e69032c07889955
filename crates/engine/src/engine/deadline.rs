//! How long Drydock waits on each request.
//!
//! An ordinary request (inspect, history, info, a list, a tag) has the user's timeout to finish.
//! A long one has no total: its work grows with the host or the image. The engine walks every
//! container and volume for df, writes every layer to disk before the first byte of a save or
//! export, unpacks a whole archive before answering a load, deletes every file of an image or
//! volume before answering a removal. Those wait as long as the engine shows it is there: each
//! time the user's timeout passes without progress (a byte either way), the engine is pinged,
//! and an engine that does not answer the ping within the timeout is not answering. One that
//! answers pings but makes no progress for [`ConnectOptions::stuck_after`] is stuck on the
//! request.
//!
//! [`ConnectOptions::stuck_after`]: crate::ConnectOptions::stuck_after

use super::Engine;
use crate::error::EngineError;
use crate::raw::{self, Pulse, RawError};
use futures_util::future::{select, Either};
use std::future::Future;
use std::pin::pin;
use std::time::Instant;

impl Engine {
    /// One ordinary request: it has the user's timeout to finish, answer included.
    pub(crate) async fn within<T>(
        &self,
        what: &str,
        request: impl Future<Output = Result<T, EngineError>>,
    ) -> Result<T, EngineError> {
        let after = self.opts.answer_within;
        match tokio::time::timeout(after, request).await {
            Ok(result) => result,
            Err(_) => Err(EngineError::NoAnswer {
                endpoint: self.endpoint.to_string(),
                what: what.to_owned(),
                after,
            }),
        }
    }

    /// One long request, which beats `pulse` as it progresses: it runs as long as it progresses
    /// or the engine answers pings, up to `stuck_after` without progress.
    pub(crate) async fn patiently<T>(
        &self,
        what: &str,
        pulse: &Pulse,
        request: impl Future<Output = Result<T, EngineError>>,
    ) -> Result<T, EngineError> {
        let request = pin!(request);
        let watch = pin!(self.watch(what, pulse));
        match select(request, watch).await {
            Either::Left((result, _)) => result,
            Either::Right((gone, _)) => Err(gone),
        }
    }

    /// A long bollard call that reports no progress of its own (a removal): the engine's answers
    /// to pings are what keep it waiting.
    pub(crate) async fn patient_call<T>(
        &self,
        what: &str,
        call: impl Future<Output = Result<T, bollard::errors::Error>>,
    ) -> Result<T, EngineError> {
        let endpoint = self.endpoint.to_string();
        self.patiently(what, &Pulse::default(), async {
            call.await
                .map_err(|e| EngineError::from_bollard(e, &endpoint, what))
        })
        .await
    }

    /// Ends only with the reason a long request should stop.
    async fn watch(&self, what: &str, pulse: &Pulse) -> EngineError {
        let every = self.opts.answer_within;
        let mut seen = pulse.count();
        let mut quiet_since = Instant::now();
        loop {
            tokio::time::sleep(every).await;
            let now = pulse.count();
            if now != seen {
                seen = now;
                quiet_since = Instant::now();
                continue;
            }
            let quiet = quiet_since.elapsed();
            if quiet >= self.opts.stuck_after {
                return EngineError::Stuck {
                    endpoint: self.endpoint.to_string(),
                    what: what.to_owned(),
                    after: quiet,
                };
            }
            if let Err(gone) = self.ping(what).await {
                return gone;
            }
        }
    }

    /// Whether the engine answers at all: any HTTP answer to `/_ping` within the user's timeout.
    async fn ping(&self, what: &str) -> Result<(), EngineError> {
        let after = self.opts.answer_within;
        let answer = tokio::time::timeout(after, raw::get(&self.raw, "/_ping", 4096, None)).await;
        match answer {
            Err(_) => Err(EngineError::NoAnswer {
                endpoint: self.endpoint.to_string(),
                what: what.to_owned(),
                after,
            }),
            Ok(Ok(_))
            | Ok(Err(RawError::TooLarge { .. }))
            | Ok(Err(RawError::Engine(bollard::errors::Error::DockerResponseServerError {
                ..
            }))) => Ok(()),
            Ok(Err(RawError::Engine(err))) => Err(EngineError::from_bollard(
                err,
                &self.endpoint.to_string(),
                what,
            )),
        }
    }
}
