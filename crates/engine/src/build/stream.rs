//! Reading a build's answer: JSON lines from either builder, turned into progress, the built
//! image's id, or the builder's error.
//!
//! Pure: bytes in, events out, so both builders' shapes and hostile streams are tested without an
//! engine. Memory is bounded by the longest line (refused past [`MAX_LINE_BYTES`]) and the number
//! of distinct steps the build reports.

use super::proto;
use super::{BuildProgress, StepState};
use base64::Engine as _;
use serde::Deserialize;
use std::collections::HashMap;

/// One line of the stream; a BuildKit trace of a large step's log stays far below this.
pub(crate) const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Message {
    stream: Option<String>,
    error: Option<String>,
    #[serde(rename = "errorDetail")]
    error_detail: Option<ErrorDetail>,
    id: Option<String>,
    aux: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ErrorDetail {
    message: Option<String>,
}

/// What the stream said that is not progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The builder failed; `step` names the step when the stream said which.
    Failed {
        step: Option<String>,
        message: String,
    },
    /// A line longer than [`MAX_LINE_BYTES`].
    LineTooLong,
}

/// Where a step is, as far as the stream has told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    Started,
    Ended,
}

#[derive(Default)]
pub(crate) struct Decoder {
    line: Vec<u8>,
    /// The built image's id, once the stream gave it.
    pub image: Option<String>,
    pub outcome: Option<Outcome>,
    /// BuildKit repeats a step in every update: each step's last shown state.
    steps: HashMap<String, Seen>,
    /// The classic builder's current step, which a later error belongs to.
    current: Option<String>,
    /// A BuildKit step that failed, which the final error line belongs to.
    failed: Option<String>,
}

impl Decoder {
    /// Feeds a chunk of the answer, reporting progress as whole lines arrive.
    pub(crate) fn feed(&mut self, mut chunk: &[u8], progress: &mut dyn FnMut(BuildProgress)) {
        while !chunk.is_empty() && self.outcome.is_none() {
            match chunk.iter().position(|&b| b == b'\n') {
                Some(end) => {
                    self.line.extend_from_slice(&chunk[..end]);
                    chunk = &chunk[end + 1..];
                    let line = std::mem::take(&mut self.line);
                    if line.len() > MAX_LINE_BYTES {
                        self.outcome = Some(Outcome::LineTooLong);
                    } else {
                        self.line_of(&line, progress);
                    }
                }
                None => {
                    self.line.extend_from_slice(chunk);
                    if self.line.len() > MAX_LINE_BYTES {
                        self.outcome = Some(Outcome::LineTooLong);
                        self.line = Vec::new();
                    }
                    return;
                }
            }
        }
    }

    /// The end of the answer: a last line without its newline still counts.
    pub(crate) fn finish(&mut self, progress: &mut dyn FnMut(BuildProgress)) {
        let line = std::mem::take(&mut self.line);
        if self.outcome.is_none() && !line.is_empty() {
            self.line_of(&line, progress);
        }
    }

    fn line_of(&mut self, line: &[u8], progress: &mut dyn FnMut(BuildProgress)) {
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let Ok(message) = serde_json::from_slice::<Message>(line) else {
            // Not JSON: show it rather than lose what the engine said.
            progress(BuildProgress::Log {
                text: String::from_utf8_lossy(line).trim_end().to_owned(),
            });
            return;
        };
        if message.error.is_some() || message.error_detail.is_some() {
            let text = message
                .error_detail
                .and_then(|d| d.message)
                .or(message.error)
                .unwrap_or_default();
            self.outcome = Some(Outcome::Failed {
                step: self.failed.clone().or_else(|| self.current.clone()),
                message: text.trim().to_owned(),
            });
            return;
        }
        match (message.id.as_deref(), message.aux) {
            (Some("moby.buildkit.trace"), Some(serde_json::Value::String(encoded))) => {
                self.trace(&encoded, progress);
            }
            (_, Some(serde_json::Value::Object(aux))) => {
                // `moby.image.id` from BuildKit; the classic builder's aux has no id.
                if let Some(serde_json::Value::String(id)) = aux.get("ID") {
                    self.image = Some(id.clone());
                }
            }
            _ => {}
        }
        if let Some(text) = message.stream {
            self.classic(&text, progress);
        }
    }

    /// A classic builder line: `Step 2/3 : RUN …` starts a step, anything else is its output.
    fn classic(&mut self, text: &str, progress: &mut dyn FnMut(BuildProgress)) {
        for line in text.lines() {
            if let Some((index, of, name)) = classic_step(line) {
                self.current = Some(format!("[{index}/{of}] {name}"));
                progress(BuildProgress::Step {
                    index: Some(index),
                    of: Some(of),
                    name: name.to_owned(),
                    state: StepState::Started,
                    error: None,
                });
            } else if line.trim() == "---> Using cache" {
                if let Some(current) = &self.current {
                    let (index, of, name) = split_name(current);
                    progress(BuildProgress::Step {
                        index,
                        of,
                        name: name.to_owned(),
                        state: StepState::Cached,
                        error: None,
                    });
                }
            } else if !line.trim().is_empty() {
                progress(BuildProgress::Log {
                    text: line.trim_end().to_owned(),
                });
            }
        }
    }

