//! Drydock's Dockerfile linter. Each rule teaches one practice: how layers and the build cache
//! work, keeping images small, base images, secrets, and the core of hadolint's and BuildKit's
//! checks. Rules see the file as BuildKit parses it and RUN bodies as shell.
//!
//! [`lint`] is pure: source text, configuration and project facts in, findings out.
//! [`lint_path`] (and [`run::Run`] for several paths) is the use case the app and the CLI
//! share: Dockerfiles on disk in, a [`LintRun`] out.

pub mod config;
pub mod files;
pub mod finding;
pub mod fix;
pub mod packages;
pub mod pragma;
pub mod rule;
pub mod rules;
pub mod run;
pub mod shell;

mod driver;

pub use config::{Config, ConfigError};
pub use driver::{config_findings, lint, meta_codes, Selection};
pub use files::FileError;
pub use finding::{Finding, Level};
pub use rule::{LabelType, Project, Rule, Settings};
pub use run::{lint_path, LintRun, LintedFile};
