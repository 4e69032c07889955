//! The join against what the engine's two builders really record, on a throwaway dockerd.

use drydock_engine::Engine;
use drydock_inventory::HistoryRow;
use drydock_review::join::{best_image, join, Confidence, Join, Options};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;

fn dockerfile() -> String {
    format!(
        "\
ARG GREETING=hello
FROM {BASE}
ARG WHO=world
ENV APP_HOME=/app \\
    MODE=${{WHO:-nobody}}
WORKDIR $APP_HOME
COPY hello.txt ./
COPY conf/ /etc/conf/
RUN echo $GREETING $WHO > out.txt && \\
    cat hello.txt >> out.txt
USER 0
EXPOSE 8080
LABEL org.example.mode=$MODE
ENTRYPOINT [\"sh\", \"-c\"]
CMD echo hi
"
    )
}

const FILES: &[(&str, &[u8])] = &[("hello.txt", b"hi\n"), ("conf/a.conf", b"a=1\n")];

/// (Dockerfile line, history row) for every instruction of the final stage, newest row 0.
const LINES: [(usize, Option<usize>); 11] = [
    (3, Some(10)),
    (4, Some(9)),
    (6, Some(8)),
    (7, Some(7)),
    (8, Some(6)),
    (9, Some(5)),
    (11, Some(4)),
    (12, Some(3)),
    (13, Some(2)),
    (14, Some(1)),
    (15, Some(0)),
];

fn lines(join: &Join) -> Vec<(usize, Option<usize>)> {
    join.steps
        .iter()
        .map(|s| (s.line, s.history_index))
        .collect()
}

fn history(engine: &Dockerd, tag: &str) -> Vec<HistoryRow> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        eng.history(tag).await.expect("history")
    })
}

#[test]
fn both_builders_join_line_for_line_and_an_unrelated_image_does_not() {
    let engine = Dockerd::start();
    engine.base();
    let file = dockerfile();
    engine.build_in("review/classic:1", &file, FILES, Builder::Classic);
    engine.build_in("review/buildkit:1", &file, FILES, Builder::BuildKit);
    engine.build(
        "review/other:1",
        &format!("FROM {BASE}\nRUN head -c 100 /dev/zero > /z\nCMD [\"cat\", \"/z\"]\n"),
        Builder::BuildKit,
    );
    let want = LINES;
    let options = Options::default();

    let buildkit = history(&engine, "review/buildkit:1");
    let joined = join(&file, &options, &buildkit).expect("join");
    assert_eq!(
        joined.confidence,
        Confidence::Exact,
        "{joined:#?}\n{buildkit:#?}"
    );
    assert_eq!(lines(&joined), want);
    assert_eq!(joined.base_steps, buildkit.len() - LINES.len());

    let classic = history(&engine, "review/classic:1");
    let joined = join(&file, &options, &classic).expect("join");
    assert_eq!(
        joined.confidence,
        Confidence::Likely,
        "{joined:#?}\n{classic:#?}"
    );
    assert_eq!(lines(&joined), want);
    // The RUN wrote the file it made; the COPY of hello.txt its three bytes.
    let run = &joined.steps[5];
    assert!(run.instruction.starts_with("RUN echo"), "{run:?}");
    assert!(run.layer_bytes > 0 && !run.empty_layer, "{run:?}");
    assert_eq!(joined.steps[3].layer_bytes, 3);

    let other = history(&engine, "review/other:1");
    let joined = join(&file, &options, &other).expect("join");
    assert_eq!(
        joined.confidence,
        Confidence::None,
        "{joined:#?}\n{other:#?}"
    );
    assert_eq!(joined.matched, 0);

    let ranked = best_image(
        &file,
        &options,
        &[
            ("other", other),
            ("classic", classic),
            ("buildkit", buildkit),
        ],
    )
    .expect("rank");
    let order: Vec<&str> = ranked.iter().map(|(id, _)| *id).collect();
    assert_eq!(order, ["buildkit", "classic", "other"]);
}
