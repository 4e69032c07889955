//! OSV records (https://ossf.github.io/osv-schema/): what the store keeps of each. Fields are
//! read leniently (unknown ones ignored, odd ones dropped) so one unusual record in a zip of
//! thousands does not refuse the whole import; only a record that is not an OSV record is an error.

use crate::model::{normalise_name, summary_of, Advisory, Event, Package, Record, Severity};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
struct Raw {
    id: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
    #[serde(default)]
    affected: Option<Vec<RawAffected>>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    database_specific: Option<Value>,
}

/// Both fields optional: an entry missing one is dropped, not the whole record.
#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    score: Option<String>,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Option<Vec<RawRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<Map<String, Value>>,
}

/// Whether a JSON object's top-level keys look like an OSV record.
pub(crate) fn looks_like(keys: &[&str]) -> bool {
    keys.contains(&"id")
        && (keys.contains(&"modified")
            || keys.contains(&"affected")
            || keys.contains(&"schema_version"))
}

/// Reads one OSV record. `Ok(None)`: withdrawn, so not kept.
pub(crate) fn parse(text: &str) -> Result<Option<Record>, serde_json::Error> {
    let raw: Raw = serde_json::from_str(text)?;
    if raw.withdrawn.is_some() {
        return Ok(None);
    }
    let summary = raw
        .summary
        .as_deref()
        .and_then(summary_of)
        .or_else(|| raw.details.as_deref().and_then(summary_of));
    let affected = raw.affected.unwrap_or_default();
    let vendor_severity = severity_text(raw.database_specific.as_ref()).or_else(|| {
        affected.iter().find_map(|a| {
            severity_text(a.ecosystem_specific.as_ref())
                .or_else(|| severity_text(a.database_specific.as_ref()))
        })
    });
    let packages = affected.into_iter().filter_map(package).collect();
    Ok(Some(Record {
        advisory: Advisory {
            id: raw.id,
            aliases: raw.aliases.unwrap_or_default(),
            summary,
            severity: raw
                .severity
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| {
                    Some(Severity {
                        kind: s.kind?,
                        score: s.score?,
                    })
                })
                .collect(),
            vendor_severity,
            source: String::new(),
        },
        published: raw.published,
        modified: raw.modified,
        packages,
    }))
}

/// `severity` of a `database_specific` / `ecosystem_specific` object, when it is text.
fn severity_text(specific: Option<&Value>) -> Option<String> {
    let text = specific?.get("severity")?.as_str()?.trim();
    (!text.is_empty()).then(|| text.chars().take(32).collect())
}

fn package(a: RawAffected) -> Option<Package> {
    // An entry without a package (a GIT-only affected range) says nothing the matcher can use.
    let pkg = a.package?;
    let ranges = a
        .ranges
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.kind == "ECOSYSTEM" || r.kind == "SEMVER")
        .map(|r| r.events.iter().flat_map(events).collect::<Vec<_>>())
        .filter(|events| !events.is_empty())
        .collect();
    Some(Package {
        name: normalise_name(&pkg.ecosystem, &pkg.name),
        ecosystem: pkg.ecosystem,
        ranges,
        versions: a.versions.unwrap_or_default(),
        distro: None,
    })
}

/// An OSV event object holds one key; unknown keys and non-text values are dropped.
fn events(event: &Map<String, Value>) -> Vec<Event> {
    event
        .iter()
        .filter_map(|(key, value)| {
            let v = value.as_str()?.to_owned();
            Some(match key.as_str() {
                "introduced" => Event::Introduced(v),
                "fixed" => Event::Fixed(v),
                "last_affected" => Event::LastAffected(v),
                "limit" => Event::Limit(v),
                _ => return None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_the_matcher_needs_and_drops_git_ranges() {
        let text = r#"{
          "id": "GHSA-xxxx", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-1"],
          "details": "\nFirst line of details.\nMore.",
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
          "database_specific": {"severity": "HIGH"},
          "affected": [{
            "package": {"ecosystem": "PyPI", "name": "Foo_Bar"},
            "ranges": [
              {"type": "GIT", "repo": "x", "events": [{"introduced": "abc"}]},
              {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}
            ],
            "versions": ["1.0", "1.1"]
          }, {"ranges": [{"type": "GIT", "events": []}]}]
        }"#;
        let record = parse(text).ok().flatten();
        let record = record.as_ref();
        assert_eq!(
            record.and_then(|r| r.advisory.summary.as_deref()),
            Some("First line of details.")
        );
        assert_eq!(
            record.and_then(|r| r.advisory.vendor_severity.as_deref()),
            Some("HIGH")
        );
        let packages = record.map(|r| r.packages.clone()).unwrap_or_default();
        assert_eq!(packages.len(), 1);
        assert_eq!(packages[0].name, "foo-bar");
        assert_eq!(
            packages[0].ranges,
            vec![vec![
                Event::Introduced("0".into()),
                Event::Fixed("1.2".into())
            ]]
        );
        assert_eq!(packages[0].versions, ["1.0", "1.1"]);
    }

    #[test]
    fn an_incomplete_severity_entry_is_dropped_not_the_record() {
        let text = r#"{"id": "X-1", "modified": "m", "severity": [{"type": "CVSS_V3"},
            {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N"}]}"#;
        let record = parse(text).ok().flatten();
        let kinds: Vec<String> = record
            .map(|r| r.advisory.severity.into_iter().map(|s| s.kind).collect())
            .unwrap_or_default();
        assert_eq!(kinds, ["CVSS_V4"]);
    }

    #[test]
    fn a_withdrawn_record_is_not_kept() {
        let text = r#"{"id": "X-1", "modified": "m", "withdrawn": "2024-01-01T00:00:00Z"}"#;
        assert!(matches!(parse(text), Ok(None)));
    }

    #[test]
    fn a_record_without_an_id_is_an_error() {
        assert!(parse(r#"{"modified": "m"}"#).is_err());
        assert!(parse("[1, 2]").is_err());
    }
}
