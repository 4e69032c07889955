//! Arbitrary bytes, read as text the way the CLI reads a file (lossy UTF-8), through the parser
//! and every rule. The first byte picks the project facts and settings, so the paths that
//! depend on them (no .dockerignore, trusted registries) are fuzzed too. Any panic is a bug.
#![no_main]

use drydock_lint::{lint, Config, Project, Selection};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (flags, rest) = match data.split_first() {
        Some((flags, rest)) => (*flags, rest),
        None => (0, data),
    };
    let source = String::from_utf8_lossy(rest);
    let parsed = drydock_dockerfile::parse(&source);
    let _ = drydock_dockerfile::stages(&parsed);
    let mut config = Config::default();
    if flags & 1 != 0 {
        config.settings.trusted_registries =
            vec!["docker.io".into(), "registry.example.com:5000".into()];
    }
    let dockerignore = match flags >> 1 & 3 {
        0 => None,
        1 => Some(false),
        _ => Some(true),
    };
    let findings = lint(
        "Dockerfile",
        &source,
        &config,
        Project { dockerignore },
        &Selection::All,
    );
    for f in &findings {
        // Positions must be real: 1-based, and the end never before the start.
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        assert!((f.end_line, f.end_column) >= (f.line, f.column), "{f:?}");
    }
});
