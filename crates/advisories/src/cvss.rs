//! Severity: a vendor's rating when there is one, else the base score of a CVSS vector.
//!
//! The scores come from RustSec's `cvss` crate, which implements CVSS v2, v3.0, v3.1 and v4.0
//! (v4 with FIRST's macro-vector lookup table and severity-distance interpolation). It is checked
//! here against Red Hat's reference library on every v2 and v3 base vector and on random v4
//! vectors (`tests/cvss.rs`). Vectors come from strangers' advisory data, so anything malformed is
//! an error, never a panic, and a vector longer than any valid one is refused before parsing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a vulnerability is. The variants are listed worst first, as a findings table shows them;
/// the order (`<`, `>=`) runs the other way, from `Unknown` up to `Critical`, so a threshold reads
/// `severity >= Severity::High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    None,
    Unknown,
}

impl Severity {
    /// A vendor's rating: GitHub and OSV (`MODERATE`), NVD, Red Hat (`Important`), Ubuntu
    /// (`negligible`) and the Debian Security Tracker's urgencies (`unimportant`,
    /// `not yet assigned`). Anything else, such as "not yet assigned", is `Unknown`, which tells the
    /// caller to fall back on a CVSS vector.
    pub fn from_rating(text: &str) -> Severity {
        let text = text.trim();
        let is = |name: &str| text.eq_ignore_ascii_case(name);
        if is("critical") {
            Severity::Critical
        } else if is("high") || is("important") {
            Severity::High
        } else if is("medium") || is("moderate") {
            Severity::Medium
        } else if is("low") || is("negligible") || is("unimportant") {
            Severity::Low
        } else if is("none") {
            Severity::None
        } else {
            Severity::Unknown
        }
    }

    /// The band a base score falls in. CVSS v2 has no Critical band: 7.0 to 10 is High.
    fn from_score(version: CvssVersion, base: f64) -> Severity {
        match base {
            b if b < 0.1 => Severity::None,
            b if b < 4.0 => Severity::Low,
            b if b < 7.0 => Severity::Medium,
            b if b < 9.0 || version == CvssVersion::V2 => Severity::High,
            _ => Severity::Critical,
        }
    }

    /// The severity a finding shows: the vendor's rating first, then the score, else `Unknown`.
    pub fn resolve(rating: Option<&str>, score: Option<&Score>) -> Severity {
        match rating.map(Severity::from_rating) {
            Some(rated) if rated != Severity::Unknown => rated,
            _ => score.map_or(Severity::Unknown, |s| s.severity),
        }
    }

    fn rank(self) -> u8 {
        match self {
            Severity::Unknown => 0,
            Severity::None => 1,
            Severity::Low => 2,
            Severity::Medium => 3,
            Severity::High => 4,
            Severity::Critical => 5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::None => "none",
            Severity::Unknown => "unknown",
        }
    }
}

impl Ord for Severity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Severity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The CVSS version of a vector, oldest first, so the newest of several vectors is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CvssVersion {
    #[serde(rename = "2.0")]
    V2,
    #[serde(rename = "3.0")]
    V3_0,
    #[serde(rename = "3.1")]
    V3_1,
    #[serde(rename = "4.0")]
    V4_0,
}

/// A vector's score. For v2 and v3 `base` is the base score even when the vector also carries
/// temporal or environmental metrics; for v4 it is the score of the whole vector, as the v4
/// specification defines it (CVSS-B, or CVSS-BT/BE/BTE when threat or environmental metrics are
/// given).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub version: CvssVersion,
    /// One decimal, 0.0 to 10.0.
    pub base: f64,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    #[error("CVSS vector of {0} bytes is longer than any valid one")]
    TooLong(usize),
    #[error("invalid CVSS vector {vector:?}: {reason}")]
    Invalid { vector: String, reason: String },
}

/// A full v4.0 vector with every optional metric is under 300 bytes.
const MAX_VECTOR_LEN: usize = 512;

/// Scores a CVSS vector: `CVSS:4.0/...`, `CVSS:3.1/...`, `CVSS:3.0/...`, or a v2 vector, which has
/// no prefix (`AV:N/AC:L/Au:N/C:P/I:P/A:P`; a `CVSS:2.0/` prefix is accepted too).
pub fn score(vector: &str) -> Result<Score, CvssError> {
    let vector = vector.trim();
    if vector.len() > MAX_VECTOR_LEN {
        return Err(CvssError::TooLong(vector.len()));
    }
    let invalid = |reason: String| CvssError::Invalid {
        vector: vector.to_owned(),
        reason,
    };
    let unprefixed = vector.strip_prefix("CVSS:2.0/").unwrap_or(vector);
    let parsed = ::cvss::Cvss::from_str(unprefixed).map_err(|e| invalid(e.to_string()))?;
    let (version, raw) = match &parsed {
        ::cvss::Cvss::CvssV20(v) => (CvssVersion::V2, v.score().value()),
        ::cvss::Cvss::CvssV30(v) | ::cvss::Cvss::CvssV31(v) => {
            // The crate scores a missing v3 base metric as zero; the specification requires all
            // eight.
            if let Some(name) = missing_v3_base_metric(v) {
                return Err(invalid(format!("missing base metric {name}")));
            }
            let version = if v.minor_version == 0 {
                CvssVersion::V3_0
            } else {
                CvssVersion::V3_1
            };
            (version, v.score().value())
        }
        ::cvss::Cvss::CvssV40(v) => (CvssVersion::V4_0, v.score().value()),
        _ => return Err(invalid("unsupported CVSS version".to_owned())),
    };
    if !(0.0..=10.0).contains(&raw) {
        return Err(invalid(format!("score {raw} out of range")));
    }
    // The scores are already rounded to a tenth; this removes binary noise such as 0.30000000000000004.
    let base = (raw * 10.0).round() / 10.0;
    Ok(Score {
        version,
        base,
        severity: Severity::from_score(version, base),
    })
}

/// The score of the newest CVSS version among `vectors` (an advisory often lists v3.1 and v4.0),
/// skipping those that do not parse.
pub fn preferred<'a>(vectors: impl IntoIterator<Item = &'a str>) -> Option<Score> {
    vectors
        .into_iter()
        .filter_map(|v| score(v).ok())
        .max_by_key(|s| s.version)
}

fn missing_v3_base_metric(v: &::cvss::v3::Vector) -> Option<&'static str> {
    [
        ("AV", v.av.is_none()),
        ("AC", v.ac.is_none()),
        ("PR", v.pr.is_none()),
        ("UI", v.ui.is_none()),
        ("S", v.s.is_none()),
        ("C", v.c.is_none()),
        ("I", v.i.is_none()),
        ("A", v.a.is_none()),
    ]
    .into_iter()
    .find_map(|(name, missing)| missing.then_some(name))
}
