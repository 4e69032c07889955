//! `--format json`: the scan crate's report as it is, with the stable keys docs/cli.md lists
//! (`image`, `os`, `db`, `packages`, `findings`, `problems`). The package inventory is not part
//! of it: the SBOM formats carry that. serde escapes every control character.

use drydock_scan::ScanReport;

use super::RenderScan;

pub struct Json;

impl RenderScan for Json {
    fn render(&self, report: &ScanReport, _now: i64) -> String {
        // Strings, numbers, bools and nulls only (a non-finite CVSS score becomes null):
        // serialising cannot fail.
        let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::fixture::*;
    use super::*;

    #[test]
    fn the_documented_keys_and_nothing_raw() {
        let r = report();
        let text = Json.render(&r, NOW);
        assert!(!text.contains('\u{1b}'), "{text}");
        let v: Value = serde_json::from_str(&text).expect("JSON");
        let mut keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["db", "findings", "image", "os", "packages", "problems"]
        );
        assert_eq!(v["image"]["id"], r.image.id.as_str());
        assert_eq!(v["image"]["tags"][0], "app:1\u{1b}[0m");
        assert_eq!(v["os"]["id"], "debian");
        assert_eq!(v["db"][1]["age"], 9 * DAY + 3600);
        assert_eq!(v["packages"], 4);
        let findings = v["findings"].as_array().expect("findings");
        assert_eq!(findings.len(), 4);
        for f in findings {
            for key in [
                "id",
                "aliases",
                "package",
                "source_package",
                "ecosystem",
                "installed",
                "fixed",
                "status",
                "severity",
                "cvss",
                "path",
                "layer",
                "step",
                "summary",
            ] {
                assert!(f.get(key).is_some(), "{key} missing in {f}");
            }
        }
        assert_eq!(findings[0]["summary"], HOSTILE_SUMMARY);
        assert_eq!(findings[0]["package"], HOSTILE_NAME);
        assert_eq!(findings[0]["fixed"], Value::Null);
        assert_eq!(findings[0]["status"], "affected");
        assert_eq!(findings[1]["severity"], "critical");
        assert_eq!(findings[1]["cvss"], 9.8);
        assert_eq!(findings[2]["cvss"], Value::Null);
        assert_eq!(findings[3]["status"], "will_not_fix");
    }
}
