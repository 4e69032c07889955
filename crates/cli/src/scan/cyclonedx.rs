//! `--format cyclonedx`: a CycloneDX 1.5 JSON SBOM of every package the image holds. The image
//! is the BOM's subject (`metadata.component`, type `container`); each package is a `library`
//! component (the OS an `operating-system` one) with its purl, whose `bom-ref` is the purl (a
//! purl found at a second path gets `#2`, `#3`, ... after it, since refs must be unique), and
//! the layer, path and ecosystem as `drydock:` properties. The findings are `vulnerabilities`,
//! one per id, each affecting the components it was found in.

use std::collections::{BTreeMap, HashMap};

use drydock_scan::{Finding, ScanReport, Severity};
use serde_json::{json, Value};

use super::{
    document_uuid, fix_words, image_name, rfc3339, severity_word, RenderScan, TOOL, VERSION,
};

pub struct CycloneDx;

const IMAGE_REF: &str = "image";
const OS_REF: &str = "os";

impl RenderScan for CycloneDx {
    fn render(&self, report: &ScanReport, now: i64) -> String {
        let mut components = Vec::new();
        let mut refs: Vec<String> = Vec::new();
        if let Some(os) = &report.os {
            components.push(json!({
                "type": "operating-system",
                "bom-ref": OS_REF,
                "name": os.id,
                "version": os.version,
                "description": os.name,
            }));
            refs.push(OS_REF.to_owned());
        }
        // Where each package was found → its ref, for the vulnerabilities' `affects`.
        let mut by_place: HashMap<(&str, &str), String> = HashMap::new();
        let mut by_purl: HashMap<&str, String> = HashMap::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, p) in report.inventory.iter().enumerate() {
            let bom_ref = if p.purl.is_empty() {
                format!("package-{}", i + 1)
            } else {
                let n = seen.entry(p.purl.as_str()).or_insert(0);
                *n += 1;
                match *n {
                    1 => p.purl.clone(),
                    n => format!("{}#{n}", p.purl),
                }
            };
            let mut component = json!({
                "type": "library",
                "bom-ref": bom_ref,
                "name": p.name,
                "version": p.version,
                "properties": [
                    { "name": "drydock:ecosystem", "value": p.ecosystem },
                    { "name": "drydock:layer", "value": p.layer.to_string() },
                    { "name": "drydock:path", "value": p.path },
                ],
            });
            if let (false, Some(obj)) = (p.purl.is_empty(), component.as_object_mut()) {
                obj.insert("purl".into(), json!(p.purl));
            }
            components.push(component);
            by_place.insert((p.purl.as_str(), p.path.as_str()), bom_ref.clone());
            by_purl
                .entry(p.purl.as_str())
                .or_insert_with(|| bom_ref.clone());
            refs.push(bom_ref);
        }
        let mut by_id: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &report.findings {
            by_id.entry(f.id.as_str()).or_default().push(f);
        }
        let vulnerabilities: Vec<Value> = by_id
            .iter()
            .map(|(id, fs)| {
                vulnerability(id, fs, |f| {
                    by_place
                        .get(&(f.purl.as_str(), f.path.as_str()))
                        .or_else(|| by_purl.get(f.purl.as_str()))
                        .cloned()
                        .unwrap_or_else(|| f.purl.clone())
                })
            })
            .collect();
        let bom = json!({
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "serialNumber": format!("urn:uuid:{}", document_uuid(report, now)),
            "version": 1,
            "metadata": {
                "timestamp": rfc3339(now),
                "tools": {
                    "components": [{ "type": "application", "name": TOOL, "version": VERSION }],
                },
                "component": {
                    "type": "container",
                    "bom-ref": IMAGE_REF,
                    "name": image_name(report),
                    "version": report.image.id,
                    "properties": report.image.tags.iter()
                        .map(|t| json!({ "name": "drydock:tag", "value": t }))
                        .collect::<Vec<_>>(),
                },
            },
            "components": components,
            "dependencies": [{ "ref": IMAGE_REF, "dependsOn": refs }],
            "vulnerabilities": vulnerabilities,
        });
        // Strings and numbers only: serialising cannot fail.
        let mut text = serde_json::to_string_pretty(&bom).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Where to read about an id: NVD for CVEs, GitHub for GHSAs, OSV for the rest.
fn source(id: &str) -> Value {
    if id.starts_with("CVE-") {
        json!({ "name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{}", url_safe(id)) })
    } else if id.starts_with("GHSA-") {
        json!({ "name": "GitHub", "url": format!("https://github.com/advisories/{}", url_safe(id)) })
    } else {
        json!({ "name": "OSV", "url": format!("https://osv.dev/vulnerability/{}", url_safe(id)) })
    }
}

