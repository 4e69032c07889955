//! What the webview tests (`e2e.rs`, `package.rs`) share: waiting for the page and saving what it
//! shows in `artifacts/e2e/` for a person to look at.

use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/e2e");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

pub async fn save(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).expect("write screenshot");
}

/// Waits for an element, up to 30 s (the first df of a cold engine takes a moment).
pub async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(found) = client.find(Locator::Css(css)).await {
            return found;
        }
        if Instant::now() > deadline {
            save(client, "timeout").await;
            panic!("{css} did not appear within 30 s (screenshot: artifacts/e2e/timeout.png)");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
