//! Arbitrary bytes as a `.hadolint.yaml`: reading a config may fail, never panic, and whatever
//! loads must lint.
#![no_main]

use std::path::Path;

use drydock_lint::{config_findings, lint, Config, Project, Selection};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut config = Config::default();
    if config.apply(Path::new(".hadolint.yaml"), &text).is_ok() {
        let _ = config_findings(&config);
        let _ = lint(
            "Dockerfile",
            "FROM python:latest\n# hadolint ignore=DL3008\nRUN apt-get install x\n",
            &config,
            Project::default(),
            &Selection::All,
        );
    }
});