/// An id as a URL path segment: ids are strangers' text too.
fn url_safe(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn vulnerability(id: &str, findings: &[&Finding], bom_ref: impl Fn(&Finding) -> String) -> Value {
    let worst = findings
        .iter()
        .max_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then_with(|| a.cvss.unwrap_or(-1.0).total_cmp(&b.cvss.unwrap_or(-1.0)))
        })
        .copied();
    let mut rating =
        json!({ "severity": severity_word(worst.map_or(Severity::Unknown, |f| f.severity)) });
    if let (Some(score), Some(obj)) = (
        worst.and_then(|f| f.cvss).filter(|s| s.is_finite()),
        rating.as_object_mut(),
    ) {
        obj.insert("score".into(), json!(score));
    }
    let mut aliases: Vec<&str> = findings
        .iter()
        .flat_map(|f| f.aliases.iter().map(String::as_str))
        .filter(|a| *a != id)
        .collect();
    aliases.sort_unstable();
    aliases.dedup();
    let summary = findings
        .iter()
        .map(|f| f.summary.as_str())
        .find(|s| !s.trim().is_empty())
        .unwrap_or("");
    let recommendation: Vec<String> = findings
        .iter()
        .map(|f| format!("{}: {}", f.package, fix_words(f)))
        .collect();
    let affects: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "ref": bom_ref(f),
                "versions": [{ "version": f.installed, "status": "affected" }],
            })
        })
        .collect();
    json!({
        "bom-ref": format!("vulnerability:{id}"),
        "id": id,
        "source": source(id),
        "references": aliases.iter().map(|a| json!({ "id": a, "source": source(a) })).collect::<Vec<_>>(),
        "ratings": [rating],
        "description": summary,
        // The fix, or why there is none, per affected package (CycloneDX's `analysis` is about
        // exploitability, which a scan does not know).
        "recommendation": recommendation.join("\n"),
        "affects": affects,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::fixture::*;
    use super::*;

    #[test]
    fn a_bom_of_every_package_with_the_findings() {
        let r = report();
        let text = CycloneDx.render(&r, NOW);
        assert!(!text.contains('\u{1b}'), "{text}");
        let bom: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(bom["bomFormat"], "CycloneDX");
        assert_eq!(bom["specVersion"], "1.5");
        assert_eq!(bom["version"], 1);
        let serial = bom["serialNumber"].as_str().expect("serial");
        assert!(
            serial.starts_with("urn:uuid:") && serial.len() == 9 + 36,
            "{serial}"
        );
        assert_eq!(bom["metadata"]["timestamp"], "2026-12-04T00:00:00Z");
        assert_eq!(bom["metadata"]["tools"]["components"][0]["name"], "drydock");
        let image = &bom["metadata"]["component"];
        assert_eq!(image["type"], "container");
        assert_eq!(image["name"], "app:1\u{1b}[0m");
        assert_eq!(image["version"], r.image.id.as_str());

        let components = bom["components"].as_array().expect("components");
        assert_eq!(components.len(), 1 + r.inventory.len());
        assert_eq!(components[0]["type"], "operating-system");
        assert_eq!(components[0]["name"], "debian");
        for c in components {
            for key in ["type", "name", "bom-ref"] {
                assert!(c.get(key).is_some(), "{key} missing in {c}");
            }
        }
        assert_eq!(components[2]["name"], HOSTILE_NAME);
        let purls: Vec<&str> = components[1..]
            .iter()
            .filter_map(|c| c["purl"].as_str())
            .collect();
        let expected: Vec<&str> = r.inventory.iter().map(|p| p.purl.as_str()).collect();
        assert_eq!(purls, expected);
        let refs: Vec<&str> = components
            .iter()
            .filter_map(|c| c["bom-ref"].as_str())
            .collect();
        assert_eq!(
            refs,
            [
                "os",
                r.inventory[0].purl.as_str(),
                "pkg:pypi/evil-pkg@1.0",
                "pkg:pypi/requests@2.25.0",
                "pkg:pypi/requests@2.25.0#2",
            ]
        );
        let props = components[1]["properties"].as_array().expect("properties");
        assert!(props.contains(&json!({ "name": "drydock:layer", "value": "0" })));
        assert!(props.contains(&json!({ "name": "drydock:path", "value": "/var/lib/dpkg/status" })));
        assert_eq!(
            bom["dependencies"][0]["dependsOn"].as_array().map(Vec::len),
            Some(5)
        );

        let vulns = bom["vulnerabilities"].as_array().expect("vulnerabilities");
        assert_eq!(vulns.len(), 4);
        let openssl = &vulns[0];
        assert_eq!(openssl["id"], "CVE-2023-5678");
        assert_eq!(openssl["source"]["name"], "NVD");
        assert_eq!(openssl["ratings"][0]["severity"], "critical");
        assert_eq!(openssl["ratings"][0]["score"], 9.8);
        assert_eq!(openssl["affects"][0]["ref"], r.inventory[0].purl.as_str());
        assert_eq!(openssl["references"][0]["id"], "GHSA-13");
        assert_eq!(
            vulns[1]["recommendation"],
            "openssl: none: the distribution will not fix it"
        );
        assert_eq!(vulns[2]["description"], HOSTILE_SUMMARY);
        let ghsa = &vulns[3];
        assert_eq!(ghsa["source"]["name"], "GitHub");
        assert!(ghsa["ratings"][0].get("score").is_none());
        assert_eq!(ghsa["affects"][0]["ref"], "pkg:pypi/requests@2.25.0");
        assert_eq!(
            ghsa["recommendation"],
            "requests: upgrade requests to 2.31.0"
        );
    }

    #[test]
    fn ids_in_urls_are_encoded() {
        assert_eq!(url_safe("GO-2024-1/../x y"), "GO-2024-1%2F..%2Fx%20y");
    }
}
