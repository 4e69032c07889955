//! Matching: each package against the advisories of its own ecosystem, with that ecosystem's
//! version order. Distro packages are matched by their source package against their own
//! distribution's data only, never against upstream ranges: distributions backport fixes, so an
//! upstream range would report what the distribution has long fixed.

use crate::report::{Finding, Severity, Status};
use drydock_advisories::{Affected, DistroState, Event as AdvisoryEvent};
use drydock_catalog::Package;
use drydock_versions::{compare, Event, Scheme};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Where the advisories for a package come from: the store, or a test's list.
pub trait Advisories {
    /// Every advisory that names `name` in `ecosystem`.
    fn for_package(&self, ecosystem: &str, name: &str) -> Result<Vec<Affected>, String>;
}

impl Advisories for drydock_advisories::Store {
    fn for_package(&self, ecosystem: &str, name: &str) -> Result<Vec<Affected>, String> {
        drydock_advisories::Store::for_package(self, ecosystem, name).map_err(|e| e.to_string())
    }
}

/// The findings for `packages`, one per vulnerability and package, most severe first. `step`
/// gives a layer's build step. A lookup that fails is a problem of the scan, not its end.
pub fn match_packages(
    packages: &[Package],
    db: &dyn Advisories,
    step: &dyn Fn(usize) -> String,
    problems: &mut Vec<String>,
) -> Vec<Finding> {
    let mut findings: BTreeMap<(String, String, String), Finding> = BTreeMap::new();
    for package in packages {
        let Some(scheme) = Scheme::for_ecosystem(&package.ecosystem) else {
            continue;
        };
        let distro = is_distro(&package.ecosystem);
        let name = match (&package.source_name, distro) {
            (Some(source), true) => source.as_str(),
            _ => package.name.as_str(),
        };
        // A binNMU's binary version is its source's plus `+bN`: distro data names source versions.
        let installed = match (&package.source_version, distro) {
            (Some(v), true) => v.as_str(),
            _ => package.version.as_str(),
        };
        let advisories = match db.for_package(&package.ecosystem, name) {
            Ok(found) => found,
            Err(e) => {
                problems.push(format!(
                    "advisories for {name} ({}): {e}",
                    package.ecosystem
                ));
                continue;
            }
        };
        for affected in advisories {
            let Some((status, fixed)) = verdict(scheme, &affected, installed) else {
                continue;
            };
            let finding = finding(package, distro, &affected, status, fixed, step);
            let key = (
                canonical(&finding),
                package.name.clone(),
                package.path.clone(),
            );
            findings
                .entry(key)
                .and_modify(|kept| merge(kept, &finding))
                .or_insert(finding);
        }
    }
    let mut out: Vec<Finding> = findings.into_values().collect();
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.cvss.partial_cmp(&a.cvss).unwrap_or(Ordering::Equal))
            .then_with(|| a.package.cmp(&b.package))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// One name for a vulnerability whatever record names it: its CVE when it has one (distro data
/// names CVEs, OSV records list them as aliases), else its own id.
fn canonical(finding: &Finding) -> String {
    std::iter::once(&finding.id)
        .chain(&finding.aliases)
        .filter(|id| id.starts_with("CVE-"))
        .min()
        .unwrap_or(&finding.id)
        .clone()
}

/// Distro ecosystems (`Debian:12`, `Alpine:v3.17`, ...) carry a release after a colon; the
/// language ecosystems OSV names do not.
fn is_distro(ecosystem: &str) -> bool {
    ecosystem.contains(':') || matches!(ecosystem, "Debian" | "Alpine" | "Ubuntu")
}

