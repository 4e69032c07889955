//! Configuration: hadolint's `.hadolint.yaml` as users already write it, and Drydock's own
//! `.drydock.yaml` with the same keys (which may also name rules by Drydock code or name).
//!
//! ```yaml
//! failure-threshold: warning        # error | warning | info | style | none
//! ignored: [DL3008, latest-base-image]
//! override:
//!   error: [DL3001]
//!   info: [DD006]
//! trustedRegistries: [docker.io, registry.example.com:5000]
//! label-schema:                     # labels every image needs, and their form
//!   org.opencontainers.image.source: url   # text | url | spdx | rfc3339 | hash | semver | email
//! strict-labels: true               # no labels outside label-schema
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::finding::Level;
use crate::rule::{LabelType, Settings};

/// The merged configuration for one run.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Rules never reported, by Drydock code, name or hadolint code, with where each came from.
    pub ignored: Vec<Entry>,
    /// Level changes by code, name or hadolint code.
    pub overrides: Vec<(Entry, Level)>,
    pub settings: Settings,
    /// Findings at or above this level make `drydock lint` exit 1; `None` = never.
    pub failure_threshold: Option<Option<Level>>,
    /// The files read, in the order applied.
    pub files: Vec<PathBuf>,
}

/// A rule reference written in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub file: PathBuf,
    /// 1-based line of the entry in its file (1 when it cannot be located).
    pub line: u32,
    /// 1-based column (in chars) where the id starts on that line (1 when it cannot be located).
    pub column: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid lint configuration: {message}\n  fix: see `drydock lint --help` for the keys it accepts")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    ignored: Vec<String>,
    #[serde(default, rename = "override")]
    overrides: BTreeMap<String, Vec<String>>,
    #[serde(default, rename = "trustedRegistries", alias = "trusted-registries")]
    trusted_registries: Vec<String>,
    #[serde(default, rename = "failure-threshold", alias = "failure_threshold")]
    failure_threshold: Option<String>,
    // Accepted so existing hadolint files load; Drydock has no use for them.
    #[allow(dead_code)]
    #[serde(default)]
    format: Option<serde_yaml::Value>,
    #[allow(dead_code)]
    #[serde(default, rename = "no-fail")]
    no_fail: Option<bool>,
    #[allow(dead_code)]
    #[serde(default, rename = "no-color")]
    no_color: Option<bool>,
    #[serde(default, rename = "strict-labels", alias = "strict_labels")]
    strict_labels: Option<bool>,
    #[serde(default, rename = "label-schema", alias = "label_schema")]
    label_schema: BTreeMap<String, String>,
    #[allow(dead_code)]
    #[serde(default, rename = "disable-ignore-pragma")]
    disable_ignore_pragma: Option<bool>,
    // `drydock scan`'s part of `.drydock.yaml` (its ignore list), read by the scanner.
    #[allow(dead_code)]
    #[serde(default)]
    scan: Option<serde_yaml::Value>,
}

/// Config file names, in the order they apply (later wins).
pub const FILE_NAMES: [&str; 4] = [
    ".hadolint.yaml",
    ".hadolint.yml",
    ".drydock.yaml",
    ".drydock.yml",
];

impl Config {
    /// Finds and reads the config files of `dir` or its nearest ancestor that has any.
    pub fn discover(dir: &Path) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        for candidate in dir.ancestors() {
            let found: Vec<PathBuf> = FILE_NAMES
                .iter()
                .map(|n| candidate.join(n))
                .filter(|p| p.is_file())
                .collect();
            if !found.is_empty() {
                for path in found {
                    config.load(&path)?;
                }
                break;
            }
        }
        Ok(config)
    }

    /// Reads one config file on top of what is already loaded.
    pub fn load(&mut self, path: &Path) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.apply(path, &text)
    }

    /// Applies config `text` (from `path`, used in messages and findings).
    pub fn apply(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let file: File = if text.trim().is_empty() {
            File::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| invalid(e.to_string()))?
        };
        let entry = |id: &str| {
            let (line, column) = position_of(text, id);
            Entry {
                id: id.trim().to_string(),
                file: path.to_path_buf(),
                line,
                column,
            }
        };
        self.ignored.extend(file.ignored.iter().map(|id| entry(id)));
        for (level, ids) in &file.overrides {
            let level = Level::parse(level).ok_or_else(|| {
                invalid(format!(
                    "override level `{level}` is not one of error, warning, info, style"
                ))
            })?;
            self.overrides
                .extend(ids.iter().map(|id| (entry(id), level)));
        }
        if !file.trusted_registries.is_empty() {
            self.settings.trusted_registries = file.trusted_registries;
        }
        if !file.label_schema.is_empty() {
            self.settings.label_schema.clear();
            for (name, kind) in &file.label_schema {
                let kind = LabelType::parse(kind).ok_or_else(|| {
                    invalid(format!(
                        "label-schema: `{name}: {kind}` is not one of {}",
                        label_types()
                    ))
                })?;
                self.settings.require_label(name, kind);
            }
        }
        if let Some(strict) = file.strict_labels {
            self.settings.strict_labels = strict;
        }
        if let Some(threshold) = file.failure_threshold {
            self.failure_threshold = Some(parse_threshold(&threshold).ok_or_else(|| {
                invalid(format!(
                    "failure-threshold `{threshold}` is not one of error, warning, info, style, none"
                ))
            })?);
        }
        self.files.push(path.to_path_buf());
        Ok(())
    }
}