    fn trace(&mut self, encoded: &str, progress: &mut dyn FnMut(BuildProgress)) {
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
            return;
        };
        let Some(status) = proto::status(&bytes) else {
            return;
        };
        for vertex in status.vertexes {
            let state = if !vertex.error.is_empty() {
                StepState::Failed
            } else if vertex.cached {
                StepState::Cached
            } else if vertex.completed {
                StepState::Done
            } else if vertex.started {
                StepState::Started
            } else {
                continue;
            };
            let seen = match state {
                StepState::Started => Seen::Started,
                _ => Seen::Ended,
            };
            if self.steps.get(&vertex.digest).is_some_and(|s| *s >= seen) {
                continue;
            }
            self.steps.insert(vertex.digest.clone(), seen);
            if state == StepState::Failed && self.failed.is_none() {
                self.failed = Some(vertex.name.clone());
            }
            let (index, of, name) = split_name(&vertex.name);
            progress(BuildProgress::Step {
                index,
                of,
                name: name.to_owned(),
                state,
                error: (!vertex.error.is_empty()).then(|| vertex.error.clone()),
            });
        }
        for log in status.logs {
            let text = String::from_utf8_lossy(&log.msg);
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                progress(BuildProgress::Log {
                    text: line.trim_end().to_owned(),
                });
            }
        }
    }
}

/// `Step 2/3 : RUN echo hi` → (2, 3, "RUN echo hi").
fn classic_step(line: &str) -> Option<(usize, usize, &str)> {
    let rest = line.strip_prefix("Step ")?;
    let (counts, name) = rest.split_once(" : ")?;
    let (index, of) = counts.split_once('/')?;
    Some((index.parse().ok()?, of.parse().ok()?, name.trim_end()))
}

/// `[2/3] RUN echo hi` → (2, 3, "RUN echo hi"); a stage-qualified `[build 2/3] …` too; internal
/// steps (`[internal] load .dockerignore`) keep their whole name and no index.
fn split_name(name: &str) -> (Option<usize>, Option<usize>, &str) {
    let parsed = name.strip_prefix('[').and_then(|rest| {
        let (inside, after) = rest.split_once("] ")?;
        let counts = inside.rsplit(' ').next()?;
        let (index, of) = counts.split_once('/')?;
        Some((index.parse().ok()?, of.parse().ok()?, after))
    });
    match parsed {
        Some((index, of, after)) => (Some(index), Some(of), after),
        None => (None, None, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> (Decoder, Vec<BuildProgress>) {
        let mut decoder = Decoder::default();
        let mut seen = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut |p| seen.push(p));
        }
        decoder.finish(&mut |p| seen.push(p));
        (decoder, seen)
    }

    #[test]
    fn classic_steps_cache_and_image_id_even_split_mid_line() {
        let answer = concat!(
            "{\"stream\":\"Step 1/2 : FROM bb:1\"}\n{\"stream\":\"\\n\"}\n",
            "{\"stream\":\" ---\\u003e 1234\\n\"}\n{\"stream\":\"Step 2/2 : RUN echo hi\\n\"}\n",
            "{\"stream\":\" ---\\u003e Using cache\\n\"}\n",
            "{\"aux\":{\"ID\":\"sha256:abc\"}}\n{\"stream\":\"Successfully built abc\\n\"}"
        )
        .as_bytes();
        let (whole, progress) = decode(&[answer]);
        let (split, again) = decode(&[&answer[..17], &answer[17..60], &answer[60..]]);
        assert_eq!(progress, again);
        assert_eq!(whole.image.as_deref(), Some("sha256:abc"));
        assert_eq!(split.image.as_deref(), Some("sha256:abc"));
        assert_eq!(
            progress[0],
            BuildProgress::Step {
                index: Some(1),
                of: Some(2),
                name: "FROM bb:1".into(),
                state: StepState::Started,
                error: None,
            }
        );
        assert!(progress.contains(&BuildProgress::Step {
            index: Some(2),
            of: Some(2),
            name: "RUN echo hi".into(),
            state: StepState::Cached,
            error: None,
        }));
    }

    #[test]
    fn a_classic_error_names_the_step_it_happened_in() {
        let answer = b"{\"stream\":\"Step 2/2 : RUN exit 3\\n\"}\n{\"errorDetail\":{\"code\":3,\"message\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"},\"error\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"}\n";
        let (decoder, _) = decode(&[answer]);
        assert_eq!(
            decoder.outcome,
            Some(Outcome::Failed {
                step: Some("[2/2] RUN exit 3".into()),
                message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3".into()
            })
        );
    }

    #[test]
    fn stage_and_internal_names() {
        assert_eq!(
            split_name("[build 2/5] RUN make"),
            (Some(2), Some(5), "RUN make")
        );
        assert_eq!(
            split_name("[internal] load .dockerignore"),
            (None, None, "[internal] load .dockerignore")
        );
        assert_eq!(split_name("[x/y] RUN"), (None, None, "[x/y] RUN"));
    }

    #[test]
    fn an_endless_line_is_refused_not_buffered() {
        let mut decoder = Decoder::default();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..20 {
            decoder.feed(&chunk, &mut |_| {});
        }
        assert_eq!(decoder.outcome, Some(Outcome::LineTooLong));
        assert!(decoder.line.capacity() <= MAX_LINE_BYTES + (1 << 21));
    }

    #[test]
    fn garbage_lines_become_logs_and_bad_traces_are_skipped() {
        let (decoder, progress) = decode(&[
            b"not json\n{\"id\":\"moby.buildkit.trace\",\"aux\":\"!!!\"}\n{\"id\":\"moby.buildkit.trace\",\"aux\":\"CgP/\"}\n",
        ]);
        assert_eq!(decoder.outcome, None);
        assert_eq!(
            progress,
            vec![BuildProgress::Log {
                text: "not json".into()
            }]
        );
    }
}
