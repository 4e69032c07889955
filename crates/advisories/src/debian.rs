//! The Debian Security Tracker's JSON (https://security-tracker.debian.org/tracker/data/json):
//! source package → CVE (or TEMP id) → release codename → status. Each package is parsed on its
//! own (the file is split without copying), so an error names the package and the id.

use crate::model::{summary_of, Advisory, DistroState, DistroStatus, Package, Record};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Issue {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    releases: BTreeMap<String, Release>,
}

#[derive(Deserialize)]
struct Release {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    fixed_version: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
    #[serde(default)]
    nodsa_reason: Option<String>,
}

/// The release number OSV and `/etc/os-release` use for a Debian codename: one table with the
/// catalog's, so an image and the tracker's data name a release alike.
pub(crate) fn release_of(codename: &str) -> &str {
    drydock_catalog::debian_release(codename)
}

/// Whether a JSON object's top-level entries look like the tracker's: packages whose values are
/// objects of ids. Checked on the first entry only (the file is tens of megabytes).
pub(crate) fn looks_like(first: Option<&RawValue>) -> bool {
    let Some(raw) = first else { return false };
    let Ok(issues) = serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()) else {
        return false;
    };
    issues
        .values()
        .next()
        .and_then(|issue| serde_json::from_str::<BTreeMap<String, &RawValue>>(issue.get()).ok())
        .is_some_and(|fields| fields.contains_key("releases"))
}

/// Reads one package's entry: one record per id, with one affected package per release.
pub(crate) fn parse_package(
    package: &str,
    raw: &RawValue,
) -> Result<Vec<Record>, (Option<String>, serde_json::Error)> {
    let issues: BTreeMap<String, &RawValue> =
        serde_json::from_str(raw.get()).map_err(|e| (None, e))?;
    let mut records = Vec::with_capacity(issues.len());
    for (id, raw) in issues {
        let issue: Issue = serde_json::from_str(raw.get()).map_err(|e| (Some(id.clone()), e))?;
        let packages = issue
            .releases
            .iter()
            .map(|(codename, r)| {
                let release = release_of(codename).to_owned();
                Package {
                    ecosystem: format!("Debian:{release}"),
                    name: package.to_owned(),
                    ranges: Vec::new(),
                    versions: Vec::new(),
                    distro: Some(status_of(release, r)),
                }
            })
            .collect();
        records.push(Record {
            advisory: Advisory {
                id,
                aliases: Vec::new(),
                summary: issue.description.as_deref().and_then(summary_of),
                severity: Vec::new(),
                vendor_severity: None,
                source: String::new(),
            },
            published: None,
            modified: None,
            packages,
        });
    }
    Ok(records)
}

fn status_of(release: String, r: &Release) -> DistroStatus {
    let fixed = r
        .fixed_version
        .as_deref()
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let urgency = r.urgency.clone().filter(|u| !u.is_empty());
    let status = match (r.status.as_deref(), fixed.as_deref()) {
        // "0": this release never had the vulnerable code.
        (_, Some("0")) => DistroState::NotAffected,
        _ if urgency.as_deref() == Some("end-of-life") => DistroState::EndOfLife,
        (Some("resolved"), _) => DistroState::Fixed,
        _ => match r.nodsa_reason.as_deref() {
            Some("ignored") => DistroState::WillNotFix,
            Some("postponed") => DistroState::Deferred,
            // `open`, and `undetermined` (not yet triaged): treated as affected with no fix.
            _ => DistroState::Open,
        },
    };
    DistroStatus {
        release,
        fixed_version: fixed.filter(|_| status == DistroState::Fixed),
        status,
        urgency,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(json: &str) -> DistroStatus {
        let r: Release = serde_json::from_str(json).unwrap_or(Release {
            status: None,
            fixed_version: None,
            urgency: None,
            nodsa_reason: None,
        });
        status_of("12".into(), &r)
    }

    #[test]
    fn statuses_map_as_the_tracker_means_them() {
        let fixed = release(r#"{"status":"resolved","fixed_version":"1.2-3","urgency":"low"}"#);
        assert_eq!(fixed.status, DistroState::Fixed);
        assert_eq!(fixed.fixed_version.as_deref(), Some("1.2-3"));
        assert_eq!(
            release(r#"{"status":"resolved","fixed_version":"0"}"#).status,
            DistroState::NotAffected
        );
        assert_eq!(release(r#"{"status":"open"}"#).status, DistroState::Open);
        assert_eq!(
            release(r#"{"status":"open","nodsa":"Minor","nodsa_reason":"ignored"}"#).status,
            DistroState::WillNotFix
        );
        assert_eq!(
            release(r#"{"status":"open","nodsa_reason":"postponed"}"#).status,
            DistroState::Deferred
        );
        assert_eq!(
            release(r#"{"status":"open","urgency":"end-of-life"}"#).status,
            DistroState::EndOfLife
        );
        assert_eq!(release("{}").fixed_version, None);
    }

    #[test]
    fn codenames_become_release_numbers() {
        assert_eq!(release_of("bookworm"), "12");
        assert_eq!(release_of("sid"), "unstable");
        assert_eq!(release_of("futurename"), "futurename");
    }
}