/// The label-schema types, for messages: `text, url, ...`.
pub fn label_types() -> String {
    LabelType::ALL.map(LabelType::as_str).join(", ")
}

/// `none` (and hadolint's `ignore`) means never fail.
pub fn parse_threshold(text: &str) -> Option<Option<Level>> {
    match text.trim().to_ascii_lowercase().as_str() {
        "none" | "ignore" => Some(None),
        other => Level::parse(other).map(Some),
    }
}

/// Where `id` is first written in `text` as a whole word outside a comment: (line, column),
/// 1-based; (1, 1) when not found. `latest-base-imag` is not found inside `latest-base-image`.
fn position_of(text: &str, id: &str) -> (u32, u32) {
    let id = id.trim();
    let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let found = |line: &str| {
        let code = line.split(" #").next().unwrap_or(line);
        if id.is_empty() || code.trim_start().starts_with('#') {
            return None;
        }
        code.match_indices(id).map(|(at, _)| at).find(|&at| {
            let before = code.get(..at).and_then(|b| b.chars().next_back());
            let after = code.get(at + id.len()..).and_then(|a| a.chars().next());
            !before.is_some_and(word) && !after.is_some_and(word)
        })
    };
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let at = found(line)?;
            let column = line.get(..at).map_or(0, |before| before.chars().count());
            Some((u32::try_from(i + 1).ok()?, u32::try_from(column + 1).ok()?))
        })
        .unwrap_or((1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hadolint_files() {
        let mut config = Config::default();
        let text = "failure-threshold: warning\nignored:\n  - DL3008\noverride:\n  error: [DL3001]\ntrustedRegistries:\n  - docker.io\n";
        config
            .apply(Path::new(".hadolint.yaml"), text)
            .expect("valid");
        assert_eq!(config.ignored[0].id, "DL3008");
        assert_eq!(config.ignored[0].line, 3);
        assert_eq!(config.ignored[0].column, 5);
        assert_eq!(config.overrides[0].1, Level::Error);
        assert_eq!(config.settings.trusted_registries, ["docker.io"]);
        assert_eq!(config.failure_threshold, Some(Some(Level::Warning)));
    }

    #[test]
    fn reads_label_schema_and_strict_labels() {
        let mut config = Config::default();
        let text = "label-schema:\n  maintainer: text\n  org.opencontainers.image.url: URL\nstrict-labels: true\n";
        config
            .apply(Path::new(".hadolint.yaml"), text)
            .expect("valid");
        assert_eq!(
            config.settings.label_schema,
            [
                ("maintainer".to_string(), LabelType::Text),
                ("org.opencontainers.image.url".to_string(), LabelType::Url)
            ]
        );
        assert!(config.settings.strict_labels);
        let e = config
            .apply(Path::new("x.yaml"), "label-schema:\n  maintainer: name\n")
            .expect_err("bad type");
        assert!(e.to_string().contains("`maintainer: name`"), "{e}");
        assert!(e.to_string().contains("semver"), "{e}");
    }

    #[test]
    fn entries_are_located_as_whole_words_outside_comments() {
        let text = "# DL3008 is noisy\noverride:\n  error: [latest-base-image]\nignored:\n  - latest-base-imag # typo\n  - DL3008\n";
        assert_eq!(position_of(text, "latest-base-imag"), (5, 5));
        assert_eq!(position_of(text, "DL3008"), (6, 5));
        assert_eq!(position_of(text, "absent"), (1, 1));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let mut config = Config::default();
        let e = config
            .apply(Path::new("x.yaml"), "override:\n  loud: [DL3001]\n")
            .expect_err("bad level");
        assert!(e.to_string().contains("`loud`"), "{e}");
        let e = config
            .apply(Path::new("x.yaml"), "ignore: [DL3001]\n")
            .expect_err("unknown key");
        assert!(e.to_string().contains("x.yaml"), "{e}");
    }
}
