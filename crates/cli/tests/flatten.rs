//! `drydock flatten` as scripts and people use it: the plan, a refusal without a confirmation,
//! and `--yes` with the JSON result.

mod common;

use common::{json_of, on_engine as cli};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;

const IMAGE: &str = "drydock-cli-flatten/app:1";

fn dockerfile() -> String {
    format!(
        "FROM {BASE}\n\
         RUN head -c 2000000 /dev/zero > /big\n\
         RUN rm /big && echo kept > /kept\n\
         ENV GREETING=hi\n\
         CMD [\"sh\", \"-c\", \"echo $GREETING $(cat /kept)\"]\n"
    )
}

#[test]
fn flatten_refuses_without_a_terminal_or_yes_then_flattens_with_yes() {
    let engine = Dockerd::start();
    engine.base();
    let id = engine.build(IMAGE, &dockerfile(), Builder::Classic);
    let data = tempfile::tempdir().expect("data");

    // No terminal to ask on (stdin is not one here) and no --yes: nothing happens.
    let out = cli(&engine, data.path(), &["flatten", IMAGE]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing") && err.contains("--yes"), "{err}");
    assert!(!engine
        .try_docker(&["image", "inspect", "drydock-cli-flatten/app:1-flat"])
        .status
        .success());

    // The plan alone.
    let out = cli(
        &engine,
        data.path(),
        &["flatten", IMAGE, "--dry-run", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let planned = json_of(&out);
    assert_eq!(planned["id"], id.as_str());
    assert_eq!(planned["new_tag"], "drydock-cli-flatten/app:1-flat");
    assert_eq!(planned["predicted_saving"], 2_000_000);
    assert!(planned["refusal"].is_null());
    let out = cli(&engine, data.path(), &["flatten", IMAGE, "--dry-run"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("saves") && text.contains("rm /big"), "{text}");

    let out = cli(
        &engine,
        data.path(),
        &["flatten", IMAGE, "--yes", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = json_of(&out);
    assert_eq!(done["new_tag"], "drydock-cli-flatten/app:1-flat");
    assert_eq!(done["same_tree"], true);
    assert_eq!(done["measured_bytes"], done["plan"]["predicted_bytes"]);
    assert_eq!(done["original_digest"], done["flattened_digest"]);
    let new_id = done["new_id"].as_str().expect("new id");
    let layers = engine.docker(&[
        "image",
        "inspect",
        "--format",
        "{{len .RootFS.Layers}}",
        new_id,
    ]);
    assert_eq!(layers, "1");
    let run = |image: &str| engine.docker(&["run", "--network", "none", "--rm", image]);
    assert_eq!(run(IMAGE), "hi kept");
    assert_eq!(run(new_id), "hi kept");

    // Again: the tag exists now, so the plan refuses, with the reason and the fix.
    let out = cli(&engine, data.path(), &["flatten", IMAGE, "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already names image") && err.contains("fix:") && err.contains("--tag"),
        "{err}"
    );
    // With another tag it goes, as a text sentence.
    let out = cli(
        &engine,
        data.path(),
        &["flatten", IMAGE, "--yes", "--tag", "other/flat:2"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Flattened drydock-cli-flatten/app:1 as other/flat:2 (sha256:")
            && text.contains("same filesystem: yes"),
        "{text}"
    );
}
