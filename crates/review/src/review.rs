//! The review itself: the Dockerfile's instructions, each with the layer it wrote (from a
//! [`Join`] and the image's layer analysis) and the lint findings on its lines, beside the
//! build context report. Pure assembly: the caller reads the files and asks the engine.

use drydock_dockerfile::parse;
use drydock_inventory::HistoryRow;
use drydock_layers::LayerReport;
use drydock_lint::Finding;
use serde::Serialize;

use crate::context::ContextReport;
use crate::join::{Confidence, Join};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Review {
    /// The Dockerfile as the user named it.
    pub dockerfile: String,
    /// The image the Dockerfile was joined with, if one matched.
    pub image: Option<ReviewedImage>,
    /// Every instruction of the file, in order.
    pub instructions: Vec<Instruction>,
    /// Findings on no instruction's lines (a comment, the config).
    pub other_findings: Vec<Finding>,
    pub context: Option<ContextReport>,
    /// The images that matched at all, best first, so the user can pick another.
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewedImage {
    pub id: String,
    pub tags: Vec<String>,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Candidate {
    pub image: String,
    pub tags: Vec<String>,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ReviewInstruction"))]
pub struct Instruction {
    /// 1-based line the instruction starts on.
    pub line: usize,
    /// Its last line (continuations, heredocs).
    pub end_line: usize,
    /// The logical line as the builder parsed it.
    pub instruction: String,
    /// The history row's size; `None` when no row of the image is this instruction's.
    pub layer_bytes: Option<i64>,
    /// Bytes its layer wrote that a later layer hides; `None` when not measured.
    pub hidden_bytes: Option<u64>,
    /// The biggest of those paths, biggest first (at most [`PATHS_SHOWN`]).
    pub hidden_paths: Vec<HiddenPath>,
    /// Bytes of earlier layers that its layer hides (deletes, overwrites, copies up): what
    /// moving its work into the instruction that wrote them would save.
    pub hides_bytes: Option<u64>,
    pub findings: Vec<Finding>,
}

/// A path whose bytes are stored in one layer and hidden by a later one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HiddenPath {
    pub path: String,
    pub bytes: u64,
    /// The line of the instruction that hides it, when that instruction is this file's.
    pub hidden_by_line: Option<usize>,
}

/// How many hidden paths an instruction lists.
pub const PATHS_SHOWN: usize = 5;

/// The image side of a review: what was chosen, how it joined, and what was measured.
pub struct ImageInput<'a> {
    pub image: ReviewedImage,
    pub join: &'a Join,
    /// Newest first, the history the join was made on.
    pub history: &'a [HistoryRow],
    pub layers: Option<&'a LayerReport>,
}

/// Builds the review of `source` (named `dockerfile`).
pub fn review(
    dockerfile: String,
    source: &str,
    findings: Vec<Finding>,
    image: Option<ImageInput<'_>>,
    context: Option<ContextReport>,
    candidates: Vec<Candidate>,
) -> Review {
    let file = parse(source);
    let mut instructions: Vec<Instruction> = file
        .instructions
        .iter()
        .map(|ins| Instruction {
            line: ins.span.start.line as usize,
            end_line: ins.span.end.line.max(ins.span.start.line) as usize,
            instruction: ins.original.clone(),
            layer_bytes: None,
            hidden_bytes: None,
            hidden_paths: Vec::new(),
            hides_bytes: None,
            findings: Vec::new(),
        })
        .collect();
    if let Some(input) = &image {
        // Which instruction (by line) wrote each layer, to name the one that hides a path.
        let mut line_of_layer = std::collections::HashMap::new();
        let mut layer_of_ins = Vec::new();
        for step in &input.join.steps {
            let Some(at) = step.history_index else {
                continue;
            };
            let Some(ins) = instructions.iter_mut().find(|i| i.line == step.line) else {
                continue;
            };
            ins.layer_bytes = Some(step.layer_bytes);
            let Some(report) = input.layers else {
                continue;
            };
            if input.history.get(at).is_some_and(|r| r.empty_layer) {
                ins.hidden_bytes = Some(0);
                ins.hides_bytes = Some(0);
                continue;
            }
            if let Some(layer) = layer_of(input.history, at, report.layers.len()) {
                ins.hidden_bytes = report.layers.get(layer).map(|l| l.hidden_bytes);
                line_of_layer.insert(layer, step.line);
                layer_of_ins.push((step.line, layer));
            }
        }
        if let Some(report) = input.layers {
            attach_hidden(&mut instructions, &layer_of_ins, &line_of_layer, report);
        }
    }
    let mut other_findings = Vec::new();
    for finding in findings {
        let line = finding.line as usize;
        match instructions
            .iter_mut()
            .find(|i| i.line <= line && line <= i.end_line)
        {
            Some(ins) => ins.findings.push(finding),
            None => other_findings.push(finding),
        }
    }
    Review {
        dockerfile,
        image: image.map(|i| i.image),
        instructions,
        other_findings,
        context,
        candidates,
    }
}

/// Each instruction's hidden paths (the biggest its layer wrote that a later layer hides) and
/// the bytes of earlier layers its own layer hides. Linear in the wasted list.
fn attach_hidden(
    instructions: &mut [Instruction],
    layer_of_ins: &[(usize, usize)],
    line_of_layer: &std::collections::HashMap<usize, usize>,
    report: &LayerReport,
) {
    let mut written: std::collections::HashMap<usize, Vec<HiddenPath>> = Default::default();
    let mut hides: std::collections::HashMap<usize, u64> = Default::default();
    for w in &report.wasted {
        written.entry(w.written_in).or_default().push(HiddenPath {
            path: w.path.clone(),
            bytes: w.bytes,
            hidden_by_line: line_of_layer.get(&w.hidden_in).copied(),
        });
        *hides.entry(w.hidden_in).or_default() += w.bytes;
    }
    for &(line, layer) in layer_of_ins {
        let Some(ins) = instructions.iter_mut().find(|i| i.line == line) else {
            continue;
        };
        ins.hides_bytes = Some(hides.get(&layer).copied().unwrap_or(0));
        if let Some(mut paths) = written.remove(&layer) {
            paths.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
            paths.truncate(PATHS_SHOWN);
            ins.hidden_paths = paths;
        }
    }
}

/// The layer (lowest first) the history row `at` (newest first) wrote: the rows that wrote a
/// layer, counted from the oldest up to it. `None` when the history's layer-writing rows are
/// not as many as the layers, as then the count would name the wrong layer.
fn layer_of(history: &[HistoryRow], at: usize, layers: usize) -> Option<usize> {
    let writing = history.iter().filter(|r| !r.empty_layer).count();
    if writing != layers {
        return None;
    }
    let up_to = history.get(at..)?.iter().filter(|r| !r.empty_layer).count();
    up_to.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::join::{join, Options};

    fn row(created_by: &str, size: i64, empty: bool) -> HistoryRow {
        HistoryRow {
            id: "<missing>".into(),
            created: String::new(),
            created_by: created_by.into(),
            size,
            comment: String::new(),
            empty_layer: empty,
            tags: Vec::new(),
        }
    }

    fn finding(line: u32, code: &str) -> Finding {
        Finding {
            file: "Dockerfile".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            code: code.into(),
            rule: "some-rule".into(),
            level: drydock_lint::Level::Warning,
            message: "m".into(),
            hadolint: None,
            fix: None,
            edits: Vec::new(),
        }
    }

    #[test]
    fn layer_of_counts_writing_rows_from_the_oldest() {
        // Newest first: RUN (layer 2), ENV (none), COPY (layer 1), base (layer 0).
        let history = [
            row("RUN x", 5, false),
            row("ENV a=b", 0, true),
            row("COPY", 7, false),
            row("ADD base", 9, false),
        ];
        assert_eq!(layer_of(&history, 0, 3), Some(2));
        assert_eq!(layer_of(&history, 2, 3), Some(1));
        assert_eq!(layer_of(&history, 3, 3), Some(0));
        // A layer count that disagrees names no layer rather than a wrong one.
        assert_eq!(layer_of(&history, 0, 4), None);
    }

    #[test]
    fn instructions_carry_their_layer_hidden_bytes_and_findings() {
        let source = "FROM busybox\nCOPY big /big\nRUN rm /big && \\\n    true\n# note\n";
        let history = vec![
            row("/bin/sh -c rm /big &&     true", 0, false),
            row("/bin/sh -c #(nop) COPY file:abc in /big ", 1000, false),
            row("/bin/sh -c #(nop) ADD file:base in / ", 4000, false),
        ];
        let joined = join(source, &Options::default(), &history).expect("joins");
        let report: LayerReport = serde_json::from_value(serde_json::json!({
            "image": "x", "stored_bytes": 5000, "hidden_bytes": 1000, "efficiency": 0.8,
            "layers": [
                {"index": 0, "digest": "a", "created_by": "", "size": 4000, "files_added": 1,
                 "files_modified": 0, "files_removed": 0, "hidden_bytes": 0},
                {"index": 1, "digest": "b", "created_by": "", "size": 1000, "files_added": 1,
                 "files_modified": 0, "files_removed": 0, "hidden_bytes": 1000},
                {"index": 2, "digest": "c", "created_by": "", "size": 0, "files_added": 0,
                 "files_modified": 0, "files_removed": 1, "hidden_bytes": 0}
            ],
            "wasted": [
                {"path": "/big", "bytes": 1000, "written_in": 1, "hidden_in": 2, "how": "removed"}
            ]
        }))
        .expect("a layer report");
        let image = ReviewedImage {
            id: "sha256:x".into(),
            tags: vec![],
            confidence: joined.confidence,
        };
        let got = review(
            "Dockerfile".into(),
            source,
            vec![finding(4, "DD1"), finding(5, "DD2")],
            Some(ImageInput {
                image,
                join: &joined,
                history: &history,
                layers: Some(&report),
            }),
            None,
            Vec::new(),
        );
        let copy = &got.instructions[1];
        assert_eq!((copy.line, copy.layer_bytes), (2, Some(1000)));
        assert_eq!(copy.hidden_bytes, Some(1000));
        let run = &got.instructions[2];
        assert_eq!((run.line, run.end_line), (3, 4));
        assert_eq!(run.hidden_bytes, Some(0));
        // The COPY's file is hidden by the RUN on line 3, which is what the RUN hides.
        assert_eq!(
            copy.hidden_paths,
            [HiddenPath {
                path: "/big".into(),
                bytes: 1000,
                hidden_by_line: Some(3)
            }]
        );
        assert_eq!((copy.hides_bytes, run.hides_bytes), (Some(0), Some(1000)));
        assert_eq!(run.findings[0].code, "DD1");
        assert_eq!(got.other_findings[0].code, "DD2");
        // The base's FROM wrote nothing of this file's.
        assert_eq!(got.instructions[0].layer_bytes, None);
    }
}
