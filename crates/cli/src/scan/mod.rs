//! `drydock scan`'s output formats: pure functions from the scan crate's report (and the time,
//! for the SBOMs' timestamps) to the text printed. Each format is one file behind
//! [`RenderScan`]. Package names, versions, paths, build steps and advisory summaries are
//! strangers' text: the table makes them inert, the JSON formats leave the escaping to serde, and
//! no format puts them where they would be rendered as markup (SARIF gets no markdown help).

mod command;
mod cyclonedx;
mod json;
mod sarif;
mod spdx;
mod table;

pub(crate) use command::count_vulnerabilities;
pub use command::run;

use clap::ValueEnum;
use drydock_scan::{Finding, ScanReport, Severity, Status};
use sha2::{Digest, Sha256};

/// How `drydock scan` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// For people: a summary, then the findings most severe first, with the fix in words
    Table,
    /// The report's stable keys (docs/cli.md)
    Json,
    /// SARIF 2.1.0, for code-scanning services
    Sarif,
    /// A CycloneDX 1.5 JSON SBOM of every package, with the findings as vulnerabilities
    Cyclonedx,
    /// An SPDX 2.3 JSON SBOM of every package
    Spdx,
}

/// Renders a whole scan as text for stdout. `now` (unix seconds) dates the SBOMs.
pub trait RenderScan {
    fn render(&self, report: &ScanReport, now: i64) -> String;
}

fn pick(format: ScanFormat) -> Box<dyn RenderScan> {
    match format {
        ScanFormat::Table => Box::new(table::Table),
        ScanFormat::Json => Box::new(json::Json),
        ScanFormat::Sarif => Box::new(sarif::Sarif),
        ScanFormat::Cyclonedx => Box::new(cyclonedx::CycloneDx),
        ScanFormat::Spdx => Box::new(spdx::Spdx),
    }
}

/// The report in `format`; `now` is unix seconds (the SBOMs' creation time).
pub fn render(format: ScanFormat, report: &ScanReport, now: i64) -> String {
    pick(format).render(report, now)
}

/// The tool's name and version, as the SBOMs and SARIF name it.
const TOOL: &str = "drydock";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where people learn about the tool (SARIF's `informationUri`).
// TODO(issue 12): the project's public address; this one is a placeholder.
const INFORMATION_URI: &str = "https://github.com/drydock/drydock";

/// What to do about a finding, for people.
///
/// The fix in words: "rebuild" when the package came with the base image
/// ([`drydock_scan::from_base_image`]), else the upgrade that fixes it, or why there is none.
pub(crate) fn fix_words(f: &Finding) -> String {
    match (f.status, &f.fixed) {
        (Status::Fixed, Some(_)) if f.base_image => "rebuild: the base image brings it".to_owned(),
        (Status::Fixed, Some(version)) => format!("upgrade {} to {}", f.package, version),
        (Status::Fixed | Status::Affected, None) | (Status::Affected, Some(_)) => {
            "no fix yet".to_owned()
        }
        (Status::WillNotFix, _) => "none: the distribution will not fix it".to_owned(),
        (Status::Deferred, _) => "none yet: the distribution deferred the fix".to_owned(),
        (Status::EndOfLife, _) => {
            "move to a supported release: this one is past its end of life".to_owned()
        }
    }
}

/// The fixed version, or why there is none.
pub(crate) fn fixed_or_why(f: &Finding) -> &str {
    match (f.status, &f.fixed) {
        (Status::Fixed, Some(version)) => version,
        (Status::Fixed | Status::Affected, _) => "no fix",
        (Status::WillNotFix, _) => "will not fix",
        (Status::Deferred, _) => "deferred",
        (Status::EndOfLife, _) => "end of life",
    }
}

/// The severity as the JSON report spells it.
pub(crate) fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::None => "none",
        Severity::Unknown => "unknown",
    }
}

