use super::*;
use crate::project::{review_project, Request};

const SOURCE: &str = "FROM debian:12.5\nRUN apt-get update && apt-get install -y curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\nCMD /app/run\n";

async fn reviewed(dir: &Path) -> Reviewed {
    let request = Request::for_path(dir, None);
    review_project(Err("no engine in this test".into()), &request, &mut |_| {})
        .await
        .expect("reviewed")
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Dockerfile"), SOURCE).expect("Dockerfile");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").expect("HEAD");
    dir
}

fn fixable(r: &Reviewed) -> Vec<String> {
    r.walkthrough
        .iter()
        .filter(|s| s.diff.is_some())
        .map(|s| s.id.clone())
        .collect()
}

#[tokio::test]
async fn applying_writes_the_fixes_with_a_backup_and_undo_puts_everything_back() {
    let dir = project();
    let r = reviewed(dir.path()).await;
    assert!(
        r.notes.iter().any(|n| n.contains("no engine")),
        "{:?}",
        r.notes
    );
    let ids = fixable(&r);
    assert!(ids.iter().any(|i| i == CONTEXT_STEP), "{ids:?}");
    let applied = apply_steps(&r, &ids).expect("applied");
    let text = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    assert!(text.contains("--no-install-recommends"), "{text}");
    assert!(text.contains("CMD [\"/app/run\"]"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile.drydock-bak")).expect("backup"),
        SOURCE
    );
    let ignore =
        std::fs::read_to_string(dir.path().join(".dockerignore")).expect("new ignore file");
    assert!(ignore.lines().any(|l| l == ".git"), "{ignore}");
    assert_eq!(applied.written.len(), 2);
    assert_eq!(applied.written[1].backup, None, "the ignore file is new");
    assert!(
        applied.diff.contains("+++ b/.dockerignore"),
        "{}",
        applied.diff
    );

    undo(&applied.written).expect("undone");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        SOURCE
    );
    assert!(!dir.path().join(".dockerignore").exists());
    assert!(!dir.path().join("Dockerfile.drydock-bak").exists());
}

#[tokio::test]
async fn a_file_changed_since_the_review_is_not_written() {
    let dir = project();
    let r = reviewed(dir.path()).await;
    std::fs::write(dir.path().join("Dockerfile"), "FROM debian:12.5\n").expect("edit");
    let e = apply_steps(&r, &fixable(&r)).expect_err("refused");
    assert!(matches!(e, ApplyError::Changed { .. }), "{e}");
    assert!(e.to_string().contains("review again"), "{e}");
    // Nothing was written: not the Dockerfile, not the ignore file.
    assert!(!dir.path().join(".dockerignore").exists());
    assert!(!dir.path().join("Dockerfile.drydock-bak").exists());
}

#[tokio::test]
async fn undo_refuses_a_file_edited_after_the_fix() {
    let dir = project();
    let r = reviewed(dir.path()).await;
    let applied = apply_steps(&r, &fixable(&r)).expect("applied");
    std::fs::write(dir.path().join("Dockerfile"), "FROM mine\n").expect("edit");
    let e = undo(&applied.written).expect_err("refused");
    assert!(matches!(e, ApplyError::Changed { .. }), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        "FROM mine\n"
    );
}

#[tokio::test]
async fn steps_without_a_fix_apply_nothing() {
    let dir = project();
    let r = reviewed(dir.path()).await;
    let e = apply_steps(&r, &["DD999@1:1".into()]).expect_err("nothing");
    assert!(matches!(e, ApplyError::Nothing), "{e}");
}
