//! What the linter reports: a level and a finding at a place in a file.

use serde::{Deserialize, Serialize};

use crate::fix::Edit;

/// How serious a finding is. Ordered: `Style < Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "LintLevel"))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Style,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Style => "style",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// Parses the names hadolint and Drydock accept (`error`, `warning`, `info`, `style`).
    pub fn parse(name: &str) -> Option<Level> {
        match name.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Level::Error),
            "warning" | "warn" => Some(Level::Warning),
            "info" => Some(Level::Info),
            "style" => Some(Level::Style),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding. Lines and columns are 1-based; `end_column` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// The rule's stable code (`DD001`), `parse-error`, or a suppression finding's code.
    pub code: String,
    /// The rule's kebab-case name.
    pub rule: String,
    pub level: Level,
    pub message: String,
    /// The matching hadolint code (`DL3008`, `SC2086`), if any.
    pub hadolint: Option<String>,
    /// What to write instead, when the rule knows.
    pub fix: Option<String>,
    /// The edits that fix it mechanically (`drydock lint --fix`), byte offsets into the source.
    /// Not serialised: offsets mean nothing without the exact text they were computed on.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub edits: Vec<Edit>,
}
