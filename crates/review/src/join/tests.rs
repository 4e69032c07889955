use super::*;

fn row(created_by: &str, size: i64) -> HistoryRow {
    HistoryRow {
        id: "<missing>".into(),
        created: "2026-01-01T00:00:00Z".into(),
        created_by: created_by.into(),
        size,
        comment: String::new(),
        empty_layer: size == 0,
        tags: Vec::new(),
    }
}

/// The busybox base's own steps, oldest last.
fn base() -> Vec<HistoryRow> {
    vec![
        row("/bin/sh -c #(nop)  CMD [\"sh\"]", 0),
        row("/bin/sh -c #(nop) ADD file:6f3a1b2c in / ", 4_260_000),
    ]
}

const DOCKERFILE: &str = "\
# syntax=docker/dockerfile:1
ARG BASE=alpine:3.20
FROM $BASE
ARG VERSION=1.2
ENV APP_HOME=/srv/app \\
    TOOL_VERSION=${VERSION}
WORKDIR $APP_HOME
COPY requirements.txt ./
COPY src/ ./src/
RUN apk add --no-cache python3 && \\
    pip install -r requirements.txt
EXPOSE 8000
CMD [\"python3\", \"-m\", \"app\"]
";

fn with_base(mut rows: Vec<HistoryRow>) -> Vec<HistoryRow> {
    rows.extend(base());
    rows
}

fn classic() -> Vec<HistoryRow> {
    with_base(vec![
        row("/bin/sh -c #(nop)  CMD [\"python3\" \"-m\" \"app\"]", 0),
        row("/bin/sh -c #(nop)  EXPOSE 8000", 0),
        row(
            "|1 VERSION=1.2 /bin/sh -c apk add --no-cache python3 &&     pip install -r requirements.txt",
            48_000_000,
        ),
        row("/bin/sh -c #(nop) COPY dir:0a1b2c3d in ./src/ ", 12_000),
        row("/bin/sh -c #(nop) COPY file:9f8e7d6c in ./ ", 120),
        row("/bin/sh -c #(nop) WORKDIR /srv/app", 0),
        row("/bin/sh -c #(nop)  ENV APP_HOME=/srv/app TOOL_VERSION=1.2", 0),
        row("/bin/sh -c #(nop)  ARG VERSION=1.2", 0),
    ])
}

fn buildkit() -> Vec<HistoryRow> {
    with_base(vec![
        row("CMD [\"python3\" \"-m\" \"app\"]", 0),
        row("EXPOSE map[8000/tcp:{}]", 0),
        row(
            "RUN |1 VERSION=1.2 /bin/sh -c apk add --no-cache python3 &&     pip install -r requirements.txt # buildkit",
            48_000_000,
        ),
        row("COPY src/ ./src/ # buildkit", 12_000),
        row("COPY requirements.txt ./ # buildkit", 120),
        row("WORKDIR /srv/app", 0),
        row("ENV APP_HOME=/srv/app TOOL_VERSION=1.2", 0),
        row("ARG VERSION=1.2", 0),
    ])
}

fn lines(join: &Join) -> Vec<(usize, Option<usize>)> {
    join.steps
        .iter()
        .map(|s| (s.line, s.history_index))
        .collect()
}

const EXPECTED_LINES: [(usize, Option<usize>); 8] = [
    (4, Some(7)),
    (5, Some(6)),
    (7, Some(5)),
    (8, Some(4)),
    (9, Some(3)),
    (10, Some(2)),
    (12, Some(1)),
    (13, Some(0)),
];

#[test]
fn buildkit_history_joins_exactly() {
    let join = super::join(DOCKERFILE, &Options::default(), &buildkit()).expect("join");
    assert_eq!(join.confidence, Confidence::Exact, "{join:#?}");
    assert_eq!((join.matched, join.of, join.base_steps), (8, 8, 2));
    assert_eq!(lines(&join), EXPECTED_LINES);
    let run = &join.steps[5];
    assert!(run.instruction.starts_with("RUN apk add"), "{run:?}");
    assert_eq!((run.layer_bytes, run.empty_layer), (48_000_000, false));
}

#[test]
fn classic_history_is_likely_because_copy_records_a_digest() {
    let join = super::join(DOCKERFILE, &Options::default(), &classic()).expect("join");
    assert_eq!(join.confidence, Confidence::Likely, "{join:#?}");
    assert_eq!((join.matched, join.of, join.base_steps), (8, 8, 2));
    assert_eq!(lines(&join), EXPECTED_LINES);
}

#[test]
fn a_copy_to_another_destination_does_not_match() {
    let mut rows = classic();
    rows[3] = row("/bin/sh -c #(nop) COPY dir:0a1b2c3d in /elsewhere ", 12_000);
    let join = super::join(DOCKERFILE, &Options::default(), &rows).expect("join");
    assert_eq!(join.confidence, Confidence::Partial);
    assert_eq!(join.steps[4].history_index, None);
    assert_eq!(join.matched, 7);
}

#[test]
fn build_args_change_the_expected_values() {
    let args = Options {
        build_args: [("VERSION".to_string(), "2.0".to_string())].into(),
        ..Options::default()
    };
    let rows: Vec<HistoryRow> = buildkit()
        .into_iter()
        .map(|mut r| {
            r.created_by = r.created_by.replace("1.2", "2.0");
            r
        })
        .collect();
    let join = super::join(DOCKERFILE, &args, &rows).expect("join");
    assert_eq!(join.confidence, Confidence::Exact, "{join:#?}");
    // Without the build arg, the ENV no longer matches.
    let join = super::join(DOCKERFILE, &Options::default(), &rows).expect("join");
    assert_eq!(join.confidence, Confidence::Partial);
    assert_eq!(join.steps[1].history_index, None);
}

#[test]
fn an_edited_last_line_is_partial_and_an_unrelated_image_is_none() {
    let edited = DOCKERFILE.replace("\"app\"]", "\"app2\"]");
    let join = super::join(&edited, &Options::default(), &buildkit()).expect("join");
    assert_eq!(join.confidence, Confidence::Partial);
    assert_eq!(join.matched, 7);
    assert_eq!(join.steps[7].history_index, None);
    assert!(join.steps[7].empty_layer);

    let unrelated = with_base(vec![
        row(
            "/bin/sh -c #(nop)  CMD [\"nginx\" \"-g\" \"daemon off;\"]",
            0,
        ),
        row("/bin/sh -c apt-get install -y nginx", 50_000_000),
    ]);
    let join = super::join(DOCKERFILE, &Options::default(), &unrelated).expect("join");
    assert_eq!(join.confidence, Confidence::None);
    assert_eq!(join.matched, 0);
    assert!(join.steps.iter().all(|s| s.history_index.is_none()));
}

#[test]
fn shell_form_commands_and_a_changed_shell() {
    let file = "FROM busybox\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN ls | wc -l\nENTRYPOINT exec app\n";
    let rows = vec![
        row(
            "/bin/ash -eo pipefail -c #(nop)  ENTRYPOINT [\"/bin/ash\" \"-eo\" \"pipefail\" \"-c\" \"exec app\"]",
            0,
        ),
        row("/bin/ash -eo pipefail -c ls | wc -l", 0),
        row("/bin/sh -c #(nop)  SHELL [/bin/ash -eo pipefail -c]", 0),
        row("/bin/sh -c #(nop)  CMD [\"sh\"]", 0),
    ];
    let join = super::join(file, &Options::default(), &rows).expect("join");
    // SHELL is known only by its keyword: Likely.
    assert_eq!(join.confidence, Confidence::Likely, "{join:#?}");
    assert_eq!(join.base_steps, 1);
}

#[test]
fn a_named_target_and_the_stages_it_builds_on() {
    let file = "\
FROM busybox AS deps
RUN mkdir /deps
FROM deps AS app
COPY . /app
FROM busybox
COPY --from=app /app /app
";
    let rows = with_base(vec![
        row("COPY . /app # buildkit", 10),
        row("RUN /bin/sh -c mkdir /deps # buildkit", 0),
    ]);
    let target = Options {
        target: Some("app".into()),
        ..Options::default()
    };
    let join = super::join(file, &target, &rows).expect("join");
    assert_eq!(join.confidence, Confidence::Exact, "{join:#?}");
    assert_eq!(lines(&join), [(2, Some(1)), (4, Some(0))]);

    let last = super::join(file, &Options::default(), &rows).expect("join");
    assert_eq!(last.confidence, Confidence::Likely, "{last:#?}");
    assert_eq!(
        super::join(
            file,
            &Options {
                target: Some("nope".into()),
                ..Options::default()
            },
            &rows
        ),
        Err(JoinError::NoTarget("nope".into()))
    );
    assert_eq!(
        super::join("RUN x\n", &Options::default(), &rows),
        Err(JoinError::NoStage)
    );
}

#[test]
fn an_instruction_the_builder_did_not_record_and_a_row_the_file_does_not_explain() {
    // An older BuildKit did not record ARG.
    let mut rows = buildkit();
    rows.remove(7);
    let join = super::join(DOCKERFILE, &Options::default(), &rows).expect("join");
    assert_eq!(join.confidence, Confidence::Partial);
    assert_eq!(join.matched, 7);
    assert_eq!(join.base_steps, 2);

    let mut rows = buildkit();
    rows.insert(2, row("RUN /bin/sh -c echo sneaky # buildkit", 5));
    let join = super::join(DOCKERFILE, &Options::default(), &rows).expect("join");
    assert_eq!(join.confidence, Confidence::Partial);
    assert_eq!(join.matched, 8);
}

#[test]
fn best_image_ranks_candidates() {
    let unrelated = with_base(vec![row("/bin/sh -c true", 0)]);
    let candidates = vec![
        ("sha256:u", unrelated),
        ("sha256:c", classic()),
        ("sha256:b", buildkit()),
    ];
    let ranked = best_image(DOCKERFILE, &Options::default(), &candidates).expect("rank");
    let order: Vec<(&str, Confidence)> = ranked.iter().map(|(id, j)| (*id, j.confidence)).collect();
    assert_eq!(
        order,
        [
            ("sha256:b", Confidence::Exact),
            ("sha256:c", Confidence::Likely),
            ("sha256:u", Confidence::None)
        ]
    );
}

#[test]
fn hostile_input_costs_linear_time_and_does_not_panic() {
    let mut file = String::from("FROM x\n");
    for i in 0..20_000usize {
        file.push_str(&format!(
            "ENV A{i}=$A{}${{A{}:-d}}\nRUN echo {i}\n",
            i.saturating_sub(1),
            i / 2
        ));
    }
    let rows: Vec<HistoryRow> = (0..40_000)
        .map(|i| row(&format!("RUN |9 {i}"), 1))
        .collect();
    let join = super::join(&file, &Options::default(), &rows).expect("join");
    assert_eq!(join.of, 40_000);
    for text in [
        "",
        "é",
        "#(nop)",
        "|",
        "[\"",
        "COPY",
        "COPY file:ab in",
        "ENV",
        "CMD [\"\\u12",
    ] {
        let _ = super::join(
            "FROM x\nCOPY a b\nCMD [\"x\"]\nENV a=b\nARG x\n",
            &Options::default(),
            &[row(text, 0)],
        );
    }
}

#[test]
fn a_relative_workdir_on_an_unknown_base_workdir_is_likely() {
    let file = "FROM node\nWORKDIR app\n";
    let rows = vec![row("WORKDIR /usr/src/app", 0), row("WORKDIR /usr/src", 0)];
    let join = super::join(file, &Options::default(), &rows).expect("join");
    assert_eq!(join.confidence, Confidence::Likely, "{join:#?}");
    let rows = vec![row("WORKDIR /usr/src/apple", 0)];
    let join = super::join(file, &Options::default(), &rows).expect("join");
    assert_eq!(join.confidence, Confidence::None);
}
