//! The contract between the shell and the UI: the TypeScript types are the Rust types', the error
//! codes serialise as the UI reads them, and the four lists of commands agree.

use drydock_app::contract::{typescript, TYPES_FILE};
use drydock_app::IpcError;
use drydock_engine::ErrorCode;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_ui_types_are_generated_from_the_rust_types() {
    let want = typescript();
    let path = root().join(TYPES_FILE);
    if std::env::var_os("DRYDOCK_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write the types");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{TYPES_FILE} is stale: a type that crosses IPC changed.\n  fix: DRYDOCK_BLESS=1 cargo test -p drydock-app --test ipc_contract, then check the UI with `npm run check` in ui/"
    );
}

#[test]
fn the_generated_types_have_no_bigint() {
    // serde_json sends 64-bit integers as JSON numbers; a `bigint` type would lie to the UI.
    assert!(!typescript().contains("bigint"), "{}", typescript());
}

#[test]
fn error_codes_serialise_as_the_ui_reads_them() {
    let codes = [
        (ErrorCode::EngineUnavailable, "engine_unavailable"),
        (ErrorCode::NotFound, "not_found"),
        (ErrorCode::InUse, "in_use"),
        (ErrorCode::InvalidInput, "invalid_input"),
        (ErrorCode::Internal, "internal"),
    ];
    for (code, text) in codes {
        let err = IpcError::new(code, "what happened\n  fix: what to do");
        assert_eq!(
            serde_json::to_value(&err).expect("json"),
            serde_json::json!({"code": text, "message": "what happened\n  fix: what to do"})
        );
    }
}

/// The names in the first `[ ... ]` list after `marker` that opens at a line's end, as `pick`
/// finds them line by line.
fn listed(text: &str, marker: &str, pick: impl Fn(&str) -> Option<String>) -> BTreeSet<String> {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not found"));
    let body = &text[start..];
    let open = body.find("[\n").expect("a list");
    let close = body[open..].find(']').expect("]") + open;
    body[open + 1..close]
        .lines()
        .filter_map(|l| pick(l.trim()))
        .collect()
}

fn quoted(line: &str) -> Option<String> {
    let rest = line.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

#[test]
fn the_four_lists_of_commands_agree() {
    // The build script's list: the commands the app's permissions are generated for.
    let build = listed(&read("src-tauri/build.rs"), "const COMMANDS", quoted);
    // The handler: what the shell answers.
    let handler = listed(&read("src-tauri/src/lib.rs"), "generate_handler!", |l| {
        let name = l.trim_end_matches(',').rsplit("::").next()?;
        (!name.is_empty()).then(|| name.to_owned())
    });
    // The capability: what the window may call.
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).expect("json");
    let capability: BTreeSet<String> = conf["app"]["security"]["capabilities"][0]["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    // The UI: every command ipc.ts invokes.
    let ipc = read("ui/src/lib/ipc.ts");
    let ui: BTreeSet<String> = ipc
        .split("invoke<")
        .skip(1)
        .filter_map(|call| {
            let name = call.split_once("('")?.1;
            Some(name[..name.find('\'')?].to_owned())
        })
        .collect();
    assert!(build.contains("prune_run"), "{build:?}");
    assert_eq!(handler, build, "generate_handler! and build.rs");
    assert_eq!(
        capability, build,
        "tauri.conf.json's capability and build.rs"
    );
    assert_eq!(ui, build, "ui/src/lib/ipc.ts and build.rs");
}
