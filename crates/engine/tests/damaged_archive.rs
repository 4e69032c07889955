//! Loading an image archive the engine cannot read, against a throwaway dockerd.

use drydock_engine::{Engine, EngineError, ErrorCode};
use drydock_testkit::fixtures::BASE;
use drydock_testkit::Dockerd;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[test]
fn a_truncated_quarantine_archive_is_damaged_not_a_lost_connection() {
    let engine = Dockerd::start();
    let id = engine.base();
    let dir = engine.scratch("quarantine");
    let file = dir.join("sha256-base.tar");
    runtime().block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        let bytes = eng.save_image(&id, &file).await.expect("saves");
        // As a disk that filled up, or a copy cut short, leaves it.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_len(bytes / 2))
            .expect("truncate");
        engine.docker(&["image", "rm", BASE]);

        let err = eng.load_image(&file).await.expect_err("cannot load half");
        let text = err.to_string();
        assert!(matches!(err, EngineError::DamagedArchive { .. }), "{err:?}");
        assert!(
            text.starts_with(&format!(
                "the archive {} is damaged or incomplete",
                file.display()
            )) && text.contains("\n  fix: "),
            "{text}"
        );
        assert!(!text.contains("lost the connection"), "{text}");
        assert_eq!(err.code(), ErrorCode::Internal);

        let missing = dir.join("gone.tar");
        let err = eng.load_image(&missing).await.expect_err("no file");
        assert!(
            matches!(err, EngineError::ArchiveUnreadable { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("gone.tar"), "{err}");
    });
}
