//! A scan as both front ends show it, and as `--format json` prints it.

pub use drydock_advisories::cvss::Severity;
use drydock_catalog::{Os, Package};
use serde::{Deserialize, Serialize};

/// Where a fix stands for the installed package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FixStatus"))]
pub enum Status {
    /// A fixed version exists: `Finding::fixed`.
    Fixed,
    /// Affected, and no fix is published yet.
    Affected,
    /// The distribution decided not to fix it (minor issue, or not worth a backport).
    WillNotFix,
    /// The distribution postponed the fix.
    Deferred,
    /// The release is past its support: no fix will come.
    EndOfLife,
}

/// The image scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageRef {
    /// `sha256:...`, or the archive's or directory's name when there is no id.
    pub id: String,
    pub tags: Vec<String>,
}

/// One advisory source the findings were matched against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DbSource {
    pub name: String,
    pub records: u64,
    /// Unix seconds.
    pub imported_at: i64,
    /// Seconds since the import, at the time of the scan.
    pub age: i64,
}

/// One vulnerability in one installed package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ScanFinding"))]
pub struct Finding {
    /// The advisory's id (`CVE-2024-1234`, `GHSA-...`, `RUSTSEC-...`, `GO-...`, `PYSEC-...`).
    pub id: String,
    /// Every other id it is known by.
    pub aliases: Vec<String>,
    /// The installed package's name.
    pub package: String,
    /// The distribution's source package, for distro packages; `None` otherwise.
    pub source_package: Option<String>,
    pub ecosystem: String,
    pub installed: String,
    /// The first version with the fix, when there is one.
    pub fixed: Option<String>,
    pub status: Status,
    pub severity: Severity,
    /// The CVSS base score the severity came from, when it came from one.
    pub cvss: Option<f64>,
    pub purl: String,
    /// The file that declares the package.
    pub path: String,
    /// The layer that wrote that file (0 = the lowest).
    pub layer: usize,
    /// That layer's build step, as the image's history gives it (empty when unknown).
    pub step: String,
    /// The package came with the base image (see [`crate::from_base_image`]): the fix is a
    /// rebuild on a newer base, not an upgrade in this image's own steps.
    pub base_image: bool,
    pub summary: String,
}

/// A whole scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScanReport {
    pub image: ImageRef,
    pub os: Option<Os>,
    /// The advisory sources matched against, with their ages.
    pub db: Vec<DbSource>,
    /// How many packages the image holds.
    pub packages: usize,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// Files that could not be read as what they claim to be, and files too big to read.
    pub problems: Vec<String>,
    /// Every package, for SBOM output; not part of the JSON report.
    #[serde(skip)]
    pub inventory: Vec<Package>,
}
