//! Secret-looking variables in the image config: `ENV` values (in the config's env) and build
//! arguments the history recorded (`|1 NPM_TOKEN=... /bin/sh -c ...`, `ARG TOKEN=...`).
//!
//! A risk, not a saving (`bytes` 0). Tips name the variables only: the step they show goes
//! through [`redact::step`](super::redact::step), like every tip's.

use super::redact::{is_placeholder, is_secret_name};
use super::{Draft, Finding, View};
use crate::TipKind;

const WHY: &str = "ENV values are part of the image's config, and the build arguments a RUN uses \
                   are written into its history: `docker inspect` and `docker history \
                   --no-trunc` show them to anyone who has the image.";
const FIX: &str = "Do not pass secrets through ENV or ARG: give a build step its secret with `RUN \
                   --mount=type=secret,id=token ...` (`docker build --secret id=token,env=TOKEN`), \
                   pass runtime secrets when the container starts (`docker run --env-file`, or the \
                   orchestrator's secrets), and replace the exposed value.";

/// At most this many names in a title.
const SHOWN_NAMES: usize = 4;

/// The secret-looking names a history step sets, with values (in the order they appear).
fn names_in_step(step: &str) -> Vec<String> {
    let mut rest = step.trim_start();
    for prefix in ["/bin/sh -c #(nop)", "RUN", "ENV", "ARG"] {
        let after = rest
            .strip_prefix(prefix)
            .filter(|after| after.is_empty() || after.starts_with(char::is_whitespace));
        if let Some(after) = after {
            // `ENV`/`ARG` instructions set variables; `RUN` may carry build arguments.
            if prefix == "ENV" || prefix == "ARG" {
                return assignments(after);
            }
            rest = after.trim_start();
        }
    }
    // `|2 A=x B=y /bin/sh -c ...`: the build arguments a RUN saw.
    if let Some(after) = rest.strip_prefix('|') {
        let (count, tail) = after.split_once(' ').unwrap_or((after, ""));
        let Ok(count) = count.parse::<usize>() else {
            return Vec::new();
        };
        let words: Vec<&str> = tail.split_whitespace().take(count.min(256)).collect();
        return assignments(&words.join(" "));
    }
    Vec::new()
}

/// Secret-looking names of the `NAME=value` words of `text` whose value is not a placeholder.
fn assignments(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for word in text.split_whitespace() {
        let Some((name, value)) = word.split_once('=') else {
            continue;
        };
        if is_secret_name(name) && !is_placeholder(value) && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

pub(super) fn detect(view: &View) -> Vec<Finding> {
    let config = &view.facts.config;
    let mut findings = Vec::new();

    let mut env_names: Vec<String> = Vec::new();
    for entry in &config.env {
        let Some((name, value)) = entry.split_once('=') else {
            continue;
        };
        if is_secret_name(name) && !is_placeholder(value) && !env_names.iter().any(|n| n == name) {
            env_names.push(name.to_string());
        }
    }
    if !env_names.is_empty() {
        // The step that set the first of them, where the history says.
        let step = config
            .history
            .iter()
            .find(|step| {
                step.contains("ENV") && env_names.iter().any(|n| step.contains(&format!("{n}=")))
            })
            .map(|step| super::redact::step(step));
        findings.push(finding(
            view,
            format!(
                "Secret-looking variables in the image's env: {}",
                super::some_names(&env_names, SHOWN_NAMES)
            ),
            step,
        ));
    }

    let mut history_names: Vec<String> = Vec::new();
    // The steps that set them; the tip shows the first that wrote a layer (the RUN that saw a
    // build argument), else the first.
    let mut steps: Vec<&str> = Vec::new();
    for step in &config.history {
        let mut carries = false;
        for name in names_in_step(step) {
            // Names already in the env have their tip; the history adds the build arguments.
            if !env_names.contains(&name) {
                carries = true;
                if !history_names.contains(&name) {
                    history_names.push(name);
                }
            }
        }
        if carries && steps.len() < 64 {
            steps.push(step);
        }
    }
    let has_layer = |step: &&&str| view.facts.layers.iter().any(|l| l.created_by == **step);
    let first_step = steps
        .iter()
        .find(has_layer)
        .or_else(|| steps.first())
        .copied();
    if !history_names.is_empty() {
        findings.push(finding(
            view,
            format!(
                "Secret-looking build arguments in the image's history: {}",
                super::some_names(&history_names, SHOWN_NAMES)
            ),
            first_step.map(super::redact::step),
        ));
    }
    findings
}

fn finding(view: &View, title: String, step: Option<String>) -> Finding {
    let layer = step.as_ref().and_then(|step| {
        view.facts
            .layers
            .iter()
            .position(|l| super::redact::step(&l.created_by) == *step)
    });
    let draft = Draft {
        kind: TipKind::SecretInConfig,
        title,
        exact: true,
        estimate: None,
        why: WHY,
        fix: FIX.to_string(),
    };
    let mut finding = draft.finish_with(view, Vec::new(), Vec::new(), 0);
    finding.tip.layer = layer;
    finding.tip.step = step;
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_steps() {
        assert_eq!(
            names_in_step("|2 NPM_TOKEN=abc VERSION=1 /bin/sh -c npm ci"),
            vec!["NPM_TOKEN"]
        );
        assert_eq!(
            names_in_step("RUN |1 GITHUB_TOKEN=x /bin/sh -c make"),
            vec!["GITHUB_TOKEN"]
        );
        assert_eq!(
            names_in_step("/bin/sh -c #(nop)  ENV API_KEY=k PATH=/x"),
            vec!["API_KEY"]
        );
        assert_eq!(names_in_step("ARG DB_PASSWORD=pw"), vec!["DB_PASSWORD"]);
        assert!(names_in_step("ARG DB_PASSWORD").is_empty());
        assert!(names_in_step(
            "/bin/sh -c #(nop)  ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D"
        )
        .is_empty());
        assert!(names_in_step("|1 MYSQL_ALLOW_EMPTY_PASSWORD=yes /bin/sh -c x").is_empty());
        assert!(names_in_step("|x TOKEN=a").is_empty());
        assert!(names_in_step("|99999999999999999999999 TOKEN=a").is_empty());
        assert!(names_in_step("").is_empty());
    }
}
