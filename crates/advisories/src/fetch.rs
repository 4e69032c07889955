//! `db update`: download each public source (or the same paths under a mirror), then import
//! what arrived in one go. A source that cannot be fetched, or arrives damaged, is named in the
//! report and left as the store had it; the others are replaced.

use crate::store::{import, ImportReport, Input, Progress};
use crate::Error;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// OSV's ecosystems fetched by `db update`.
pub const OSV_ECOSYSTEMS: &[&str] = &["PyPI", "npm", "Go", "crates.io", "Maven"];
/// Alpine branches fetched by `db update` (main and community each).
pub const ALPINE_BRANCHES: &[&str] = &["v3.19", "v3.20", "v3.21", "v3.22"];
/// The most bytes one download may take.
pub const MAX_DOWNLOAD: u64 = 1 << 30;

const OSV: &str = "https://osv-vulnerabilities.storage.googleapis.com";
const DEBIAN: &str = "https://security-tracker.debian.org";
const ALPINE: &str = "https://secdb.alpinelinux.org";

/// One file to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub url: String,
}

/// What `db update` fetches: the public URLs, or the same paths under `mirror`.
pub fn downloads(mirror: Option<&str>) -> Vec<Download> {
    let base = |public: &str| -> String {
        match mirror {
            Some(m) => m.trim_end_matches('/').to_owned(),
            None => public.to_owned(),
        }
    };
    let mut out: Vec<Download> = OSV_ECOSYSTEMS
        .iter()
        .map(|e| Download {
            url: format!("{}/{e}/all.zip", base(OSV)),
        })
        .collect();
    out.push(Download {
        url: format!("{}/tracker/data/json", base(DEBIAN)),
    });
    for branch in ALPINE_BRANCHES {
        for repo in ["main", "community"] {
            out.push(Download {
                url: format!("{}/{branch}/{repo}.json", base(ALPINE)),
            });
        }
    }
    out
}

#[derive(Debug, Serialize)]
pub struct UpdateReport {
    /// The import of what arrived; `None` when nothing did.
    pub import: Option<ImportReport>,
    /// What could not be fetched or read, each `URL: why`; those sources stay as they were.
    pub failures: Vec<String>,
}

/// Timeouts for each download: connecting, the first answer, and each read of the body.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(15),
            read: Duration::from_secs(60),
        }
    }
}

/// Downloads `list` into a scratch directory under `dir`, imports what arrived, removes the
/// downloads. `note` hears each download as it finishes.
pub fn update(
    dir: &Path,
    list: &[Download],
    timeouts: Timeouts,
    now: i64,
    note: &mut dyn FnMut(&str),
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpdateReport, Error> {
    let scratch = dir.join("advisories-download");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|source| Error::Read {
        path: scratch.display().to_string(),
        source,
    })?;
    let result = fetch_and_import(&scratch, dir, list, timeouts, now, note, progress);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn fetch_and_import(
    scratch: &Path,
    dir: &Path,
    list: &[Download],
    timeouts: Timeouts,
    now: i64,
    note: &mut dyn FnMut(&str),
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpdateReport, Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(timeouts.connect))
        .timeout_recv_response(Some(timeouts.read))
        .timeout_per_read(Some(timeouts.read))
        .http_status_as_error(true)
        .user_agent(concat!("drydock/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut failures = Vec::new();
    let mut inputs = Vec::new();
    for (i, d) in list.iter().enumerate() {
        let path = scratch.join(format!("{i}"));
        match fetch(&agent, &d.url, &path) {
            Ok(bytes) => {
                note(&format!("fetched {} ({} KiB)", d.url, bytes / 1024));
                inputs.push(Input {
                    path,
                    label: d.url.clone(),
                });
            }
            Err(why) => {
                note(&format!("cannot fetch {}: {why}", d.url));
                failures.push(format!("{}: {why}", d.url));
            }
        }
    }
    // A download that arrived but does not read (damaged on the way, not what the URL should
    // hold) is dropped and the rest imported again; each retry drops one, so this ends.
    while !inputs.is_empty() {
        match import(dir, &inputs, now, progress) {
            Ok(report) => {
                return Ok(UpdateReport {
                    import: Some(report),
                    failures,
                })
            }
            Err(Error::Content {
                path,
                entry,
                message,
            }) => {
                let Some(at) = inputs.iter().position(|i| i.label == path) else {
                    return Err(Error::Content {
                        path,
                        entry,
                        message,
                    });
                };
                let why = match entry {
                    Some(e) => format!("{e}: {message}"),
                    None => message,
                };
                note(&format!("cannot read {path}: {why}"));
                failures.push(format!("{path}: {why}"));
                inputs.remove(at);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(UpdateReport {
        import: None,
        failures,
    })
}

/// Downloads `url` into `path`; returns its size. The body must arrive whole.
fn fetch(agent: &ureq::Agent, url: &str, path: &Path) -> Result<u64, String> {
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let expected = response.body().content_length();
    let mut reader = response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .reader();
    let mut file = std::fs::File::create(path).map_err(|e| format!("cannot save: {e}"))?;
    let got = std::io::copy(&mut reader, &mut file).map_err(|e| e.to_string())?;
    file.flush().map_err(|e| format!("cannot save: {e}"))?;
    match expected {
        Some(n) if n != got => Err(format!("truncated: {got} of {n} bytes arrived")),
        _ => Ok(got),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_serves_the_same_paths() {
        let public = downloads(None);
        let mirrored = downloads(Some("http://mirror.example/adv/"));
        assert_eq!(public.len(), mirrored.len());
        assert!(public
            .iter()
            .any(|d| d.url == "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"));
        assert!(public
            .iter()
            .any(|d| d.url == "https://security-tracker.debian.org/tracker/data/json"));
        assert!(mirrored
            .iter()
            .any(|d| d.url == "http://mirror.example/adv/v3.20/main.json"));
        assert!(mirrored
            .iter()
            .any(|d| d.url == "http://mirror.example/adv/crates.io/all.zip"));
    }
}
