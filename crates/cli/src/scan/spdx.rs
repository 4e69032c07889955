//! `--format spdx`: an SPDX 2.3 JSON document of every package the image holds. The document
//! describes the image (a `CONTAINER` package, with its id as a SHA256 checksum), and the image
//! contains the OS and each package, each with its purl as a `PACKAGE-MANAGER` reference and
//! where it was found (path, layer) as its `sourceInfo`. No files were analysed and no licenses
//! are claimed (`NOASSERTION`). The namespace is a URI of our own under `.invalid` (SPDX asks
//! for a unique URI, not a reachable one) built from the image and the document's UUID.

use drydock_scan::ScanReport;
use serde_json::{json, Value};

use super::{document_uuid, image_name, rfc3339, RenderScan, TOOL, VERSION};

pub struct Spdx;

const IMAGE_ID: &str = "SPDXRef-Image";
const OS_ID: &str = "SPDXRef-OperatingSystem";
const NAMESPACE: &str = "https://drydock.invalid/spdx";
const NOASSERTION: &str = "NOASSERTION";

impl RenderScan for Spdx {
    fn render(&self, report: &ScanReport, now: i64) -> String {
        let name = image_name(report);
        let mut image = json!({
            "SPDXID": IMAGE_ID,
            "name": name,
            "versionInfo": report.image.id,
            "downloadLocation": NOASSERTION,
            "filesAnalyzed": false,
            "licenseConcluded": NOASSERTION,
            "licenseDeclared": NOASSERTION,
            "primaryPackagePurpose": "CONTAINER",
        });
        if let (Some(hex), Some(obj)) = (sha256(&report.image.id), image.as_object_mut()) {
            obj.insert(
                "checksums".into(),
                json!([{ "algorithm": "SHA256", "checksumValue": hex }]),
            );
        }
        let mut packages = vec![image];
        let mut relationships = vec![json!({
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": IMAGE_ID,
        })];
        let contains = |id: &str| {
            json!({
                "spdxElementId": IMAGE_ID,
                "relationshipType": "CONTAINS",
                "relatedSpdxElement": id,
            })
        };
        if let Some(os) = &report.os {
            packages.push(json!({
                "SPDXID": OS_ID,
                "name": os.id,
                "versionInfo": os.version,
                "description": os.name,
                "downloadLocation": NOASSERTION,
                "filesAnalyzed": false,
                "licenseConcluded": NOASSERTION,
                "licenseDeclared": NOASSERTION,
                "primaryPackagePurpose": "OPERATING-SYSTEM",
            }));
            relationships.push(contains(OS_ID));
        }
        for (i, p) in report.inventory.iter().enumerate() {
            let id = format!("SPDXRef-Package-{}-{}", spdx_id(&p.name), i + 1);
            let mut package = json!({
                "SPDXID": id,
                "name": p.name,
                "versionInfo": p.version,
                "downloadLocation": NOASSERTION,
                "filesAnalyzed": false,
                "licenseConcluded": NOASSERTION,
                "licenseDeclared": NOASSERTION,
                "primaryPackagePurpose": "LIBRARY",
                "sourceInfo": format!("declared by {} in layer {}", p.path, p.layer),
            });
            if let (false, Some(obj)) = (p.purl.is_empty(), package.as_object_mut()) {
                obj.insert(
                    "externalRefs".into(),
                    json!([{
                        "referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": p.purl,
                    }]),
                );
            }
            packages.push(package);
            relationships.push(contains(&id));
        }
        let uuid = document_uuid(report, now);
        let doc: Value = json!({
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": name,
            "documentNamespace": format!("{NAMESPACE}/{}-{uuid}", spdx_id(name)),
            "creationInfo": {
                "created": rfc3339(now),
                "creators": [format!("Tool: {TOOL}-{VERSION}")],
            },
            "documentDescribes": [IMAGE_ID],
            "packages": packages,
            "relationships": relationships,
        });
        // Strings, numbers and bools only: serialising cannot fail.
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// What SPDX allows after `SPDXRef-` (letters, digits, `.` and `-`); anything else becomes `-`.
/// The package's index follows, so two names that clean up alike still get distinct ids.
fn spdx_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "unnamed".to_owned()
    } else {
        id
    }
}

/// The image id's hex digest, when it is a `sha256:` one.
fn sha256(id: &str) -> Option<&str> {
    id.strip_prefix("sha256:")
        .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::fixture::*;
    use super::*;

    #[test]
    fn a_document_of_every_package() {
        let r = report();
        let text = Spdx.render(&r, NOW);
        assert!(!text.contains('\u{1b}'), "{text}");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(doc["spdxVersion"], "SPDX-2.3");
        assert_eq!(doc["dataLicense"], "CC0-1.0");
        assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
        assert_eq!(doc["name"], "app:1\u{1b}[0m");
        let namespace = doc["documentNamespace"].as_str().expect("namespace");
        assert!(
            namespace.starts_with("https://drydock.invalid/spdx/app-1--0m-")
                && !namespace.contains(char::is_whitespace),
            "{namespace}"
        );
        assert_eq!(doc["creationInfo"]["created"], "2026-12-04T00:00:00Z");
        assert_eq!(
            doc["creationInfo"]["creators"][0],
            format!("Tool: drydock-{}", env!("CARGO_PKG_VERSION"))
        );

        let packages = doc["packages"].as_array().expect("packages");
        assert_eq!(packages.len(), 2 + r.inventory.len());
        for p in packages {
            for key in ["SPDXID", "name", "downloadLocation", "filesAnalyzed"] {
                assert!(p.get(key).is_some(), "{key} missing in {p}");
            }
            let id = p["SPDXID"].as_str().expect("id");
            let rest = id.strip_prefix("SPDXRef-").expect("SPDXRef- prefix");
            assert!(
                !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
                "{id}"
            );
        }
        assert_eq!(packages[0]["primaryPackagePurpose"], "CONTAINER");
        assert_eq!(
            packages[0]["checksums"][0]["checksumValue"],
            "ab".repeat(32)
        );
        assert_eq!(packages[1]["primaryPackagePurpose"], "OPERATING-SYSTEM");
        assert_eq!(packages[3]["name"], HOSTILE_NAME);
        assert_eq!(packages[3]["SPDXID"], "SPDXRef-Package-evil-pkg---31m-2");
        let purls: Vec<&str> = packages[2..]
            .iter()
            .filter_map(|p| p["externalRefs"][0]["referenceLocator"].as_str())
            .collect();
        let expected: Vec<&str> = r.inventory.iter().map(|p| p.purl.as_str()).collect();
        assert_eq!(purls, expected);
        assert_eq!(
            packages[2]["externalRefs"][0]["referenceCategory"],
            "PACKAGE-MANAGER"
        );
        assert_eq!(packages[2]["externalRefs"][0]["referenceType"], "purl");
        let ids: Vec<&str> = packages
            .iter()
            .filter_map(|p| p["SPDXID"].as_str())
            .collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());

        let relationships = doc["relationships"].as_array().expect("relationships");
        assert_eq!(relationships.len(), 1 + 1 + r.inventory.len());
        assert_eq!(relationships[0]["relationshipType"], "DESCRIBES");
        assert_eq!(relationships[0]["relatedSpdxElement"], "SPDXRef-Image");
        for (rel, p) in relationships[1..].iter().zip(&packages[1..]) {
            assert_eq!(rel["relationshipType"], "CONTAINS");
            assert_eq!(rel["spdxElementId"], "SPDXRef-Image");
            assert_eq!(rel["relatedSpdxElement"], p["SPDXID"]);
        }
    }
}
