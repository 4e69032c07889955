use drydock_engine::{ConnectOptions, Engine, EngineError, HostEnv, Selection};
use std::sync::Arc;
use tokio::sync::{Mutex, Notify};

/// The app's one engine connection, made on first use and made again after a failure (the user
/// may start Docker while the app waits) or when the user picks another engine.
pub struct AppState {
    env: HostEnv,
    opts: ConnectOptions,
    selection: Mutex<Selection>,
    engine: Mutex<Option<Arc<Engine>>>,
    /// Wakes the event watcher when the engine changes.
    pub switched: Notify,
}

impl AppState {
    pub fn from_process() -> AppState {
        AppState::new(Selection::default(), HostEnv::from_process())
    }

    pub fn new(selection: Selection, env: HostEnv) -> AppState {
        AppState {
            env,
            opts: ConnectOptions::default(),
            selection: Mutex::new(selection),
            engine: Mutex::new(None),
            switched: Notify::new(),
        }
    }

    pub fn env(&self) -> &HostEnv {
        &self.env
    }

    pub async fn selection(&self) -> Selection {
        self.selection.lock().await.clone()
    }

    pub async fn engine(&self) -> Result<Arc<Engine>, EngineError> {
        let mut slot = self.engine.lock().await;
        if let Some(engine) = slot.as_ref() {
            return Ok(Arc::clone(engine));
        }
        let selection = self.selection().await;
        let engine = Arc::new(Engine::open(&selection, &self.env, &self.opts).await?);
        *slot = Some(Arc::clone(&engine));
        Ok(engine)
    }

    /// Forgets the connection after an engine-unavailable error so the next call reconnects.
    pub async fn forget_engine(&self) {
        *self.engine.lock().await = None;
    }

    /// Uses another engine from now on (`None`: the one discovery picks).
    pub async fn switch(&self, host: Option<String>) {
        *self.selection.lock().await = Selection {
            host,
            context: None,
        };
        self.forget_engine().await;
        self.switched.notify_waiters();
    }
}
