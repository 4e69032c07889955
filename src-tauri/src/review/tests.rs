use super::*;
use drydock_review::walkthrough::CONTEXT_STEP;

const SOURCE: &str = "FROM debian:12.5\nRUN apt-get update && apt-get install -y curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\nCMD /app/run\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Dockerfile"), SOURCE).expect("Dockerfile");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    dir
}

/// A review made without an engine, kept as the view would have shown it.
async fn shown(dir: &Path, state: &ReviewState) -> Reviewed {
    let request = request_for(&dir.display().to_string(), None, None, None, None).expect("request");
    let reviewed =
        project::review_project(Err("no engine in this test".into()), &request, &mut |_| {})
            .await
            .expect("reviewed");
    state.keep(&reviewed, None).expect("kept");
    reviewed
}

fn step(r: &Reviewed, rule: &str) -> String {
    r.walkthrough
        .iter()
        .find(|s| s.rule.as_deref() == Some(rule) && s.diff.is_some())
        .unwrap_or_else(|| panic!("no fixable {rule} step in {:?}", r.walkthrough))
        .id
        .clone()
}

#[tokio::test]
async fn apply_writes_what_the_preview_showed_and_undo_puts_it_back() {
    let dir = project();
    let state = ReviewState::default();
    let r = shown(dir.path(), &state).await;
    let steps = vec![step(&r, "shell-form-cmd"), CONTEXT_STEP.to_owned()];
    let preview = review_preview_for(&state, &r.review.dockerfile, &steps).expect("preview");
    assert!(
        preview.diff.contains("+CMD [\"/app/run\"]"),
        "{}",
        preview.diff
    );
    assert!(
        preview.diff.contains("+++ b/.dockerignore"),
        "{}",
        preview.diff
    );
    let dockerfile = dir.path().join("Dockerfile").display().to_string();
    assert_eq!(preview.files[0].path, dockerfile);
    assert_eq!(
        preview.files[0].backup.as_deref(),
        Some(format!("{dockerfile}.drydock-bak").as_str())
    );
    assert_eq!(preview.files[1].backup, None, "the ignore file is new");

    let applied = review_apply_for(&state, &r.review.dockerfile, &steps).expect("applied");
    assert_eq!(
        applied.diff, preview.diff,
        "what was written is what was shown"
    );
    let text = std::fs::read_to_string(&dockerfile).expect("read");
    assert!(text.contains("CMD [\"/app/run\"]"), "{text}");
    assert!(dir.path().join(".dockerignore").exists());

    review_undo_for(&state, &r.review.dockerfile).expect("undone");
    assert_eq!(std::fs::read_to_string(&dockerfile).expect("read"), SOURCE);
    assert!(!dir.path().join(".dockerignore").exists());
    let again = review_undo_for(&state, &r.review.dockerfile).expect_err("undone once");
    assert_eq!(again.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn apply_uses_the_review_the_user_saw_not_the_file_as_it_is_now() {
    let dir = project();
    let state = ReviewState::default();
    let r = shown(dir.path(), &state).await;
    let steps = vec![step(&r, "shell-form-cmd")];
    // Edited in another window after the review: the diff shown no longer fits.
    let edited = format!("{SOURCE}LABEL edited=yes\n");
    std::fs::write(dir.path().join("Dockerfile"), &edited).expect("edit");
    let e = review_apply_for(&state, &r.review.dockerfile, &steps).expect_err("refused");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(
        e.message.contains("changed since it was reviewed"),
        "{}",
        e.message
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        edited,
        "nothing written"
    );
}

#[tokio::test]
async fn nothing_is_applied_or_undone_without_a_review_or_an_apply() {
    let dir = project();
    let state = ReviewState::default();
    let never = dir.path().join("Dockerfile").display().to_string();
    let e = review_apply_for(&state, &never, &[CONTEXT_STEP.to_owned()]).expect_err("no review");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("review it first"), "{}", e.message);

    let r = shown(dir.path(), &state).await;
    let e = review_undo_for(&state, &r.review.dockerfile).expect_err("nothing applied");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("nothing to undo"), "{}", e.message);
    let e = review_preview_for(&state, &r.review.dockerfile, &[]).expect_err("no steps");
    assert!(
        e.message.contains("none of the chosen steps"),
        "{}",
        e.message
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        SOURCE
    );
}

#[test]
fn an_empty_path_says_what_to_type_and_home_is_expanded() {
    let e = request_for("  ", None, None, None, None).expect_err("empty");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let r = request_for(
        "~/p",
        Some("~/p/Dockerfile.prod"),
        Some(" ".into()),
        Some("app".into()),
        Some(Path::new("/home/u")),
    )
    .expect("request");
    assert_eq!(r.dockerfile, Path::new("/home/u/p/Dockerfile.prod"));
    assert_eq!(r.image, None, "a blank image means the best match");
    assert_eq!(r.target.as_deref(), Some("app"));
}
