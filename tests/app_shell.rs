//! The desktop shell's commands against a throwaway engine (no window needed).

use drydock_app::{commands_for_tests as commands, AppState};
use drydock_engine::{HostEnv, Selection};
use drydock_testkit::Dockerd;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn engine_status_names_the_engine_and_errors_carry_a_code() {
    let engine = Dockerd::start();
    let state = AppState::new(
        Selection {
            host: Some(engine.host()),
            context: None,
        },
        HostEnv::default(),
    );
    let status = runtime()
        .block_on(commands::engine_status_for(&state))
        .expect("status");
    assert_eq!(status.api_version, "1.41");
    assert_eq!(status.endpoint, engine.host());

    let nowhere = AppState::new(
        Selection {
            host: Some("unix:///nonexistent/d.sock".into()),
            context: None,
        },
        HostEnv::default(),
    );
    let err = runtime()
        .block_on(commands::engine_status_for(&nowhere))
        .expect_err("no engine");
    assert_eq!(err.code, "engine_unavailable");
    assert!(
        err.message.contains("/nonexistent/d.sock") && err.message.contains("fix:"),
        "{}",
        err.message
    );
}
