//! The engine's event stream followed live, against a throwaway dockerd: each change arrives,
//! once, across the follow's own resubscriptions. An event Drydock cannot read comes from a
//! scripted server, as no engine sends one on demand.

use drydock_engine::{Change, Changes, Engine};
use drydock_testkit::fixtures::BASE;
use drydock_testkit::{runtime, Dockerd};
use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::time::Duration;
use tokio::time::timeout;

/// Short, so the test sees several resubscriptions; long enough that a tag made right after
/// subscribing arrives over that same subscription.
const EVERY: Duration = Duration::from_secs(1);
/// Ample for an event to reach the follow from a local engine.
const ARRIVES_WITHIN: Duration = Duration::from_secs(10);

async fn arrives(changes: &mut Changes) -> Change {
    timeout(ARRIVES_WITHIN, changes.next())
        .await
        .expect("a change arrives")
        .expect("the stream goes on")
        .expect("no error")
}

async fn nothing_within(changes: &mut Changes, quiet: Duration) {
    if let Ok(next) = timeout(quiet, changes.next()).await {
        panic!("nothing happened, yet the follow reported {next:?}");
    }
}

fn tagged() -> Change {
    Change {
        kind: "image".into(),
        action: "tag".into(),
    }
}

#[test]
fn a_tag_arrives_once_across_resubscriptions_even_one_made_while_nobody_read() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    rt.block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        let mut changes = eng.changes().resubscribe_every(EVERY);
        // The first read subscribes, from now: the base import before it is not news.
        nothing_within(&mut changes, EVERY / 2).await;

        engine.docker(&["tag", BASE, "drydock-test/first:1"]);
        assert_eq!(arrives(&mut changes).await, tagged());

        // Tagged while nobody reads, and read only after the subscription that carried it was
        // due to be replaced: the new one, from the first tag's engine time, reads both tags
        // again and reports the second alone.
        engine.docker(&["tag", BASE, "drydock-test/second:1"]);
        tokio::time::sleep(EVERY * 2).await;
        assert_eq!(arrives(&mut changes).await, tagged());

        // Several resubscriptions later, neither tag is reported again.
        nothing_within(&mut changes, EVERY * 4).await;
    });
}

#[test]
fn a_container_created_elsewhere_is_a_change() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    rt.block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        let mut changes = eng.changes();
        nothing_within(&mut changes, Duration::from_millis(300)).await;
        engine.docker(&["create", "--name", "made-elsewhere", BASE]);
        assert_eq!(
            arrives(&mut changes).await,
            Change {
                kind: "container".into(),
                action: "create".into(),
            }
        );
    });
}

/// Answers the ping as Docker 20.10 does, and the events request with `lines`, one write each a
/// moment apart, then holds the stream open.
fn events_server(lines: &'static [&'static str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::Builder::new()
        .prefix("dd-events-")
        .tempdir_in("/tmp")
        .expect("tempdir");
    let socket = dir.path().join("docker.sock");
    let listener = UnixListener::bind(&socket).expect("bind");
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                if String::from_utf8_lossy(&head).contains("/_ping") {
                    let _ = conn.write_all(
                        b"HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK",
                    );
                    return;
                }
                let _ =
                    conn.write_all(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n");
                for line in lines {
                    std::thread::sleep(Duration::from_millis(200));
                    if conn.write_all(format!("{line}\n").as_bytes()).is_err() {
                        return;
                    }
                }
                // Held until the test ends and drops the connection.
                let _ = conn.read(&mut buf);
            });
        }
    });
    let host = format!("unix://{}", socket.display());
    (dir, host)
}

#[test]
fn an_event_of_a_kind_bollard_cannot_read_is_news() {
    let (_dir, host) = events_server(&[
        r#"{"Type":"widget","Action":"spin","Actor":{"ID":"w1"},"time":1,"timeNano":1000000000}"#,
        r#"{"Type":"image","Action":"tag","Actor":{"ID":"sha256:a"},"time":2,"timeNano":2000000000}"#,
    ]);
    runtime().block_on(async {
        let eng = Engine::open_host(&host).await.expect("connects");
        let mut changes = eng.changes();
        assert_eq!(arrives(&mut changes).await, Change::default());
        // bollard's decoder reads nothing after such a line: the follow ends there, and the app
        // follows again, as it does after any end.
        let after = timeout(ARRIVES_WITHIN, changes.next()).await;
        assert!(matches!(after, Ok(None)), "{after:?}");
    });
}
