//! Plain GET requests whose JSON Drydock reads with its own types.
//!
//! bollard's typed models follow the newest API (1.53 in bollard 0.21): against a 20.10 engine its
//! `df()` reads every field as empty. Drydock needs the engine's own words for df, info, inspect
//! and history in whatever shape the engine speaks, over whatever transport bollard connected
//! (unix socket, TCP, TLS, named pipe). bollard has no public raw request, so a dedicated client
//! clone rewrites one marked request (an image export, which returns the body as a byte stream)
//! into the GET we want, keeping bollard's transport, timeouts and error mapping.

use bollard::{BollardRequest, Docker};
use futures_util::StreamExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const MARK: &str = "/images/drydock-raw-";

/// A client clone whose marked requests are rewritten; `docker` keeps its own behaviour.
pub(crate) fn raw_client(docker: &Docker) -> Docker {
    docker.clone().with_request_modifier(rewrite)
}

fn rewrite(mut req: BollardRequest) -> BollardRequest {
    let target = req
        .uri()
        .path()
        .strip_prefix(MARK)
        .and_then(|rest| rest.strip_suffix("/get"))
        .and_then(decode_hex);
    if let Some(target) = target {
        let mut parts = req.uri().clone().into_parts();
        if let Ok(path_and_query) = target.parse() {
            parts.path_and_query = Some(path_and_query);
            if let Ok(uri) = http::Uri::from_parts(parts) {
                *req.uri_mut() = uri;
                // HTTP/1.0: the engine streams the body as it encodes it and closes, instead of
                // wrapping large answers (df of hundreds of images) in chunked encoding.
                *req.version_mut() = http::Version::HTTP_10;
            }
        }
    }
    req
}

/// Progress of a long request: bumped for each piece of it that moves, either way.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pulse(Arc<AtomicU64>);

impl Pulse {
    pub(crate) fn beat(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// GETs `path_and_query` (e.g. `/v1.41/system/df`) and returns the body, refusing bodies over
/// `limit` bytes so a confused or hostile engine cannot exhaust memory. Each chunk of the body
/// beats `pulse`.
pub(crate) async fn get(
    raw: &Docker,
    path_and_query: &str,
    limit: usize,
    pulse: Option<&Pulse>,
) -> Result<Vec<u8>, RawError> {
    let mut stream = raw.export_image(&format!("drydock-raw-{}", encode_hex(path_and_query)));
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(RawError::Engine)?;
        if let Some(pulse) = pulse {
            pulse.beat();
        }
        if body.len() + chunk.len() > limit {
            return Err(RawError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[derive(Debug)]
pub(crate) enum RawError {
    Engine(bollard::errors::Error),
    TooLarge { limit: usize },
}

fn encode_hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(hex: &str) -> Option<String> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// Percent-encodes an image reference for use as one path segment group (`/` and `:` stay, as
/// the Docker CLI sends them; anything that could end the path or start a query is escaped).
pub(crate) fn path_escape(name: &str) -> String {
    percent_encode(name, b"/:@")
}

/// Percent-encodes a query value: everything but unreserved characters.
pub(crate) fn query_escape(value: &str) -> String {
    percent_encode(value, b"")
}

/// Every byte but ASCII letters, digits, `-._~` and `keep` as `%XX`.
fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_requests_become_the_wanted_get_and_others_are_untouched() {
        let marked = format!(
            "http://localhost/images/drydock-raw-{}/get",
            encode_hex("/v1.41/system/df?x=1")
        );
        let req = http::Request::builder()
            .uri(marked)
            .body(bollard::body_full(Default::default()))
            .expect("request");
        assert_eq!(
            rewrite(req).uri().to_string(),
            "http://localhost/v1.41/system/df?x=1"
        );
        let plain = http::Request::builder()
            .uri("http://localhost/images/busybox/get")
            .body(bollard::body_full(Default::default()))
            .expect("request");
        assert_eq!(
            rewrite(plain).uri().to_string(),
            "http://localhost/images/busybox/get"
        );
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        assert_eq!(
            decode_hex(&encode_hex("/v1.41/images/a%20b/json")).as_deref(),
            Some("/v1.41/images/a%20b/json")
        );
        assert_eq!(decode_hex("abc"), None);
        assert_eq!(decode_hex("zz"), None);
    }

    #[test]
    fn image_names_cannot_escape_their_path() {
        assert_eq!(path_escape("reg:5000/app:1.0"), "reg:5000/app:1.0");
        assert_eq!(path_escape("a?b#c d%"), "a%3Fb%23c%20d%25");
    }
}