/// Whether `installed` is affected by `affected`, and if so how it stands and the first fixed
/// version. `None`: not affected (or nothing here can tell, e.g. a version that does not parse).
fn verdict(
    scheme: Scheme,
    affected: &Affected,
    installed: &str,
) -> Option<(Status, Option<String>)> {
    if let Some(distro) = &affected.distro {
        return match distro.status {
            DistroState::NotAffected => None,
            DistroState::Fixed => {
                let fixed = distro.fixed_version.clone()?;
                let below = compare(scheme, installed, &fixed).ok()? == Ordering::Less;
                below.then_some((Status::Fixed, Some(fixed)))
            }
            DistroState::Open => Some((Status::Affected, None)),
            DistroState::WillNotFix => Some((Status::WillNotFix, None)),
            DistroState::Deferred => Some((Status::Deferred, None)),
            DistroState::EndOfLife => Some((Status::EndOfLife, None)),
        };
    }
    let ranges: Vec<Vec<Event>> = affected.ranges.iter().map(|r| events(r)).collect();
    if !drydock_versions::affected(scheme, &ranges, &affected.versions, installed) {
        return None;
    }
    let fixed = first_fix_above(scheme, &ranges, installed);
    Some(match fixed {
        Some(v) => (Status::Fixed, Some(v)),
        None => (Status::Affected, None),
    })
}

fn events(range: &[AdvisoryEvent]) -> Vec<Event> {
    range
        .iter()
        .map(|e| match e {
            AdvisoryEvent::Introduced(v) => Event::Introduced(v.clone()),
            AdvisoryEvent::Fixed(v) => Event::Fixed(v.clone()),
            AdvisoryEvent::LastAffected(v) => Event::LastAffected(v.clone()),
            AdvisoryEvent::Limit(v) => Event::Limit(v.clone()),
        })
        .collect()
}

/// The lowest `fixed` version above `installed` in any range: the upgrade that fixes it.
fn first_fix_above(scheme: Scheme, ranges: &[Vec<Event>], installed: &str) -> Option<String> {
    let mut best: Option<&str> = None;
    for event in ranges.iter().flatten() {
        let Event::Fixed(v) = event else { continue };
        if compare(scheme, v, installed).ok() != Some(Ordering::Greater) {
            continue;
        }
        best = match best {
            Some(b) if compare(scheme, b, v).ok() != Some(Ordering::Greater) => Some(b),
            _ => Some(v.as_str()),
        };
    }
    best.map(str::to_owned)
}

fn finding(
    package: &Package,
    distro: bool,
    affected: &Affected,
    status: Status,
    fixed: Option<String>,
    step: &dyn Fn(usize) -> String,
) -> Finding {
    let advisory = &affected.advisory;
    let (severity, cvss) = severity(affected);
    Finding {
        id: advisory.id.clone(),
        aliases: advisory.aliases.clone(),
        package: package.name.clone(),
        source_package: if distro {
            package.source_name.clone()
        } else {
            None
        },
        ecosystem: package.ecosystem.clone(),
        installed: package.version.clone(),
        fixed,
        status,
        severity,
        cvss,
        purl: package.purl.clone(),
        path: package.path.clone(),
        layer: package.layer,
        base_image: crate::from_base_image(package.layer, &step(package.layer)),
        step: step(package.layer),
        summary: advisory.summary.clone().unwrap_or_default(),
    }
}

/// The vendor's rating first (a distro's urgency counts as one), then the newest CVSS version's
/// base score, else unknown. The score is kept whenever there is one.
fn severity(affected: &Affected) -> (Severity, Option<f64>) {
    let score = drydock_advisories::cvss::preferred(
        affected.advisory.severity.iter().map(|s| s.score.as_str()),
    );
    let rating = affected
        .advisory
        .vendor_severity
        .as_deref()
        .or_else(|| affected.distro.as_ref().and_then(|d| d.urgency.as_deref()));
    (
        Severity::resolve(rating, score.as_ref()),
        score.map(|s| s.base),
    )
}

