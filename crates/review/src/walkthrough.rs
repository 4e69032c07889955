//! The walkthrough: the review's findings as steps, the ones that matter most first (bytes in
//! the image, bytes in the context, cache busting, then security), each with its fix as a diff
//! of the file it changes and the bytes it should save where that can be known. Pure: the
//! review and the texts it was made from come in, steps go out.

use drydock_lint::fix::{self, Edit};
use drydock_lint::{rules, Finding};
use serde::Serialize;

use crate::context::{escape, ContextReport};
use crate::review::{Instruction, Review};

/// What a step is about, in the order the walkthrough takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Bytes every pull of the image carries.
    Image,
    /// Bytes every build sends to the builder.
    Context,
    /// Steps that run again when they need not.
    Cache,
    Security,
    Other,
}

/// One step of the walkthrough.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WalkStep {
    /// Stable within one review: `DD105@12:1` (rule at line and column), `context@ignore`.
    pub id: String,
    pub impact: Impact,
    /// The rule behind it (its doc says why); `None` for the context's step.
    pub code: Option<String>,
    pub rule: Option<String>,
    pub line: Option<usize>,
    pub title: String,
    /// Why it matters, in a paragraph (the rule's doc says more).
    pub why: String,
    /// The file the fix changes, as the review names it.
    pub file: String,
    /// The fix alone as a unified diff of `file`; `None` when no fix is mechanical.
    pub diff: Option<String>,
    /// What the user should write instead when there is no diff.
    pub instead: Option<String>,
    /// The bytes measured behind the step: the instruction's layer, the context.
    pub at_stake_bytes: Option<u64>,
    /// What the fix should save, when that is known before rebuilding.
    pub saves_bytes: Option<u64>,
}

/// Rules whose fix moves work into the instruction that wrote the files: what they save is
/// exactly what the flagged instruction's layer hides.
const SAVES_WHAT_IT_HIDES: &[&str] = &["DD102", "DD103"];
/// The rule the context step stands for (a missing `.dockerignore`).
const CONTEXT_RULES: &[&str] = &["DD801"];

/// The id of the context's step.
pub const CONTEXT_STEP: &str = "context@ignore";

/// The review's steps, most impact first. `source` is the Dockerfile the review was made on,
/// `ignore_text` the ignore file's current text (`None` when there is none).
pub fn walkthrough(review: &Review, source: &str, ignore_text: Option<&str>) -> Vec<WalkStep> {
    let mut steps = Vec::new();
    let context_step = review
        .context
        .as_ref()
        .and_then(|c| context_step(c, ignore_text));
    let findings = review
        .instructions
        .iter()
        .flat_map(|ins| ins.findings.iter().map(move |f| (f, Some(ins))))
        .chain(review.other_findings.iter().map(|f| (f, None)));
    for (finding, ins) in findings {
        if context_step.is_some() && CONTEXT_RULES.contains(&finding.code.as_str()) {
            continue;
        }
        steps.push(finding_step(review, source, finding, ins));
    }
    steps.extend(context_step);
    if let Some(context) = &review.context {
        steps.extend(copied_secrets(context, &review.dockerfile));
    }
    steps.sort_by(|a, b| {
        a.impact
            .cmp(&b.impact)
            .then_with(|| b.saves_bytes.cmp(&a.saves_bytes))
            .then_with(|| b.at_stake_bytes.cmp(&a.at_stake_bytes))
            .then_with(|| a.line.cmp(&b.line))
    });
    // Two rules can propose the very same change (a cleanup RUN is also a RUN that follows a
    // RUN): the step that matters most keeps it; the other would only repeat it.
    let mut seen = std::collections::HashSet::new();
    steps.retain(|s| s.diff.as_ref().is_none_or(|d| seen.insert(d.clone())));
    steps
}

fn finding_step(
    review: &Review,
    source: &str,
    finding: &Finding,
    ins: Option<&Instruction>,
) -> WalkStep {
    let rule = rules::find(&finding.code);
    let impact = rule.map_or(Impact::Other, |r| match rules::category_of(r) {
        "size" => Impact::Image,
        "context" => Impact::Context,
        "cache" => Impact::Cache,
        "security" => Impact::Security,
        _ => Impact::Other,
    });
    let (at_stake, saves) = match ins {
        Some(ins) if SAVES_WHAT_IT_HIDES.contains(&finding.code.as_str()) => {
            (ins.hides_bytes, ins.hides_bytes)
        }
        Some(ins) if impact == Impact::Image => {
            (ins.layer_bytes.and_then(|b| u64::try_from(b).ok()), None)
        }
        _ => (None, None),
    };
    WalkStep {
        id: step_id(finding),
        impact,
        code: Some(finding.code.clone()),
        rule: Some(finding.rule.clone()),
        line: Some(finding.line as usize),
        title: finding.message.clone(),
        why: rule.map(|r| r.why()).unwrap_or_default(),
        file: review.dockerfile.clone(),
        diff: own_diff(source, &finding.edits, &review.dockerfile),
        instead: finding.fix.clone(),
        at_stake_bytes: at_stake,
        saves_bytes: saves,
    }
}