/// `now` (unix seconds) as RFC 3339 in UTC, to the second (what SPDX requires).
pub(crate) fn rfc3339(now: i64) -> String {
    chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A name for the image for people: its first tag, else its id.
pub(crate) fn image_name(report: &ScanReport) -> &str {
    report
        .image
        .tags
        .first()
        .map_or(report.image.id.as_str(), String::as_str)
}

/// A UUID for one SBOM, derived from what it describes and when: the image, every package (with
/// where it was found) and `now`, so the same report at the same time gives the same id, and any
/// other BOM another (CycloneDX and SPDX both ask for a new id per document).
///
/// The layout is a name-based version 5 UUID's, with SHA-256 in place of SHA-1 (not a
/// dependency here). CycloneDX 1.5's schema accepts versions 1 to 5 only, so not version 8.
pub(crate) fn document_uuid(report: &ScanReport, now: i64) -> String {
    let mut hash = Sha256::new();
    hash.update(report.image.id.as_bytes());
    hash.update(now.to_le_bytes());
    for p in &report.inventory {
        for part in [&p.purl, &p.name, &p.version, &p.path] {
            // Length-prefixed, so no two lists of strings hash alike.
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
        hash.update((p.layer as u64).to_le_bytes());
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small report with hostile text in every place a stranger controls.

    use drydock_catalog::{Os, Package};
    use drydock_scan::{DbSource, Finding, ImageRef, ScanReport, Severity, Status};

    pub const DAY: i64 = 86_400;
    /// 2026-12-04T00:00:00Z.
    pub const NOW: i64 = 1_796_342_400;

    pub fn package(name: &str, version: &str, purl: &str, path: &str, layer: usize) -> Package {
        Package {
            name: name.into(),
            version: version.into(),
            ecosystem: if purl.starts_with("pkg:deb") {
                "Debian:12".into()
            } else {
                "PyPI".into()
            },
            source_name: None,
            source_version: None,
            purl: purl.into(),
            path: path.into(),
            layer,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn finding(
        id: &str,
        p: &Package,
        severity: Severity,
        cvss: Option<f64>,
        status: Status,
        fixed: Option<&str>,
        step: &str,
        summary: &str,
    ) -> Finding {
        Finding {
            id: id.into(),
            aliases: vec![format!("GHSA-{}", id.len())],
            package: p.name.clone(),
            source_package: p.source_name.clone(),
            ecosystem: p.ecosystem.clone(),
            installed: p.version.clone(),
            fixed: fixed.map(str::to_owned),
            status,
            severity,
            cvss,
            purl: p.purl.clone(),
            path: p.path.clone(),
            layer: p.layer,
            base_image: drydock_scan::from_base_image(p.layer, step),
            step: step.into(),
            summary: summary.into(),
        }
    }

    pub const HOSTILE_SUMMARY: &str =
        "<script>alert(1)</script> \u{1b}[2J\u{1b}]0;owned\u{7} overflow in \"parse\"\nline two";
    pub const HOSTILE_NAME: &str = "evil\"pkg'\u{1b}[31m";

    pub fn report() -> ScanReport {
        let openssl = package(
            "openssl",
            "3.0.11-1~deb12u2",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            "/var/lib/dpkg/status",
            0,
        );
        let evil = package(
            HOSTILE_NAME,
            "1.0\u{202e}",
            "pkg:pypi/evil-pkg@1.0",
            "/usr/lib/python3/dist-packages/evil pkg-1.0.dist-info/METADATA",
            2,
        );
        let requests = package(
            "requests",
            "2.25.0",
            "pkg:pypi/requests@2.25.0",
            "/usr/local/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA",
            3,
        );
        // The same package at a second path: the SBOMs must keep both, with distinct refs.
        let requests_again = package(
            "requests",
            "2.25.0",
            "pkg:pypi/requests@2.25.0",
            "/opt/venv/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA",
            3,
        );
        let step_pip = "RUN /bin/sh -c pip install requests==2.25.0 evil-pkg \u{1b}[8m # buildkit";
        let findings = vec![
            finding(
                "CVE-2024-0001",
                &evil,
                Severity::Medium,
                Some(5.3),
                Status::Affected,
                None,
                step_pip,
                HOSTILE_SUMMARY,
            ),
            finding(
                "CVE-2023-5678",
                &openssl,
                Severity::Critical,
                Some(9.8),
                Status::Fixed,
                Some("3.0.13-1~deb12u1"),
                "/bin/sh -c #(nop) ADD file:4f1d2e3c in / ",
                "OpenSSL: excessive time spent checking DH keys",
            ),
            finding(
                "GHSA-j8r2-6x86-q33q",
                &requests,
                Severity::High,
                None,
                Status::Fixed,
                Some("2.31.0"),
                step_pip,
                "Unintended leak of Proxy-Authorization header in requests",
            ),
            finding(
                "CVE-2023-9999",
                &openssl,
                Severity::Low,
                Some(3.1),
                Status::WillNotFix,
                None,
                "/bin/sh -c #(nop) ADD file:4f1d2e3c in / ",
                "",
            ),
        ];
        ScanReport {
            image: ImageRef {
                id: format!("sha256:{}", "ab".repeat(32)),
                tags: vec!["app:1\u{1b}[0m".into()],
            },
            os: Some(Os {
                id: "debian".into(),
                version: "12".into(),
                name: "Debian GNU/Linux 12 (bookworm)".into(),
            }),
            db: vec![
                DbSource {
                    name: "debian-tracker".into(),
                    records: 120_000,
                    imported_at: NOW - 2 * DAY,
                    age: 2 * DAY,
                },
                DbSource {
                    name: "osv:PyPI".into(),
                    records: 15_000,
                    imported_at: NOW - 9 * DAY - 3600,
                    age: 9 * DAY + 3600,
                },
            ],
            packages: 4,
            findings,
            problems: vec!["/var/lib/dpkg/status.d/bad\u{1b}[1A: not a dpkg status file".into()],
            inventory: vec![openssl, evil, requests, requests_again],
        }
    }

    /// The text has no control or invisible characters a terminal would act on.
    pub fn assert_inert(text: &str) {
        for c in text.chars() {
            assert!(
                c == '\n' || crate::output::escaped_char(c).is_none(),
                "raw {:?} in:\n{text}",
                c
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::*;
    use super::*;

    #[test]
    fn fixes_in_words() {
        let r = report();
        let words: Vec<String> = r.findings.iter().map(fix_words).collect();
        assert_eq!(
            words,
            [
                "no fix yet",
                "rebuild: the base image brings it",
                "upgrade requests to 2.31.0",
                "none: the distribution will not fix it",
            ]
        );
        let fixed: Vec<&str> = r.findings.iter().map(fixed_or_why).collect();
        assert_eq!(
            fixed,
            ["no fix", "3.0.13-1~deb12u1", "2.31.0", "will not fix"]
        );
    }

    #[test]
    fn document_ids_are_uuids_of_the_content_and_time() {
        let r = report();
        let id = document_uuid(&r, NOW);
        assert_eq!(id, document_uuid(&r, NOW));
        assert_ne!(id, document_uuid(&r, NOW + 1));
        let mut other = r.clone();
        other.inventory.pop();
        assert_ne!(id, document_uuid(&other, NOW));
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('5'), "{id}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{id}");
        assert!(id
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn timestamps_are_rfc3339_utc_seconds() {
        assert_eq!(rfc3339(NOW), "2026-12-04T00:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn every_format_renders() {
        let r = report();
        for format in ScanFormat::value_variants() {
            assert!(!render(*format, &r, NOW).is_empty());
        }
    }
}
