//! `--format sarif`: SARIF 2.1.0 for code-scanning services. One run; the driver lists the
//! rules that reported (with their documentation as help), each result points at its rule by
//! id and index. Levels: error and warning as they are, info and style as `note`. Columns count
//! Unicode code points, as Drydock's do; `endColumn` is exclusive in both.

use std::collections::BTreeMap;

use drydock_lint::{meta_codes, rules, Finding, Level};
use serde_json::{json, Value};

use super::{RenderLint, Report};

pub struct Sarif;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

impl RenderLint for Sarif {
    fn render(&self, report: &Report) -> String {
        // Codes in a stable order, so ruleIndex does not depend on which file came first.
        let codes: BTreeMap<&str, &Finding> =
            report.findings().map(|f| (f.code.as_str(), f)).collect();
        let index: BTreeMap<&str, usize> = codes.keys().enumerate().map(|(i, c)| (*c, i)).collect();
        let descriptors: Vec<Value> = codes.values().map(|f| descriptor(f)).collect();
        let results: Vec<Value> = report
            .findings()
            .map(|f| result(f, index.get(f.code.as_str()).copied().unwrap_or(0)))
            .collect();
        let log = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "drydock",
                        "version": env!("CARGO_PKG_VERSION"),
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }]
        });
        // Built from strings and numbers only: serialising cannot fail.
        let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info | Level::Style => "note",
    }
}

/// The reportingDescriptor of the rule behind `f` (a rule, or one of the meta codes).
fn descriptor(f: &Finding) -> Value {
    if let Some(rule) = rules::find(&f.code) {
        let doc = rule.doc();
        return json!({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": { "text": rule.summary() },
            "help": { "text": doc, "markdown": doc },
            // A rule off by default (hadolint's `ignore` level) says so, so code-scanning tools
            // show it as opt-in even when a run turned it on.
            "defaultConfiguration": if rule.on_by_default() {
                json!({ "level": level(rule.level) })
            } else {
                json!({ "level": level(rule.level), "enabled": false })
            },
            "properties": {
                "hadolint": rule.hadolint,
                "tags": [rules::category_of(rule)],
            },
        });
    }
    let (default, what) = meta_codes()
        .iter()
        .find(|(code, _, _)| *code == f.code)
        .map_or((f.level, ""), |(_, level, what)| (*level, *what));
    let text = if what.is_empty() {
        f.rule.clone()
    } else {
        let mut chars = what.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    json!({
        "id": f.code,
        "name": f.rule,
        "shortDescription": { "text": text },
        "defaultConfiguration": { "level": level(default) },
        "properties": { "hadolint": null },
    })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut result = json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level(f.level),
        "message": { "text": f.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&f.file) },
                "region": {
                    "startLine": f.line.max(1),
                    "startColumn": f.column.max(1),
                    "endLine": f.end_line.max(f.line).max(1),
                    "endColumn": f.end_column.max(1),
                }
            }
        }],
    });
    if let (Some(fix), Some(obj)) = (&f.fix, result.as_object_mut()) {
        // A fix is the text to write instead, not an exact edit, so it is not a SARIF `fix`.
        obj.insert("properties".into(), json!({ "fix": fix }));
    }
    result
}

/// A file name as a URI reference: relative paths stay relative (forward slashes), absolute
/// ones become `file://` URIs; everything but unreserved characters and `/` is
/// percent-encoded (`:` too in relative paths, so `a:b` cannot read as a scheme).
fn uri(name: &str) -> String {
    let name = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_string()
    };
    let absolute = name.starts_with('/') || name.get(1..3) == Some(":/");
    let mut out = String::new();
    if absolute {
        out.push_str("file://");
        if !name.starts_with('/') {
            out.push('/');
        }
    }
    // A drive letter's colon (`C:/`) stays in a `file://` URI; any other is encoded.
    out.push_str(&encode_path(&name, absolute.then_some(1)));
    out
}

/// `path` percent-encoded for a URI: everything but unreserved characters and `/` (and the `:` at
/// byte `colon_at`, when given). The scan's SARIF uses it for paths within an image too.
pub(crate) fn encode_path(path: &str, colon_at: Option<usize>) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, byte) in path.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            || (byte == b':' && colon_at == Some(i));
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("api/Dockerfile"), "api/Dockerfile");
        assert_eq!(uri("my dir/Dockerfile"), "my%20dir/Dockerfile");
        assert_eq!(uri("a:b/Dockerfile"), "a%3Ab/Dockerfile");
        assert_eq!(uri("/srv/app/Dockerfile"), "file:///srv/app/Dockerfile");
        assert_eq!(uri("../.hadolint.yaml"), "../.hadolint.yaml");
        assert_eq!(uri("ü#?"), "%C3%BC%23%3F");
    }
}
