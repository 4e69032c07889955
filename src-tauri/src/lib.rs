//! The desktop shell: Tauri commands that take state, call one domain function, map the error.
//! The views and the data they show live in the domain crates and in `ui/`.

mod commands;
mod state;

pub use commands::IpcError;

/// The plain functions behind the commands, for the shell's tests.
pub mod commands_for_tests {
    pub use crate::commands::engine_status_for;
}
pub use state::AppState;

/// Starts the app. The engine is chosen exactly as the CLI chooses it (DOCKER_HOST, contexts,
/// the usual sockets), so `DOCKER_HOST=... drydock-app` shows that engine.
pub fn run() {
    let state = AppState::from_process();
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::engine_status])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("error: Drydock could not start its window: {err}");
        std::process::exit(2);
    }
}
