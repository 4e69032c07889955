//! What the store keeps and gives back: plain data, no version logic (that is
//! `drydock-versions`' job; the matcher converts [`Event`]s into its own ranges).

use serde::{Deserialize, Serialize};

/// One advisory as its source published it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// OSV id (GHSA-..., PYSEC-..., RUSTSEC-..., GO-...) or the distro's id (CVE-..., TEMP-...).
    pub id: String,
    /// Other ids of the same vulnerability (CVE, GHSA, ...), as the source lists them.
    pub aliases: Vec<String>,
    /// The summary, else the first line of the details; capped at [`SUMMARY_CAP`] characters.
    pub summary: Option<String>,
    /// CVSS vectors (or other scores) as given; computing a rating from them is `cvss`'s job.
    pub severity: Vec<Severity>,
    /// The vendor's own rating (`HIGH`, `MODERATE`, ...), when the source gives one.
    pub vendor_severity: Option<String>,
    /// The source it came from (see [`crate::SourceStatus::name`]).
    pub source: String,
}

/// The longest summary kept, in characters.
pub const SUMMARY_CAP: usize = 300;

/// One OSV `severity[]` entry: `kind` is `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, ...; `score` the vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    pub kind: String,
    pub score: String,
}

/// One OSV range event, as the OSV schema defines them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

/// A package an advisory concerns, with the advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub advisory: Advisory,
    /// OSV ecosystem: `PyPI`, `npm`, `crates.io`, `Go`, `Maven`, `Debian:12`, `Alpine:v3.17`, ...
    pub ecosystem: String,
    /// The package name (PEP 503 normalised for PyPI; the source package for distros).
    pub package: String,
    /// ECOSYSTEM and SEMVER ranges, each its events in order (GIT ranges are dropped).
    pub ranges: Vec<Vec<Event>>,
    /// Versions listed as affected explicitly.
    pub versions: Vec<String>,
    /// For distro data (Debian tracker, Alpine secdb): the distro's verdict for its release.
    pub distro: Option<DistroStatus>,
}

/// What a distro says of a package in one of its releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistroStatus {
    /// `12`, `unstable`, `v3.17`, ...
    pub release: String,
    pub status: DistroState,
    /// The first fixed version, when fixed.
    pub fixed_version: Option<String>,
    /// The distro's urgency (`low`, `medium`, `high`, `unimportant`, ...).
    pub urgency: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistroState {
    /// Fixed in `fixed_version`.
    Fixed,
    /// Affected, no fix yet.
    Open,
    /// Affected; the distro decided not to fix it (Debian `nodsa_reason: ignored`).
    WillNotFix,
    /// Affected; the fix is postponed (Debian `nodsa_reason: postponed`).
    Deferred,
    /// The distro says this release never was affected (Debian and Alpine's version "0").
    NotAffected,
    /// The release (or the package in it) is no longer supported.
    EndOfLife,
}

impl DistroState {
    pub fn as_str(self) -> &'static str {
        match self {
            DistroState::Fixed => "fixed",
            DistroState::Open => "open",
            DistroState::WillNotFix => "will_not_fix",
            DistroState::Deferred => "deferred",
            DistroState::NotAffected => "not_affected",
            DistroState::EndOfLife => "end_of_life",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<DistroState> {
        Some(match text {
            "fixed" => DistroState::Fixed,
            "open" => DistroState::Open,
            "will_not_fix" => DistroState::WillNotFix,
            "deferred" => DistroState::Deferred,
            "not_affected" => DistroState::NotAffected,
            "end_of_life" => DistroState::EndOfLife,
            _ => return None,
        })
    }
}

/// One advisory as an importer reads it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub advisory: Advisory,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub packages: Vec<Package>,
}

/// One affected package of a [`Record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Package {
    pub ecosystem: String,
    pub name: String,
    pub ranges: Vec<Vec<Event>>,
    pub versions: Vec<String>,
    pub distro: Option<DistroStatus>,
}

/// The name the store keys a package by: PyPI names normalised as PEP 503 says (lower case,
/// runs of `-`, `_`, `.` as one `-`), every other ecosystem's names exact.
pub fn normalise_name(ecosystem: &str, name: &str) -> String {
    if ecosystem == "PyPI" {
        drydock_catalog::pypi_name(name)
    } else {
        name.to_owned()
    }
}

/// The first line of `text`, at most [`SUMMARY_CAP`] characters, or `None` when blank.
pub(crate) fn summary_of(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut out: String = line.chars().take(SUMMARY_CAP).collect();
    if line.chars().nth(SUMMARY_CAP).is_some() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_are_normalised_as_pep_503_says_and_others_stay_exact() {
        assert_eq!(
            normalise_name("PyPI", "Foo.Bar__baz-_qux"),
            "foo-bar-baz-qux"
        );
        assert_eq!(normalise_name("PyPI", "Django"), "django");
        assert_eq!(normalise_name("npm", "@Scope/Pkg_x"), "@Scope/Pkg_x");
        assert_eq!(normalise_name("crates.io", "Serde_json"), "Serde_json");
    }

    #[test]
    fn a_summary_is_the_first_non_blank_line_capped() {
        assert_eq!(summary_of("\n  first \nsecond").as_deref(), Some("first"));
        assert_eq!(summary_of(" \n\t"), None);
        let long = "x".repeat(SUMMARY_CAP + 10);
        let s = summary_of(&long).unwrap_or_default();
        assert_eq!(s.chars().count(), SUMMARY_CAP + 1);
    }

    #[test]
    fn events_read_and_write_as_osv_writes_them() {
        let events: Vec<Event> =
            serde_json::from_str(r#"[{"introduced":"0"},{"last_affected":"1.2"},{"limit":"2"}]"#)
                .unwrap_or_default();
        assert_eq!(
            events,
            vec![
                Event::Introduced("0".into()),
                Event::LastAffected("1.2".into()),
                Event::Limit("2".into())
            ]
        );
    }
}
