//! The scan's ignore list, in `.drydock.yaml` beside the lint settings:
//!
//! ```yaml
//! scan:
//!   ignore:
//!     - id: CVE-2023-4911
//!       reason: the image never runs setuid programs
//!       expires: 2027-01-31
//! ```
//!
//! Each entry needs a reason, so the next reader knows why; an expiry makes the decision come
//! back for review. An expired entry ignores nothing and is reported. An id matches a finding's
//! id or any of its aliases.

use crate::report::Finding;
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The config file names the ignore list is read from, nearest first up the directory tree.
pub const FILE_NAMES: [&str; 2] = [".drydock.yaml", ".drydock.yml"];

/// One ignored vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub id: String,
    pub reason: String,
    /// The last day the entry applies (inclusive).
    pub expires: Option<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum IgnoreError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: scan.ignore: {message}\n  fix: each entry needs `id` and `reason`, and may have `expires: YYYY-MM-DD`")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    scan: Option<Section>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    #[serde(default)]
    ignore: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    reason: String,
    #[serde(default)]
    expires: Option<String>,
}

/// The config files are small; a bigger one is not a config file.
const MAX_BYTES: u64 = 1 << 20;

/// The ignore list of the nearest `.drydock.yaml` from `dir` up, with the file it came from.
pub fn discover(dir: &Path) -> Result<Option<(PathBuf, Vec<Ignore>)>, IgnoreError> {
    for candidate in dir.ancestors() {
        for name in FILE_NAMES {
            let path = candidate.join(name);
            if path.is_file() {
                let list = load(&path)?;
                return Ok(Some((path, list)));
            }
        }
    }
    Ok(None)
}

/// Reads the ignore list of the config file `path`.
pub fn load(path: &Path) -> Result<Vec<Ignore>, IgnoreError> {
    let read = |source| IgnoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read)?.len();
    if size > MAX_BYTES {
        return Err(IgnoreError::Invalid {
            path: path.to_path_buf(),
            message: format!("the file is {size} bytes, more than a config file has"),
        });
    }
    let text = std::fs::read_to_string(path).map_err(read)?;
    parse(&text).map_err(|message| IgnoreError::Invalid {
        path: path.to_path_buf(),
        message,
    })
}

/// The ignore list in config `text`.
pub fn parse(text: &str) -> Result<Vec<Ignore>, String> {
    let file: File = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let entries = file.scan.map(|s| s.ignore).unwrap_or_default();
    entries
        .into_iter()
        .map(|e| {
            if e.id.trim().is_empty() || e.reason.trim().is_empty() {
                return Err(format!(
                    "entry {:?} needs both an id and a reason",
                    e.id.chars().take(80).collect::<String>()
                ));
            }
            let expires = e
                .expires
                .map(|d| {
                    NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .map_err(|_| format!("{}: expires {d:?} is not a date (YYYY-MM-DD)", e.id))
                })
                .transpose()?;
            Ok(Ignore {
                id: e.id.trim().to_owned(),
                reason: e.reason.trim().to_owned(),
                expires,
            })
        })
        .collect()
}

/// Drops the findings an entry in force on `today` ignores. Returns how many were ignored, and
/// the entries that have expired (for a warning).
pub fn apply(
    findings: &mut Vec<Finding>,
    list: &[Ignore],
    today: NaiveDate,
) -> (usize, Vec<Ignore>) {
    let (in_force, expired): (Vec<&Ignore>, Vec<&Ignore>) = list
        .iter()
        .partition(|i| i.expires.is_none_or(|last| today <= last));
    let before = findings.len();
    findings.retain(|f| {
        !in_force
            .iter()
            .any(|i| f.id == i.id || f.aliases.contains(&i.id))
    });
    (
        before - findings.len(),
        expired.into_iter().cloned().collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Severity, Status};

    fn finding(id: &str, aliases: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            package: "openssl".into(),
            source_package: None,
            ecosystem: "Debian:12".into(),
            installed: "3.0.11-1~deb12u1".into(),
            fixed: None,
            status: Status::Affected,
            severity: Severity::High,
            cvss: None,
            purl: String::new(),
            path: "/var/lib/dpkg/status".into(),
            layer: 0,
            step: String::new(),
            base_image: false,
            summary: String::new(),
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn an_entry_in_force_ignores_by_id_or_alias_and_an_expired_one_is_reported() {
        let list = parse(
            "ignored: [DL3008]\nscan:\n  ignore:\n    - id: CVE-1\n      reason: not reachable\n    - id: GHSA-2\n      reason: tested\n      expires: 2026-01-31\n    - id: CVE-3\n      reason: old\n      expires: 2025-01-01\n",
        )
        .expect("parse");
        assert_eq!(list.len(), 3);
        let mut findings = vec![
            finding("CVE-1", &[]),
            finding("PYSEC-9", &["GHSA-2"]),
            finding("CVE-3", &[]),
            finding("CVE-4", &[]),
        ];
        let (ignored, expired) = apply(&mut findings, &list, day("2026-01-31"));
        assert_eq!(ignored, 2, "the last day still counts");
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].id, "CVE-3");
        let left: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(left, ["CVE-3", "CVE-4"]);
    }

    #[test]
    fn an_entry_without_a_reason_or_with_a_bad_date_is_refused() {
        assert!(parse("scan:\n  ignore:\n    - id: CVE-1\n      reason: ''\n").is_err());
        let err =
            parse("scan:\n  ignore:\n    - id: CVE-1\n      reason: x\n      expires: soon\n")
                .expect_err("bad date");
        assert!(err.contains("soon"), "{err}");
        assert!(parse("scan:\n  ignore:\n    - id: CVE-1\n      why: x\n").is_err());
    }

    #[test]
    fn a_file_without_a_scan_section_ignores_nothing() {
        assert_eq!(parse("ignored: [DL3008]\n").expect("parse"), Vec::new());
    }
}
