//! ## What it does
//! Flags `FROM --platform=<os/arch>` with a fixed value, such as `linux/amd64`. Values built
//! from variables (`$BUILDPLATFORM`, `$TARGETPLATFORM`) are fine, and so is a fixed platform
//! on a stage whose name says which platform it is for (`AS build-arm64`), the way
//! per-architecture stages are written.
//!
//! ## Why it matters
//! A fixed platform overrides what the build was asked for. Building for `linux/arm64`, or for
//! several platforms at once, still produces that stage for `linux/amd64`; on a machine of
//! another architecture it runs under emulation, many times slower, and the image it feeds
//! ships binaries that do not run where they are deployed. The platform belongs on the command
//! line (`docker build --platform`), and a stage that must run natively on the builder uses
//! `$BUILDPLATFORM`.
//!
//! ## Example
//! ```dockerfile
//! FROM --platform=linux/amd64 golang:1.23 AS build
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM --platform=$BUILDPLATFORM golang:1.23 AS build
//! ARG TARGETOS TARGETARCH
//! RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
//! ```

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD305",
    name: "platform-flag-constant",
    level: Level::Warning,
    hadolint: Some("DL3029"),
    source: include_str!("platform_flag_constant.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for stage in &cx.stages {
        let Some(ins) = cx.instructions().get(stage.from) else {
            continue;
        };
        let Some(flag) = ins.flag("platform") else {
            continue;
        };
        let value = flag.value.as_deref().unwrap_or("").trim();
        if value.is_empty() || value.contains('$') {
            continue;
        }
        let stage_name = stage
            .name
            .as_ref()
            .map(|n| n.value.to_ascii_lowercase())
            .unwrap_or_default();
        let names_platform = value
            .to_ascii_lowercase()
            .split(['/', ','])
            .any(|part| !part.is_empty() && stage_name.contains(part));
        if names_platform {
            continue;
        }
        out.add(
            flag.span,
            format!(
                "`--platform={value}` fixes this stage to one platform whatever the build asks for: drop it and pass `--platform` to the build, or use `$BUILDPLATFORM`"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_constant_platforms() {
        assert_eq!(
            catches(&RULE, "FROM --platform=linux/amd64 alpine:3.20\n"),
            [1]
        );
        catches(
            &RULE,
            "FROM alpine:3.20 AS a\nFROM --platform=linux/arm64 golang:1.23 AS build\n",
        );
    }

    #[test]
    fn does_not_catch_variables_or_platform_named_stages() {
        passes(
            &RULE,
            "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n",
        );
        passes(&RULE, "FROM --platform=${TARGETPLATFORM} alpine:3.20\n");
        passes(
            &RULE,
            "FROM --platform=linux/amd64 alpine:3.20 AS build_amd64\n",
        );
        passes(
            &RULE,
            "FROM --platform=linux/arm64 alpine:3.20 AS build-arm64\n",
        );
        passes(&RULE, "FROM alpine:3.20\n");
    }
}
