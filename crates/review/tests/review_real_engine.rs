//! The whole review against a throwaway engine: the image a project's Dockerfile built is found
//! among others, each instruction carries what its layer wrote and hid, and the walkthrough puts
//! the fix with the biggest measured saving first.

use drydock_engine::Engine;
use drydock_review::join::Confidence;
use drydock_review::project::{review_project, Request, ReviewProgress};
use drydock_review::walkthrough::{Impact, CONTEXT_STEP};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;

const BIG: usize = 700_000;

fn dockerfile() -> String {
    format!("FROM {BASE}\nCOPY big.bin /big.bin\nRUN rm /big.bin\nCMD echo done\n")
}

#[test]
fn the_review_measures_each_line_and_leads_with_the_biggest_saving() {
    let engine = Dockerd::start();
    engine.base();
    let big = vec![7u8; BIG];
    let files: &[(&str, &[u8])] = &[("big.bin", &big)];
    let id = engine.build_in("review/app:1", &dockerfile(), files, Builder::BuildKit);
    engine.build(
        "review/other:1",
        &format!("FROM {BASE}\nRUN echo other > /o\n"),
        Builder::BuildKit,
    );
    let project = tempfile::tempdir().expect("project");
    std::fs::write(project.path().join("Dockerfile"), dockerfile()).expect("Dockerfile");
    std::fs::write(project.path().join("big.bin"), &big).expect("big.bin");
    std::fs::create_dir(project.path().join(".git")).expect(".git");
    std::fs::write(project.path().join(".git/config"), vec![b'#'; 5000]).expect("git config");

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (reviewed, phases) = rt.block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        let mut phases = Vec::new();
        let reviewed = review_project(
            Ok(&eng),
            &Request::for_path(project.path(), None),
            &mut |p| phases.push(p),
        )
        .await
        .expect("reviewed");
        (reviewed, phases)
    });
    let review = &reviewed.review;
    let image = review.image.as_ref().expect("an image matched");
    assert_eq!(image.id, id);
    assert_eq!(image.confidence, Confidence::Exact);
    assert_eq!(phases.first(), Some(&ReviewProgress::Reading));
    assert!(phases.contains(&ReviewProgress::Matching), "{phases:?}");
    assert!(
        phases
            .iter()
            .any(|p| matches!(p, ReviewProgress::Layers { .. })),
        "{phases:?}"
    );

    let copy = &review.instructions[1];
    assert_eq!(copy.line, 2);
    assert_eq!(copy.layer_bytes, Some(BIG as i64));
    assert_eq!(copy.hidden_bytes, Some(BIG as u64));
    assert_eq!(copy.hidden_paths.len(), 1, "{:?}", copy.hidden_paths);
    assert_eq!(copy.hidden_paths[0].path, "/big.bin");
    assert_eq!(copy.hidden_paths[0].hidden_by_line, Some(3));
    let rm = &review.instructions[2];
    assert_eq!(rm.hides_bytes, Some(BIG as u64));

    // The cleanup in a later layer saves exactly what that layer hides, so it leads.
    let first = &reviewed.walkthrough[0];
    assert_eq!(first.impact, Impact::Image, "{:#?}", reviewed.walkthrough);
    assert_eq!(first.code.as_deref(), Some("DD102"));
    assert_eq!(first.line, Some(3));
    assert_eq!(first.saves_bytes, Some(BIG as u64));
    // The context sends .git; the context step proposes leaving it out, and says the bytes.
    let context = reviewed
        .walkthrough
        .iter()
        .find(|s| s.id == CONTEXT_STEP)
        .expect("context step");
    assert_eq!(context.saves_bytes, Some(5000));
    assert!(context.diff.as_deref().unwrap_or("").contains("+.git\n"));
    assert!(reviewed.notes.is_empty(), "{:?}", reviewed.notes);
}
