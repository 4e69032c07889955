//! Alpine's secdb (https://secdb.alpinelinux.org/v3.17/main.json): per branch and repository,
//! each package's `secfixes` map a fixed version to the ids fixed there; "0" means Alpine never
//! shipped the vulnerable code.

use crate::model::{Advisory, DistroState, DistroStatus, Package, Record};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub(crate) struct SecDb {
    pub distroversion: String,
    pub reponame: String,
    #[serde(default)]
    packages: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    pkg: Pkg,
}

#[derive(Deserialize)]
struct Pkg {
    name: String,
    #[serde(default)]
    secfixes: BTreeMap<String, Option<Vec<String>>>,
}

pub(crate) fn looks_like(keys: &[&str]) -> bool {
    keys.contains(&"distroversion") && keys.contains(&"packages")
}

pub(crate) fn parse(text: &str) -> Result<SecDb, serde_json::Error> {
    serde_json::from_str(text)
}

impl SecDb {
    /// One record per id; an id fixed in several packages concerns each of them.
    pub(crate) fn records(&self) -> Vec<Record> {
        let ecosystem = format!("Alpine:{}", self.distroversion);
        let mut by_id: BTreeMap<&str, Vec<Package>> = BTreeMap::new();
        for entry in &self.packages {
            for (version, ids) in &entry.pkg.secfixes {
                let (status, fixed_version) = if version == "0" {
                    (DistroState::NotAffected, None)
                } else {
                    (DistroState::Fixed, Some(version.clone()))
                };
                // Entries are "CVE-2021-1234", sometimes with a note after the id.
                for id in ids
                    .iter()
                    .flatten()
                    .filter_map(|i| i.split_whitespace().next())
                {
                    by_id.entry(id).or_default().push(Package {
                        ecosystem: ecosystem.clone(),
                        name: entry.pkg.name.clone(),
                        ranges: Vec::new(),
                        versions: Vec::new(),
                        distro: Some(DistroStatus {
                            release: self.distroversion.clone(),
                            status,
                            fixed_version: fixed_version.clone(),
                            urgency: None,
                        }),
                    });
                }
            }
        }
        by_id
            .into_iter()
            .map(|(id, packages)| Record {
                advisory: Advisory {
                    id: id.to_owned(),
                    aliases: Vec::new(),
                    summary: None,
                    severity: Vec::new(),
                    vendor_severity: None,
                    source: String::new(),
                },
                published: None,
                modified: None,
                packages,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_versions_and_never_affected() {
        let db = parse(
            r#"{"distroversion":"v3.17","reponame":"main","urlprefix":"x","apkurl":"y",
            "packages":[{"pkg":{"name":"openssl","secfixes":{
              "3.0.7-r0":["CVE-2022-3602 (note)","CVE-2022-3786"],
              "0":["CVE-2000-1"]}}},
              {"pkg":{"name":"libressl","secfixes":{"3.6.1-r0":["CVE-2022-3602"]}}}]}"#,
        );
        let records = db.map(|d| d.records()).unwrap_or_default();
        let ids: Vec<&str> = records.iter().map(|r| r.advisory.id.as_str()).collect();
        assert_eq!(ids, ["CVE-2000-1", "CVE-2022-3602", "CVE-2022-3786"]);
        let never = &records[0].packages[0];
        assert_eq!(
            never.distro.as_ref().map(|d| d.status),
            Some(DistroState::NotAffected)
        );
        let both: Vec<&str> = records[1]
            .packages
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(both, ["openssl", "libressl"]);
        assert_eq!(records[1].packages[0].ecosystem, "Alpine:v3.17");
        assert_eq!(
            records[1].packages[0]
                .distro
                .as_ref()
                .and_then(|d| d.fixed_version.as_deref()),
            Some("3.0.7-r0")
        );
    }
}
