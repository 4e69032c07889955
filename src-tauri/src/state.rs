use drydock_engine::{ConnectOptions, Engine, EngineError, HostEnv, Selection};
use std::sync::Arc;
use tokio::sync::Mutex;

/// The app's one engine connection, made on first use and made again after a failure (the user
/// may start Docker while the app waits).
pub struct AppState {
    selection: Selection,
    env: HostEnv,
    opts: ConnectOptions,
    engine: Mutex<Option<Arc<Engine>>>,
}

impl AppState {
    pub fn from_process() -> AppState {
        AppState::new(Selection::default(), HostEnv::from_process())
    }

    pub fn new(selection: Selection, env: HostEnv) -> AppState {
        AppState {
            selection,
            env,
            opts: ConnectOptions::default(),
            engine: Mutex::new(None),
        }
    }

    pub async fn engine(&self) -> Result<Arc<Engine>, EngineError> {
        let mut slot = self.engine.lock().await;
        if let Some(engine) = slot.as_ref() {
            return Ok(Arc::clone(engine));
        }
        let engine = Arc::new(Engine::open(&self.selection, &self.env, &self.opts).await?);
        *slot = Some(Arc::clone(&engine));
        Ok(engine)
    }

    /// Forgets the connection after an engine-unavailable error so the next call reconnects.
    pub async fn forget_engine(&self) {
        *self.engine.lock().await = None;
    }
}