/// `CODE@line:column`: a finding's place, unique among one file's findings of one rule.
pub fn step_id(finding: &Finding) -> String {
    format!("{}@{}:{}", finding.code, finding.line, finding.column)
}

fn own_diff(source: &str, edits: &[Edit], path: &str) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    let applied = fix::apply(source, edits);
    let diff = fix::diff(source, &applied.text, path);
    (!diff.is_empty()).then_some(diff)
}

/// The ignore file with the proposed lines added: what the context step writes.
pub fn proposed_ignore_text(context: &ContextReport, ignore_text: Option<&str>) -> String {
    let mut text = ignore_text.unwrap_or_default().to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# Not needed by the build (added by Drydock's review)\n");
    for line in &context.proposed_dockerignore {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// The ignore file the context step changes, relative to the context.
pub fn ignore_file_name(context: &ContextReport) -> String {
    context
        .ignore_file
        .clone()
        .unwrap_or_else(|| ".dockerignore".to_string())
}

fn context_step(context: &ContextReport, ignore_text: Option<&str>) -> Option<WalkStep> {
    if context.proposed_dockerignore.is_empty() {
        return None;
    }
    let file = ignore_file_name(context);
    let new = proposed_ignore_text(context, ignore_text);
    let names: Vec<&str> = context
        .should_not_send
        .iter()
        .chain(&context.secrets)
        .map(|f| f.path.as_str())
        .take(3)
        .collect();
    let more = context.should_not_send.len() + context.secrets.len() - names.len();
    let mut title = format!("The build sends what it never needs: {}", names.join(", "));
    if more > 0 {
        title.push_str(&format!(" and {more} more"));
    }
    if !context.secrets.is_empty() {
        title.push_str("; secrets among them reach the builder");
    }
    Some(WalkStep {
        id: CONTEXT_STEP.to_string(),
        impact: Impact::Context,
        code: None,
        rule: None,
        line: None,
        title,
        why: "Everything in the context is read and sent to the builder before the first step \
              runs, on every build; a secret sent there can end up in a layer or a cache."
            .to_string(),
        diff: Some(fix::diff(ignore_text.unwrap_or_default(), &new, &file)),
        file,
        instead: None,
        at_stake_bytes: Some(context.bytes),
        saves_bytes: Some(context.proposed_saves_bytes),
    })
}

/// Secrets a COPY or ADD names: ignoring them would break the build, so the step says what to
/// do instead and has no diff.
fn copied_secrets(context: &ContextReport, dockerfile: &str) -> Vec<WalkStep> {
    context
        .secrets
        .iter()
        .filter(|s| !context.proposed_dockerignore.contains(&escape(&s.path)))
        .map(|s| WalkStep {
            id: format!("secret@{}", s.path),
            impact: Impact::Security,
            code: None,
            rule: None,
            line: None,
            title: format!("{} ({}) is copied into the image", s.path, s.why),
            why: "A secret in a layer is readable by anyone who can pull the image, even \
                  when a later step deletes it."
                .to_string(),
            file: dockerfile.to_string(),
            diff: None,
            instead: Some(
                "pass it to the one RUN that needs it with `RUN --mount=type=secret`".to_string(),
            ),
            at_stake_bytes: Some(s.bytes),
            saves_bytes: None,
        })
        .collect()
}

/// The Dockerfile with the chosen steps' fixes applied (steps without a Dockerfile fix are
/// ignored), and the ids whose edits clashed with an earlier one and were left out.
pub fn fixed_dockerfile(review: &Review, source: &str, ids: &[String]) -> (String, Vec<String>) {
    let chosen: Vec<&Finding> = review
        .instructions
        .iter()
        .flat_map(|i| &i.findings)
        .chain(&review.other_findings)
        .filter(|f| !f.edits.is_empty() && ids.contains(&step_id(f)))
        .collect();
    let edits: Vec<Edit> = chosen.iter().flat_map(|f| f.edits.clone()).collect();
    let applied = fix::apply(source, &edits);
    let clashed: std::collections::HashSet<&Edit> =
        applied.conflicts.iter().map(|c| &c.edit).collect();
    let left_out = chosen
        .iter()
        .filter(|f| f.edits.iter().any(|e| clashed.contains(e)))
        .map(|f| step_id(f))
        .collect();
    (applied.text, left_out)
}

#[cfg(test)]
mod tests;
