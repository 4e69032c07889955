//! End to end: the real app binary in a real webview (WebKitWebDriver through tauri-driver, under
//! Xvfb), pointed at a throwaway engine with fixture images. Saves a screenshot of every view in
//! `artifacts/e2e/` for a person to look at.
//!
//! Needs the standalone app (UI embedded: the `custom-protocol` feature, as `cargo xtask test`
//! builds it), `Xvfb`, `tauri-driver` and `WebKitWebDriver` (Debian's webkit2gtk-driver).

mod webview;

use drydock_testkit::desktop::{session, TauriDriver, Xvfb};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use fantoccini::{Client, Locator};
use std::path::Path;
use std::time::{Duration, Instant};
use webview::{save, wait_for};

/// The string a registry could carry in image text; it must show as text, never as markup.
const HOSTILE: &str = "<img src=x onerror=alert(1)>";

async fn texts(client: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(css)).await.expect("find_all") {
        out.push(el.text().await.expect("text"));
    }
    out
}

/// Fails if the page holds an element built from the hostile text (`<img src=x ...>`): text
/// from images, files and Dockerfiles must be shown as text.
async fn assert_nothing_injected(client: &Client, what: &str) {
    let injected = client
        .execute(
            "return document.querySelectorAll('img[src=\"x\"]').length;",
            vec![],
        )
        .await
        .expect("query the page");
    assert_eq!(injected, serde_json::json!(0), "{what}");
}

async fn click(client: &Client, css: &str) {
    wait_for(client, css).await.click().await.expect("click");
}

