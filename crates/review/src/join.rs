//! A Dockerfile joined with an image's history: which history row each instruction of the
//! final stage (or a chosen target) made, so a review can say what every line wrote.
//!
//! The image's history ends with the stage's instructions, after its base image's own steps;
//! both are read back to a common form ([`recorded`] for the builders' texts, [`expected`] for
//! the Dockerfile with ARG and ENV expanded) and aligned from the newest step backwards. Pure:
//! the history comes in as data, read from the engine by the caller.

mod expected;
mod recorded;

use std::collections::BTreeMap;

use drydock_dockerfile::{parse, scopes, stages, Stage};
use drydock_inventory::HistoryRow;
use serde::Serialize;

use expected::{Agreement, Expected};

/// How sure the join is, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Every instruction matched its row text for text, after normalisation.
    Exact,
    /// Every instruction matched, some only by kind and destination (a classic builder's
    /// COPY records a content digest, not the sources).
    Likely,
    /// Some instructions matched.
    Partial,
    /// The history's tail is not this stage.
    None,
}

/// One instruction of the stage and the history row it made, if one did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 1-based line of the instruction in the Dockerfile.
    pub line: usize,
    /// The instruction as written (continuations joined).
    pub instruction: String,
    /// Index of its row in the history given (newest first).
    pub history_index: Option<usize>,
    /// The row's size (0 without a row).
    pub layer_bytes: i64,
    /// The row wrote no layer; without a row, whether the instruction is one that writes none.
    pub empty_layer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Join {
    pub confidence: Confidence,
    pub matched: usize,
    /// Instructions of the stage (FROM lines left out).
    pub of: usize,
    /// In Dockerfile order.
    pub steps: Vec<Step>,
    /// History rows older than the oldest row matched: the base image's steps (0 when nothing
    /// matched).
    pub base_steps: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    #[error("the Dockerfile has no FROM, so no stage to match")]
    NoStage,
    #[error(
        "the Dockerfile has no stage named {0:?}; fix: pass one of its `FROM ... AS name` names"
    )]
    NoTarget(String),
}

/// Which stage to match and the build args it was built with.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--target`; `None` for the last stage.
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
}

/// The stage's instructions read once, ready to join with any number of histories.
#[derive(Debug, Clone)]
pub struct Stencil {
    expected: Vec<Expected>,
}

impl Stencil {
    pub fn new(dockerfile: &str, options: &Options) -> Result<Stencil, JoinError> {
        let file = parse(dockerfile);
        let all = stages(&file);
        let target = match &options.target {
            None => all.last().ok_or(JoinError::NoStage)?,
            Some(name) => all
                .iter()
                .find(|s| {
                    s.name
                        .as_ref()
                        .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
                })
                .ok_or_else(|| JoinError::NoTarget(name.clone()))?,
        };
        let chain = chain(&all, target);
        let scopes = scopes(&file, &options.build_args);
        Ok(Stencil {
            expected: expected::expected(&file, &scopes, &options.build_args, &chain),
        })
    }

    /// Aligns the stage with `history` (newest first, as the engine lists it).
    pub fn join(&self, history: &[HistoryRow]) -> Join {
        let rows: Vec<recorded::Recorded> = history
            .iter()
            .map(|r| recorded::read(&r.created_by))
            .collect();
        let newest_first: Vec<&Expected> = self.expected.iter().rev().collect();
        let agree = |i: usize, r: usize| match (newest_first.get(i), rows.get(r)) {
            (Some(e), Some(row)) => e.agree(row),
            _ => Agreement::No,
        };
        // Per instruction (newest first): its row and how well they agree.
        let mut found: Vec<Option<(usize, Agreement)>> = vec![None; newest_first.len()];
        let (mut i, mut r) = (0usize, 0usize);
        let mut extra_rows = 0;
        // One step of lookahead each way keeps this linear: an instruction the builder did not
        // record, or a row the Dockerfile does not explain, is stepped over; anything else
        // pairs the two as changed.
        while i < newest_first.len() && r < rows.len() {
            let here = agree(i, r);
            if here != Agreement::No {
                found[i] = Some((r, here));
                i += 1;
                r += 1;
            } else if agree(i + 1, r) != Agreement::No {
                i += 1;
            } else if agree(i, r + 1) != Agreement::No {
                extra_rows += 1;
                r += 1;
            } else {
                i += 1;
                r += 1;
            }
        }
        let matched = found.iter().flatten().count();
        // A changed oldest instruction cannot be told from a base step: only rows older than
        // the oldest one matched count as the base's.
        let oldest_used = found.iter().flatten().map(|(r, _)| *r).max();
        let of = newest_first.len();
        let confidence = if matched == 0 {
            Confidence::None
        } else if matched < of || extra_rows > 0 {
            Confidence::Partial
        } else if found.iter().flatten().all(|(_, a)| *a == Agreement::Text) {
            Confidence::Exact
        } else {
            Confidence::Likely
        };
        let steps = newest_first
            .iter()
            .zip(&found)
            .rev()
            .map(|(e, hit)| {
                let row = hit.and_then(|(r, _)| Some((r, history.get(r)?)));
                Step {
                    line: e.line,
                    instruction: e.instruction.clone(),
                    history_index: row.map(|(r, _)| r),
                    layer_bytes: row.map_or(0, |(_, h)| h.size),
                    empty_layer: row.map_or(!e.writes_layer, |(_, h)| h.empty_layer),
                }
            })
            .collect();
        Join {
            confidence,
            matched,
            of,
            steps,
            base_steps: oldest_used.map_or(0, |at| rows.len().saturating_sub(at + 1)),
        }
    }
}

/// The stages `target` builds on within the file (a `FROM earlier-stage`), oldest first, then
/// its own: their instructions all end up in the image's history.
fn chain(all: &[Stage], target: &Stage) -> Vec<std::ops::Range<usize>> {
    let mut chain = vec![target.instructions.clone()];
    let mut at = target;
    // Only earlier stages can be named, so this walks back at most once per stage.
    while let Some(parent) = at.base.as_ref().and_then(|base| {
        all.iter().take(at.index).rev().find(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(&base.value))
        })
    }) {
        chain.push(parent.instructions.clone());
        at = parent;
    }
    chain.reverse();
    chain
}

/// Joins `dockerfile` with one image's history.
pub fn join(
    dockerfile: &str,
    options: &Options,
    history: &[HistoryRow],
) -> Result<Join, JoinError> {
    Ok(Stencil::new(dockerfile, options)?.join(history))
}

/// Joins `dockerfile` with each candidate image's history, best first (by confidence, then
/// instructions matched, then the order given), so a UI can offer the choice when several
/// images match or none does.
pub fn best_image<Id: Clone>(
    dockerfile: &str,
    options: &Options,
    candidates: &[(Id, Vec<HistoryRow>)],
) -> Result<Vec<(Id, Join)>, JoinError> {
    let stencil = Stencil::new(dockerfile, options)?;
    let mut joined: Vec<(Id, Join)> = candidates
        .iter()
        .map(|(id, history)| (id.clone(), stencil.join(history)))
        .collect();
    joined.sort_by(|(_, a), (_, b)| {
        a.confidence
            .cmp(&b.confidence)
            .then(b.matched.cmp(&a.matched))
    });
    Ok(joined)
}

#[cfg(test)]
mod tests;
