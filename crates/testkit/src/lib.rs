//! The test harness: a throwaway Docker engine that the tests own, and fixture images made
//! without a registry.
//!
//! [`Dockerd::start`] runs a private `dockerd` (own data root, exec root, pidfile and unix socket
//! in a temporary directory, no bridge, no iptables) and stops and removes it when dropped. A
//! watchdog stops it too if the test process dies, so no engine outlives its test. Tests reach it
//! only through [`Dockerd::host`]; nothing here reads `DOCKER_HOST`, so a user's engine is never
//! touched.

pub mod desktop;
mod dockerd;
pub mod fixtures;
pub mod proxy;

pub use dockerd::Dockerd;

/// The runtime real-engine tests drive async code with.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Path of the `drydock` binary built for this test run, for CLI tests outside the CLI crate.
pub fn target_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> → target/<profile>
    exe.parent()
        .and_then(|p| p.parent())
        .map(std::path::Path::to_path_buf)
        .expect("target dir")
}
