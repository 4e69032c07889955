//! ## What it does
//! Flags a `LABEL` key outside Docker's recommended form: lowercase letters, digits, `.` and
//! `-` (and `_` and `/`, for keys such as `app.kubernetes.io/name`), starting with a letter and
//! ending with a letter or digit, no `..` or `--`, and none of the namespaces Docker keeps for
//! itself (`com.docker.`, `io.docker.`, `org.dockerproject.`).
//!
//! ## Why it matters
//! Labels are how registries, scanners and `docker image ls --filter label=...` find an
//! image's owner, source and version, and those tools match keys exactly. `Maintainer`,
//! `org.opencontainers.image.Source` and `maintainer` are three different labels, so a key
//! spelled off the convention is a label no tool reads. Reverse-DNS lowercase keys
//! (`org.opencontainers.image.source`) stay unique across teams; the reserved namespaces
//! belong to Docker and may be overwritten by it.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL Maintainer="ops@example.com" com.docker.team=ops
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL maintainer="ops@example.com" com.example.team=ops
//! ```
//!
//! ## Differences from hadolint
//! hadolint reports the LABEL once; Drydock reports each bad key and says what is wrong with
//! it. A key built from a variable is judged as it expands, and not at all when the variable
//! has no value here (hadolint judges the text `${NS}` itself). A trigger's keys
//! (`ONBUILD LABEL`) are checked too.

use crate::finding::Level;
use crate::rule::{Context, Report, Rule};

pub const RULE: Rule = Rule {
    code: "DD901",
    name: "invalid-label-key",
    level: Level::Style,
    hadolint: Some("DL3048"),
    source: include_str!("invalid_label_key.rs"),
    check,
};

fn check(cx: &Context, out: &mut Report) {
    for label in super::labels(cx) {
        let Some(key) = &label.key else { continue };
        if let Some(why) = problem(key) {
            out.add(
                label.key_span,
                format!(
                    "label key {} {why}: use lowercase reverse-DNS keys such as `org.opencontainers.image.source`",
                    super::shown(key)
                ),
            );
        }
    }
}

/// What is wrong with `key`, if anything.
fn problem(key: &str) -> Option<&'static str> {
    const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];
    if key.is_empty() {
        return Some("is empty");
    }
    if let Some(bad) = key.chars().find(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/'))
    }) {
        return Some(if bad.is_ascii_uppercase() {
            "has uppercase letters"
        } else {
            "has characters other than a-z, 0-9, `.`, `-`, `_` and `/`"
        });
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("does not start with a letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("does not end with a letter or digit");
    }
    if key.contains("..") || key.contains("--") {
        return Some("has `..` or `--`");
    }
    if RESERVED.iter().any(|r| key.starts_with(r)) {
        return Some("is in a namespace Docker reserves");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{catches, passes};

    #[test]
    fn catches_keys_off_the_convention() {
        for source in [
            "FROM a\nLABEL Maintainer=x\n",
            "FROM a\nLABEL com.docker.x=1\n",
            "FROM a\nLABEL io.docker.x=1\n",
            "FROM a\nLABEL org.dockerproject.x=1\n",
            "FROM a\nLABEL a..b=1\n",
            "FROM a\nLABEL a--b=1\n",
            "FROM a\nLABEL 9a=1\n",
            "FROM a\nLABEL a-=1\n",
            "FROM a\nLABEL a:b=1\n",
            "FROM a\nLABEL a_=1\n",
            "FROM a\nLABEL \"a b\"=1\n",
            "LABEL Bad=1\n",
        ] {
            catches(&RULE, source);
        }
        assert_eq!(
            catches(&RULE, "FROM a\nLABEL ok=1 \\\n  Bad=2\n"),
            [3],
            "the key's own line"
        );
    }

    #[test]
    fn does_not_catch_conventional_or_unknown_keys() {
        passes(
            &RULE,
            "FROM a\nLABEL maintainer=x org.opencontainers.image.source=y a1=1 ok.key-1=2\n",
        );
        passes(&RULE, "FROM a\nLABEL \"org.example.x\"=1\n");
        passes(
            &RULE,
            "FROM a\nLABEL app.kubernetes.io/name=x org.example.build_id=1\n",
        );
        passes(&RULE, "ARG NS\nFROM a\nLABEL ${NS}.x=1\n");
        passes(&RULE, "FROM a\nARG NS=org.example\nLABEL ${NS}.x=1\n");
    }
}
