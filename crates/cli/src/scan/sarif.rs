//! `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub's among them). One run; the
//! driver lists one rule per vulnerability id (its summary, the fix in words as help text, the
//! CVSS score as `security-severity` when known), each result points at its rule by id and
//! index. Levels: critical and high are errors, medium a warning, the rest notes. A result's
//! location is the file that declares the package, as a path relative to the image's root. Help
//! is text only: advisory summaries are strangers' text and must not be rendered as markdown.

use std::collections::BTreeMap;

use drydock_scan::{Finding, ScanReport, Severity, Status};
use serde_json::{json, Value};

use super::{
    fix_words, fixed_or_why, image_name, severity_word, RenderScan, INFORMATION_URI, TOOL, VERSION,
};

pub struct Sarif;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

impl RenderScan for Sarif {
    fn render(&self, report: &ScanReport, _now: i64) -> String {
        // Ids in a stable order, so ruleIndex does not depend on the findings' order.
        let mut by_id: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &report.findings {
            by_id.entry(f.id.as_str()).or_default().push(f);
        }
        let index: BTreeMap<&str, usize> =
            by_id.keys().enumerate().map(|(i, id)| (*id, i)).collect();
        let rules: Vec<Value> = by_id.iter().map(|(id, fs)| rule(id, fs)).collect();
        let results: Vec<Value> = report
            .findings
            .iter()
            .map(|f| result(f, index.get(f.id.as_str()).copied().unwrap_or(0)))
            .collect();
        let log = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": VERSION,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {
                    "image": image_name(report),
                    "imageId": report.image.id,
                },
            }]
        });
        // Built from strings and numbers only: serialising cannot fail.
        let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::None | Severity::Unknown => "note",
    }
}

/// The reportingDescriptor of one vulnerability id, from every finding that names it (the same
/// CVE in two packages is one rule with two results).
fn rule(id: &str, findings: &[&Finding]) -> Value {
    let worst = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Unknown);
    let summary = findings
        .iter()
        .map(|f| f.summary.trim())
        .find(|s| !s.is_empty())
        .unwrap_or(id);
    let help: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {}: {}", f.package, f.installed, fix_words(f)))
        .collect();
    let mut properties = json!({
        "tags": ["security", "vulnerability", severity_word(worst)],
    });
    // GitHub reads `security-severity` as a CVSS base score, a number from 0.0 to 10.0 in a string.
    let score = findings
        .iter()
        .filter_map(|f| f.cvss)
        .filter(|s| s.is_finite() && (0.0..=10.0).contains(s))
        .reduce(f64::max);
    if let (Some(score), Some(obj)) = (score, properties.as_object_mut()) {
        obj.insert("security-severity".into(), json!(format!("{score:.1}")));
    }
    let aliases: Vec<&str> = {
        let mut all: Vec<&str> = findings
            .iter()
            .flat_map(|f| f.aliases.iter().map(String::as_str))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    if let (false, Some(obj)) = (aliases.is_empty(), properties.as_object_mut()) {
        obj.insert("aliases".into(), json!(aliases));
    }
    json!({
        "id": id,
        "name": id,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": summary },
        "help": { "text": help.join("\n") },
        "defaultConfiguration": { "level": level(worst) },
        "properties": properties,
    })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let fixed = match (f.status, &f.fixed) {
        (Status::Fixed, Some(v)) => format!("fixed in {v}"),
        _ => fixed_or_why(f).to_owned(),
    };
    let text = format!(
        "{} {} {} is affected by {} ({}); {}: {}",
        f.ecosystem,
        f.package,
        f.installed,
        f.id,
        fixed,
        severity_text(f),
        fix_words(f)
    );
    json!({
        "ruleId": f.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&f.path) },
                // The declaring file's first line: code scanning wants a region, and a package
                // database has no line of its own for one package.
                "region": { "startLine": 1 },
            },
            "message": { "text": format!("layer {}: {}", f.layer, f.step) },
        }],
        "properties": {
            "package": f.package,
            "installed": f.installed,
            "fixed": f.fixed,
            "purl": f.purl,
            "layer": f.layer,
            "step": f.step,
        },
    })
}

/// `critical (CVSS 9.8)`, or the band alone.
fn severity_text(f: &Finding) -> String {
    match f.cvss {
        Some(score) if score.is_finite() => {
            format!("{} (CVSS {score:.1})", severity_word(f.severity))
        }
        _ => severity_word(f.severity).to_owned(),
    }
}

/// A rooted path in the image as a relative URI reference: no leading slash, everything but
/// unreserved characters and `/` percent-encoded (`:` too, so `a:b` cannot read as a scheme).
fn uri(path: &str) -> String {
    crate::lint::sarif::encode_path(path.trim_start_matches('/'), None)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::fixture::*;
    use super::*;

    fn validator() -> jsonschema::Validator {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .expect("vendored schema");
        let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles")
    }

    #[test]
    fn a_valid_log_with_one_rule_per_vulnerability() {
        let mut r = report();
        // The same CVE in a second package: one rule, two results.
        let mut again = r.findings[1].clone();
        again.package = "libssl3".into();
        r.findings.push(again);
        let text = Sarif.render(&r, NOW);
        assert!(!text.contains('\u{1b}'), "{text}");
        let log: Value = serde_json::from_str(&text).expect("JSON");
        let errors: Vec<String> = validator()
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "invalid SARIF:\n{}\n{text}",
            errors.join("\n")
        );

        let run = &log["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "drydock");
        assert!(driver["informationUri"].as_str().is_some());
        let rules = driver["rules"].as_array().expect("rules");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(
            ids,
            [
                "CVE-2023-5678",
                "CVE-2023-9999",
                "CVE-2024-0001",
                "GHSA-j8r2-6x86-q33q"
            ]
        );
        assert_eq!(rules[0]["properties"]["security-severity"], "9.8");
        assert!(rules[0]["help"]["text"].as_str().is_some_and(|t| t
            .contains("rebuild: the base image brings it")
            && t.contains("libssl3")));
        assert_eq!(rules[2]["shortDescription"]["text"], HOSTILE_SUMMARY);
        assert!(rules[2]["help"].get("markdown").is_none());
        // No score known: no security-severity (GitHub would read a made-up one as a fact).
        assert!(rules[3]["properties"].get("security-severity").is_none());
        // An empty summary still gives the rule a description.
        assert_eq!(rules[1]["shortDescription"]["text"], "CVE-2023-9999");
        assert!(rules[3]["properties"]["tags"]
            .as_array()
            .is_some_and(|t| t.contains(&json!("high"))));

        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 5);
        let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
        assert_eq!(levels, ["warning", "error", "error", "note", "error"]);
        for res in results {
            let rule = &rules[res["ruleIndex"].as_u64().expect("index") as usize];
            assert_eq!(rule["id"], res["ruleId"]);
        }
        let location = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(
            location,
            "usr/lib/python3/dist-packages/evil%20pkg-1.0.dist-info/METADATA"
        );
        let message = results[2]["message"]["text"].as_str().expect("message");
        assert!(
            message.contains("requests 2.25.0")
                && message.contains("fixed in 2.31.0")
                && message.contains("upgrade requests to 2.31.0"),
            "{message}"
        );
    }

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(uri("/var/lib/dpkg/status"), "var/lib/dpkg/status");
        assert_eq!(uri("/a:b/ü #"), "a%3Ab/%C3%BC%20%23");
    }
}