async fn count_text(client: &Client) -> String {
    wait_for(client, "[data-testid=image-count]")
        .await
        .text()
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(feature = "custom-protocol"),
    ignore = "needs the standalone app: run `cargo xtask test`"
)]
async fn the_app_shows_the_engine_as_a_user_sees_it() {
    let engine = Dockerd::start();
    engine.base();
    // The API image is also an Alpine one: its package database (added by its own COPY step)
    // holds an OpenSSL with known vulnerabilities for the Security view to find.
    engine.build_in(
        "shop/api:2.4",
        &format!(
            "FROM {BASE}\nCOPY alpine-release os-release /etc/\nCOPY installed /lib/apk/db/installed\n\
             RUN head -c 300000 /dev/zero > /payload\n"
        ),
        &[
            ("alpine-release", b"3.17.2\n"),
            (
                "os-release",
                b"NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.17.2\nPRETTY_NAME=\"Alpine Linux v3.17\"\n",
            ),
            (
                "installed",
                b"P:libcrypto3\nV:3.0.7-r0\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.3-r4\nA:x86_64\no:musl\n\n",
            ),
        ],
        Builder::Classic,
    );
    for (tag, kb) in [("shop/worker:2.4", 600), ("tools/migrate:1", 100)] {
        engine.build(
            tag,
            &format!("FROM {BASE}\nRUN head -c {kb}000 /dev/zero > /payload\n"),
            Builder::Classic,
        );
    }
    engine.build(
        "drydock-fixture/hostile:1",
        &format!(
            "FROM {BASE}\nLABEL note=\"{HOSTILE}\"\nRUN echo '{HOSTILE}' > /note.html\n\
             RUN echo x > '/{HOSTILE}' && head -c 40000 /dev/zero > /wasted.bin\nRUN rm /wasted.bin\n"
        ),
        Builder::BuildKit,
    );
    engine.run_exited("job", "shop/api:2.4", "head -c 20000 /dev/zero > /scratch");

    let xvfb = Xvfb::start();
    let driver = TauriDriver::start(&xvfb.display, &engine.host());
    // The advisory database a user would get with `drydock db import`, in the app's data
    // directory before the app starts (the app never downloads one).
    let secdb = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/advisories/tests/data/alpine-v3.17-main.json");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    drydock_advisories::import(
        driver.data_dir(),
        &[drydock_advisories::Input::path(&secdb)],
        i64::try_from(now).expect("seconds"),
        &mut |_| {},
    )
    .expect("import the advisories");
    let client = session(&driver, env!("CARGO_BIN_EXE_drydock-app")).await;

    // Overview: figures and both charts, drawn as images.
    wait_for(&client, "[data-testid=overview-cards]").await;
    let title = client.title().await.expect("title");
    assert_eq!(title, "Drydock");
    for chart in ["chart-reclaimable", "chart-top-images"] {
        let loaded = client
            .execute(&format!("const i = document.querySelector('[data-testid={chart}]'); return i.complete && i.naturalWidth > 0;"), vec![])
            .await
            .expect("chart state");
        assert_eq!(loaded, serde_json::json!(true), "{chart} rendered");
    }
    let nav = texts(&client, "nav button").await;
    assert_eq!(
        &nav[..10],
        [
            "Overview",
            "Cleanup",
            "Images",
            "Containers",
            "Volumes",
            "Build cache",
            "Builds",
            "Dockerfiles",
            "Security",
            "Engine"
        ]
    );
    save(&client, "overview").await;

    // Images: every image listed; sorting and filtering work.
    click(&client, "[data-testid=nav-images]").await;
    assert_eq!(count_text(&client).await, "5 of 5");
    wait_for(&client, "[data-testid=sort-name]")
        .await
        .click()
        .await
        .expect("sort by name");
    // The name is the cell's first text node (badges and tag counts follow it).
    let first = client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=image-row] .name')).map(e => e.firstChild ? e.firstChild.textContent.trim() : '');",
            vec![],
        )
        .await
        .expect("names");
    let first: Vec<String> = serde_json::from_value(first).expect("names as strings");
    assert_eq!(
        first[0], "drydock-fixture/base:1",
        "ascending by name: {first:?}"
    );
    let filter = client
        .find(Locator::Css("[data-testid=image-filter]"))
        .await
        .expect("filter");
    filter.send_keys("shop/").await.expect("type");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count_text(&client).await, "2 of 5");
    save(&client, "images-filtered").await;
    filter.clear().await.expect("clear");
    filter.send_keys("hostile").await.expect("type");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count_text(&client).await, "1 of 5");

    // Image detail: the hostile build step shows as text, and no element came of it.
    click(&client, "[data-testid=image-row]").await;
    let detail = wait_for(&client, "[data-testid=image-detail] table").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shown = detail.text().await.expect("detail text");
    assert!(
        shown.contains(HOSTILE),
        "the step text is shown as typed: {shown}"
    );
    assert_nothing_injected(&client, "no element was created from image text").await;
    save(&client, "image-detail").await;
    layer_explorer(&client).await;
    click(&client, "[aria-label='Close detail']").await;

    for (view, marker) in [
        ("containers", "[data-testid=containers-table]"),
        ("volumes", "main p"),
        ("build-cache", "[data-testid=build-cache-table]"),
        ("engine", "[data-testid=engine-summary]"),
    ] {
        click(&client, &format!("[data-testid=nav-{view}]")).await;
        wait_for(&client, marker).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        save(&client, view).await;
    }
    dockerfiles_view(&client, &engine).await;
    security_view(&client).await;
    tips_and_flatten(&client, &engine).await;

    click(&client, "[data-testid=nav-engine]").await;
    let summary = wait_for(&client, "[data-testid=engine-summary]")
        .await
        .text()
        .await
        .expect("summary");
    assert!(summary.contains("API 1.41"), "{summary}");

    // Coming back to the images keeps the filter the user left there.
    click(&client, "[data-testid=nav-images]").await;
    assert_eq!(count_text(&client).await, "1 of 5");
    let filter = wait_for(&client, "[data-testid=image-filter]").await;
    filter.clear().await.expect("clear");
    filter.send_keys(" ").await.expect("type");
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Live: an image built behind the app's back appears without a manual refresh.
    assert_eq!(count_text(&client).await, "5 of 5");
    engine.build(
        "shop/late:1",
        &format!("FROM {BASE}\nRUN head -c 5000 /dev/zero > /late\n"),
        Builder::Classic,
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while count_text(&client).await != "6 of 6" {
        assert!(
            Instant::now() < deadline,
            "the new image did not appear by itself"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    save(&client, "images-live").await;

    cleanup_view(&client, &engine, driver.data_dir()).await;
    one_click(&client).await;
    let client = schedule(client, &engine, &driver).await;
    history_views(&client, &engine).await;
    settings_view(&client, &driver).await;
    client.close().await.expect("close session");
}

/// Waits until `css` holds text containing `want`.
async fn wait_for_text(client: &Client, css: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let all = text_contents(client, css).await.join("\n");
        if all.contains(want) {
            return all;
        }
        if Instant::now() > deadline {
            save(client, "timeout").await;
            panic!("{css} never showed {want:?}; it shows {all:?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The Cleanup view: plan, confirm, run with quarantine, predicted equal to freed, journal, and
/// a restore from quarantine.
async fn cleanup_view(client: &Client, engine: &Dockerd, data_dir: &std::path::Path) {
    click(client, "[data-testid=nav-cleanup]").await;
    wait_for(client, "[data-testid=sel-images]")
        .await
        .select_by_value("unused")
        .await
        .expect("images: unused");
    click(client, "[data-testid=sel-quarantine]").await;
    wait_for_text(client, "[data-testid=plan-item]", "shop/worker:2.4").await;
    wait_for_text(client, "[data-testid=plan-item]", HOSTILE).await;
    assert_nothing_injected(client, "plan rows show image text as text").await;
    let predicted = wait_for(client, "[data-testid=cleanup-predicted]")
        .await
        .text()
        .await
        .expect("predicted");
    save(client, "cleanup-plan").await;

    click(client, "[data-testid=cleanup-run]").await;
    let dialog = wait_for(client, "[data-testid=confirm-dialog]").await;
    let said = dialog.text().await.expect("dialog text");
    assert!(
        said.contains(&predicted),
        "the dialog repeats {predicted}: {said}"
    );
    save(client, "cleanup-confirm").await;
    click(client, "[data-testid=confirm-accept]").await;
    let freed = wait_for(client, "[data-testid=result-actual]")
        .await
        .text()
        .await
        .expect("freed");
    assert!(
        freed.contains(&predicted),
        "freed {freed} vs predicted {predicted}"
    );
    save(client, "cleanup-result").await;
    assert!(
        !engine
            .try_docker(&["image", "inspect", "shop/worker:2.4"])
            .status
            .success(),
        "the image is gone from the engine"
    );

    // A cleanup another Drydock (the CLI) is running, still waiting for the engine's answer: its
    // removal is listed as not known yet, and left for that Drydock to settle.
    let store = drydock_store::Store::open_in(data_dir).expect("store");
    let lease = store.lease_run("cli-run").expect("lease");
    let run = drydock_store::Run {
        plan_id: "cli-run".into(),
        started: drydock_cleanup::unix_now(),
        finished: None,
        why: "prune".into(),
        predicted: 5_000_000,
        actual: None,
        removed: 0,
        skipped: 0,
        stopped: None,
    };
    store.start_run(&run).expect("run");
    let key = store
        .journal_intent(&drydock_store::Entry {
            plan_id: "cli-run".into(),
            at: drydock_cleanup::unix_now(),
            kind: "image".into(),
            object_id: "sha256:0123456789abcdef".into(),
            name: "shop/api:old".into(),
            tags: vec!["shop/api:old".into()],
            bytes: 5_000_000,
            reason: "image no container uses".into(),
            quarantined: true,
            status: drydock_store::Status::Unsettled,
        })
        .expect("intent");

    click(client, "[data-testid=tab-journal]").await;
    wait_for(client, "[data-testid=journal-run]").await;
    wait_for_text(client, "[data-testid=journal-entry]", "shop/worker:2.4").await;
    wait_for_text(
        client,
        "[data-testid=journal-unsettled]",
        "1 removal was asked for",
    )
    .await;
    wait_for_text(
        client,
        "[data-testid=journal-entry][data-status=unsettled]",
        "shop/api:old",
    )
    .await;
    save(client, "cleanup-journal").await;
    store.journal_abandon(key).expect("the other run ends");
    store
        .finish_run(&drydock_store::Run {
            finished: Some(drydock_cleanup::unix_now()),
            ..run
        })
        .expect("finished");
    drop(lease);

    click(client, "[data-testid=tab-quarantine]").await;
    wait_for_text(client, "[data-testid=quarantine-entry]", "shop/worker:2.4").await;
    save(client, "cleanup-quarantine").await;
    let entries = client
        .find_all(Locator::Css("[data-testid=quarantine-entry]"))
        .await
        .expect("entries");
    let mut restored = false;
    for entry in entries {
        if entry
            .text()
            .await
            .expect("entry")
            .contains("shop/worker:2.4")
        {
            entry
                .find(Locator::Css("[data-testid=quarantine-restore]"))
                .await
                .expect("restore button")
                .click()
                .await
                .expect("restore");
            restored = true;
            break;
        }
    }
    assert!(restored);
    wait_for(client, "[data-testid=quarantine-restored]").await;
    save(client, "cleanup-restored").await;
    assert!(
        engine
            .try_docker(&["image", "inspect", "shop/worker:2.4"])
            .status
            .success(),
        "restored with its tag"
    );
}

/// The overview's one-click cleanup shows its plan with exact bytes before anything happens.
async fn one_click(client: &Client) {
    click(client, "[data-testid=nav-overview]").await;
    click(client, "[data-testid=one-click]").await;
    wait_for(client, "[data-testid=confirm-dialog]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "one-click").await;
    click(client, "[data-testid=confirm-cancel]").await;
}

/// The scheduled clean-up: turned on from its preview (that plan runs at once); later, a run the
/// app makes on its own when due, told in a notice whichever view is open.
async fn schedule(client: Client, engine: &Dockerd, driver: &TauriDriver) -> Client {
    click(&client, "[data-testid=nav-cleanup]").await;
    click(&client, "[data-testid=tab-schedule]").await;
    wait_for_text(&client, "[data-testid=schedule-status]", "Off").await;
    let bytes: u64 = wait_for(&client, "[data-testid=schedule-image-bytes]")
        .await
        .attr("data-bytes")
        .await
        .expect("attribute")
        .expect("data-bytes")
        .parse()
        .expect("a number");
    // A byte under what images take now: the least-recently-used image that may go must go.
    let limit = wait_for(&client, "[data-testid=schedule-limit]").await;
    limit.clear().await.expect("clear");
    limit
        .send_keys(&format!("{}", (bytes - 1) as f64 / 1e6))
        .await
        .expect("type");
    wait_for(&client, "[data-testid=schedule-unit]")
        .await
        .select_by_value("MB")
        .await
        .expect("MB");
    let items = "#cleanup-panel-schedule [data-testid=plan-item]";
    wait_for_text(&client, items, "shop/worker:2.4").await;
    save(&client, "schedule-preview").await;
    click(&client, "[data-testid=schedule-on]").await;
    let said = wait_for(&client, "[data-testid=confirm-dialog]")
        .await
        .text()
        .await
        .expect("dialog");
    assert!(said.contains("without asking"), "{said}");
    save(&client, "schedule-confirm").await;
    click(&client, "[data-testid=confirm-accept]").await;
    wait_for_text(&client, "[data-testid=schedule-status]", "On").await;
    wait_for_text(&client, "[data-testid=schedule-last]", "removed 1 image").await;
    // The preview reads the engine again: under the limit now.
    wait_for_text(
        &client,
        "[data-testid=schedule-image-bytes]",
        "Nothing needs to go",
    )
    .await;
    save(&client, "schedule-on").await;
    assert!(
        !engine
            .try_docker(&["image", "inspect", "shop/worker:2.4"])
            .status
            .success(),
        "the previewed image went"
    );

    // Over the limit again, and a day has passed: the app runs the schedule when it starts.
    // (The base went in the cleanup above and comes back with this build.)
    engine.build_in_turn("tools/late:1", 700_000);
    client.close().await.expect("close session");
    {
        let store = drydock_store::Store::open_in(driver.data_dir()).expect("store");
        let mut last = drydock_cleanup::last_scheduled(&store)
            .expect("read")
            .expect("a last run");
        last.at -= 25 * 3600;
        // The keys the schedule keeps its last run, and the last run the user read, under.
        store.set_setting("schedule.last", &last).expect("write");
        store.set_setting("schedule.read", &last.at).expect("write");
    }
    let client = session(driver, env!("CARGO_BIN_EXE_drydock-app")).await;
    wait_for(&client, "[data-testid=overview-cards]").await;
    // `tools/late:1` alone (700,000 bytes of its own): its base stays.
    wait_for_text(
        &client,
        "[data-testid=schedule-notice]",
        "removed 1 image and freed 700 kB",
    )
    .await;
    save(&client, "schedule-notice").await;
    assert!(
        !engine
            .try_docker(&["image", "inspect", "tools/late:1"])
            .status
            .success(),
        "the scheduled run removed the image over the limit"
    );
    click(&client, "[data-testid=schedule-notice-open]").await;
    wait_for_text(&client, "[data-testid=journal-run]", "scheduled").await;
    let notices = client
        .find_all(Locator::Css("[data-testid=schedule-notice]"))
        .await
        .expect("find");
    assert!(notices.is_empty(), "read notices go away");
    client
}

/// The text of each match, as the DOM holds it: WebKitWebDriver's rendered text leaves out
/// grid cells that clip with an ellipsis.
async fn text_contents(client: &Client, css: &str) -> Vec<String> {
    let found = client
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("text contents");
    serde_json::from_value(found).expect("strings")
}

/// The layer explorer of the open image (the hostile one): per-layer hidden bytes, the wasted
/// path, and the file tree filtered to what is hidden; file names are shown as text.
async fn layer_explorer(client: &Client) {
    click(client, "[data-testid=tab-layers]").await;
    wait_for(client, "[data-testid=layer-row]").await;
    let hidden = wait_for(client, "[data-testid=layers-hidden]")
        .await
        .text()
        .await
        .expect("hidden");
    assert_eq!(hidden, "40 kB hidden");
    let layers = texts(client, "[data-testid=layer-row]").await;
    assert!(
        layers
            .iter()
            .any(|l| l.contains("head -c 40000") && l.contains("40 kB")),
        "{layers:?}"
    );
    let wasted = texts(client, "[data-testid=wasted-row]").await;
    assert!(
        wasted.len() == 1 && wasted[0].contains("/wasted.bin"),
        "{wasted:?}"
    );
    let tree = text_contents(client, "[data-testid=tree-row]").await;
    assert!(tree.iter().any(|r| r.contains(HOSTILE)), "{tree:?}");
    assert_nothing_injected(client, "a file name stays text").await;

    click(client, "[data-testid=tree-hidden-only]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let hidden_rows = text_contents(client, "[data-testid=tree-row]").await;
    assert!(
        hidden_rows.len() == 1
            && hidden_rows[0].contains("wasted.bin")
            && hidden_rows[0].contains("removed in"),
        "{hidden_rows:?}"
    );
    save(client, "layers").await;
    click(client, "[data-testid=tree-hidden-only]").await;
    click(client, "[data-testid=tab-details]").await;
}

/// The Security view lists every image and the advisory database the test imported; a scan of
/// the Alpine image finds OpenSSL's vulnerability, with its fix and the COPY step that brought
/// the package, and image text stays text.
async fn security_view(client: &Client) {
    click(client, "[data-testid=nav-security]").await;
    let db = wait_for(client, "[data-testid=db-status]")
        .await
        .text()
        .await
        .expect("database");
    assert!(db.contains("alpine/v3.17/main"), "{db}");
    wait_for_text(client, "[data-testid=security-row]", "shop/worker:2.4").await;
    wait_for_text(
        client,
        "[data-testid=security-row]",
        "drydock-fixture/hostile:1",
    )
    .await;
    let rows = texts(client, "[data-testid=security-row]").await;
    assert!(rows.iter().all(|r| r.contains("not scanned")), "{rows:?}");

    security_row(client, "shop/api:2.4")
        .await
        .find(Locator::Css("[data-testid=scan-image]"))
        .await
        .expect("scan button")
        .click()
        .await
        .expect("scan");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let row = security_row(client, "shop/api:2.4").await;
        if row.attr("data-state").await.expect("state").as_deref() == Some("done") {
            break;
        }
        if Instant::now() > deadline {
            save(client, "timeout").await;
            panic!("the scan of shop/api:2.4 did not finish within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    security_row(client, "shop/api:2.4")
        .await
        .find(Locator::Css("button.name"))
        .await
        .expect("row name")
        .click()
        .await
        .expect("open findings");
    wait_for_text(client, "[data-testid=finding-row]", "CVE-2023-0286").await;
    let findings = texts(client, "[data-testid=finding-row]").await;
    let cve = findings
        .iter()
        .find(|f| f.contains("CVE-2023-0286"))
        .expect("the CVE's row");
    assert!(
        cve.contains("libcrypto3") && cve.contains("3.0.7-r0") && cve.contains("3.0.8-r0"),
        "{cve}"
    );
    assert!(
        cve.contains("COPY"),
        "the step that brought the package: {cve}"
    );
    assert_nothing_injected(client, "image tags on the Security view stay text").await;
    client
        .execute(
            "document.querySelector('[data-testid=findings]').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("scroll to the findings");
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "security").await;
}

/// The Security view's row of the image tagged `tag`.
async fn security_row(client: &Client, tag: &str) -> fantoccini::elements::Element {
    for row in client
        .find_all(Locator::Css("[data-testid=security-row]"))
        .await
        .expect("rows")
    {
        if row.text().await.expect("row text").contains(tag) {
            return row;
        }
    }
    save(client, "timeout").await;
    panic!("no Security row shows {tag}");
}

/// The Dockerfiles view lints a project the user names and explains each finding; text from
/// the Dockerfile is shown as text.
async fn dockerfiles_view(client: &Client, engine: &Dockerd) {
    review_view(client, engine).await;
    let project = tempfile::tempdir().expect("project dir");
    std::fs::write(
        project.path().join("Dockerfile"),
        format!(
            "FROM python:latest\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nCMD echo '{HOSTILE}'\n"
        ),
    )
    .expect("write Dockerfile");
    click(client, "[data-testid=nav-dockerfiles]").await;
    click(client, "[data-testid=tab-lint]").await;
    let input = wait_for(client, "[data-testid=lint-path]").await;
    // A path that is not there: the one error component says what happened and what to do, with
    // the path (text from the user) as text.
    let missing = project.path().join(format!("gone-{HOSTILE}"));
    input.clear().await.expect("clear");
    input
        .send_keys(&missing.display().to_string())
        .await
        .expect("type path");
    click(client, "[data-testid=lint-run]").await;
    let problem = wait_for(client, "[data-testid=lint-error]").await;
    let code = problem.attr("data-code").await.expect("code");
    let said = problem.text().await.expect("error text");
    assert_eq!(code.as_deref(), Some("invalid_input"), "{said}");
    assert!(said.contains("gone-") && said.contains("fix:"), "{said}");
    assert_nothing_injected(client, "a path in an error stays text").await;
    save(client, "dockerfiles-error").await;
    input.clear().await.expect("clear");
    input
        .send_keys(&project.path().display().to_string())
        .await
        .expect("type path");
    click(client, "[data-testid=lint-run]").await;
    let summary = wait_for(client, "[data-testid=lint-summary]")
        .await
        .text()
        .await
        .expect("summary");
    assert!(summary.starts_with("1 Dockerfile in "), "{summary}");
    let findings = texts(client, "[data-testid=finding]").await;
    assert!(
        findings.iter().any(|f| f.contains("latest-base-image")),
        "{findings:?}"
    );
    // The hostile CMD line is shown verbatim as source text, and no element was injected.
    assert!(findings.iter().any(|f| f.contains(HOSTILE)), "{findings:?}");
    assert_nothing_injected(client, "a Dockerfile line stays text").await;
    click(client, "[data-testid=finding] button.rule").await;
    let doc = wait_for(client, "[data-testid=rule-doc]")
        .await
        .text()
        .await
        .expect("doc");
    assert!(doc.contains("Why it matters"), "{doc}");
    save(client, "dockerfiles").await;
    click(client, "[data-testid=tab-rules]").await;
    wait_for(client, ".rule-row").await;
    assert!(texts(client, ".rule-row").await.len() >= 30);
    save(client, "rules").await;
    // A rule that is off by default (hadolint's DL3057) says so, and how to turn it on.
    let filter = wait_for(client, "input.filter").await;
    filter.send_keys("DL3057").await.expect("type");
    let off = wait_for(client, "[data-testid=rule-off]").await;
    assert_eq!(off.text().await.expect("text"), "off by default");
    click(client, ".rule-row").await;
    let doc = wait_for(client, "[data-testid=rule-doc]")
        .await
        .text()
        .await
        .expect("doc");
    assert!(doc.contains("Off by default"), "{doc}");
    save(client, "rule-off").await;
}

/// The guided review of a project whose image is on the engine: each line's layer as a bar and
/// a size, the bytes a later line hides, the walkthrough led by the measured saving; one fix
/// applied through the confirm dialog (the file changes, a backup beside it) and undone.
async fn review_view(client: &Client, engine: &Dockerd) {
    let source = format!(
        "FROM {BASE}\n# {HOSTILE}\nRUN head -c 3000000 /dev/zero > /big\nRUN rm /big\nCMD echo done\n"
    );
    engine.build("review/app:1", &source, Builder::Classic);
    let project = tempfile::tempdir().expect("project dir");
    let dockerfile = project.path().join("Dockerfile");
    std::fs::write(&dockerfile, &source).expect("write Dockerfile");
    // A repository's history is sent with the context unless an ignore file keeps it out.
    std::fs::create_dir(project.path().join(".git")).expect(".git");
    std::fs::write(project.path().join(".git/HEAD"), "ref: refs/heads/main\n").expect("HEAD");

    click(client, "[data-testid=nav-dockerfiles]").await;
    click(client, "[data-testid=tab-review]").await;
    let input = wait_for(client, "[data-testid=review-path]").await;
    input.clear().await.expect("clear");
    input
        .send_keys(&project.path().display().to_string())
        .await
        .expect("type path");
    click(client, "[data-testid=review-run]").await;
    let image = wait_for_text(client, "[data-testid=review-image]", "review/app:1").await;
    assert!(image.contains("exact"), "{image}");
    // The 3 MB layer is the biggest: its bar fills the width; the line after it hides it all.
    let widths = client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=layer-bar]')).map(e => e.style.width);",
            vec![],
        )
        .await
        .expect("bar widths");
    let widths: Vec<String> = serde_json::from_value(widths).expect("widths");
    assert_eq!(
        widths.iter().filter(|w| *w == "100%").count(),
        1,
        "{widths:?}"
    );
    let costs = text_contents(client, "[data-testid=layer-cost]").await;
    assert!(costs.iter().any(|c| c.contains("3 MB")), "{costs:?}");
    let hidden = text_contents(client, "[data-testid=layer-hidden] summary").await;
    assert_eq!(hidden, ["3 MB hidden later by line 4"], "{hidden:?}");
    let steps = text_contents(client, "[data-testid=walk-step]").await;
    assert!(steps[0].contains("saves ~3 MB"), "{steps:?}");
    assert!(
        steps.iter().any(|s| s.contains(".dockerignore")),
        "the context step: {steps:?}"
    );
    let sent = text_contents(client, "[data-testid=context-sent]").await;
    assert!(sent[0].contains("no ignore file"), "{sent:?}");
    // The comment line is the file's text, shown as such.
    let lines = text_contents(client, "[data-testid=source-line] .text").await;
    assert_eq!(lines[1], format!("# {HOSTILE}"));
    assert_nothing_injected(client, "a Dockerfile line stays text in the review").await;
    save(client, "review").await;

    // Choose the first step that has a fix; nothing is written until the dialog is accepted.
    click(client, "[data-testid=walk-choose]").await;
    click(client, "[data-testid=review-apply]").await;
    let dialog = wait_for(client, "[data-testid=apply-dialog]").await;
    let said = text_contents(client, "[data-testid=apply-dialog]")
        .await
        .join("\n");
    assert!(said.contains("Dockerfile.drydock-bak"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&dockerfile).expect("read"),
        source,
        "nothing written before the user agreed"
    );
    assert!(dialog.is_displayed().await.expect("shown"));
    save(client, "review-apply").await;
    click(client, "[data-testid=apply-accept]").await;
    wait_for_text(client, "[data-testid=review-applied]", "Applied to").await;
    let fixed = std::fs::read_to_string(&dockerfile).expect("read");
    assert_ne!(fixed, source, "the fix was written");
    assert_eq!(
        std::fs::read_to_string(project.path().join("Dockerfile.drydock-bak")).expect("backup"),
        source
    );
    click(client, "[data-testid=review-undo]").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&dockerfile).expect("read") != source {
        assert!(
            Instant::now() < deadline,
            "undo did not put the Dockerfile back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_for(client, "[data-testid=review-image]").await;

    // Rebuild with the first fix (this engine has no network for RUN steps) and compare.
    let network = wait_for(client, "[data-testid=rebuild-network]").await;
    network.send_keys("none").await.expect("type network");
    click(client, "[data-testid=walk-choose]").await;
    click(client, "[data-testid=rebuild-run]").await;
    let summary = wait_for_text(client, "[data-testid=rebuild-summary]", "%").await;
    assert!(
        summary.starts_with("-3 MB, -") || summary.starts_with("-3.0"),
        "the fix saves the 3 MB the RUN hid: {summary}"
    );
    let result = text_contents(client, "[data-testid=rebuild-result]")
        .await
        .join("\n");
    assert!(result.contains("Hidden bytes"), "{result}");
    let trial = text_contents(client, "[data-testid=rebuild-result] .tag code").await;
    assert!(trial[0].starts_with("drydock-trial/"), "{trial:?}");
    assert_eq!(
        std::fs::read_to_string(&dockerfile).expect("read"),
        source,
        "a trial build never writes the user's file"
    );
    save(client, "review-rebuild").await;

    // The trial image goes through the cleanup's plan and confirm dialog, never forced.
    click(client, "[data-testid=rebuild-remove]").await;
    let said = wait_for(client, "[data-testid=confirm-dialog]")
        .await
        .text()
        .await
        .expect("dialog text");
    assert!(said.contains("Remove the trial image?"), "{said}");
    click(client, "[data-testid=confirm-accept]").await;
    wait_for_text(client, "[data-testid=result-removed]", "1 of 1").await;
    assert!(
        !engine
            .try_docker(&["image", "inspect", &trial[0]])
            .status
            .success(),
        "the trial image was removed"
    );

    // The other views count images: the project's image goes again.
    engine.docker(&["rmi", "review/app:1"]);
}

/// Tips and flatten: an image whose RUN leaves apt's lists in a layer and whose later RUN hides
/// a file an earlier one wrote. The background worker reads it after the engine's event, the
/// overview's panel lists its tip, which opens the image on its Tips tab; then the image is
/// flattened through the dialog (the saving is the hidden file) and proved the same filesystem.
async fn tips_and_flatten(client: &Client, engine: &Dockerd) {
    engine.build(
        "tips/app:1",
        &format!(
            "FROM {BASE}\n\
             RUN mkdir -p /var/lib/apt/lists && head -c 2000000 /dev/zero > /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages\n\
             RUN head -c 1500000 /dev/urandom > /build.tmp\n\
             RUN rm /build.tmp\n\
             CMD [\"cat\", \"/etc/hostname\"]\n"
        ),
        Builder::Classic,
    );
    click(client, "[data-testid=nav-overview]").await;
    wait_for(client, "[data-testid=tips-panel]").await;
    let item = wait_for_text(client, "[data-testid=tips-panel-item]", "tips/app:1").await;
    assert!(item.contains("2 MB"), "the apt lists' bytes: {item}");
    assert_nothing_injected(client, "tips of the hostile image stay text").await;
    client
        .execute(
            "document.querySelector('[data-testid=tips-panel]').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("scroll to the panel");
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "overview-tips").await;

    // The panel's tip opens the image on its Tips tab.
    let opened = client
        .execute(
            "const b = Array.from(document.querySelectorAll('[data-testid=tips-panel-item]')).find(e => e.textContent.includes('tips/app:1') && e.textContent.includes('apt')); if (b) { b.click(); } return !!b;",
            vec![],
        )
        .await
        .expect("open the tip");
    assert_eq!(
        opened,
        serde_json::json!(true),
        "a tip of tips/app:1 about apt"
    );
    let cards = wait_for_text(client, "[data-testid=tip-card]", "/var/lib/apt/lists").await;
    let apt = text_contents(client, "[data-testid=tip-card][data-kind=package_cache]").await;
    assert!(
        apt.iter()
            .any(|c| c.contains("2 MB") && c.contains("layer 1")),
        "{apt:?} in {cards}"
    );
    let fixes = text_contents(client, "[data-testid=tip-fix]").await;
    assert!(
        fixes
            .iter()
            .any(|f| f.contains("rm -rf /var/lib/apt/lists")),
        "{fixes:?}"
    );
    assert_nothing_injected(client, "tips' paths and steps stay text").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "tips").await;

    // Flatten through the dialog: the plan first, nothing made until confirmed.
    click(client, "[data-testid=flatten-open]").await;
    let saving = wait_for_text(client, "[data-testid=flatten-saving]", "1.5 MB").await;
    assert!(saving.contains("exact"), "{saving}");
    let history = text_contents(client, "[data-testid=flatten-history] summary").await;
    assert!(history[0].contains("build steps"), "{history:?}");
    let tag = wait_for(client, "[data-testid=flatten-tag]").await;
    tag.clear().await.expect("clear the tag");
    tag.send_keys("tips/app:flat").await.expect("type the tag");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let typed = tag.prop("value").await.expect("the tag's value");
    assert_eq!(typed.as_deref(), Some("tips/app:flat"));
    assert!(
        !engine
            .try_docker(&["image", "inspect", "tips/app:flat"])
            .status
            .success(),
        "nothing made before the user confirmed"
    );
    save(client, "flatten-plan").await;
    click(client, "[data-testid=flatten-confirm]").await;
    let same = wait_for_text(client, "[data-testid=flatten-same]", "Same filesystem").await;
    assert!(!same.contains("differ"), "{same}");
    let measured = text_contents(client, "[data-testid=flatten-measured]")
        .await
        .join("\n");
    assert!(measured.contains("as predicted"), "{measured}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "flatten-done").await;
    let ran = engine.docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "tips/app:flat",
        "ls",
        "/",
    ]);
    assert!(!ran.contains("build.tmp"), "the hidden file is gone: {ran}");
    click(client, "[data-testid=flatten-close]").await;
    click(client, "[aria-label='Close detail']").await;

    // The other views count images: both go again.
    engine.docker(&["rmi", "tips/app:1", "tips/app:flat"]);
}

/// Build history: three builds of myapp that grow by known files, sampled by the app as they
/// come; the overview's disk-use chart, an image's History tab comparing builds 1 and 3, and
/// the Builds view.
async fn history_views(client: &Client, engine: &Dockerd) {
    // Each build adds a file on top of the one before: 100 kB, then 200 kB, then 300 kB.
    let mut dockerfile = format!("FROM {BASE}\n");
    for (n, kb) in [(1, 100), (2, 200), (3, 300)] {
        dockerfile.push_str(&format!("RUN head -c {kb}000 /dev/zero > /build{n}.bin\n"));
        engine.build(&format!("myapp:{n}"), &dockerfile, Builder::Classic);
    }
    // The app samples once the engine's burst of events settles; Refresh reads the store again.
    click(client, "[data-testid=nav-builds]").await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows = text_contents(client, "[data-testid=repository-row]").await;
        if rows.iter().any(|r| r.contains("myapp") && r.contains('3')) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "myapp's three builds were not recorded: {rows:?}"
        );
        click(client, "button.refresh").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // Overview: disk use over time, drawn from the samples the app took.
    click(client, "[data-testid=nav-overview]").await;
    click(client, "button.refresh").await;
    let chart = wait_for(client, "[data-testid=chart-history]").await;
    let loaded = client
        .execute(
            "const i = document.querySelector('[data-testid=chart-history]'); return i.complete && i.naturalWidth > 0;",
            vec![],
        )
        .await
        .expect("chart state");
    assert_eq!(
        loaded,
        serde_json::json!(true),
        "the history chart rendered"
    );
    client
        .execute(
            "document.querySelector('[data-testid=disk-history]').scrollIntoView();",
            vec![],
        )
        .await
        .expect("scroll");
    drop(chart);
    click(client, "[data-testid=history-range-day]").await;
    wait_for(client, "[data-testid=chart-history]").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    save(client, "overview-history").await;

    // The History tab of myapp:3: its three builds; 1 and 3 compared.
    click(client, "[data-testid=nav-images]").await;
    let filter = wait_for(client, "[data-testid=image-filter]").await;
    filter.clear().await.expect("clear");
    filter.send_keys("myapp:3").await.expect("type");
    tokio::time::sleep(Duration::from_millis(300)).await;
    click(client, "[data-testid=image-row]").await;
    click(client, "[data-testid=tab-history]").await;
    wait_for(client, "[data-testid=build-row]").await;
    let builds = text_contents(client, "[data-testid=build-row]").await;
    assert_eq!(builds.len(), 3, "{builds:?}");
    assert!(
        builds[0].contains("1") && builds[1].contains("+200 kB") && builds[2].contains("+300 kB"),
        "in build order, each with its growth: {builds:?}"
    );
    click(client, "[aria-label='Compare build 1']").await;
    click(client, "[aria-label='Compare build 3']").await;
    click(client, "[data-testid=diff-compare]").await;
    let summary = wait_for_text(client, "[data-testid=diff-summary]", "added").await;
    assert!(
        summary.contains("2 added, 0 removed, 0 changed"),
        "{summary}"
    );
    let added = text_contents(client, "[data-testid=diff-added] tr").await;
    assert!(
        added[0].contains("/build3.bin") && added[0].contains("300 kB"),
        "biggest first: {added:?}"
    );
    assert!(added[1].contains("/build2.bin"), "{added:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "history-diff").await;
    click(client, "[aria-label='Close detail']").await;

    // The Builds view: myapp with its builds.
    click(client, "[data-testid=nav-builds]").await;
    wait_for(client, "[data-testid=repository-row]").await;
    let opened = client
        .execute(
            "const b = Array.from(document.querySelectorAll('[data-testid=repository-row] button')).find(b => b.textContent.trim() === 'myapp'); if (b) b.click(); return !!b;",
            vec![],
        )
        .await
        .expect("open myapp");
    assert_eq!(opened, serde_json::json!(true), "myapp is listed");
    wait_for(
        client,
        "[data-testid=repository-builds] [data-testid=builds-table]",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "builds").await;
}

/// Whether the checkbox `css` is checked.
async fn checked(client: &Client, css: &str) -> bool {
    let on = client
        .execute(
            "return document.querySelector(arguments[0]).checked;",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("checkbox state");
    on == serde_json::json!(true)
}

/// Waits until the checkbox `css` is `on` (the shell answered the change).
async fn wait_checked(client: &Client, css: &str, on: bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while checked(client, css).await != on {
        assert!(Instant::now() < deadline, "{css} did not turn {on}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Settings: the desktop settings' defaults, each flipped and kept in the store; start at login
/// writes the login item (in the app's own home) and takes it away again.
async fn settings_view(client: &Client, driver: &TauriDriver) {
    click(client, "[data-testid=nav-settings]").await;
    wait_for(client, "[data-testid=settings-desktop]").await;
    let (tray, login, disk) = (
        "[data-testid=setting-keep-in-tray]",
        "[data-testid=setting-start-at-login]",
        "[data-testid=setting-disk-alert]",
    );
    assert!(
        !checked(client, login).await,
        "start at login is off by default"
    );
    assert!(
        checked(client, disk).await,
        "the disk alert is on by default"
    );
    let percent = "[data-testid=setting-disk-alert-percent]";
    let value = client
        .execute(
            "return document.querySelector(arguments[0]).value;",
            vec![serde_json::json!(percent)],
        )
        .await
        .expect("threshold");
    assert_eq!(value, serde_json::json!("90"));

    let item = driver.home().join(".config/autostart/Drydock.desktop");
    click(client, login).await;
    wait_checked(client, login, true).await;
    let entry = std::fs::read_to_string(&item).expect("the login item was written");
    assert!(entry.contains("--autostart"), "{entry}");
    wait_for(client, percent)
        .await
        .select_by_value("80")
        .await
        .expect("80%");
    // The tray is there only where a tray library loads; the setting then stays off.
    let with_tray = client
        .execute(
            "return !document.querySelector(arguments[0]).disabled;",
            vec![serde_json::json!(tray)],
        )
        .await
        .expect("tray setting");
    if with_tray == serde_json::json!(true) {
        assert!(checked(client, tray).await, "keep in tray is on by default");
        click(client, tray).await;
        wait_checked(client, tray, false).await;
        wait_for_text(
            client,
            "[data-testid=setting-close-explanation]",
            "quits Drydock",
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    save(client, "settings-desktop").await;
    let kept: serde_json::Value = drydock_store::Store::open_in(driver.data_dir())
        .expect("store")
        .setting("desktop")
        .expect("read")
        .expect("saved");
    assert_eq!(kept["disk_alert_percent"], serde_json::json!(80), "{kept}");

    // Off again: the login item goes.
    click(client, login).await;
    wait_checked(client, login, false).await;
    assert!(!item.exists(), "the login item was taken away");
}
