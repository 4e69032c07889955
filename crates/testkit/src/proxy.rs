//! A fault-injecting proxy in front of a throwaway engine: a unix socket that forwards each
//! request to the engine, and on the requests a test picks loses the answer, kills a process, or
//! both — what a dropped VM link, an engine crash or a killed Drydock look like from the client.
//!
//! Each request gets its own connection to the engine (`Connection: close` is added), so a fault
//! touches exactly one request. Threads end when the proxy is dropped.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Something done at a fault point, such as killing the engine or the client.
pub type Hook = Box<dyn FnOnce() + Send>;

/// What happens to a picked request. The client never gets the answer.
pub struct Fault {
    /// Run before the request is passed on.
    pub before: Option<Hook>,
    /// Pass the request on to the engine (it then acts on it); `false` drops it unsent.
    pub forward: bool,
    /// Run once the engine has started answering (it has acted).
    pub after: Option<Hook>,
}

impl Fault {
    /// The engine acts, its answer is lost on the way back.
    pub fn lose_answer() -> Fault {
        Fault {
            before: None,
            forward: true,
            after: None,
        }
    }
}

struct Rule {
    method: String,
    path_contains: String,
    /// Matching requests to let through before the fault.
    skip: usize,
    fault: Option<Fault>,
}

/// A request as the proxy saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Whether a fault was applied to it.
    pub faulted: bool,
}

pub struct FaultProxy {
    socket: PathBuf,
    rules: Arc<Mutex<Vec<Rule>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl FaultProxy {
    /// Listens on `socket` and forwards to the engine at `upstream`.
    pub fn start(upstream: &Path, socket: &Path) -> FaultProxy {
        let _ = std::fs::remove_file(socket);
        let listener = UnixListener::bind(socket).expect("bind the proxy socket");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let proxy = FaultProxy {
            socket: socket.to_path_buf(),
            rules: Arc::default(),
            seen: Arc::default(),
            stop: Arc::default(),
        };
        let (rules, seen, stop) = (
            Arc::clone(&proxy.rules),
            Arc::clone(&proxy.seen),
            Arc::clone(&proxy.stop),
        );
        let upstream = upstream.to_path_buf();
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let (upstream, rules, seen) =
                            (upstream.clone(), Arc::clone(&rules), Arc::clone(&seen));
                        std::thread::spawn(move || serve(client, &upstream, &rules, &seen));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        proxy
    }

    /// The proxy's address, for `--host` / `Selection::host`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Applies `fault` to the request after the first `skip` ones whose method is `method` and
    /// whose path contains `path_contains`.
    pub fn fault(&self, method: &str, path_contains: &str, skip: usize, fault: Fault) {
        lock(&self.rules).push(Rule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            skip,
            fault: Some(fault),
        });
    }

    /// Every request so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.seen).clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reads up to the end of the request head; `None` if the client went away first.
fn read_head(client: &mut UnixStream) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Some((buf, rest));
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        match client.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The head with `Connection: close` in place of any connection header.
fn one_shot(head: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn serve(
    mut client: UnixStream,
    upstream: &Path,
    rules: &Mutex<Vec<Rule>>,
    seen: &Mutex<Vec<Seen>>,
) {
    let Some((head, body_start)) = read_head(&mut client) else {
        return;
    };
    let line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let fault = {
        let mut rules = lock(rules);
        rules
            .iter_mut()
            .find(|r| r.fault.is_some() && r.method == method && path.contains(&r.path_contains))
            .and_then(|r| {
                if r.skip == 0 {
                    r.fault.take()
                } else {
                    r.skip -= 1;
                    None
                }
            })
    };
    lock(seen).push(Seen {
        method,
        path,
        faulted: fault.is_some(),
    });
    let mut fault = fault;
    if let Some(hook) = fault.as_mut().and_then(|f| f.before.take()) {
        hook();
    }
    if fault.as_ref().is_some_and(|f| !f.forward) {
        return;
    }
    let Ok(mut engine) = UnixStream::connect(upstream) else {
        return;
    };
    if engine.write_all(&one_shot(&head)).is_err() || engine.write_all(&body_start).is_err() {
        return;
    }
    // Request bodies (a build context, an archive to load) stream on beside the answer.
    if let (Ok(mut from), Ok(mut to)) = (client.try_clone(), engine.try_clone()) {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
        });
    }
    let mut chunk = [0u8; 65536];
    let mut answered = false;
    loop {
        match engine.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => match fault.as_mut() {
                // The answer is lost: read it to its end so the engine finishes, pass nothing on.
                Some(f) => {
                    if !answered {
                        answered = true;
                        if let Some(hook) = f.after.take() {
                            hook();
                        }
                    }
                }
                None => {
                    if client.write_all(&chunk[..n]).is_err() {
                        break;
                    }
                }
            },
        }
    }
    let _ = client.shutdown(std::net::Shutdown::Both);
}