/// The same vulnerability reached through two records (an OSV record and its CVE alias in distro
/// data): one finding, with every id it is known by and the more useful verdict.
fn merge(kept: &mut Finding, other: &Finding) {
    for alias in std::iter::once(&other.id).chain(&other.aliases) {
        if *alias != kept.id && !kept.aliases.contains(alias) {
            kept.aliases.push(alias.clone());
        }
    }
    if kept.fixed.is_none() && other.fixed.is_some() {
        kept.fixed = other.fixed.clone();
        kept.status = other.status;
    }
    if other.severity > kept.severity {
        kept.severity = other.severity;
    }
    if kept.cvss.is_none() {
        kept.cvss = other.cvss;
    }
    if kept.summary.is_empty() {
        kept.summary = other.summary.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_advisories::{Advisory, DistroStatus, Severity as Vector};

    /// Advisories from a list, as a test's database.
    struct Listed(Vec<Affected>);

    impl Advisories for Listed {
        fn for_package(&self, ecosystem: &str, name: &str) -> Result<Vec<Affected>, String> {
            Ok(self
                .0
                .iter()
                .filter(|a| a.ecosystem == ecosystem && a.package == name)
                .cloned()
                .collect())
        }
    }

    fn package(
        ecosystem: &str,
        name: &str,
        version: &str,
        source: Option<(&str, &str)>,
    ) -> Package {
        Package {
            name: name.into(),
            version: version.into(),
            ecosystem: ecosystem.into(),
            source_name: source.map(|s| s.0.to_owned()),
            source_version: source.map(|s| s.1.to_owned()),
            purl: format!("pkg:x/{name}@{version}"),
            path: "/var/lib/dpkg/status".into(),
            layer: 1,
        }
    }

    fn advisory(
        id: &str,
        aliases: &[&str],
        vector: Option<&str>,
        rating: Option<&str>,
    ) -> Advisory {
        Advisory {
            id: id.into(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            summary: Some(format!("summary of {id}")),
            severity: vector
                .map(|v| Vector {
                    kind: "CVSS_V3".into(),
                    score: v.into(),
                })
                .into_iter()
                .collect(),
            vendor_severity: rating.map(str::to_owned),
            source: "test".into(),
        }
    }

    fn osv(id: &str, ecosystem: &str, name: &str, events: Vec<AdvisoryEvent>) -> Affected {
        Affected {
            advisory: advisory(id, &["CVE-2024-0001"], Some(CRITICAL), None),
            ecosystem: ecosystem.into(),
            package: name.into(),
            ranges: vec![events],
            versions: Vec::new(),
            distro: None,
        }
    }

    fn distro(id: &str, name: &str, state: DistroState, fixed: Option<&str>) -> Affected {
        Affected {
            advisory: advisory(id, &[], None, None),
            ecosystem: "Debian:12".into(),
            package: name.into(),
            ranges: Vec::new(),
            versions: Vec::new(),
            distro: Some(DistroStatus {
                release: "12".into(),
                status: state,
                fixed_version: fixed.map(str::to_owned),
                urgency: Some("high".into()),
            }),
        }
    }

    const CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

    fn steps(layer: usize) -> String {
        format!("step {layer}")
    }

    fn run(packages: &[Package], db: Vec<Affected>) -> Vec<Finding> {
        let mut problems = Vec::new();
        let found = match_packages(packages, &Listed(db), &steps, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        found
    }

    #[test]
    fn a_language_package_in_range_is_found_with_the_first_fix_above_it() {
        let db = vec![osv(
            "GHSA-1",
            "PyPI",
            "requests",
            vec![
                AdvisoryEvent::Introduced("0".into()),
                AdvisoryEvent::Fixed("2.31.0".into()),
                AdvisoryEvent::Introduced("2.32.0".into()),
                AdvisoryEvent::Fixed("2.32.4".into()),
            ],
        )];
        let found = run(&[package("PyPI", "requests", "2.30.0", None)], db.clone());
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.fixed.as_deref(), Some("2.31.0"));
        assert_eq!(f.status, Status::Fixed);
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.cvss, Some(9.8));
        assert_eq!((f.layer, f.step.as_str()), (1, "step 1"));
        assert!(run(&[package("PyPI", "requests", "2.31.0", None)], db.clone()).is_empty());
        let later = run(&[package("PyPI", "requests", "2.32.1", None)], db);
        assert_eq!(later[0].fixed.as_deref(), Some("2.32.4"));
    }

    #[test]
    fn a_distro_package_is_matched_by_its_source_and_source_version_never_upstream_ranges() {
        let db = vec![
            distro(
                "CVE-2024-0001",
                "openssl",
                DistroState::Fixed,
                Some("3.0.13-1~deb12u1"),
            ),
            distro("CVE-2024-0002", "openssl", DistroState::Open, None),
            distro("CVE-2024-0003", "openssl", DistroState::NotAffected, None),
            distro("CVE-2024-0004", "openssl", DistroState::WillNotFix, None),
            // Upstream's range for the same library says nothing about Debian's build.
            osv(
                "OSV-up",
                "PyPI",
                "openssl",
                vec![AdvisoryEvent::Introduced("0".into())],
            ),
        ];
        // libssl3 is built from openssl; a binNMU's binary version carries `+b1`.
        let pkg = package(
            "Debian:12",
            "libssl3",
            "3.0.11-1~deb12u2+b1",
            Some(("openssl", "3.0.11-1~deb12u2")),
        );
        let found = run(&[pkg], db);
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), 3, "{ids:?}");
        let fixed = found
            .iter()
            .find(|f| f.id == "CVE-2024-0001")
            .expect("fixed one");
        assert_eq!(fixed.fixed.as_deref(), Some("3.0.13-1~deb12u1"));
        assert_eq!(fixed.source_package.as_deref(), Some("openssl"));
        assert_eq!(fixed.package, "libssl3");
        assert_eq!(fixed.severity, Severity::High, "the distro's urgency");
        let open = found
            .iter()
            .find(|f| f.id == "CVE-2024-0002")
            .expect("open one");
        assert_eq!(
            (open.status, open.fixed.as_deref()),
            (Status::Affected, None)
        );
        assert!(found.iter().any(|f| f.status == Status::WillNotFix));
        let newer = package(
            "Debian:12",
            "libssl3",
            "3.0.13-1~deb12u1",
            Some(("openssl", "3.0.13-1~deb12u1")),
        );
        let db = vec![distro(
            "CVE-2024-0001",
            "openssl",
            DistroState::Fixed,
            Some("3.0.13-1~deb12u1"),
        )];
        assert!(
            run(&[newer], db).is_empty(),
            "fixed in exactly the installed version"
        );
    }

    #[test]
    fn two_records_of_one_vulnerability_are_one_finding_with_every_id() {
        let mut ghsa = osv(
            "GHSA-1",
            "npm",
            "lodash",
            vec![AdvisoryEvent::Introduced("0".into())],
        );
        ghsa.advisory.aliases = vec!["CVE-2024-0001".into()];
        let mut other = osv(
            "GHSA-9",
            "npm",
            "lodash",
            vec![
                AdvisoryEvent::Introduced("0".into()),
                AdvisoryEvent::Fixed("4.17.21".into()),
            ],
        );
        other.advisory.aliases = vec!["CVE-2024-0001".into()];
        let found = run(
            &[package("npm", "lodash", "4.17.20", None)],
            vec![ghsa, other],
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].fixed.as_deref(),
            Some("4.17.21"),
            "the verdict with a fix wins"
        );
        assert!(found[0].aliases.contains(&"GHSA-9".to_owned()));
    }

    #[test]
    fn versions_that_do_not_parse_and_unknown_ecosystems_find_nothing_and_do_not_panic() {
        let db = vec![osv(
            "GHSA-1",
            "npm",
            "x",
            vec![AdvisoryEvent::Introduced("zz!!".into())],
        )];
        assert!(run(&[package("npm", "x", "not a version", None)], db).is_empty());
        assert!(run(&[package("Nix", "x", "1", None)], Vec::new()).is_empty());
    }
}
